"""Property tests over the time parser (bot/reminders/times.py): whatever is typed, a time comes back
on the right side of now, or a UsageError that says what was wrong — never another exception — and
the text after a reminder's time phrase is kept exactly as typed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import event, given, settings
from hypothesis import strategies as st

from bot.errors import UsageError
from bot.reminders import times

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
ZONES = st.sampled_from([ZoneInfo(z) for z in ("UTC", "Asia/Shanghai", "Europe/Paris", "America/Los_Angeles", "Asia/Tokyo")])
TIME_WORDS = st.sampled_from([
    "in", "2", "3", "hours", "minutes", "days", "weeks", "tomorrow", "yesterday", "next", "Monday", "9am", "18:00",
    "at", "noon", "ago", "2026-11-30", "2026-02-30", "25:61", "Dec", "1", "3pm", "UTC", "+08:00", "明天", "上午10点",
    "下周一", "3天后", "昨天", "下午3点", "半小时后", "二十五", "万万", "〇", "0", "-1", "1e9", "99999999999",
    "½", "٣", "３", "²", "T", "Z", "now", "today", "midnight", "{{7*7}}", "'; DROP TABLE reminders; --",
])
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
PHRASES = st.lists(st.one_of(TIME_WORDS, TIME_WORDS, ANY_TEXT), min_size=0, max_size=6).map(" ".join)
SETTINGS = settings(max_examples=80, deadline=None)


def _refusal_says_why(exc: UsageError) -> None:
    event("refused")
    message = str(exc)
    assert message.strip() and "Traceback" not in message
    assert any(word in message for word in ("time", "时间", "past", "过去", "future", "将来", "length", "时长", "when", "提醒", "date", "日期"))


@SETTINGS
@given(text=PHRASES, zone=ZONES, lang=st.sampled_from(["en", "zh"]))
def test_a_due_time_is_ahead_or_refused_with_a_reason(text, zone, lang):
    try:
        when = times.parse_future(text, now=NOW, zone=zone, lang=lang)
    except UsageError as exc:
        _refusal_says_why(exc)
        return
    event("read as a time")
    assert when.tzinfo is not None and when.utcoffset() == timedelta(0)
    assert when > NOW


@SETTINGS
@given(text=PHRASES, zone=ZONES)
def test_an_event_time_is_behind_or_refused_with_a_reason(text, zone):
    try:
        when = times.parse_past(text, now=NOW, zone=zone)
    except UsageError as exc:
        _refusal_says_why(exc)
        return
    assert when.tzinfo is not None and when <= NOW


@SETTINGS
@given(text=PHRASES)
def test_a_snooze_length_is_positive_or_refused_with_a_reason(text):
    try:
        delta = times.parse_duration(text)
    except UsageError as exc:
        _refusal_says_why(exc)
        return
    assert delta > timedelta(0)


@SETTINGS
@given(words=st.lists(st.one_of(TIME_WORDS, ANY_TEXT.filter(lambda w: w.strip())), min_size=1, max_size=8), zone=ZONES)
def test_the_reminder_text_after_the_time_is_kept_as_typed(words, zone):
    words = [w for word in words for w in word.split()]  # as the command receives them
    if not words:
        return
    try:
        when, rest = times.split_when(words, now=NOW, zone=zone)
    except UsageError as exc:
        _refusal_says_why(exc)
        return
    event("split")
    assert when > NOW
    assert rest and " ".join(words).endswith(rest)  # a suffix of what was typed, unchanged
