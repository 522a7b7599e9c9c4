"""Reminders on par with Slack's /remind: repeating series delivered once per occurrence (also
across a restart), reminding someone else, Done / Snooze 1 h / Tomorrow 9:00 on the posted
reminder, snoozing to a time, a warning on an exact duplicate. The clock says Tue 2026-11-24 09:00 UTC."""

from __future__ import annotations

import pytest

from bot.services import Services
from tests.reminder_fakes import RecordingSender, delivery_for

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


async def test_a_weekday_series_is_listed_in_words_and_carries_its_rule_in_json(ask):
    created = await ask("remind 每个工作日上午9点 查看绩效通知", lang="zh", channel="C1")
    assert created.kind == "reminder" and created.text == "查看绩效通知"
    assert created.data["due"] == "2026-11-25T09:00:00+00:00"  # today's 09:00 is now: the next one
    assert created.data["repeat"] == "每个工作日 09:00" and created.data["mentions"] == []
    assert "重复：每个工作日 09:00" in created.context[0]
    listed = await ask("remind list", lang="zh", channel="C1")
    assert "🔁 每个工作日 09:00" in listed.text and listed.data["items"][0]["repeat"] == "每个工作日 09:00"
    english = await ask("remind every monday 10am send the weekly ODR report", channel="C1")
    assert (english.data["due"], english.data["repeat"]) == ("2026-11-30T10:00:00+00:00", "every Monday at 10:00")
    one_off = await ask("remind in 2 hours check the claims", channel="C1")
    assert one_off.data["repeat"] is None and one_off.data["mentions"] == []


async def test_each_occurrence_is_delivered_once_and_cancel_ends_the_series(ask, services, clock):
    created = await ask("remind every day at 9:30 check the ODR", channel="C1", user="U1")
    sender = RecordingSender()
    delivery = delivery_for(services, sender)
    for day in range(3):
        clock.advance(minutes=30 if day == 0 else 0, hours=0 if day == 0 else 24)
        report = await delivery.run_due()
        assert report.sent == [created.data["reminder_id"]]
        assert (await delivery.run_due()).sent == []  # the same occurrence is not posted again
    assert [m.response.data["due"] for m in sender.sent] == [
        "2026-11-24T09:30:00+00:00", "2026-11-25T09:30:00+00:00", "2026-11-26T09:30:00+00:00"]
    assert len({m.key for m in sender.sent}) == 3  # one idempotency key per occurrence
    assert sender.sent[0].response.data["repeat"] == "every day at 09:30"
    [pending] = services.reminders.pending("console", "C1")
    assert pending.due.isoformat() == "2026-11-27T09:30:00+00:00"

    cancelled = await ask(f"remind cancel {created.data['reminder_id']}", channel="C1", user="U1")
    assert "Repeating reminder" in cancelled.text and "every day at 09:30" in cancelled.text
    clock.advance(days=1)
    assert (await delivery.run_due()).sent == [] and services.reminders.pending("console", "C1") == []


async def test_a_series_survives_a_restart_and_a_stopped_bot_posts_one_late_occurrence(config, clock):
    first = Services(config, clock=clock)
    await first.dispatcher.handle(_req("remind 每天上午9点 检查ODR", lang="zh"))
    clock.advance(days=1)  # Wednesday 09:00
    sender = RecordingSender()
    assert len((await delivery_for(first, sender, owner="before").run_due()).sent) == 1
    first.store.close()

    clock.advance(days=3, minutes=5)  # stopped over three occurrences; restarted Saturday 09:05
    second = Services(config, clock=clock)
    clock.advance(seconds=11)  # the old lease runs out
    report = await delivery_for(second, sender, owner="after").run_due()
    assert len(report.sent) == 1 and (await delivery_for(second, sender, owner="after").run_due()).sent == []
    assert [m.response.data["late"] for m in sender.sent] == [False, True]
    [pending] = second.reminders.pending("console", "console")
    assert pending.due.isoformat() == "2026-11-29T09:00:00+00:00" and pending.repeat == "daily@09:00"
    second.store.close()


def _req(text: str, **fields):
    from bot.model import Request
    return Request(kind="command", text=text, **fields)


