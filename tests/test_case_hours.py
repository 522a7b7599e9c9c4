"""Working hours: a case reminder the rules put at 03:00 comes at the end of the working day
before, never after its deadline; when no working time is left before it, it keeps its time and
says so. Fixed "now", channels in several zones."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UsageError
from bot.reminders import hours
from tests.reminder_fakes import RecordingSender, delivery_for

NINE_TO_NINE = hours.DEFAULT


def local(zone: str, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


PLACES = [
    # zone, working hours, rule's time (local), now (local), where it goes (local), moved, outside
    ("Asia/Shanghai", "9-21", "2026-11-27 03:00", "2026-11-24 10:00", "2026-11-26 21:00", True, False),
    ("Europe/Paris", "9-21", "2026-11-27 03:00", "2026-11-24 10:00", "2026-11-26 21:00", True, False),
    ("America/Los_Angeles", "9-21", "2026-11-27 23:30", "2026-11-24 10:00", "2026-11-27 21:00", True, False),
    ("Asia/Shanghai", "9-21", "2026-11-27 10:00", "2026-11-24 10:00", "2026-11-27 10:00", False, False),
    ("Asia/Shanghai", "9-21", "2026-11-27 21:00", "2026-11-24 10:00", "2026-11-27 21:00", False, False),
    ("Asia/Shanghai", "9-21", "2026-11-27 08:59", "2026-11-24 10:00", "2026-11-26 21:00", True, False),
    ("Asia/Tokyo", "08:30-18:00", "2026-11-27 03:00", "2026-11-24 10:00", "2026-11-26 18:00", True, False),
    ("UTC", "0-24", "2026-11-27 03:00", "2026-11-24 10:00", "2026-11-27 03:00", False, False),
    # 22:00 now, 03:00 tomorrow: the last working time (21:00) has passed, so 03:00 it stays
    ("Asia/Shanghai", "9-21", "2026-11-25 03:00", "2026-11-24 22:00", "2026-11-25 03:00", False, True),
    # the night the clocks go back in Los Angeles (01:30 happens twice): the evening before
    ("America/Los_Angeles", "9-21", "2026-11-01 01:30", "2026-10-30 10:00", "2026-10-31 21:00", True, False),
]


@pytest.mark.parametrize("zone, span, at, now, expected, moved, outside", PLACES)
def test_a_reminder_outside_working_hours_comes_earlier(zone, span, at, now, expected, moved, outside):
    placed = hours.place(local(zone, at), now=local(zone, now), zone=ZoneInfo(zone), hours=hours.parse(span))
    assert placed.at == local(zone, expected)
    assert placed.at <= local(zone, at)  # never later than the rule wanted, so never past the deadline
    assert (placed.moved, placed.outside) == (moved, outside)


@pytest.mark.parametrize("typed, stored", [("9-21", "09:00-21:00"), ("08:30-18:00", "08:30-18:00"),
                                           ("9点-21点", "09:00-21:00"), ("9到18", "09:00-18:00"),
                                           ("0-24", "00:00-23:59"), (" 7 ~ 22 ", "07:00-22:00")])
def test_working_hours_are_read_in_english_and_chinese(typed, stored):
    assert hours.parse(typed).stored() == stored


@pytest.mark.parametrize("typed", ["21-9", "9", "25-26", "9-9", "nine to five", ""])
def test_unreadable_hours_are_refused_in_the_users_language(typed):
    with pytest.raises(UsageError, match="9-21"):
        hours.parse(typed, "en")
    with pytest.raises(UsageError, match="工作时间"):
        hours.parse(typed, "zh")


ZONES = ["Asia/Shanghai", "Europe/Paris", "America/New_York"]


@pytest.mark.parametrize("zone", ZONES)
async def test_a_case_reminder_due_at_3am_is_posted_at_9pm_the_evening_before(ask, services, clock, zone):
    """A warning received at 07:00 local is due 72 hours later at 07:00: the rule's reminders (48,
    24 and 4 hours left) fall at 07:00, 07:00 and 03:00, before the working day. Each comes at
    21:00 the evening before, and says how long is really left."""
    clock.set(local(zone, "2026-11-24 10:00"))
    await ask(f"settings tz {zone}")
    opened = await ask("case open messaging-warning received 2026-11-24 07:00")
    assert opened.data["deadlines"][0]["due"] == local(zone, "2026-11-27 07:00").isoformat()
    assert opened.data["reminders"] == [local(zone, f"2026-11-{day} 21:00").isoformat() for day in (24, 25, 26)]
    clock.set(local(zone, "2026-11-26 21:00"))
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    texts = [m.response.text for m in sender.sent]
    assert [t.split(": ", 1)[1].split(" — ")[0] for t in texts] == [
        "Appeal due in 58 hours", "Appeal due in 34 hours", "Appeal due in 10 hours"]


async def test_a_case_reminder_with_no_working_time_left_keeps_its_time_and_says_so(ask, services, clock):
    clock.set(local("Asia/Shanghai", "2026-11-24 22:00"))
    await ask("settings tz Asia/Shanghai")
    opened = await ask("case open messaging-warning received 2026-11-22 07:00")  # due 2026-11-25 07:00
    assert opened.data["reminders"] == [local("Asia/Shanghai", "2026-11-25 03:00").isoformat()]
    [row] = services.reminders.for_case(opened.data["case_id"])
    assert "Outside working hours 09:00–21:00" in row.text and "in 4 hours" in row.text
    assert row.due < local("Asia/Shanghai", "2026-11-25 07:00")


async def test_setting_the_hours_replans_open_cases_and_chinese_words_work(ask, clock):
    clock.set(local("Asia/Shanghai", "2026-11-24 10:00"))
    await ask("settings tz Asia/Shanghai")
    opened = await ask("case open messaging-warning received 2026-11-24 10:00")
    assert opened.data["reminders"][-1] == local("Asia/Shanghai", "2026-11-26 21:00").isoformat()  # 06:00 moved
    saved = await ask("设置 工作时间 8-18", lang="zh")
    assert saved.data["hours"] == "08:00-18:00" and "1 个进行中案件" in saved.context[0]
    shown = await ask(f"case show {opened.data['case_id']}")
    assert shown.data["reminders"] == [local("Asia/Shanghai", text).isoformat()
                                       for text in ("2026-11-25 10:00", "2026-11-26 10:00", "2026-11-26 18:00")]
    refused = await ask("设置 工作时间 21-9", lang="zh")
    assert refused.kind == "error" and "开始早于结束" in refused.text


@pytest.mark.parametrize("zone", ZONES)
async def test_a_follow_up_due_at_night_comes_the_next_working_morning_not_the_evening_before(ask, clock, zone):
    """"Follow up if no reply" says a moment has come: 7 days after an appeal sent at 04:49 it is
    04:49, outside working hours. Moved earlier it would say "follow up now" seven hours too soon;
    it comes at 09:00 that morning."""
    clock.set(local(zone, "2026-11-24 04:49"))
    await ask(f"settings tz {zone}")
    opened = await ask("case open account-deactivation received 2026-11-20 10:00")
    updated = await ask(f"case update {opened.data['case_id']} appeal-sent")
    follow = next(d for d in updated.data["deadlines"] if d["id"] == "follow-up")
    assert follow["due"] == local(zone, "2026-12-01 04:49").isoformat()
    assert local(zone, "2026-12-01 09:00").isoformat() in updated.data["reminders"]
    assert local(zone, "2026-11-30 21:00").isoformat() not in updated.data["reminders"]


def test_only_a_reminder_that_a_moment_has_come_goes_later():
    zone = ZoneInfo("Asia/Shanghai")
    at, now = local("Asia/Shanghai", "2026-12-01 04:49"), local("Asia/Shanghai", "2026-11-24 10:00")
    assert hours.place(at, now=now, zone=zone, hours=NINE_TO_NINE, later=True).at == local("Asia/Shanghai", "2026-12-01 09:00")
    assert hours.place(at, now=now, zone=zone, hours=NINE_TO_NINE).at == local("Asia/Shanghai", "2026-11-30 21:00")
    late = local("Asia/Shanghai", "2026-12-01 22:30")  # after the day's hours: the next morning
    assert hours.place(late, now=now, zone=zone, hours=NINE_TO_NINE, later=True).at == local("Asia/Shanghai", "2026-12-02 09:00")
