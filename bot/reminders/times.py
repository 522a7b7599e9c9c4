"""Natural-language times in English and Chinese, read and shown in the channel's time zone.

dateparser does the calendar work (relative offsets, weekdays, absolute dates, time zones). Its
Chinese data misses common phrases ("明天上午10点", "下周一", "三天后"), so Chinese input is first
rewritten into the English phrase dateparser knows: cn2an turns Chinese numerals into digits, and
`_ZH_REWRITES` maps the handful of Chinese time words (day words, weekdays, 上午/下午, 点/分,
"N天后") onto their English twins. The one date worked out here is 下周X (the X of next week),
which dateparser would read as the coming X.
"""

from __future__ import annotations

import calendar
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import partial
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from bot.errors import UsageError
from bot.i18n import pick

EXAMPLES_EN = '"in 2 hours", "tomorrow 9am", "next Monday 10:00", "2026-12-01 09:00"'
EXAMPLES_ZH = '"3天后", "明天上午10点", "下周一", "12月1日 9点"'
DURATION_EXAMPLES = '"1h", "30 minutes", "2 days", "2天", "半小时"'
DEFAULT_HOUR = time(9, 0)
"""A date given without a time of day ("next Monday", "12月1日") means 09:00 local."""

YEARS = (1970, 2100)
"""The years a time may name: beyond them a date is a typo, and Python's calendar would overflow
(9999-12-31 23:59 in New York is after the year 9999 in UTC)."""

MAX_GLUED_CHARS = 16
"""Longest time phrase looked for inside a first word written without spaces ("明天上午10点提交申诉")."""
_PARSERS = ["relative-time", "absolute-time", "custom-formats"]  # no bare Unix timestamps
_CJK = re.compile(r"[\u3400-\u9fff]")
_UNITS = {
    "秒": "seconds", "秒钟": "seconds", "分": "minutes", "分钟": "minutes", "小时": "hours",
    "钟头": "hours", "天": "days", "日": "days", "周": "weeks", "星期": "weeks", "礼拜": "weeks",
    "月": "months", "年": "years",
}
_UNIT = "(秒钟|秒|分钟|小时|钟头|天|日|周|星期|礼拜|月|年)"
_WEEKDAYS = {"1": "monday", "2": "tuesday", "3": "wednesday", "4": "thursday", "5": "friday",
             "6": "saturday", "7": "sunday", "日": "sunday", "天": "sunday"}
_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = {"大后天": "in 3 days", "后天": "in 2 days", "明天": "tomorrow", "明日": "tomorrow",
              "今天": "today", "今日": "today", "今晚": "today 晚上", "明晚": "tomorrow 晚上",
              "昨天": "yesterday", "昨晚": "yesterday 晚上", "前天": "2 days ago"}
_PERIOD_PM = {"下午", "傍晚", "晚上", "夜里", "晚"}
_PERIOD_DEFAULT = {"凌晨": "03:00", "早上": "09:00", "早晨": "09:00", "上午": "09:00", "中午": "12:00",
                   "下午": "15:00", "傍晚": "18:00", "晚上": "20:00", "夜里": "22:00"}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]


def _clock_time(match: re.Match) -> str:
    period, hour, half, minute = match.group(1), int(match.group(2)), match.group(3), match.group(4)
    if period in _PERIOD_PM and hour < 12:
        hour += 12
    elif period == "中午" and hour < 11:
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    minutes = 30 if half else int(minute or 0)
    return f" {hour:02d}:{minutes:02d} "


_ZH_WEEKDAY = re.compile(r"(下个?|上个?|这个?|本)?\s*(?:周|星期|礼拜)\s*([1-7日天])")


def _weekday(match: re.Match, today: date) -> str:
    """周三 is the coming Wednesday; 下周三 is the Wednesday of next week (Chinese usage, which
    dateparser's "next wednesday" does not follow), written as a date; 上周三 is last week's."""
    prefix, day = (match.group(1) or " ")[0], _WEEKDAYS[match.group(2)]
    if prefix == "下":
        monday = today + timedelta(days=7 - today.weekday())
        return f" {(monday + timedelta(days=list(_WEEKDAY_NAMES).index(day))).isoformat()} "
    return f" {'last ' if prefix == '上' else ''}{day} "


_ZH_REWRITES: list[tuple[re.Pattern, object]] = [
    (re.compile(r"(\d+)\s*个?半(?:小时|钟头)"), lambda m: f"{int(m.group(1)) * 60 + 30}分钟"),
    (re.compile(r"半(?:个)?(?:小时|钟头)"), "30分钟"),
    (re.compile(r"(\d+(?:\.\d+)?)\s*个?\s*" + _UNIT + r"\s*(?:以后|之后|后)"),
     lambda m: f" in {m.group(1)} {_UNITS[m.group(2)]} "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*个?\s*" + _UNIT + r"\s*(?:以前|之前|前)"),
     lambda m: f" {m.group(1)} {_UNITS[m.group(2)]} ago "),
    (re.compile("|".join(sorted(_DAY_WORDS, key=len, reverse=True))), lambda m: f" {_DAY_WORDS[m.group(0)]} "),
    (_ZH_WEEKDAY, None),  # needs today's date: see zh_to_en
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"),
     lambda m: f" {m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d} "),
    (re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), lambda m: f" {_MONTHS[int(m.group(1)) - 1]} {int(m.group(2))} "
     if 1 <= int(m.group(1)) <= 12 else m.group(0)),
    (re.compile(r"(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|晚)?\s*(\d{1,2})\s*(?:[点點时]|[:：](?=\d))\s*(?:(半)|(\d{1,2})\s*分?)?"),
     _clock_time),
    (re.compile("|".join(_PERIOD_DEFAULT)), lambda m: f" {_PERIOD_DEFAULT[m.group(0)]} "),
    (re.compile(r"[的在于,，]"), " "),
]


def zh_to_en(text: str, today: date | None = None) -> str:
    """Rewrite a Chinese time phrase into the English one dateparser understands."""
    import cn2an  # here, not at the top: a process that only asks never loads it (~0.3 s)

    today = today or date.today()
    with warnings.catch_warnings():  # cn2an warns about digit runs it leaves alone ("万万")
        warnings.simplefilter("ignore")
        try:
            text = cn2an.transform(text, "cn2an")
        except Exception:  # a numeral it cannot read: the phrase will simply not parse
            pass
    for pattern, replacement in _ZH_REWRITES:
        text = pattern.sub(replacement or (lambda m: _weekday(m, today)), text)
    return " ".join(text.split())


class Unreadable(UsageError):
    """A phrase that looks like a time but names none (2月30日, 下午25点, 2026-13-01, 02:30 on the night the
    clocks skip it): a clear error in the user's language, never a nearby time guessed instead. Raised
    deep in the parser in English; `told` gives the same error in the language of the reply."""

    def __init__(self, en: str, zh: str, lang: str = "en"):
        super().__init__(pick(lang, en=en, zh=zh))
        self.en, self.zh = en, zh

    def told(self, lang: str) -> "Unreadable":
        return Unreadable(self.en, self.zh, lang)


class OutOfRange(Unreadable):
    """A phrase that names a date outside `YEARS`: a clear error, not a time. `year` is None when the
    date is past any calendar ("in 10000000000 days")."""

    def __init__(self, year: int | None, lang: str = "en"):
        first, last = YEARS
        if year is None:
            super().__init__(f"That date is out of range: give a date between {first} and {last}.",
                             f"日期超出范围：请填写 {first} 年到 {last} 年之间的日期。", lang)
        else:
            super().__init__(f"The year {year} is out of range: give a date between {first} and {last}.",
                             f"年份 {year} 超出范围：请填写 {first} 年到 {last} 年之间的日期。", lang)
        self.year = year

    def told(self, lang: str) -> "OutOfRange":
        return OutOfRange(self.year, lang)


def _in_range(when: datetime) -> datetime:
    """`when` itself, or OutOfRange when its year (in its own zone, or UTC) is outside `YEARS`."""
    first, last = YEARS
    if not first <= when.year <= last:
        raise OutOfRange(when.year)
    return when


def _date(year: int, month: int, day: int) -> date:
    """The date, or Unreadable saying which part does not exist ("2月没有30日", "没有13月")."""
    if not YEARS[0] <= year <= YEARS[1]:
        raise OutOfRange(year)
    if not 1 <= month <= 12:
        raise Unreadable(f"Not a date: there is no month {month}.", f"日期有误：没有{month}月。")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        if day <= calendar.monthrange(2000, month)[1]:  # 2月29日 of a year that is not a leap year
            raise Unreadable(f"Not a date: February {year} has no day 29.", f"日期有误：{year}年2月没有29日。")
        raise Unreadable(f"Not a date: {_MONTHS[month - 1]} has no day {day}.", f"日期有误：{month}月没有{day}日。")
    return date(year, month, day)