async def test_remind_someone_else_mentions_them_and_stores_the_ids(ask, services):
    slack = await ask("remind <@U777|ana> <@U888> tomorrow 9am resend the appeal", platform="slack", channel="C1", user="U1")
    assert slack.kind == "reminder" and slack.text == "resend the appeal"
    assert slack.data["mentions"] == ["U777", "U888"] and slack.data["owner"] == "U777"
    discord = await ask("remind <@!42> 明天上午10点 提交申诉", platform="discord", channel="9", user="7", lang="zh")
    assert discord.data["mentions"] == ["42"] and discord.text == "提交申诉"
    typed = await ask("remind @bo in 2 hours check the claims", channel="C1")
    assert typed.data["mentions"] == ["bo"]
    listed = await ask("remind list", platform="slack", channel="C1")
    assert " · @U777, @U888 · resend the appeal" in listed.text  # who it names, before the text (the list line format)
    sender = RecordingSender()
    services.clock.advance(days=1)
    await delivery_for(services, sender).run_due()
    posted = next(m for m in sender.sent if m.platform == "slack")
    assert posted.mentions == ["U777", "U888"] and posted.response.data["mentions"] == ["U777", "U888"]
    alone = await ask("remind @bo", channel="C1")
    assert alone.kind == "error"


async def test_an_exact_duplicate_is_set_with_a_warning(ask):
    first = await ask("remind tomorrow 9am send the appeal", channel="C1")
    assert "duplicate_of" not in first.data
    again = await ask("remind tomorrow 9am send the appeal", channel="C1")
    assert again.kind == "reminder" and again.data["duplicate_of"] == [first.data["reminder_id"]]
    assert "Same text and time as reminder #1" in again.context[0]
    elsewhere = await ask("remind tomorrow 9am send the appeal", channel="C2")
    other_time = await ask("remind tomorrow 10am send the appeal", channel="C1")
    assert "duplicate_of" not in elsewhere.data and "duplicate_of" not in other_time.data
    zh = await ask("remind 明天上午9点 send the appeal", channel="C1", lang="zh")
    assert "内容和时间完全相同" in zh.context[0]


async def test_snooze_by_a_duration_or_to_a_time_in_either_language(ask):
    created = await ask("remind tomorrow 9am send the appeal", channel="C1")
    rid = created.data["reminder_id"]
    later = await ask(f"remind snooze {rid} 2h", channel="C1")
    assert later.data["due"] == "2026-11-25T11:00:00+00:00"
    moved = await ask(f"remind snooze {rid} 到明天上午10点", channel="C1", lang="zh")
    assert moved.data["due"] == "2026-11-25T10:00:00+00:00" and "已推迟" in moved.title
    moved = await ask(f"remind snooze {rid} until friday 3pm", channel="C1")
    assert moved.data["due"] == "2026-11-27T15:00:00+00:00"
    wrong = await ask(f"remind snooze {rid} 随便", channel="C1", lang="zh")
    assert wrong.kind == "error" and "既不是时长也不是时间" in wrong.text
    past = await ask(f"remind snooze {rid} 到昨天", channel="C1", lang="zh")
    assert past.kind == "error" and "已经过去" in past.text


async def test_snoozing_a_series_brings_this_occurrence_back_once_and_keeps_the_series(ask, services):
    series = await ask("remind every day at 8am check the ODR", channel="C1")
    snoozed = await ask(f"remind snooze {series.data['reminder_id']} 1h", channel="C1")
    assert snoozed.data["reminder_id"] != series.data["reminder_id"] and snoozed.data["repeat"] is None
    assert snoozed.data["due"] == "2026-11-24T10:00:00+00:00"
    assert services.reminders.get(series.data["reminder_id"]).due.isoformat() == "2026-11-25T08:00:00+00:00"


async def test_done_records_the_work_and_a_done_one_off_is_not_posted(ask, services, clock):
    created = await ask("remind in 2 hours check the claims", channel="C1")
    done = await ask(f"remind done {created.data['reminder_id']}", channel="C1")
    assert done.text == "✓ Done: check the claims" and done.data["state"] == "cancelled"
    clock.advance(hours=3)
    assert (await delivery_for(services, RecordingSender()).run_due()).sent == []
    series = await ask("remind 每天上午9点 检查ODR", channel="C1", lang="zh")
    done = await ask(f"remind done {series.data['reminder_id']}", channel="C1", lang="zh")
    assert done.text.startswith("✓ 已完成：检查ODR（下次：") and done.data["state"] == "pending"


async def test_a_posted_reminder_carries_done_snooze_and_tomorrow_buttons_that_run_commands(ask, services, clock):
    created = await ask("remind in 1 hour call the carrier", channel="C1", lang="zh")
    clock.advance(hours=1)
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    [posted] = sender.sent
    rid = created.data["reminder_id"]
    assert [(c.label, c.value) for c in posted.response.choices] == [
        ("✓ 完成", f"cmd:remind done {rid}"), ("推迟 1 小时", f"cmd:remind snooze {rid} 1h"),
        ("明天 9:00", f"cmd:remind snooze {rid} tomorrow 9:00")]
