"""A new user's review of reminders: English dates that do not exist, snoozes that would move a
reminder earlier or name no time, lists that dropped the year, Done on a series before its post,
an empty "mine" list. The clock says Tue 2026-11-24 09:00 UTC."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UsageError
from bot.reminders import times
from tests.reminder_fakes import RecordingSender, delivery_for


@pytest.mark.parametrize("typed, lang, error", [
    ("remind feb 30 10am x", "en", "Not a date: February has no day 30."),
    ("remind feb 30 10am x", "zh", "日期有误：2月没有30日。"),
    ("remind april 31 9am y", "en", "Not a date: April has no day 31."),
    ("remind 30 feb 10am z", "zh", "日期有误：2月没有30日。"),
    ("remind February 30th 10am w", "en", "Not a date: February has no day 30."),
    ("remind the 30th of February 9am q", "en", "Not a date: February has no day 30."),
    ("remind sept 31 check", "en", "Not a date: September has no day 31."),
    ("remind feb 29 2027 10am v", "en", "Not a date: February 2027 has no day 29."),
    ("remind 29 feb 2027 10am v", "zh", "日期有误：2027年2月没有29日。"),
])
async def test_an_english_month_name_date_that_does_not_exist_is_refused_like_2月30日(ask, services, typed, lang, error):
    """It was: "feb 30 10am x" set a reminder for Sat 6 Feb 2027 00:00 with the text "30 10am x"."""
    refused = await ask(typed, lang=lang, channel="C1")
    assert (refused.kind, refused.text.splitlines()[0]) == ("error", error)
    assert services.reminders.pending("console", "C1") == []


@pytest.mark.parametrize("typed, due, text", [
    ("remind may 5pm call", "2027-05-24T17:00:00+00:00", "call"),
    ("remind dec 1, 2027 9am renew", "2027-12-01T09:00:00+00:00", "renew"),
    ("remind tomorrow 9am ship june 5 boxes", "2026-11-25T09:00:00+00:00", "ship june 5 boxes"),
    ("remind 31 december 10am close the books", "2026-12-31T10:00:00+00:00", "close the books"),
])
async def test_month_name_dates_that_exist_still_read(ask, typed, due, text):
    set_ = await ask(typed)
    assert (set_.kind, set_.data["due"], set_.text) == ("reminder", due, text)


@pytest.mark.parametrize("typed, lang, said", [
    ("remind feb 29 10am leap check", "en", "No year was given: the next February 29 is in 2028"),
    ("提醒 2月29日上午10点 闰日检查", "zh", "没有写年份：下一个2月29日在 2028 年"),
])
async def test_february_29_without_a_year_is_the_next_one_and_says_so_in_both_paths(ask, typed, lang, said):
    """The Chinese path went to 2028 without a word; the English said the date "has passed this year"."""
    set_ = await ask(typed, lang=lang)
    assert set_.kind == "reminder" and set_.data["due"] == "2028-02-29T10:00:00+00:00"
    assert set_.context[0].startswith(said)


@pytest.mark.parametrize("lang, phrase, words", [
    ("zh", "到明天上午10点", "更早。推迟只能往后推：要提前，请取消后重新设置。"),
    ("en", "tomorrow 10am", "is earlier. A snooze only moves a reminder later: to move it earlier, cancel it and set a new one."),
    ("en", "2026-11-26 09:00", "is the same time."),
])
async def test_a_snooze_to_an_earlier_time_is_refused_and_changes_nothing(ask, services, lang, phrase, words):
    """It was: 推迟 2 到明天上午10点 on a reminder due later moved it earlier and said "已推迟"."""
    created = await ask("remind 2026-11-26 09:00 file the appeal", channel="C1")
    rid = created.data["reminder_id"]
    key = services.reminders.get(rid).key
    refused = await ask(f"remind snooze {rid} {phrase}", channel="C1", lang=lang)
    assert refused.kind == "error" and words in refused.text and f"#{rid}" in refused.text
    after = services.reminders.get(rid)
    assert (after.due.isoformat(), after.key) == ("2026-11-26T09:00:00+00:00", key)


async def test_a_snooze_of_a_series_to_before_its_occurrence_is_refused(ask, services):
    series = await ask("remind every day at 8am check the ODR", channel="C1")
    sid = series.data["reminder_id"]
    refused = await ask(f"remind snooze {sid} tomorrow 7am", channel="C1")
    assert refused.kind == "error" and "is earlier" in refused.text
    assert [r.id for r in services.reminders.pending("console", "C1")] == [sid]  # no one-off copy


@pytest.mark.parametrize("lang, phrase", [("zh", "明年"), ("en", "next year"), ("en", "next month"), ("zh", "到明年")])
async def test_a_snooze_to_a_month_or_a_year_is_refused_as_no_time(ask, services, lang, phrase):
    """It was: `snooze 5 明年` was taken as a length, +365 days, without a word."""
    created = await ask("remind 2026-11-26 09:00 file the appeal", channel="C1")
    refused = await ask(f"remind snooze {created.data['reminder_id']} {phrase}", channel="C1", lang=lang)
    assert refused.kind == "error" and ("不是具体时间" if lang == "zh" else "not a time") in refused.text
    assert services.reminders.get(created.data["reminder_id"]).due.isoformat() == "2026-11-26T09:00:00+00:00"


@pytest.mark.parametrize("phrase", ["明年", "next year", "tomorrow", "next week", "明天"])
def test_a_calendar_word_is_not_a_length_of_time(phrase):
    with pytest.raises(UsageError):
        times.parse_duration(phrase)


@pytest.mark.parametrize("when, lang, shown", [
    (datetime(2027, 12, 7, 1, 0, tzinfo=timezone.utc), "zh", "2027年12月7日周二 09:00"),
    (datetime(2027, 12, 7, 1, 0, tzinfo=timezone.utc), "en", "Tue, Dec 7, 2027 09:00"),
    (datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc), "zh", "12月7日周一 09:00"),
    (datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc), "en", "Mon, Dec 7 09:00"),
    (datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc), "en", "Fri, Jan 1, 2027 01:00"),  # next year in the zone
])
def test_a_short_time_shows_the_year_when_it_is_not_this_year_in_the_zone(when, lang, shown):
    now = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
    assert times.short(when, ZoneInfo("Asia/Shanghai"), lang, now=now) == shown


@pytest.mark.parametrize("lang, this_year, next_year", [("zh", "12月7日周一 09:00", "2027年12月7日周二 09:00"),
                                                         ("en", "Mon, Dec 7 09:00", "Tue, Dec 7, 2027 09:00")])
async def test_the_list_shows_the_year_of_a_reminder_due_next_year(ask, lang, this_year, next_year):
    """It was: a reminder due 2027-12-07 listed as "12月7日周二 09:00", this year's date with a wrong weekday."""
    await ask("remind 2026-12-07 09:00 this year's", channel="C1")
    await ask("remind 2027-12-07 09:00 next year's", channel="C1")
    listed = await ask("remind list", channel="C1", lang=lang)
    first, second = listed.text.splitlines()
    assert f" · {this_year} · " in first and f" · {next_year} · " in second