def _clock(hour: int, minute: int) -> tuple[int, int]:
    """The hour and minute as typed (24 is the midnight that ends a day), or Unreadable: 25点, 9点61分."""
    if hour > 24 or (hour == 24 and minute):
        raise Unreadable(f"Not a time: there is no {hour}:{minute:02d} (hours go from 0 to 24).",
                         f"时间有误：没有{hour}点（小时是 0 到 24）。")
    if minute > 59:
        raise Unreadable(f"Not a time: there is no minute {minute} (minutes go from 0 to 59).",
                         f"时间有误：没有{minute}分（分钟是 0 到 59）。")
    return hour, minute


_NUMERIC_DATE = re.compile(r"(?<![\d-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC_CLOCK = re.compile(r"(?<![\d:])(\d{1,2})[:：](\d{2})(?![\d])")


def _check_named_dates(text: str) -> None:
    """English dates with a month name must exist too: dateparser reads "feb 30" as the month
    alone (6 February, the text keeping "30"). Without a year, 29 February is allowed (the next
    one there is, as 2月29日); with one, it must be a leap year."""
    for match in _NAMED_DATE.finditer(text):
        month = _MONTH_ABBR.index((match.group("m1") or match.group("m2"))[:3].lower()) + 1
        day, year = match.group("d1") or match.group("d2"), match.group("y1") or match.group("y2")
        _date(int(year) if year else 2000, month, int(day))  # 2000: a leap year


def _check_numbers(text: str) -> None:
    """Dates and clock times written in digits must exist: dateparser would read 2026-13-01 as 13
    January and 25:61 as something else again."""
    for match in _NUMERIC_DATE.finditer(text):
        _date(*(int(group) for group in match.groups()))
    _check_named_dates(text)
    for match in _NUMERIC_CLOCK.finditer(text):
        _clock(int(match.group(1)), int(match.group(2)))


_CLOCK_TYPED = re.compile(r"\d[:：.]\d{2}|\d\s*[ap]\.?m\b|\b(?:noon|midnight)\b", re.IGNORECASE)


def _wall(when: datetime, zone: ZoneInfo, *, typed_clock: bool = True) -> datetime:
    """The instant (aware UTC) of a wall time in `zone`. A clock time the zone skips that day (02:30 when
    the clocks go from 02:00 to 03:00) is refused, naming the time it would have become, rather than
    moved silently; a time of day that was not typed (明天 keeps the time now) just moves."""
    aware = when.replace(tzinfo=zone)
    instant = aware.astimezone(timezone.utc)
    shown = instant.astimezone(zone)
    if typed_clock and shown.replace(tzinfo=None) != when.replace(tzinfo=None):
        day, hm, moved = when.date().isoformat(), when.strftime("%H:%M"), shown.strftime("%H:%M")
        raise Unreadable(
            f"{hm} does not exist on {day} in {zone_label(zone)}: the clocks go forward that night. Pick another time, such as {moved}.",
            f"{day} 的 {hm} 在 {zone_label(zone)} 不存在：当晚时钟拨快。请换一个时间，例如 {moved}。")
    return instant


def _date_data(text: str, local_base: datetime, prefer: str) -> Any:
    """dateparser's reading of a phrase (its date and the period it names: time, day, week, month,
    year), or None when it reads none."""
    from dateparser.date import DateDataParser  # loaded by the first time phrase, not by every process

    settings = {
        "RELATIVE_BASE": local_base,
        "PREFER_DATES_FROM": prefer,
        "PARSERS": _PARSERS,
        "RETURN_TIME_AS_PERIOD": True,
    }
    try:
        data = DateDataParser(languages=["en", "zh"], settings=settings).get_date_data(text)
    except OverflowError:  # "in 10000000000 days": past the calendar, out of range like the year 9999
        raise OutOfRange(None) from None
    return data if data.date_obj is not None else None


def vague(text: str, *, now: datetime, zone: ZoneInfo) -> bool:
    """Whether a phrase names only a month or a year ("明年", "next year", "next month", "feb"):
    dateparser gives it a day (today's, a year on), but nobody who says it means that day."""
    text = " ".join(text.split())
    local_base = now.astimezone(zone).replace(tzinfo=None)
    if _CJK.search(text):
        found = _zh_tokens(text, local_base.date())
        if found is not None and found[0] == len(text):  # the grammar names a day (下个月 is the 1st)
            return False
    candidates = [zh_to_en(text, local_base.date()), text] if _CJK.search(text) else [text]
    for candidate in candidates:
        data = _date_data(candidate, local_base, "future")
        if data is not None:
            return data.period in ("month", "year")
    return False


_LENGTH_UNIT = r"sec(?:ond)?s?|min(?:ute)?s?|h|hrs?|hours?|d|days?|w|weeks?"
"""An English unit of a length as typed ("1.5 hours", "in 3 d"); `_unit_seconds` gives its size."""
_DECIMAL_LENGTH = re.compile(rf"(?<![\d.])(\d*\.\d+)\s*({_LENGTH_UNIT})\b", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "mo": 31 * 86400, "y": 366 * 86400}


def _unit_seconds(unit: str) -> int:
    """Seconds in an English unit as typed ("mins", "h", "weeks"); a month and a year at their longest."""
    unit = unit.lower()
    key = "mo" if unit.startswith("mo") else "m" if unit.startswith("min") else unit[0]
    return _UNIT_SECONDS[key]


def _whole_lengths(text: str) -> str:
    """"1.5 hours" → "90 minutes", "2.5 days" → "60 hours": dateparser reads no decimal length, and
    the same length in a smaller unit is exact (as 2.5天后 is 60 hours in the Chinese grammar)."""

    def whole(match: re.Match) -> str:
        seconds = round(float(match.group(1)) * _unit_seconds(match.group(2)))
        for name, size in (("hours", 3600), ("minutes", 60)):
            if seconds % size == 0:
                return f"{seconds // size} {name}"
        return f"{seconds} seconds"

    return _DECIMAL_LENGTH.sub(whole, text)


def _parse(text: str, base: datetime, zone: ZoneInfo, prefer: str, *, date_only_at_nine: bool = True) -> datetime | None:
    text = _whole_lengths(text)
    local_base = base.astimezone(zone).replace(tzinfo=None)
    data = _date_data(text, local_base, prefer)
    if data is None:
        return None
    when = _in_range(data.date_obj)
    if when.tzinfo is not None:  # the phrase named its own zone ("10:00 UTC", "+08:00")
        return _in_range(when.astimezone(timezone.utc))
    # a wall time in the channel's zone: dateparser did the calendar work on wall times
    # (so "tomorrow 9am" stays 9am across a DST change); zoneinfo gives the offset
    if date_only_at_nine and data.period == "day" and when.time() == time(0, 0) != local_base.time():
        when = when.replace(hour=DEFAULT_HOUR.hour, minute=DEFAULT_HOUR.minute)
    # a month named alone ("march", "3月") is its 1st at 09:00, as 下个月 is; dateparser gave today's
    # day of that month at midnight, a moment nobody meant
    if date_only_at_nine and data.period == "month" and when.time() == time(0, 0) != local_base.time():
        when = when.replace(day=1, hour=DEFAULT_HOUR.hour, minute=DEFAULT_HOUR.minute)
    return _in_range(_wall(when, zone, typed_clock=bool(_CLOCK_TYPED.search(text))))


_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
"""A bare number, signed or not, is not a time ("3" would be the 3rd of some month, "-1" a year ago)."""


def read_time(
    text: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    prefer: Literal["future", "past"] = "future",
    lang: str = "en",
) -> datetime | None:
    """The instant a phrase names (aware UTC), or None when it names none.

    A bare number is not a time, so it is refused; a date that does not exist (2月30日, 2026-13-01,
    25点, a year outside `YEARS`, a clock time the zone skips) raises Unreadable (in `lang`).
    """
    try:
        return _read_time(" ".join(text.split()), now, zone, prefer)
    except Unreadable as exc:
        raise exc.told(lang) from None


_EN_MONTH_END = re.compile(r"^(?:by\s+)?(?:the\s+)?end\s+of\s+(?:(?:the|this)\s+|(next)\s+)?month\b(?:\s+at\b)?",
                           re.IGNORECASE)
"""English for 月底 / 下个月底 ("end of month", "by the end of the month"): read as the Chinese, so
it is the same day (the last of the month at 09:00, next month's once this one's has passed)."""
_EVENING = re.compile(r"^(?:tonight|this evening|today evening|今晚|今天晚上|今夜)$", re.IGNORECASE)


def _evening_begun(now: datetime, zone: ZoneInfo) -> datetime:
    """"tonight" said after 20:00 (or "this evening" after 18:00) means later this evening, not the
    hour it stands for: an hour from now. Slack documents no reading of it, and an hour is the
    shortest wait a person means by a vague word rather than typing "in 30 minutes". Once less than
    an hour of the day is left, a clear error asks for a precise time rather than one past midnight."""
    later = now + timedelta(hours=1)
    if later.astimezone(zone).date() != now.astimezone(zone).date():
        raise Unreadable('Tonight is almost over: give a precise time, such as "in 30 minutes" or "tomorrow 9am".',
                         "今晚快要过去了：请写一个确切的时间，例如“30分钟后”或“明天上午9点”。")
    return later


def _read_time(text: str, now: datetime, zone: ZoneInfo, prefer: str) -> datetime | None:
    if not text or _NUMBER.match(text):
        return None
    when = _read_time_as_typed(_EN_MONTH_END.sub(lambda m: "下个月底 " if m.group(1) else "月底 ", text).strip(),
                               now, zone, prefer)
    if when is not None and when <= now and prefer == "future" and _EVENING.match(text):
        return _evening_begun(now, zone)
    return when


def _read_time_as_typed(text: str, now: datetime, zone: ZoneInfo, prefer: str) -> datetime | None:
    _check_numbers(text)
    if _CJK.search(text):
        found = _zh_tokens(text, now.astimezone(zone).date())
        if found is not None and found[0] == len(text) and not found[1].recur:
            instant = _zh_instant(found[1], now, zone, prefer)
            if instant is not None:
                return instant[0]
    candidates = [zh_to_en(text, now.astimezone(zone).date()), text] if _CJK.search(text) else [text]
    for candidate in candidates:
        if candidate and not _NUMBER.match(candidate):
            when = _parse(candidate, now, zone, prefer)
            if when is not None:
                return when
            if _beyond_years(candidate, now):
                raise OutOfRange(None)
    return None


_EN_LENGTH = re.compile(rf"^in\s+(\d+)\s*({_LENGTH_UNIT}|months?|years?)$", re.IGNORECASE)


def _beyond_years(text: str, now: datetime) -> bool:
    """Whether "in <length>" ends after `YEARS`: dateparser reads "in 10000000 days" as no time at all,
    where the user gets "out of range" as for the year 9999."""
    match = _EN_LENGTH.match(text)
    if match is None:
        return False
    end = datetime(YEARS[1] + 1, 1, 1, tzinfo=timezone.utc)
    return int(match.group(1)) * _unit_seconds(match.group(2)) > (end - now).total_seconds()


def _examples(lang: str) -> str:
    return pick(lang, en=f"Try {EXAMPLES_EN} or {EXAMPLES_ZH}.", zh=f"例如 {EXAMPLES_ZH} 或 {EXAMPLES_EN}。")


def parse_future(text: str, *, now: datetime, zone: ZoneInfo, lang: str = "en") -> datetime:
    """A time that must lie ahead (a reminder's due time); a clear UsageError otherwise."""
    when = read_time(text, now=now, zone=zone, prefer="future", lang=lang)
    if when is None:
        raise UsageError(
            pick(lang, en=f'I could not read "{text}" as a time. ', zh=f"无法识别时间“{text}”。") + _examples(lang)
        )
    if when <= now:
        raise UsageError(
            pick(
                lang,
                en=f'"{text}" is in the past ({human(when, zone, lang)}). ',
                zh=f"“{text}”已经过去了（{human(when, zone, lang)}）。",
            )
            + _examples(lang)
        )
    return when


def parse_past(text: str, *, now: datetime, zone: ZoneInfo, lang: str = "en") -> datetime:
    """A time that has happened (a notice's receipt, an appeal sent); a clear UsageError otherwise."""
    when = read_time(text, now=now, zone=zone, prefer="past", lang=lang)
    if when is None:
        raise UsageError(
            pick(
                lang,
                en=f'I could not read "{text}" as a time. Try "2026-11-20 09:00", "yesterday 18:00", "3 days ago", "昨天下午3点".',
                zh=f"无法识别时间“{text}”。例如 “2026-11-20 09:00”、“昨天下午3点”、“3天前”。",
            )
        )
    if when > now + timedelta(minutes=1):
        raise UsageError(
            pick(
                lang,
                en=f'"{text}" is in the future ({human(when, zone, lang)}); give the time it happened.',
                zh=f"“{text}”是将来的时间（{human(when, zone, lang)}），请填写实际发生的时间。",
            )
        )
    return min(when, now)


_EN_MONTH = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_MONTH_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMED_DATE = re.compile(
    rf"\b(?:(?P<m1>{_EN_MONTH})\.?\s+(?:the\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:.]|\s*[ap]\.?m\b)"
    rf"(?:,?\s+(?P<y1>\d{{4}})(?![\d:]))?"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_EN_MONTH})\b\.?(?:,?\s+(?P<y2>\d{{4}})(?![\d:]))?)",
    re.IGNORECASE,
)
"""An English date with a month name: "feb 30", "February 30th, 2027", "30 feb", "the 30th of February"."""
_EN_UNIT = r"sec(?:ond)?s?|min(?:ute)?s?|h|hrs?|hours?|days?|weeks?|fortnights?|months?|years?|am|pm|a\.m\.|p\.m\.|o'clock"
_EN_UNIT_WORD = re.compile(r"^(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|days?|weeks?|months?|years?)$", re.IGNORECASE)
_EN_TIME_WORD = re.compile(
    rf"^(?:{_EN_MONTH}|{_EN_UNIT}|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?"
    r"|in|at|on|by|the|a|an|of|and|next|this|last|coming|after|before|from|now|today|tonight|tomorrow|yesterday|end"
    r"|noon|midday|midnight|morning|afternoon|evening|night|half|quarter|couple|few"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty"
    r"|utc|gmt|z|[ecmp][sd]t|cest?|bst|jst|hkt|sgt"
    r"|\d+|\d*\.\d+|\d{1,4}(?:st|nd|rd|th)?|\d{1,2}(?:[:.]\d{2}){0,2}(?:am|pm|a\.m\.|p\.m\.)?|\d+(?:\.\d+)?(?:h|hrs?|m|mins?|d|w)"
    r"|\d{4}-\d{1,2}-\d{1,2}(?:t[\d:.]+z?)?|\d{1,2}/\d{1,2}(?:/\d{2,4})?|[+-]\d{2}:?\d{2})$",
    re.IGNORECASE,
)
"""The words an English time phrase is made of: a reminder's time is the leading run of them, so
the text after it ("3 orders to refund", "at the warehouse") is never read into the time."""
_EN_DANGLING = re.compile(r"^(?:in|at|on|by|the|a|an|of|and|next|this|last|coming|after|before|from|half|quarter|couple|few|end)$",
                          re.IGNORECASE)
