"""A channel's working hours, and where a case reminder goes when its rule puts it outside them.

A deadline counted from a notice that arrived at 06:00 gives reminders at 02:00 ("4 hours left"),
when nobody reads the channel. Teams set their hours per channel (`/seller settings hours 9-21`,
default 09:00–21:00 in the channel's zone); a case reminder that would fall outside them is moved
*earlier*, to the end of the last working period before it, so it still comes before its deadline.
It is never moved later: a later reminder could arrive after the deadline it warns about. The one
exception is a reminder that a moment has come (`opens` rules: follow up if no reply, the funds may
be asked for): earlier it would say so before it is true, so it goes to the next working morning. When no
working time is left between now and the rule's time, the reminder keeps its time (still before the
deadline) and says it is outside working hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.errors import UsageError
from bot.i18n import pick

SETTING = "hours"
"""The key of the channel setting (bot/store.py `channel_settings`)."""

_CLOCK = r"(\d{1,2})(?:[:：.](\d{2}))?\s*(?:点|時|h)?"
_RANGE = re.compile(rf"^\s*{_CLOCK}\s*(?:-|–|—|~|～|到|至|to)\s*{_CLOCK}\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class WorkingHours:
    """From `start` to `end` every day, both included, in the channel's zone."""

    start: time = time(9, 0)
    end: time = time(21, 0)

    @property
    def always(self) -> bool:
        return self.start == time(0, 0) and self.end >= time(23, 59)

    def words(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    def stored(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, when: datetime, zone: ZoneInfo) -> bool:
        local = when.astimezone(zone).timetz().replace(tzinfo=None)
        return self.always or self.start <= local <= self.end

    def earliest_after(self, when: datetime, zone: ZoneInfo) -> datetime:
        """The first working moment at or after `when`: itself inside the hours, else the start of
        the same day's hours (before them) or of the next day (after them)."""
        if self.contains(when, zone):
            return when
        local = when.astimezone(zone)
        day = local.date() if local.timetz().replace(tzinfo=None) < self.start else local.date() + timedelta(days=1)
        return datetime.combine(day, self.start, tzinfo=zone).astimezone(when.tzinfo)

    def latest_before(self, when: datetime, zone: ZoneInfo) -> datetime:
        """The last working moment at or before `when`: itself inside the hours, else the end of the
        same day's hours (after them) or of the day before (before they start)."""
        if self.contains(when, zone):
            return when
        local = when.astimezone(zone)
        day = local.date() if local.timetz().replace(tzinfo=None) > self.end else local.date() - timedelta(days=1)
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(when.tzinfo)


DEFAULT = WorkingHours()


def parse(text: str, lang: str = "en") -> WorkingHours:
    """`9-21`, `09:00-21:00`, `8:30 - 18`, `9点-21点`, `9到21`; `0-24` means at any time."""
    match = _RANGE.match(text or "")
    if match:
        h1, m1, h2, m2 = (int(g) if g else 0 for g in match.groups())
        if h2 == 24 and m2 == 0:
            h2, m2 = 23, 59
        if h1 <= 23 and h2 <= 23 and m1 <= 59 and m2 <= 59 and (h1, m1) < (h2, m2):
            return WorkingHours(time(h1, m1), time(h2, m2))
    raise UsageError(pick(
        lang,
        en=f"`{text}` is not a range of working hours. Write the start and end hour, e.g. 9-21 or 08:30-18:00 "
           "(the start before the end, both on the same day; 0-24 for any time).",
        zh=f"`{text}` 不是工作时间段。请写开始和结束时间，例如 9-21 或 08:30-18:00"
           "（开始早于结束，同一天内；0-24 表示全天）。",
    ))


def read(text: str | None) -> WorkingHours:
    """The stored setting (`09:00-21:00`), or the default when none (or an unreadable one) is stored."""
    if not text:
        return DEFAULT
    try:
        return parse(text)
    except UsageError:
        return DEFAULT


def channel_hours(svc, platform: str, channel: str, workspace: str | None = "") -> WorkingHours:
    return read(svc.store.get_setting(platform, channel, SETTING, workspace or ""))


@dataclass(frozen=True)
class Placement:
    at: datetime
    moved: bool = False
    """Moved earlier into working hours."""
    outside: bool = False
    """Outside working hours because no working time was left before it."""


def place(at: datetime, *, now: datetime, zone: ZoneInfo, hours: WorkingHours, later: bool = False) -> Placement:
    """Where a reminder the rules want at `at` goes: there when inside working hours; else the last
    working moment before it, if that is still ahead of `now`; else `at` itself, flagged. `later`:
    the reminder says a moment has come (follow up now), so it goes to the first working moment
    after it instead, which can never be too late."""
    if hours.contains(at, zone):
        return Placement(at)
    if later:
        return Placement(hours.earliest_after(at, zone), moved=True)
    earlier = hours.latest_before(at, zone)
    if earlier > now:
        return Placement(earlier, moved=True)
    return Placement(at, outside=True)


def left_words(delta: timedelta, lang: str) -> str:
    """How long is left before a deadline, exact to the minute: "30 hours", "5 hours 30 minutes" /
    "30小时", "5小时30分钟" (a moved reminder is rarely a round number of hours before)."""
    from babel.units import format_unit

    from bot.reminders import times

    seconds = int(delta.total_seconds())
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if not minutes or not hours:
        return times.span(delta, lang)
    locale = times.babel_locale(lang)
    length: Literal["short", "long"] = "short" if lang == "zh" else "long"
    joiner = "" if lang == "zh" else " "
    return joiner.join((format_unit(hours, "duration-hour", length=length, locale=locale),
                        format_unit(minutes, "duration-minute", length=length, locale=locale)))
