"""Reading times in English and Chinese, in the channel's time zone, relative to the injected clock."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UsageError
from bot.reminders import times

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)  # Tuesday; 17:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
PARIS = ZoneInfo("Europe/Paris")


def local(text: str, zone=SHANGHAI, prefer="future") -> str:
    when = times.read_time(text, now=NOW, zone=zone, prefer=prefer)
    assert when is not None, text
    return times.local_iso(when, zone)


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("in 2 hours", "2026-11-24T19:00:00+08:00"),
        ("tomorrow 9am", "2026-11-25T09:00:00+08:00"),
        ("next Monday", "2026-11-30T09:00:00+08:00"),  # a date without a time means 09:00
        ("2026-12-01 10:00", "2026-12-01T10:00:00+08:00"),
        ("Dec 1 3pm", "2026-12-01T15:00:00+08:00"),
        ("2026-12-01 10:00 UTC", "2026-12-01T18:00:00+08:00"),  # a phrase that names its zone keeps it
    ],
)
def test_english_phrases_in_the_channel_zone(phrase, expected):
    assert local(phrase) == expected


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("3天后", "2026-11-27T17:00:00+08:00"),
        ("三天后", "2026-11-27T17:00:00+08:00"),
        ("明天上午10点", "2026-11-25T10:00:00+08:00"),
        ("明天下午3点半", "2026-11-25T15:30:00+08:00"),
        ("下周一", "2026-11-30T09:00:00+08:00"),
        ("下周三上午9点", "2026-12-02T09:00:00+08:00"),  # 下周三 = Wednesday of next week, not tomorrow
        ("周五下午5点", "2026-11-27T17:00:00+08:00"),
        ("两小时后", "2026-11-24T19:00:00+08:00"),
        ("半小时后", "2026-11-24T17:30:00+08:00"),
        ("今晚8点", "2026-11-24T20:00:00+08:00"),
        ("12月1日", "2026-12-01T09:00:00+08:00"),
        ("2026年12月1日 10:00", "2026-12-01T10:00:00+08:00"),
    ],
)
def test_chinese_phrases_in_the_channel_zone(phrase, expected):
    assert local(phrase) == expected


def test_the_same_phrase_names_different_instants_in_different_zones():
    shanghai = times.read_time("tomorrow 9am", now=NOW, zone=SHANGHAI)
    paris = times.read_time("tomorrow 9am", now=NOW, zone=PARIS)
    assert shanghai == datetime(2026, 11, 25, 1, 0, tzinfo=timezone.utc)
    assert paris == datetime(2026, 11, 25, 8, 0, tzinfo=timezone.utc)


def test_wall_time_survives_a_daylight_saving_change():
    new_york = ZoneInfo("America/New_York")
    before_dst = datetime(2026, 3, 7, 15, 0, tzinfo=timezone.utc)  # Saturday; DST starts Sunday
    when = times.read_time("tomorrow 9am", now=before_dst, zone=new_york)
    assert times.local_iso(when, new_york) == "2026-03-08T09:00:00-04:00"


def test_past_times_for_events_that_happened():
    assert local("yesterday 9am", prefer="past") == "2026-11-23T09:00:00+08:00"
    assert local("昨天下午3点", prefer="past") == "2026-11-23T15:00:00+08:00"
    assert local("3天前", prefer="past") == "2026-11-21T17:00:00+08:00"


def test_a_time_in_the_past_is_refused_with_examples():
    with pytest.raises(UsageError) as caught:
        times.parse_future("yesterday 9am", now=NOW, zone=SHANGHAI)
    assert "past" in str(caught.value) and "tomorrow 9am" in str(caught.value) and "明天上午10点" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        times.parse_future("昨天", now=NOW, zone=SHANGHAI, lang="zh")
    assert "已经过去" in str(caught.value)


@pytest.mark.parametrize("typed, lang, said", [
    ("at 5 check claims", "en", '"5" alone is no clear time, 5 am or 5 pm?'),
    ("5 check claims", "en", 'Write "5pm" or "5am"'),
    ("5 检查索赔", "zh", "不能确定是上午还是下午"),
    ("in 1.5 months renew the licence", "en", "A length in months or years is counted whole"),
    ("2.5 years renew", "en", "counted whole"),
    ("in 1.5months renew", "en", "counted whole"),
    ("1.5个月后 续费", "zh", "只能用整数"),  # was read as 1 January, text "5个月后 续费"
    ("提醒我 1.5个月后 续费", "zh", "只能用整数"),
])
def test_a_time_that_cannot_be_read_one_way_says_why(typed, lang, said):
    """Not "no time found": the reader typed one, and is told what makes it unclear."""
    with pytest.raises(UsageError) as caught:
        times.read_reminder(typed, now=NOW, zone=SHANGHAI, lang=lang)
    assert said in str(caught.value)


def test_unreadable_times_are_refused_with_examples_in_the_users_language():
    with pytest.raises(UsageError) as caught:
        times.parse_future("whenever you like", now=NOW, zone=SHANGHAI)
    assert "could not read" in str(caught.value) and "in 2 hours" in str(caught.value)
    with pytest.raises(UsageError) as caught:
        times.parse_future("随便什么时候", now=NOW, zone=SHANGHAI, lang="zh")
    assert "无法识别" in str(caught.value) and "3天后" in str(caught.value)


def test_a_bare_number_is_not_a_time():
    assert times.read_time("3", now=NOW, zone=SHANGHAI) is None


def test_a_receipt_in_the_future_is_refused():
    with pytest.raises(UsageError, match="future"):
        times.parse_past("tomorrow", now=NOW, zone=SHANGHAI)


@pytest.mark.parametrize(
    "words, due, rest",
    [
        ("tomorrow 9am send the appeal", "2026-11-25T09:00:00+08:00", "send the appeal"),
        ("in 2 hours check ODR", "2026-11-24T19:00:00+08:00", "check ODR"),
        ("next Monday resend the appeal to Amazon", "2026-11-30T09:00:00+08:00", "resend the appeal to Amazon"),
        ("明天上午10点 提交申诉", "2026-11-25T10:00:00+08:00", "提交申诉"),
        ("明天上午10点提交申诉", "2026-11-25T10:00:00+08:00", "提交申诉"),
        ("3天后 跟进申诉", "2026-11-27T17:00:00+08:00", "跟进申诉"),
    ],
)
def test_the_time_is_split_from_the_text(words, due, rest):
    when, text = times.split_when(words.split(), now=NOW, zone=SHANGHAI)
    assert (times.local_iso(when, SHANGHAI), text) == (due, rest)


@pytest.mark.parametrize(
    "phrase, expected",
    [("1h", timedelta(hours=1)), ("30 minutes", timedelta(minutes=30)), ("2天", timedelta(days=2)),
     ("两天", timedelta(days=2)), ("半小时", timedelta(minutes=30)), ("1 week", timedelta(days=7)),
     ("2 days", timedelta(days=2)), ("一个小时", timedelta(hours=1)), ("两个小时", timedelta(hours=2)),
     ("一个半小时", timedelta(minutes=90)), ("一刻钟", timedelta(minutes=15)), ("三天", timedelta(days=3))],
)
def test_durations_for_snoozing(phrase, expected):
    assert times.parse_duration(phrase) == expected


@pytest.mark.parametrize("phrase", ["tomorrow 9am", "10am", "soon", "3"])
def test_things_that_are_not_durations_are_refused(phrase):
    with pytest.raises(UsageError, match="not a length of time"):
        times.parse_duration(phrase)


def test_human_times_follow_the_users_language():
    assert times.human(NOW, SHANGHAI, "en") == "Tue, Nov 24, 2026 17:00 (Asia/Shanghai)"
    assert times.human(NOW, SHANGHAI, "zh") == "2026年11月24日周二 17:00 (Asia/Shanghai)"
    assert times.span(timedelta(hours=72), "zh") == "72小时"