_EN_BEFORE_NUMBER = re.compile(rf"^(?:{_EN_MONTH}|at|on|by|in|the)$", re.IGNORECASE)  # Dec 1, at 10, in 3…
_EN_AFTER_NUMBER = re.compile(rf"^(?:{_EN_MONTH}|{_EN_UNIT})$", re.IGNORECASE)  # …3 days, 1 December, 3 pm


def _bare(word: str) -> str:
    return word.rstrip(",;!?")


def _time_words(words: list[str]) -> int:
    """How many leading words may belong to a time phrase: English time words, or Chinese (read by
    the grammar); "{{" or "--" is text, though dateparser would skip over it."""
    count = 0
    for word in words:
        if not (_EN_TIME_WORD.match(_bare(word)) or (_CJK.search(word) and any(ch.isalnum() for ch in word))):
            break
        count += 1
    return count


_DECIMAL = re.compile(r"^\d*\.\d+$")


def _whole_phrase(words: list[str]) -> bool:
    """Whether the words can be a whole time phrase: none left dangling at its end ("tomorrow 9am
    at"), and each bare number next to what makes it a time ("Dec 1", "in 3 days", "at 10"), so in
    "tomorrow 9am 3 orders" the 3 is the text's; a decimal is a length only before its unit ("1.5 hours")."""
    bare = [_bare(word) for word in words]
    if _EN_DANGLING.match(bare[-1]):
        return False
    for i, word in enumerate(bare):
        if _DECIMAL.match(word) and not (i + 1 < len(bare) and _EN_UNIT_WORD.match(bare[i + 1])):
            return False
        if len(word) == 4 and word.isdigit() and i > 1 and _EN_BEFORE_NUMBER.match(bare[i - 2]):
            continue  # the year of "Dec 1, 2026"
        if word.isdigit() and not ((i > 0 and _EN_BEFORE_NUMBER.match(bare[i - 1]))
                                   or (i + 1 < len(bare) and _EN_AFTER_NUMBER.match(bare[i + 1]))):
            return False
    return True


