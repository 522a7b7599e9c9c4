"""`/seller remind` and `/seller settings` as users type them, with an injected clock."""


import pytest

from bot.model import Request
from bot.reminders.store import to_iso

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


async def test_a_reminder_is_set_in_the_channel_zone_and_listed(ask):
    assert (await ask("settings tz Asia/Shanghai", channel="C1")).data["tz"] == "Asia/Shanghai"
    created = await ask("remind tomorrow 9am send the ODR appeal", channel="C1", user="U1")
    assert created.kind == "reminder"
    assert created.text == "send the ODR appeal"
    assert created.data["due"] == "2026-11-25T09:00:00+08:00"  # the clock says 2026-11-24 17:00 in Shanghai
    assert created.data["reminder_id"] == 1 and created.data["late"] is False
    listed = await ask("remind list", channel="C1")
    assert listed.kind == "list"
    assert [item["reminder_id"] for item in listed.data["items"]] == [1]
    assert (await ask("remind list", channel="C2")).data["items"] == []


async def test_chinese_reminder_with_a_chinese_interface(ask):
    created = await ask("remind 明天上午10点 提交申诉", lang="zh", channel="C1")
    assert created.kind == "reminder" and created.text == "提交申诉"
    assert created.data["due"] == "2026-11-25T10:00:00+00:00"  # the default zone here is UTC
    assert "已设置提醒" in created.title and "提醒时间" in created.context[0]


async def test_quoted_time_phrase(ask):
    created = await ask('remind "next monday 10:00" resend the appeal')
    assert created.data["due"] == "2026-11-30T10:00:00+00:00" and created.text == "resend the appeal"


async def test_past_or_unreadable_time_gets_a_clear_error_with_examples(ask):
    past = await ask("remind yesterday 9am file the appeal")
    assert past.kind == "error" and "past" in past.text and "tomorrow 9am" in past.text
    unreadable = await ask("remind whenever possible file the appeal")
    assert unreadable.kind == "error" and "in 2 hours" in unreadable.text
    assert any(line.startswith("Usage: /seller remind") for line in unreadable.context)
    missing_text = await ask("remind tomorrow")
    assert missing_text.kind == "error"


async def test_cancel_own_reminder_and_not_someone_elses_unless_curator(ask, services):
    mine = await ask("remind in 2 hours check claims", platform="slack", user="U1", channel="C1")
    reminder_id = mine.data["reminder_id"]
    refused = await ask(f"remind cancel {reminder_id}", platform="slack", user="U2", channel="C1")
    assert refused.kind == "error" and "curator" in refused.text.lower()
    assert services.reminders.get(reminder_id).state == "pending"
    cancelled = await ask(f"remind cancel #{reminder_id}", platform="slack", user="U1", channel="C1")
    assert cancelled.kind == "info" and services.reminders.get(reminder_id).state == "cancelled"
    again = await ask(f"remind cancel {reminder_id}", platform="slack", user="U1", channel="C1")
    assert again.kind == "error" and "cancelled" in again.text
    other = await ask("remind in 3 hours call the buyer", platform="slack", user="U1", channel="C1")
    services.config.curator_roles = ["S0CURATORS"]
    by_curator = await ask(f"remind cancel {other.data['reminder_id']}", platform="slack", user="U9",
                           channel="C1", roles=["S0CURATORS"])
    assert by_curator.kind == "info"


async def test_snooze_moves_a_pending_reminder_from_its_due_time_with_a_new_key(ask, services):
    created = await ask("remind in 2 hours check claims", platform="slack", user="U1")
    reminder_id = created.data["reminder_id"]
    key_before = services.reminders.get(reminder_id).key
    snoozed = await ask(f"remind snooze {reminder_id} 30 minutes", platform="slack", user="U1")
    assert snoozed.kind == "reminder" and snoozed.data["due"] == "2026-11-24T11:30:00+00:00"
    assert services.reminders.get(reminder_id).key != key_before
    chinese = await ask(f"remind snooze {reminder_id} 2天", platform="slack", user="U1", lang="zh")
    assert chinese.data["due"] == "2026-11-26T11:30:00+00:00"
    refused = await ask(f"remind snooze {reminder_id} 1h", platform="slack", user="U2")
    assert refused.kind == "error" and "curator" in refused.text.lower()
    earlier = await ask(f"remind snooze {reminder_id} tomorrow 9am", platform="slack", user="U1")
    assert earlier.kind == "error" and "is earlier" in earlier.text and "cancel it and set a new one" in earlier.text
    assert services.reminders.get(reminder_id).due.isoformat() == "2026-11-26T11:30:00+00:00"  # never moved earlier
    to_a_time = await ask(f"remind snooze {reminder_id} friday 9am", platform="slack", user="U1")
    assert to_a_time.kind == "reminder" and to_a_time.data["due"] == "2026-11-27T09:00:00+00:00"  # issue 11: snooze to a time
    bad = await ask(f"remind snooze {reminder_id} soon-ish", platform="slack", user="U1")
    assert bad.kind == "error" and "neither a length of time nor a time" in bad.text


