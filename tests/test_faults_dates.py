"""Impossible dates (issue 13, item 6): any date outside 1970-2100 is a clear error in the user's
language, never a crash behind a reference, whatever the channel's time zone."""

import pytest

from bot.reminders import times


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
@pytest.mark.parametrize("when", ["0001-01-01", "0001-01-01 00:00", "1969-06-01 10:00", "2101-01-01"])
async def test_a_case_received_outside_1970_to_2100_is_refused_by_year(ask, zone, when):
    await ask(f"settings tz {zone}")
    response = await ask(f"case open messaging-warning received {when}")
    assert response.kind == "error"
    assert "out of range" in response.text and "1970" in response.text and "2100" in response.text
    assert "Reference" not in response.text


@pytest.mark.parametrize("zone", ["America/New_York", "UTC", "Asia/Tokyo"])
@pytest.mark.parametrize("when", ["9999-12-31 23:59", "2101-01-01 09:00", "in 200 years"])
async def test_a_reminder_beyond_2100_is_refused_by_year(ask, zone, when):
    await ask(f"settings tz {zone}")
    response = await ask(f"remind {when} renew the trademark")
    assert response.kind == "error"
    assert "out of range" in response.text and "2100" in response.text, response.text
    quoted = await ask(f'remind "{when}" renew the trademark')
    assert quoted.kind == "error" and "out of range" in quoted.text


async def test_the_out_of_range_error_speaks_chinese_to_a_chinese_user(ask):
    await ask("settings tz America/New_York")
    response = await ask("remind 9999-12-31 23:59 续费商标", lang="zh")
    assert response.kind == "error"
    assert response.text == "年份 9999 超出范围：请填写 1970 年到 2100 年之间的日期。"


async def test_a_case_update_to_year_one_is_refused_and_leaves_the_case_alone(ask):
    opened = await ask("case open messaging-warning")
    case_id = opened.data["case_id"]
    response = await ask(f"case update {case_id} appeal sent 0001-01-01")
    assert response.kind == "error" and "out of range" in response.text
    shown = await ask(f"case show {case_id}")
    assert shown.kind == "case"
    assert not next(d for d in shown.data["deadlines"] if d["id"] == "appeal-due")["met"]


async def test_dates_inside_the_range_still_work_at_its_edges(ask, clock):
    opened = await ask("case open messaging-warning received 1970-01-02 00:00")
    assert opened.kind == "case"
    reminder = await ask("remind 2100-12-31 09:00 the last one")
    assert reminder.kind == "reminder", reminder.text


def test_a_snooze_of_centuries_is_not_a_length_of_time():
    with pytest.raises(times.UsageError):
        times.parse_duration("200 years")