def _shortest(words: list[str], size: int, when: datetime, *, now: datetime, zone: ZoneInfo, lang: str) -> int:
    """The fewest leading words that still name `when`, dropping only a trailing unit word: in "in 1
    second second" the last word changes nothing, so it is the text (where in "saturday 9am" the 9am
    is the time's, though Saturday alone is 09:00 too)."""
    while size > 1 and _EN_UNIT_WORD.match(_bare(words[size - 1])) and _whole_phrase(words[:size - 1]):
        try:
            shorter = read_time(" ".join(words[:size - 1]), now=now, zone=zone, lang=lang)
        except UsageError:
            break
        if shorter != when:
            break
        size -= 1
    return size


def split_when(words: list[str], *, now: datetime, zone: ZoneInfo, lang: str = "en", max_words: int = 8) -> tuple[datetime, str]:
    """Split `<when> <text>` where the time phrase is the longest leading run of time words that reads
    as a time ahead ("tomorrow 9am send the appeal"); the text is the rest, as typed. Chinese written
    without spaces ("明天上午10点提交申诉") is split inside the first word."""
    if len(words) < 2 and not (words and _CJK.search(words[0])):
        raise UsageError(pick(lang, en="Say when and what to remind.", zh="请写明提醒时间和内容。"))
    past: datetime | None = None
    out_of_range: OutOfRange | None = None  # told only when no shorter phrase is a time
    for size in range(min(max_words, _time_words(words)), 0, -1):
        if not _whole_phrase(words[:size]):
            continue
        if size == len(words) > 1 and len(_bare(words[-1])) == 1:
            continue  # "at 5pm z": a last word of one letter is the text, not a military time zone
        phrase = " ".join(words[:size])
        try:
            when = read_time(phrase, now=now, zone=zone, lang=lang)
        except OutOfRange as exc:
            out_of_range = out_of_range or exc
            continue
        if when is not None:
            if when > now:
                size = _shortest(words, size, when, now=now, zone=zone, lang=lang)
                if size == len(words):  # "tomorrow 9am": a time, and nothing to remind of
                    raise _ask_text(lang)
                return when, " ".join(words[size:])
            past = past or when
    first = words[0]
    if _CJK.search(first):
        # The whole word first: "明天上午10点" alone is a time with no text, not "明天上午10" + "点".
        for cut in range(min(len(first), MAX_GLUED_CHARS), 0, -1):
            if first[cut - 1:cut + 1] in _TEXT_WORDS:
                continue  # 7天内容: 7天 and the text's 内容, not 7天内 and 容
            try:
                when = read_time(first[:cut], now=now, zone=zone, lang=lang)
            except OutOfRange as exc:
                out_of_range = out_of_range or exc
                continue
            if when is not None:
                rest = " ".join([first[cut:], *words[1:]]).strip()
                if when > now and rest:
                    return when, rest
                if when > now and cut == len(first):
                    raise UsageError(pick(lang, en="What should I remind you of? Add the text after the time.",
                                          zh="要提醒什么？请在时间后面写上提醒内容。"))
                past = past or when
    if out_of_range is not None:
        raise out_of_range
    if _BARE_HOUR.match(first):
        hour = int(first)
        raise UsageError(pick(lang, en=f'"{hour}" alone is no clear time, {hour} am or {hour} pm? Write "{hour}pm" or "{hour}am" '
                                       f'(or "in {hour} hours").',
                              zh=f"“{hour}”不是明确的时间，不能确定是上午还是下午：请写“下午{hour}点”或“上午{hour}点”（或“{hour}小时后”）。"))
    if past is not None:
        raise UsageError(
            pick(lang, en=f"That time is in the past ({human(past, zone, lang)}). ",
                 zh=f"这个时间已经过去了（{human(past, zone, lang)}）。") + _examples(lang)
        )
    raise UsageError(
        pick(lang, en=f'I could not find a time at the start of "{" ".join(words)}". ',
             zh=f"没有在“{' '.join(words)}”开头找到时间。") + _examples(lang)
    )


_BARE_HOUR = re.compile(r"^(?:[1-9]|1[0-2])$")
"""A lone hour ("at 5 check claims"): 5 am and 5 pm are both a person's reading, so it is asked, not guessed."""
_PART_OF_MONTH = re.compile(r"^\s*(?:in\s+)?\d+[.,]\d+\s*(?:months?\b|years?\b|个月|年)", re.IGNORECASE)
"""1.5 months, 1.5个月后: a calendar month has no fixed length to take half of."""


def _refuse_part_of_month(text: str, lang: str) -> None:
    """Refused before any reading: "2.5 years" read as 5 February, "1.5个月后" as 1 January."""
    if _PART_OF_MONTH.match(text):
        raise UsageError(pick(lang, en='A length in months or years is counted whole: write weeks or days instead '
                                       '(e.g. "in 6 weeks", "in 45 days").',
                              zh="以月或年计的时长只能用整数：请改用周或天（如“6周后”“45天后”）。"))

_UTC = ZoneInfo("UTC")
_DURATION_BASES = (datetime(2001, 1, 1, 0, 0, tzinfo=timezone.utc), datetime(2001, 1, 2, 7, 13, tzinfo=timezone.utc))


def _zh_later(length: str, base: datetime) -> datetime | None:
    """The instant `length` after `base` when the grammar reads "<length>后" whole (一个小时 → 一个小时后)."""
    phrase = length if length.endswith("后") else f"{length}后"
    found = _zh_tokens(phrase, base.date())
    if found is None or found[0] != len(phrase) or found[1].offset is None:
        return None
    instant = _zh_instant(found[1], base, _UTC, "future")
    return None if instant is None else instant[0]


_QUANTITY = re.compile(r"\d|[零〇一二两三四五六七八九十百半几]|\b(?:an?|half|couple|few|one|two|three|four|five|six|seven"
                       r"|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty)\b", re.IGNORECASE)
"""A length says how much ("2 days", "an hour", "半小时"); "明年" or "next week" says when."""


def parse_duration(text: str, *, lang: str = "en") -> timedelta:
    """A length of time for snoozing ("1h", "30 minutes", "2天"): a phrase that moves two different
    starting points by the same positive amount, so "tomorrow 9am" is not mistaken for one. Chinese
    is read by the grammar as "<length>后" (一个半小时, 两天), then as rewritten for dateparser."""
    text = " ".join(text.split())
    if not _QUANTITY.search(text):  # 明年, tomorrow, next week: a time (snooze `to` it), not a length
        raise _not_a_length(text, lang)
    readers: list[Callable[[datetime], datetime | None]] = [partial(_zh_later, text)] if _CJK.search(text) else []
    readers += [partial(_parse, candidate, zone=_UTC, prefer="future", date_only_at_nine=False)
                for candidate in ([zh_to_en(text), text] if _CJK.search(text) else [text])
                if candidate and not _NUMBER.match(candidate)]
    for reader in readers:
        deltas = set()
        for base in _DURATION_BASES:
            try:
                when = reader(base)
            except OutOfRange:  # "200 years": longer than any reminder may wait
                when = None
            deltas.add(None if when is None else when - base)
        if len(deltas) == 1 and (delta := deltas.pop()) is not None and delta > timedelta(0):
            return delta
    raise _not_a_length(text, lang)


def _not_a_length(text: str, lang: str) -> UsageError:
    return UsageError(pick(lang, en=f'"{text}" is not a length of time. Try {DURATION_EXAMPLES}.',
                           zh=f"“{text}”不是一段时长。例如 {DURATION_EXAMPLES}。"))


def babel_locale(lang: str) -> str:
    return "zh_Hans_CN" if lang == "zh" else "en"


def zone_label(zone: ZoneInfo) -> str:
    """A zone as people read it: `Etc/GMT-8` (POSIX inverts the sign) shows as `UTC+8`; a named
    zone (Asia/Shanghai) as itself."""
    fixed = re.fullmatch(r"Etc/GMT([+-])(\d+)", zone.key)
    if fixed:
        return f"UTC{'-' if fixed.group(1) == '+' else '+'}{fixed.group(2)}"
    return zone.key


def human(when: datetime, zone: ZoneInfo, lang: str) -> str:
    """For people: "Fri, Nov 27, 2026 09:00 (Asia/Shanghai)" / "2026年11月27日周五 09:00 (Asia/Shanghai)"."""
    from babel.dates import format_skeleton

    locale = babel_locale(lang)
    day = format_skeleton("yMMMEd", when, tzinfo=zone, locale=locale)
    hour = format_skeleton("Hm", when, tzinfo=zone, locale=locale)
    return f"{day} {hour} ({zone_label(zone)})"