@pytest.mark.parametrize("length, due", [("一个小时", "2026-11-24T12:00:00+00:00"), ("半小时", "2026-11-24T11:30:00+00:00"),
                                         ("一个半小时", "2026-11-24T12:30:00+00:00"), ("两天", "2026-11-26T11:00:00+00:00")])
async def test_a_snooze_length_in_chinese_words(ask, length, due):
    created = await ask("remind in 2 hours check claims", lang="zh")
    snoozed = await ask(f"提醒 推迟 {created.data['reminder_id']} {length}", lang="zh")
    assert (snoozed.kind, snoozed.data["due"]) == ("reminder", due)


@pytest.mark.parametrize("typed, lang, answer", [
    ("remind tomorrow 9am 3 orders to refund", "en", ("reminder", "3 orders to refund")),
    ("remind tomorrow 9am", "en", ("error", "What should I remind you of? Add the text after the time.")),
    ("提醒 每周一三五上午9点 开周会", "zh", ("reminder", "开周会")),
    ("提醒 明天晚上12点 对账", "zh", ("reminder", "对账")),
    ("提醒 2月30日 对账", "zh", ("error", "日期有误：2月没有30日。")),
    ("remind 2026-13-01 renew", "en", ("error", "Not a date: there is no month 13.")),
])
async def test_a_reminder_as_typed_keeps_its_text_or_says_what_is_wrong(ask, typed, lang, answer):
    response = await ask(typed, lang=lang)
    assert (response.kind, response.text) == answer


async def test_the_reply_names_the_days_of_a_series_and_midnight_is_the_next_day(ask):
    series = await ask("提醒 每周一三五上午9点 开周会", lang="zh")
    assert (series.data["due"], series.data["repeat"]) == ("2026-11-25T09:00:00+00:00", "每周一、三、五 09:00")
    midnight = await ask("提醒 明天晚上12点 对账", lang="zh")
    assert midnight.data["due"] == "2026-11-26T00:00:00+00:00"


async def test_a_time_the_clocks_skip_is_refused_in_the_channels_zone(ask):
    await ask("settings tz America/New_York")
    refused = await ask("remind 2027-03-14 02:30 renew the trial")
    assert refused.kind == "error" and refused.text.startswith(
        "02:30 does not exist on 2027-03-14 in America/New_York: the clocks go forward that night. Pick another time, such as 03:30.")
    kept = await ask("remind 2027-03-14 03:30 renew the trial")
    assert kept.data["due"] == "2027-03-14T03:30:00-04:00"


async def test_snoozing_a_sent_reminder_brings_it_back_from_now(ask, services, clock):
    created = await ask("remind in 1 hour stand-up")
    reminder_id = created.data["reminder_id"]
    services.store.execute("UPDATE reminders SET state = 'sent', sent_at = ? WHERE id = ?",
                              [to_iso(clock.now()), reminder_id])
    clock.advance(hours=3)
    snoozed = await ask(f"remind snooze {reminder_id} 1h")
    assert snoozed.data["due"] == "2026-11-24T13:00:00+00:00"
    assert services.reminders.get(reminder_id).state == "pending"


async def test_unknown_ids_and_missing_ids_are_usage_errors(ask):
    assert (await ask("remind cancel 99")).text == "There is no reminder #99."
    assert "number" in (await ask("remind cancel")).text
    assert "number" in (await ask("remind snooze abc 1h")).text


async def test_settings_validate_the_zone(ask):
    bad = await ask("settings tz Mars/Olympus")
    assert bad.kind == "error" and "Asia/Shanghai" in bad.text
    shown = await ask("settings")
    assert shown.data["tz"] == "UTC" and shown.data["channel_tz"] is None
    assert (await ask("settings tz europe/paris")).data["tz"] == "Europe/Paris"
    assert (await ask("settings")).data["channel_tz"] == "Europe/Paris"


async def test_reminder_autocomplete_lists_pending_reminders(ask, services):
    await ask("remind in 2 hours check claims")
    choices = await services.dispatcher.suggest("reminder", "chec", Request())
    assert [c.value for c in choices] == ["1"]


async def test_user_text_is_stored_and_shown_literally(ask, services):
    text = "{{ config }} '; DROP TABLE reminders; -- <@U1>"
    created = await ask(f"remind in 1 hour {text}")
    assert created.text == text and services.reminders.get(created.data["reminder_id"]).text == text


async def test_a_chinese_time_alone_asks_for_the_text_instead_of_cutting_the_time(ask):
    # "明天上午10点" with nothing after it once became a reminder "点" at the current time of day.
    for phrase in ("明天上午10点", "明天"):
        response = await ask(f"remind {phrase}", lang="zh")
        assert response.kind == "error" and "要提醒什么" in response.text, phrase
    glued = await ask("remind 明天上午10点提交申诉", lang="zh")
    assert glued.kind == "reminder" and glued.text == "提交申诉"
    assert glued.data["due"] == "2026-11-25T10:00:00+00:00"
