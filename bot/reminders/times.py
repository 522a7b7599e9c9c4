"""Natural-language times in English and Chinese, read and shown in the channel's time zone.

dateparser does the calendar work (relative offsets, weekdays, absolute dates, time zones). Its
Chinese data misses common phrases ("明天上午10点", "下周一", "三天后"), so Chinese input is first
rewritten into the English phrase dateparser knows: cn2an turns Chinese numerals into digits, and
`_ZH_REWRITES` maps the handful of Chinese time words (day words, weekdays, 上午/下午, 点/分,
"N天后") onto their English twins. The one date worked out here is 下周X (the X of next week),
which dateparser would read as the coming X.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from bot.dispatcher import UsageError
from bot.i18n import pick

EXAMPLES_EN = '"in 2 hours", "tomorrow 9am", "next Monday 10:00", "2026-12-01 09:00"'
EXAMPLES_ZH = '"3天后", "明天上午10点", "下周一", "12月1日 9点"'
DURATION_EXAMPLES = '"1h", "30 minutes", "2 days", "2天", "半小时"'
DEFAULT_HOUR = time(9, 0)
"""A date given without a time of day ("next Monday", "12月1日") means 09:00 local."""

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


def _parse(text: str, base: datetime, zone: ZoneInfo, prefer: str, *, date_only_at_nine: bool = True) -> datetime | None:
    from dateparser.date import DateDataParser  # loaded by the first time phrase, not by every process

    settings = {
        "RELATIVE_BASE": base.astimezone(zone).replace(tzinfo=None),
        "PREFER_DATES_FROM": prefer,
        "PARSERS": _PARSERS,
        "RETURN_TIME_AS_PERIOD": True,
    }
    data = DateDataParser(languages=["en", "zh"], settings=settings).get_date_data(text)
    if data.date_obj is None:
        return None
    when = data.date_obj
    if when.tzinfo is not None:  # the phrase named its own zone ("10:00 UTC", "+08:00")
        return when.astimezone(timezone.utc)
    # a wall time in the channel's zone: dateparser did the calendar work on wall times
    # (so "tomorrow 9am" stays 9am across a DST change); zoneinfo gives the offset
    if date_only_at_nine and data.period == "day" and when.time() == time(0, 0) != settings["RELATIVE_BASE"].time():
        when = when.replace(hour=DEFAULT_HOUR.hour, minute=DEFAULT_HOUR.minute)
    return when.replace(tzinfo=zone).astimezone(timezone.utc)


def read_time(
    text: str,
    *,
    now: datetime,
    zone: ZoneInfo,
    prefer: Literal["future", "past"] = "future",
) -> datetime | None:
    """The instant a phrase names (aware UTC), or None when it names none.

    A bare number is not a time ("3" would be the 3rd of some month), so it is refused.
    """
    text = " ".join(text.split())
    if not text or text.replace(".", "").isdigit():
        return None
    candidates = [zh_to_en(text, now.astimezone(zone).date()), text] if _CJK.search(text) else [text]
    for candidate in candidates:
        if candidate and not candidate.replace(".", "").isdigit():
            when = _parse(candidate, now, zone, prefer)
            if when is not None:
                return when
    return None


def _examples(lang: str) -> str:
    return pick(lang, en=f"Try {EXAMPLES_EN} or {EXAMPLES_ZH}.", zh=f"例如 {EXAMPLES_ZH} 或 {EXAMPLES_EN}。")


def parse_future(text: str, *, now: datetime, zone: ZoneInfo, lang: str = "en") -> datetime:
    """A time that must lie ahead (a reminder's due time); a clear UsageError otherwise."""
    when = read_time(text, now=now, zone=zone, prefer="future")
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
    when = read_time(text, now=now, zone=zone, prefer="past")
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


def split_when(words: list[str], *, now: datetime, zone: ZoneInfo, lang: str = "en", max_words: int = 8) -> tuple[datetime, str]:
    """Split `<when> <text>` where the time phrase is the longest leading run of words that reads as
    a time ahead ("tomorrow 9am send the appeal"); Chinese written without spaces
    ("明天上午10点提交申诉") is split inside the first word."""
    if len(words) < 2 and not (words and _CJK.search(words[0])):
        raise UsageError(pick(lang, en="Say when and what to remind.", zh="请写明提醒时间和内容。"))
    past: datetime | None = None
    for size in range(min(max_words, len(words) - 1), 0, -1):
        if not all(any(ch.isalnum() for ch in word) for word in words[:size]):
            continue  # "{{" or "--" is text, though dateparser would skip over it
        phrase = " ".join(words[:size])
        when = read_time(phrase, now=now, zone=zone)
        if when is not None:
            if when > now:
                return when, " ".join(words[size:])
            past = past or when
    first = words[0]
    if _CJK.search(first):
        # The whole word first: "明天上午10点" alone is a time with no text, not "明天上午10" + "点".
        for cut in range(min(len(first), MAX_GLUED_CHARS), 0, -1):
            when = read_time(first[:cut], now=now, zone=zone)
            if when is not None:
                rest = " ".join([first[cut:], *words[1:]]).strip()
                if when > now and rest:
                    return when, rest
                if when > now and cut == len(first):
                    raise UsageError(pick(lang, en="What should I remind you of? Add the text after the time.",
                                          zh="要提醒什么？请在时间后面写上提醒内容。"))
                past = past or when
    if past is not None:
        raise UsageError(
            pick(lang, en=f"That time is in the past ({human(past, zone, lang)}). ",
                 zh=f"这个时间已经过去了（{human(past, zone, lang)}）。") + _examples(lang)
        )
    raise UsageError(
        pick(lang, en=f'I could not find a time at the start of "{" ".join(words)}". ',
             zh=f"没有在“{' '.join(words)}”开头找到时间。") + _examples(lang)
    )


_DURATION_BASES = (datetime(2001, 1, 1, 0, 0), datetime(2001, 1, 2, 7, 13))


def parse_duration(text: str, *, lang: str = "en") -> timedelta:
    """A length of time for snoozing ("1h", "30 minutes", "2天"): a phrase that moves two different
    starting points by the same positive amount, so "tomorrow 9am" is not mistaken for one."""
    text = " ".join(text.split())
    candidates = [zh_to_en(text), text] if _CJK.search(text) else [text]
    utc = ZoneInfo("UTC")
    for candidate in candidates:
        if not candidate or candidate.replace(".", "").isdigit():
            continue
        deltas = set()
        for base in _DURATION_BASES:
            when = _parse(candidate, base.replace(tzinfo=timezone.utc), utc, "future", date_only_at_nine=False)
            deltas.add(None if when is None else when - base.replace(tzinfo=timezone.utc))
        if len(deltas) == 1 and (delta := deltas.pop()) is not None and delta > timedelta(0):
            return delta
    raise UsageError(
        pick(lang, en=f'"{text}" is not a length of time. Try {DURATION_EXAMPLES}.',
             zh=f"“{text}”不是一段时长。例如 {DURATION_EXAMPLES}。")
    )


def babel_locale(lang: str) -> str:
    return "zh_Hans_CN" if lang == "zh" else "en"


def human(when: datetime, zone: ZoneInfo, lang: str) -> str:
    """For people: "Fri, Nov 27, 2026 09:00 (Asia/Shanghai)" / "2026年11月27日周五 09:00 (Asia/Shanghai)"."""
    from babel.dates import format_skeleton

    locale = babel_locale(lang)
    day = format_skeleton("yMMMEd", when, tzinfo=zone, locale=locale)
    hour = format_skeleton("Hm", when, tzinfo=zone, locale=locale)
    return f"{day} {hour} ({zone.key})"


def relative(when: datetime, now: datetime, lang: str) -> str:
    """"in 3 days" / "3天后", "4 hours ago" / "4小时前"."""
    from babel.dates import format_timedelta

    return format_timedelta(when - now, add_direction=True, locale=babel_locale(lang))


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