def short(when: datetime, zone: ZoneInfo, lang: str, *, now: datetime) -> str:
    """For a line of a list, the zone said once elsewhere: "Fri, Nov 27 09:00" / "11月27日周五 09:00",
    and with the year when `when` is in another year than `now` in that zone ("Tue, Dec 7, 2027 09:00" /
    "2027年12月7日周二 09:00"): without it a date of next year reads as this year's, its weekday wrong.
    Time is injected (bot/clock.py), so `now` is the caller's."""
    from babel.dates import format_skeleton

    locale = babel_locale(lang)
    same_year = when.astimezone(zone).year == now.astimezone(zone).year
    day = format_skeleton("MMMEd" if same_year else "yMMMEd", when, tzinfo=zone, locale=locale)
    return f"{day} {format_skeleton('Hm', when, tzinfo=zone, locale=locale)}"


def relative(when: datetime, now: datetime, lang: str) -> str:
    """"in 3 days" / "3天后", "4 hours ago" / "4小时前". Chinese takes CLDR's short forms: the long ones
    say "47秒钟前", which nobody writes."""
    from babel.dates import format_timedelta

    return format_timedelta(when - now, add_direction=True, format="short" if lang == "zh" else "long",
                            locale=babel_locale(lang))


def span(delta: timedelta, lang: str) -> str:
    """An exact length for rules and reminders: "72 hours", "30 days" / "72小时", "30天" (babel's own
    rounding would turn 30 days into "4 weeks")."""
    from babel.units import format_unit

    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0 and seconds >= 4 * 86400:
        value, unit = seconds // 86400, "duration-day"
    elif seconds % 3600 == 0:
        value, unit = seconds // 3600, "duration-hour"
    else:
        value, unit = max(seconds // 60, 1), "duration-minute"
    # the zh locale data has only the short forms ("72小时"); English reads better long
    return format_unit(value, unit, length="short" if lang == "zh" else "long", locale=babel_locale(lang))


def local_iso(when: datetime, zone: ZoneInfo) -> str:
    """ISO 8601 with the zone's offset, as the scripting contract shows times."""
    return when.astimezone(zone).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Chinese time expressions, read by a small grammar.
#
# Measured before choosing (tests/test_reminders_times.py table, fixed "now"): rewriting Chinese
# into English for dateparser got well under half the table right (两点 left in the text, 下个月1号
# read as the 2nd, 明早/月底 refused), and jionlp.parse_time about two thirds: it reads 明早9点 as
# this morning, 两点半 as 02:30, refuses 月底, and returns spans where a reminder needs one
# instant, so its answers need as many corrections as a grammar has rules. The grammar below reads
# the phrase at the start of the text token by token (recurrence, offset, day, week, month, period,
# clock), so what it did not read is the reminder text, whole.
# ---------------------------------------------------------------------------------------------

_NUM = r"(\d{1,4}|[零〇一二两三四五六七八九十]{1,4})"
_WD = {"1": 0, "一": 0, "2": 1, "二": 1, "3": 2, "三": 2, "4": 3, "四": 3, "5": 4, "五": 4, "6": 5, "六": 5,
       "7": 6, "日": 6, "天": 6}
_WD_CHARS = "1-7一二三四五六日天"
_REL_UNITS = {"秒钟": "seconds", "秒": "seconds", "分钟": "minutes", "分": "minutes", "刻钟": "quarters",
              "小时": "hours", "钟头": "hours", "天": "days", "日": "days", "周": "weeks", "星期": "weeks",
              "礼拜": "weeks", "个月": "months", "月": "months", "年": "years"}
_ZH_DAYS = {"大前天": (-3, None), "前天": (-2, None), "昨天": (-1, None), "昨日": (-1, None), "昨晚": (-1, "晚上"),
            "今天": (0, None), "今日": (0, None), "今早": (0, "早上"), "今晨": (0, "早上"), "今晚": (0, "晚上"),
            "今夜": (0, "夜里"), "明天": (1, None), "明日": (1, None), "明早": (1, "早上"), "明晨": (1, "早上"),
            "明晚": (1, "晚上"), "明夜": (1, "夜里"), "后天": (2, None), "大后天": (3, None)}
_PERIOD_START = {"凌晨": 3, "清晨": 7, "早上": 9, "早晨": 9, "早": 9, "上午": 9, "中午": 12, "午后": 14, "下午": 15,
                 "傍晚": 18, "晚上": 20, "晚": 20, "夜里": 22, "夜间": 22, "半夜": 0}
_PM = {"午后", "下午", "傍晚", "晚上", "晚", "夜里", "夜间"}
_NIGHT = {"晚上", "晚", "夜里", "夜间", "半夜"}
_AM = {"凌晨", "清晨", "早上", "早晨", "早", "上午", "半夜"}
_NOT_A_CLOCK = r"(?![零〇一二两三四五六七八九十\d]*\s*(?:点钟|点|點|时|[:：]))"
"""After the first day of 每周一三五, a day numeral is not the hour that follows it (每周一三点 is Monday at 3)."""
_TEXT_WORDS = frozenset({"内容", "后台", "前台"})
"""Words a reminder's text may start with whose first character also ends a time (7天内, 3天后, 3点):
a glued time is never cut between their two characters."""

_NOT_INTO_WORD = "(?!" + "|".join(f"(?<={w[0]}){w[1]}" for w in sorted(_TEXT_WORDS)) + ")"
"""After a time's last character: not the rest of one of those words."""
_TOKENS = [
    ("recur", re.compile(rf"每个?(?:天|日)|(?:每个?)?工作日(?:每天)?|每个?月(?P<mday>{_NUM})[号日]|每个?(?:周|星期|礼拜)"
                         rf"(?:(?P<first>[{_WD_CHARS}])\s*(?:至|到|-|~|～|—)\s*(?:周|星期|礼拜)?(?P<last>[{_WD_CHARS}])"
                         rf"|(?P<days>[{_WD_CHARS}](?:[、,，和及与]?(?:周|星期|礼拜)?[{_WD_CHARS}]{_NOT_A_CLOCK})*))")),
    ("rel", re.compile(rf"(?:过)?(?:{_NUM}|(半))\s*个?(半)?\s*(秒钟|秒|分钟|刻钟|小时|钟头|天|日|周|星期|礼拜|个月|年)\s*(以后|之后|后|以前|之前|前|以内|之内|内){_NOT_INTO_WORD}")),
    ("year_date", re.compile(rf"(\d{{4}}|明年|今年|去年)年?\s*{_NUM}\s*月\s*{_NUM}\s*[日号]?")),
    ("iso_date", re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")),
    ("date", re.compile(rf"{_NUM}\s*月\s*{_NUM}\s*[日号]")),
    ("day", re.compile("|".join(sorted(_ZH_DAYS, key=len, reverse=True)))),
    ("week", re.compile(rf"(下下|下|上|本|这)?个?(?:周|星期|礼拜)([{_WD_CHARS}末])")),
    ("week_alone", re.compile(r"(下下|下)个?(?:周|星期|礼拜)")),
    ("month", re.compile(rf"(下下|下|本|这|上)?个?月(底|末|初|{_NUM}\s*[号日])")),
    ("month_alone", re.compile(r"(下下|下)个?月")),
    ("mday", re.compile(rf"{_NUM}\s*[号日](?!\s*[后前])")),
    ("period", re.compile(r"凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|晚上|夜里|夜间|半夜|[早晚](?=\s*\d|\s*[一二两三四五六七八九十])")),
    ("ampm", re.compile(r"(?:at\s*)?(\d{1,2})(?:\s*[:：.]\s*(\d{2}))?\s*([ap])\.?\s*m(?![a-z])\.?", re.IGNORECASE)),
    ("clock", re.compile(rf"{_NUM}\s*(?:点钟|点|點|时)(整)?(?:(半)|(一刻|1刻)|(三刻|3刻)|(\d{{1,2}})分?|([零〇一二三四五六七八九十]{{1,3}})分)?")),
    ("hhmm", re.compile(r"(\d{1,2})\s*[:：]\s*(\d{2})")),
]
_GLUE = re.compile(r"[\s,，、]*")
_PAUSE = r"(?=$|[\s,，.。:：;；、!！?？])"
_REMIND_WORDS = rf"请?提醒(?:我们|我|大家)?一下|请?提醒(?:我们|我|大家)|请?提醒{_PAUSE}|叫我(?!们)|记得"
"""The command's own words around the time: 提醒我/提醒我们/提醒大家/提醒一下, or 提醒 then a pause.
提醒 written onto other words (提醒客户补发货, 提醒别人) is the text's first word, kept as typed."""
_LEAD = re.compile(rf"^\s*(?:{_REMIND_WORDS}|请?提醒|我们|我|大家)?\s*(?:在|于)?\s*")
"""Before the time: the command's words, or who is reminded (`提醒 我明天…`, and `提醒我明天…` once the
dispatcher has split the glued command word off it)."""
_BY = re.compile(r"^(?:之前|以前|前(?=$|[\s,，:：、]|请?提醒|叫我|记得))")
"""之前/以前 right after a day, or 前 then a pause (周五前 提交申诉): "by" that day, not a word of the text
(明天 前台取件 keeps its 前台)."""
_AFTER = re.compile(rf"^[\s,，:：、]*(?:的时候|时)?[\s,，:：、]*(?:{_REMIND_WORDS})?[\s,，:：、]*")
"""What joins the time to the text (的时候, 提醒我, a comma); 要 is the text's (要求买家… was 求买家…)."""


def _n(token: str) -> int:
    if token.isdigit():
        return int(token)
    import cn2an  # loaded by the first Chinese numeral, not by every process

    return int(cn2an.cn2an(token, "smart"))


@dataclass
class _ZhParts:
    """What the tokens said, before it becomes an instant."""

    offset: relativedelta | None = None
    exact_offset: bool = False  # an offset in hours/minutes: an instant, no clock may follow
    day: date | None = None
    keep_time: bool = False  # 明天/后天/N天后 without a clock keep the time of day
    roll: str | None = None  # when the date is behind us: "day", "week", "month", "year", "month_end"
    period: str | None = None
    hour: int | None = None
    minute: int = 0
    literal_clock: bool = False  # written 15:30, so no afternoon guessing
    recur: str | None = None
    year_typed: bool = True


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int, mday: int | None = None) -> date:
    start = date(day.year, day.month, 1) + relativedelta(months=months)
    return date(start.year, start.month, mday or 1)


def _zh_tokens(text: str, today: date) -> tuple[int, _ZhParts] | None:
    """Read the time phrase at the start of `text`; (characters read, parts), None when none."""
    parts, pos, seen = _ZhParts(), 0, set[str]()
    monday = today - timedelta(days=today.weekday())
    while pos < len(text):
        glue = _GLUE.match(text, pos) if seen else None  # the pattern matches the empty string too
        start = glue.end() if glue else pos
        for name, pattern in _TOKENS:
            match = pattern.match(text, start)
            if match is None or name in seen or not _fits(name, seen):
                continue
            try:
                _apply(name, match, parts, today, monday)
            except ValueError:  # 2月30日, 25点: not a time
                return None
            seen.add(name)
            pos = match.end()
            break
        else:
            break
    return (pos, parts) if seen else None


_FIELDS = {"recur": "date", "rel": "date", "year_date": "date", "iso_date": "date", "date": "date", "day": "date",
           "week": "date", "week_alone": "date", "month": "date", "month_alone": "date", "mday": "date",
           "period": "period", "ampm": "clock", "clock": "clock", "hhmm": "clock"}


_ORDER = ("date", "period", "clock")


def _fits(name: str, seen: set[str]) -> bool:
    """Each kind of token once, and in reading order (a date, then a period, then a clock)."""
    return all(_ORDER.index(_FIELDS[s]) < _ORDER.index(_FIELDS[name]) for s in seen)


def _on_recur(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    word = m.group(0)
    if m.group("days"):  # 每周一三五, 每周二、四, 每周一、周三
        p.recur = weekly_rule({_WD[ch] for ch in m.group("days") if ch in _WD})
    elif m.group("first"):  # 每周一至周五
        first, last = _WD[m.group("first")], _WD[m.group("last")]
        p.recur = weekly_rule({(first + i) % 7 for i in range((last - first) % 7 + 1)})
    elif m.group("mday"):
        p.recur = f"monthly:{_no_such_mday(_n(m.group('mday')))}"
    else:
        p.recur = "weekdays" if "工作日" in word else "daily"

def _on_rel(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    """3天后, 2小时前, and 7天内 (within 7 days: due at its end, as English "in 7 days")."""
    amount = 0.5 if m.group(2) else _n(m.group(1))
    if m.group(3):
        amount += 0.5
    unit = _REL_UNITS[m.group(4)]
    sign = -1 if "前" in m.group(5) else 1
    if unit == "quarters":
        unit, amount = "minutes", amount * 15
    if unit in ("seconds", "minutes", "hours"):
        p.offset, p.exact_offset = relativedelta(seconds=sign * round(amount * {"seconds": 1, "minutes": 60, "hours": 3600}[unit])), True
    elif unit == "days" and amount != int(amount):
        p.offset, p.exact_offset = relativedelta(hours=sign * round(amount * 24)), True
    else:
        if amount != int(amount):
            raise ValueError(amount)
        p.offset = relativedelta(**cast(dict[str, Any], {unit: sign * int(amount)}))
        p.day, p.keep_time = today + p.offset, True

def _on_year_date(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    year = m.group(1)
    year = today.year + {"明年": 1, "今年": 0, "去年": -1}[year] if not year.isdigit() else int(year)
    p.day = _date(year, _n(m.group(2)), _n(m.group(3)))

def _on_date(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    month, mday = _n(m.group(1)), _n(m.group(2))
    year = today.year
    if (month, mday) == (2, 29):  # the next 2月29日 there is
        year = next(y for y in range(year, year + 8) if calendar.isleap(y))
    p.day, p.roll, p.year_typed = _date(year, month, mday), "year", False

def _on_day(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    offset, period = _ZH_DAYS[m.group(0)]
    p.day, p.keep_time, p.period = today + timedelta(days=offset), period is None and offset > 0, period

def _on_week(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    prefix, which = m.group(1) or "", m.group(2)
    weekday = 5 if which == "末" else _WD[which]
    weeks = {"下下": 2, "下": 1, "上": -1}.get(prefix, 0)
    p.day = monday + timedelta(weeks=weeks, days=weekday)
    if not prefix:
        p.roll = "week"

def _on_week_alone(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    p.day = monday + timedelta(weeks=2 if m.group(1) == "下下" else 1)

def _on_month(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    months = {"下下": 2, "下": 1, "上": -1}.get(m.group(1) or "", 0)
    which = m.group(2)
    first = _add_months(today, months)
    if which in ("底", "末"):
        p.day = _month_end(first.year, first.month)
    elif which == "初":
        p.day = first if months else _add_months(today, 1)
    else:
        p.day = _date(first.year, first.month, _n(m.group(3)))
    if not m.group(1) and which not in ("初",):
        p.roll = "month_end" if which in ("底", "末") else "month"

def _on_month_alone(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    p.day = _add_months(today, 2 if m.group(1) == "下下" else 1)

def _on_mday(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    mday = _no_such_mday(_n(m.group(1)))
    p.day, p.roll = date(today.year, today.month, mday) if mday <= calendar.monthrange(today.year, today.month)[1] else _next_mday(today, mday), "month"


def _no_such_mday(mday: int) -> int:
    """A day of the month some month has (1 to 31), or Unreadable: 32号."""
    if not 1 <= mday <= 31:
        raise Unreadable(f"Not a date: no month has a day {mday}.", f"日期有误：没有{mday}号。")
    return mday

def _on_period(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    p.period = m.group(0)

def _on_clock(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    hour = _n(m.group(1))
    if m.group(3):
        minute = 30
    elif m.group(4):
        minute = 15
    elif m.group(5):
        minute = 45
    else:
        minute = _n(m.group(6) or m.group(7) or "0")
    p.hour, p.minute = _clock(hour, minute)

def _on_ampm(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    """An English clock in a Chinese phrase (明天 9am, 周五 3:30pm): its hour as written, no guessing."""
    hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3).lower() + "m"
    if not 1 <= hour <= 12:
        raise Unreadable(f"Not a time: there is no {hour}{suffix} (with am/pm, hours go from 1 to 12).",
                         f"时间有误：没有{hour}{suffix}（写 am/pm 时小时是 1 到 12）。")
    p.hour, p.minute = _clock(hour % 12 + (12 if suffix == "pm" else 0), minute)
    p.literal_clock, p.period = True, None

def _on_hhmm(m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    p.hour, p.minute = _clock(int(m.group(1)), int(m.group(2)))
    p.literal_clock = True

_APPLY = {
    "recur": _on_recur,
    "rel": _on_rel,
    "year_date": _on_year_date,
    "iso_date": _on_year_date,
    "date": _on_date,
    "day": _on_day,
    "week": _on_week,
    "week_alone": _on_week_alone,
    "month": _on_month,
    "month_alone": _on_month_alone,
    "mday": _on_mday,
    "period": _on_period,
    "ampm": _on_ampm,
    "clock": _on_clock,
    "hhmm": _on_hhmm,
}
"""What each token of a Chinese time phrase sets in the parts (`_TOKENS` names them)."""


def _apply(name: str, m: re.Match, p: _ZhParts, today: date, monday: date) -> None:
    _APPLY[name](m, p, today, monday)


def _next_mday(today: date, mday: int) -> date:
    """The next month that has a day `mday` (31号 in November is 31 December)."""
    if not 1 <= mday <= 31:
        raise ValueError(mday)
    month = date(today.year, today.month, 1)
    for _ in range(13):
        month = month + relativedelta(months=1)
        if mday <= calendar.monthrange(month.year, month.month)[1]:
            return date(month.year, month.month, mday)
    raise ValueError(mday)


def _wall_hour(p: _ZhParts) -> tuple[int, int] | None:
    """The hour on a 24-hour clock: 下午/晚上 add 12, 凌晨12点 is 0, and a bare 1 to 6 o'clock
    (no 上午/凌晨, not written 03:00) is the afternoon: nobody sets a work reminder for 3 a.m."""
    if p.hour is None:
        if p.period is None:
            return None
        return _PERIOD_START[p.period], 0
    hour, period = p.hour, p.period
    if period in _PM and hour < 12:
        hour += 12
    elif period in _NIGHT and hour == 12:  # 晚上12点: the midnight that ends the day, 00:00 of the next
        hour = 24
    elif period == "中午" and hour < 6:
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    elif period is None and not p.literal_clock and 1 <= hour <= 6:
        hour += 12
    return hour, p.minute


def _zh_instant(p: _ZhParts, now: datetime, zone: ZoneInfo, prefer: str) -> tuple[datetime, bool] | None:
    """(the instant, whether a year was assumed) of the parts, or None when they name none."""
    local_now = now.astimezone(zone)
    today = local_now.date()
    if p.exact_offset and p.offset is not None:
        if p.day is not None or p.hour is not None or p.period is not None:
            return None  # "2小时后下午3点" means nothing
        return (now + timedelta(seconds=p.offset.seconds + p.offset.days * 86400 + p.offset.hours * 3600
                                + p.offset.minutes * 60)), False
    clock = _wall_hour(p)
    day = p.day
    if day is None:
        if clock is None:
            return None
        day, roll = today, "day"
    else:
        roll = p.roll or ""
    if clock is None:
        clock = (local_now.hour, local_now.minute) if p.keep_time else (DEFAULT_HOUR.hour, DEFAULT_HOUR.minute)
    hour, minute = clock
    extra = timedelta(days=1) if hour == 24 else timedelta(0)

    def wall(d: date) -> datetime:
        return datetime.combine(d + extra, time(hour % 24, minute))

    def at(d: date) -> datetime:  # to compare with now; the day chosen is checked below
        return wall(d).replace(tzinfo=zone).astimezone(timezone.utc)

    when = at(day)
    assumed = False
    if roll and prefer == "future" and when <= now:
        if roll == "day":
            day = day + timedelta(days=1)
        elif roll == "week":
            day = day + timedelta(weeks=1)
        elif roll == "month":
            day = _next_mday(day, day.day)
        elif roll == "month_end":
            nxt = _add_months(day, 1)
            day = _month_end(nxt.year, nxt.month)
        elif roll == "year":
            day, assumed = _next_year_date(day), True
        when = at(day)
    elif roll and prefer == "past" and when > now + timedelta(minutes=1):
        if roll == "day":
            day = day - timedelta(days=1)
        elif roll == "week":
            day = day - timedelta(weeks=1)
        elif roll == "year":
            day = _next_year_date(day, -1)
        when = at(day)
    assumed = assumed or (not p.year_typed and day.year > today.year)  # 2月29日 in a year without one
    return _in_range(_wall(wall(day), zone, typed_clock=p.hour is not None)), assumed


def _next_year_date(day: date, step: int = 1) -> date:
    """The same day in the next (`step` -1: the previous) year that has it."""
    year = day.year + step
    while True:
        try:
            return day.replace(year=year)
        except ValueError:  # 2月29日
            year += step


# ---------------------------------------------------------------------------------------------
# Recurring reminders: a rule is "<kind>[:<arg>]@HH:MM" in the channel's zone — daily, weekdays,
# weekly:<0-6>[,<0-6>…] (Monday is 0; 每周一三五 is weekly:0,2,4) or monthly:<day>. Occurrences are wall times, so 09:00 stays 09:00
# across a daylight-saving change.
# ---------------------------------------------------------------------------------------------

_RULE = re.compile(r"^(daily|weekdays|weekly:[0-6](?:,[0-6])*|monthly:(?:[1-9]|[12][0-9]|3[01]))@([01][0-9]|2[0-3]):([0-5][0-9])$")
_EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_DAY_NAMES = "一二三四五六日"


def weekly_rule(days: set[int]) -> str:
    """The kind of rule for these weekdays: one or several (weekly:0,2,4), Monday to Friday is
    `weekdays` and all seven `daily`, so one series is always written one way."""
    if days == set(range(5)):
        return "weekdays"
    if days == set(range(7)):
        return "daily"
    return "weekly:" + ",".join(str(d) for d in sorted(days))


def _rule_matches(kind: str, arg: str, day: date) -> bool:
    if kind == "daily":
        return True
    if kind == "weekdays":
        return day.weekday() < 5
    if kind == "weekly":
        return str(day.weekday()) in arg.split(",")
    return day.day == int(arg)  # monthly (a month without that day is skipped)


def next_occurrence(rule: str, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant of the rule strictly after `after` (aware UTC)."""
    match = _RULE.match(rule)
    if match is None:
        raise ValueError(f"not a repeat rule: {rule!r}")
    kind, _, arg = match.group(1).partition(":")
    at = time(int(match.group(2)), int(match.group(3)))
    start = after.astimezone(zone).date()
    for days in range(0, 400):
        day = start + timedelta(days=days)
        if _rule_matches(kind, arg, day):
            when = datetime.combine(day, at).replace(tzinfo=zone).astimezone(timezone.utc)
            if when > after:
                return when
    raise ValueError(f"rule {rule!r} never falls due")


def rule_words(rule: str | None, lang: str) -> str | None:
    """A rule as people say it: "every weekday at 09:00" / "每个工作日 09:00"; None for a one-off."""
    if not rule:
        return None
    match = _RULE.match(rule)
    if match is None:
        return rule
    kind, _, arg = match.group(1).partition(":")
    hm = f"{match.group(2)}:{match.group(3)}"
    if kind == "daily":
        return pick(lang, en=f"every day at {hm}", zh=f"每天 {hm}")
    if kind == "weekdays":
        return pick(lang, en=f"every weekday at {hm}", zh=f"每个工作日 {hm}")
    if kind == "weekly":
        days = [int(d) for d in arg.split(",")]
        english = [_EN_DAYS[d] for d in days]
        en_days = english[0] if len(days) == 1 else f"{', '.join(english[:-1])} and {english[-1]}"
        return pick(lang, en=f"every {en_days} at {hm}", zh=f"每周{'、'.join(_ZH_DAY_NAMES[d] for d in days)} {hm}")
    day = int(arg)
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return pick(lang, en=f"every month on the {day}{suffix} at {hm}", zh=f"每月{day}号 {hm}")


_EN_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)s?"
_EN_DAY_LIST = rf"{_EN_DAY}(?:\s*(?:,\s*(?:and\s+)?|&|/|\+|\band\b|\bto\b|-)\s*{_EN_DAY})*"
_EN_RECUR = re.compile(
    rf"^(?:every\s+(?:(day)|(weekday)|({_EN_DAY_LIST}|weekend)|month\s+on\s+the\s+(\d{{1,2}})(?:st|nd|rd|th)?)"
    r"|(daily)|(weekdays))\b"
    r"(?:\s+(?:at\s+)?(?:(noon)|(midnight)|(\d{1,2})(?::(\d{2}))?\s*(am|pm)\b|(\d{1,2}):(\d{2})\b|at\s+(\d{1,2})\b))?",
    re.IGNORECASE,
)
_EN_DAY_PREFIXES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EN_RANGE = re.compile(rf"({_EN_DAY})\s*(?:\bto\b|-)\s*({_EN_DAY})")


def _en_weekly(days: str) -> str:
    """"monday and thursday", "mon, wed & fri", "tue/thu", "monday to friday", "weekend" → the
    weekly rule of those days (as 每周一三五 is read)."""
    if days == "weekend":
        return weekly_rule({5, 6})

    def number(name: str) -> int:
        return _EN_DAY_PREFIXES.index(name[:3])

    chosen: set[int] = set()
    for first, last in _EN_RANGE.findall(days):  # a range runs forward, across Sunday if need be
        start, end = number(first), number(last)
        chosen |= {(start + k) % 7 for k in range((end - start) % 7 + 1)}
    chosen |= {number(name) for name in re.findall(_EN_DAY, _EN_RANGE.sub(" ", days))}
    return weekly_rule(chosen)


def _en_recurrence(text: str) -> tuple[str, str] | None:
    """`every monday 10am send the report` → ("weekly:0@10:00", "send the report")."""
    m = _EN_RECUR.match(text)
    if m is None:
        return None
    if m.group(1) or m.group(5):
        kind = "daily"
    elif m.group(2) or m.group(6):
        kind = "weekdays"
    elif m.group(3):
        kind = _en_weekly(m.group(3).lower())
    else:
        if not 1 <= int(m.group(4)) <= 31:
            return None
        kind = f"monthly:{int(m.group(4))}"
    hour, minute = DEFAULT_HOUR.hour, DEFAULT_HOUR.minute
    if m.group(7):
        hour = 12
    elif m.group(8):
        hour = 0
    elif m.group(9):
        hour, minute = int(m.group(9)) % 12 + (12 if m.group(11).lower() == "pm" else 0), int(m.group(10) or 0)
        if int(m.group(9)) > 12:
            return None
    elif m.group(12):
        hour, minute = int(m.group(12)), int(m.group(13))
    elif m.group(14):
        hour = int(m.group(14))
        hour = hour + 12 if 1 <= hour <= 6 else hour
    if hour > 23 or minute > 59:
        return None
    return f"{kind}@{hour:02d}:{minute:02d}", text[m.end():]


def _zh_recurrence(p: _ZhParts) -> str | None:
    clock = _wall_hour(p) or (DEFAULT_HOUR.hour, DEFAULT_HOUR.minute)
    recur = p.recur
    if recur and clock[0] == 24:  # 每天晚上12点: 00:00 of each following day
        recur, clock = _day_after(recur), (0, clock[1])
        if recur is None:
            raise Unreadable("Midnight at the end of a day of the month is 00:00 of the next day: write that day at 0:00.",
                             "每月某天的晚上12点是下一天的0点：请写下一天的0点，例如 每月2号0点。")
    if recur is None:
        return None
    return f"{recur}@{clock[0]:02d}:{clock[1]:02d}"


def _day_after(recur: str) -> str | None:
    """The rule's days moved on by one (the midnight that ends Friday is Saturday 00:00); None for a
    day of the month, whose next day may be in another month."""
    kind, _, arg = recur.partition(":")
    if kind == "daily":
        return "daily"
    if kind == "monthly":
        return None
    days = range(5) if kind == "weekdays" else [int(d) for d in arg.split(",")]
    return weekly_rule({(d + 1) % 7 for d in days})


# ---------------------------------------------------------------------------------------------
# A reminder as typed: `<when> <text>` in either language, or `<text> <when>` in English.
# ---------------------------------------------------------------------------------------------


@dataclass
class Reading:
    due: datetime
    text: str
    repeat: str | None = None
    assumed_year: bool = False
    """A date typed without a year that has passed this year: it was set for next year (the reply says so)."""


_EN_LEAD = re.compile(r"^(?:remind\s+)?(?:me\s+)?(?:(?:at|on)\s+(?=\S))?", re.IGNORECASE)
_EN_TO = re.compile(r"^(?:to|that|about|of)\s+(?=\S)|^[,:;-]+\s*", re.IGNORECASE)
_EN_TAIL = re.compile(r"\s(?:in|at|on|by|tomorrow|today|tonight|next|this)\s", re.IGNORECASE)
_EN_REWRITES = [(re.compile(r"\bhalf an hour\b", re.IGNORECASE), "30 minutes"),
                (re.compile(r"\ban hour and a half\b", re.IGNORECASE), "90 minutes"),
                # "Feb. 30", "Sept. 5": the abbreviation's full stop ends no sentence
                (re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.(?=\s*\d)", re.IGNORECASE), r"\1")]


def _ask_text(lang: str) -> UsageError:
    return UsageError(pick(lang, en="What should I remind you of? Add the text after the time.",
                           zh="要提醒什么？请在时间后面写上提醒内容。"))


def _past(when: datetime, zone: ZoneInfo, lang: str) -> UsageError:
    return UsageError(pick(lang, en=f"That time is in the past ({human(when, zone, lang)}). ",
                           zh=f"这个时间已经过去了（{human(when, zone, lang)}）。") + _examples(lang))


def _read_zh(text: str, now: datetime, zone: ZoneInfo, lang: str) -> Reading | None:
    body = _LEAD.sub("", text, count=1)
    found = _zh_tokens(body, now.astimezone(zone).date())
    if found is None:
        return None
    pos, parts = found
    tail = body[pos:]
    if parts.offset is None and _BY.match(tail):  # 周五前 提交申诉: as "by friday", due that day (3天前 is no time ahead)
        tail = _BY.sub("", tail, count=1)
    rest = _AFTER.sub("", tail, count=1).strip()
    if parts.recur:
        if parts.day is not None or parts.offset is not None:
            return None
        rule = _zh_recurrence(parts)
        if rule is None:
            return None
        return Reading(due=next_occurrence(rule, now, zone), text=rest, repeat=rule)
    instant = _zh_instant(parts, now, zone, "future")
    if instant is None:
        return None
    due = instant[0]
    if due <= now and parts.hour is None and _EVENING.match(body[:pos].strip()):
        due = _evening_begun(now, zone)
    if due <= now:
        raise _past(due, zone, lang)
    return Reading(due=due, text=rest, assumed_year=instant[1])


def read_reminder(text: str, *, now: datetime, zone: ZoneInfo, lang: str = "en") -> Reading:
    """The time (or repeat rule) and the text of a reminder as typed. Chinese is read by the grammar
    above ("提醒我明天下午两点跟进申诉"); English by dateparser, the time first ("tomorrow 9am send
    it", "me at 3pm to call") or last ("call the carrier tomorrow at 9am"). The text never keeps
    the time words. A clear UsageError when there is no time, no text, the time has passed or does
    not exist (2月30日)."""
    try:
        return _read_reminder(" ".join(text.split()), now, zone, lang)
    except Unreadable as exc:
        raise exc.told(lang) from None


def _read_reminder(text: str, now: datetime, zone: ZoneInfo, lang: str) -> Reading:
    english = _EN_LEAD.sub("", text, count=1)
    _refuse_part_of_month(_LEAD.sub("", english, count=1), lang)
    if _CJK.search(text.split(" ", 1)[0]):
        reading = _read_zh(text, now, zone, lang)
        if reading is not None:
            if not reading.text:
                raise _ask_text(lang)
            return reading
    for pattern, replacement in _EN_REWRITES:
        english = pattern.sub(replacement, english)
    recurring = _en_recurrence(english)
    if recurring is not None:
        rule, rest = recurring
        rest = _EN_TO.sub("", rest.strip(), count=1).strip()
        if not rest:
            raise _ask_text(lang)
        return Reading(due=next_occurrence(rule, now, zone), text=rest, repeat=rule)
    words = english.split()
    try:
        due, rest = split_when(words, now=now, zone=zone, lang=lang)
    except UsageError:
        tail = _tail_time(english, now, zone)
        if tail is None:
            raise
        due, rest = tail
    rest = _EN_TO.sub("", rest.strip(), count=1).strip()
    if not rest:
        raise _ask_text(lang)
    return Reading(due=due, text=rest, assumed_year=_year_assumed(english, due, now, zone))


def _tail_time(text: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, str] | None:
    """`call the carrier tomorrow at 9am`: the longest ending that reads as a time ahead, starting
    at a time word (in, at, on, tomorrow, next…) and made of time words only, so "order 2" is never
    read as a date nor "at noon on the dock" as a time."""
    if _CJK.search(text):
        return None
    for match in _EN_TAIL.finditer(f" {text} "):
        start = match.start()
        head, phrase = text[:start].strip(), text[start:].strip()
        words = phrase.split()
        if not head or _time_words(words) < len(words) or not _whole_phrase(words):
            continue
        when = read_time(re.sub(r"^(?:at|on|by)\s+", "", phrase, flags=re.IGNORECASE), now=now, zone=zone)
        if when is not None and when > now:
            return when, head
    return None


_YEAR = re.compile(r"\b\d{4}\b|年")


def _year_assumed(phrase: str, due: datetime, now: datetime, zone: ZoneInfo) -> bool:
    """A month and day given without a year that fell in a later year than now (Dec 1 on 2 Dec)."""
    months = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\d{1,2}/\d{1,2}", re.IGNORECASE)
    return (bool(months.search(phrase)) and not _YEAR.search(phrase)
            and due.astimezone(zone).year > now.astimezone(zone).year)