async def test_done_on_a_series_before_its_post_skips_that_occurrence_and_says_so(ask, services, clock):
    """It was: "✓ Done … (next time: Wed 09:00)", the same occurrence, posted anyway."""
    series = await ask("remind every day at 9am check the ODR", channel="C1")
    sid = series.data["reminder_id"]
    done = await ask(f"remind done {sid}", channel="C1")
    assert done.text == ("✓ Done: check the ODR (the occurrence due Wed, Nov 25, 2026 09:00 (UTC) is skipped; "
                         "next time: Thu, Nov 26, 2026 09:00 (UTC))")
    assert services.reminders.get(sid).due.isoformat() == "2026-11-26T09:00:00+00:00"
    again = await ask(f"remind done {sid}", channel="C1", lang="zh")
    assert again.kind == "error" and again.text.startswith(f"提醒 #{sid} 已经完成或已推迟：check the ODR（下次：2026年11月26日")
    clock.advance(days=1, hours=1)  # Wednesday 10:00: the skipped occurrence is not posted
    assert (await delivery_for(services, RecordingSender()).run_due()).sent == []
    clock.advance(days=1)
    assert len((await delivery_for(services, RecordingSender()).run_due()).sent) == 1


async def test_done_on_a_posted_occurrence_marks_that_post_and_keeps_the_series_times(ask, services, clock):
    series = await ask("remind every day at 9am check the ODR", channel="C1")
    sid = series.data["reminder_id"]
    clock.advance(days=1)
    await delivery_for(services, RecordingSender()).run_due()
    done = await ask(f"remind done {sid}", channel="C1")
    assert done.text == "✓ Done: check the ODR (next time: Thu, Nov 26, 2026 09:00 (UTC))"
    assert services.reminders.get(sid).due.isoformat() == "2026-11-26T09:00:00+00:00"


@pytest.mark.parametrize("typed, lang, said", [("提醒 列表 我的", "zh", "你在本频道没有待发送的提醒。"),
                                               ("remind list mine", "en", "You have no pending reminders in this channel."),
                                               ("remind list", "en", "No reminders pending in this channel.")])
async def test_an_empty_list_of_mine_says_it_is_yours_that_are_none(ask, typed, lang, said):
    await ask("remind tomorrow 9am someone else's", channel="C1", user="U2")
    listed = await ask(typed, channel="C1", user="U1", lang=lang)
    assert listed.text == said or (typed == "remind list" and "someone else's" in listed.text)
