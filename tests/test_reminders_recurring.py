"""Reminders on par with Slack's /remind: repeating series delivered once per occurrence (also
across a restart), reminding someone else, Done / Snooze 1 h / Tomorrow 9:00 on the posted
reminder, snoozing to a time, a warning on an exact duplicate. The clock says Tue 2026-11-24 09:00 UTC."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.model import Request
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


async def test_the_reviewers_reminders_keep_their_text_and_time(ask):
    """提醒别人 after the time is the text's (it was 别人); 明天 9am is 09:00 (it was the time now, text "9am mixed")."""
    other = await ask("remind @张三 明天上午10点 提醒别人", channel="C1", lang="zh")
    assert (other.text, other.data["mentions"], other.data["due"]) == ("提醒别人", ["张三"], "2026-11-25T10:00:00+00:00")
    mixed = await ask("remind 明天 9am mixed", channel="C1")
    assert (mixed.text, mixed.data["due"]) == ("mixed", "2026-11-25T09:00:00+00:00")


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
    moved = await ask(f"remind snooze {rid} 到后天上午10点", channel="C1", lang="zh")
    assert moved.data["due"] == "2026-11-26T10:00:00+00:00" and "已推迟" in moved.title
    moved = await ask(f"remind snooze {rid} until friday 3pm", channel="C1")
    assert moved.data["due"] == "2026-11-27T15:00:00+00:00"
    wrong = await ask(f"remind snooze {rid} 随便", channel="C1", lang="zh")
    assert wrong.kind == "error" and "既不是时长也不是时间" in wrong.text
    past = await ask(f"remind snooze {rid} 到昨天", channel="C1", lang="zh")
    assert past.kind == "error" and "已经过去" in past.text


async def test_snoozing_the_occurrence_ahead_postpones_it_from_its_own_time_and_the_series_skips_it(ask, services, clock):
    """It was: a copy at now + 1 h (Tue 10:00, or past midnight when typed at night), an occurrence
    nobody asked for, while Wednesday's 08:00 still came: the snooze postponed nothing."""
    series = await ask("remind every day at 8am check the ODR", channel="C1")
    sid = series.data["reminder_id"]
    snoozed = await ask(f"remind snooze {sid} 1h", channel="C1")
    assert snoozed.data["reminder_id"] != sid and snoozed.data["repeat"] is None
    assert snoozed.data["due"] == "2026-11-25T09:00:00+00:00"  # Wednesday's 08:00 occurrence, an hour later
    assert "comes back once as reminder" in snoozed.context[0] and "goes on at Thu, Nov 26" in snoozed.context[0]
    assert services.reminders.get(sid).due.isoformat() == "2026-11-26T08:00:00+00:00"  # same times, one skipped
    sender = RecordingSender()
    delivery = delivery_for(services, sender)
    posted = []
    for hours in (23, 1, 23):  # Wed 08:00, Wed 09:00, Thu 08:00
        clock.advance(hours=hours)
        posted.append((await delivery.run_due()).sent)
    assert posted == [[], [snoozed.data["reminder_id"]], [sid]]
    assert len([r for r in services.reminders.pending("console", "C1") if r.repeat]) == 1  # never a second series


async def test_snoozing_to_a_time_moves_the_occurrence_ahead_there(ask, services):
    series = await ask("remind 每天上午8点 检查ODR", channel="C1", lang="zh")
    moved = await ask(f"remind snooze {series.data['reminder_id']} 到明天上午10点", channel="C1", lang="zh")
    assert moved.data["due"] == "2026-11-25T10:00:00+00:00" and "照常，下次" in moved.context[0]
    assert services.reminders.get(series.data["reminder_id"]).due.isoformat() == "2026-11-26T08:00:00+00:00"


async def test_snoozing_a_posted_occurrence_brings_it_back_from_now_and_leaves_the_series_alone(services, clock):
    """Slack's semantics for the Snooze button of a posted occurrence: now + 1 h, the series untouched."""
    send = services.dispatcher.handle
    series = await send(_req("remind every day at 9:30 check the ODR", channel="C1"))
    sid = series.data["reminder_id"]
    clock.advance(minutes=30)
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    [button] = [c for c in sender.sent[0].response.choices if c.value.endswith(" 1h")]
    clock.advance(hours=12, minutes=30)  # Tue 22:00: the post is still open
    again = await send(Request(kind="choice", values=[button.value], channel="C1"))
    assert again.data["due"] == "2026-11-24T23:00:00+00:00" and "posted" in again.context[0]
    assert services.reminders.get(sid).due.isoformat() == "2026-11-25T09:30:00+00:00"
    await send(_req(f"remind done {sid}", channel="C1"))  # the posted one is dealt with: a snooze means the next
    ahead = await send(_req(f"remind snooze {sid} 1h", channel="C1"))
    assert ahead.data["due"] == "2026-11-25T10:30:00+00:00"
    assert services.reminders.get(sid).due.isoformat() == "2026-11-26T09:30:00+00:00"
    assert len([r for r in services.reminders.pending("console", "C1") if r.repeat]) == 1


async def test_done_records_the_work_and_a_done_one_off_is_not_posted(ask, services, clock):
    created = await ask("remind in 2 hours check the claims", channel="C1")
    done = await ask(f"remind done {created.data['reminder_id']}", channel="C1")
    assert done.text == "✓ Done: check the claims" and done.data["state"] == "done"
    clock.advance(hours=3)
    assert (await delivery_for(services, RecordingSender()).run_due()).sent == []
    series = await ask("remind 每天上午9点 检查ODR", channel="C1", lang="zh")
    done = await ask(f"remind done {series.data['reminder_id']}", channel="C1", lang="zh")
    assert done.text.startswith("✓ 已完成：检查ODR（") and done.data["state"] == "pending"


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


@pytest.mark.parametrize("lang,words", [("en", "Reminder #1 is already done: check the claims"),
                                        ("zh", "提醒 #1 已经完成：check the claims")])
async def test_done_twice_says_it_is_already_done_not_cancelled(ask, services, clock, lang, words):
    created = await ask("remind in 2 hours check the claims", channel="C1")
    rid = created.data["reminder_id"]
    await ask(f"remind done {rid}", channel="C1")
    again = await ask(f"remind done {rid}", channel="C1", lang=lang)
    assert again.kind == "error" and again.text == words
    cancel = await ask(f"remind cancel {rid}", channel="C1", lang=lang)
    assert ("is done;" if lang == "en" else "已完成") in cancel.text


async def test_done_after_the_post_and_on_a_series_occurrence(ask, services, clock):
    one_off = await ask("remind in 1 hour call the carrier", channel="C1")
    series = await ask("remind every day at 9:30 check the ODR", channel="C1")
    clock.advance(hours=1)
    await delivery_for(services, RecordingSender()).run_due()
    for rid in (one_off.data["reminder_id"], series.data["reminder_id"]):
        first = await ask(f"remind done {rid}", channel="C1")
        assert first.kind == "info", first.text
        assert (await ask(f"remind done {rid}", channel="C1")).text.startswith(f"Reminder #{rid} is already done")
    assert services.reminders.get(one_off.data["reminder_id"]).status == "done"
    assert services.reminders.get(series.data["reminder_id"]).status == "pending"  # the series goes on


@pytest.mark.parametrize("line", ["remind cancel {a} {b} {c}", "remind done {a} {b}", "remind cancel {a} #{b}"])
async def test_several_ids_are_refused_whole_and_nothing_changes(ask, services, line):
    ids = [(await ask(f"remind in {n} hours task {n}", channel="C1")).data["reminder_id"] for n in (1, 2, 3)]
    refused = await ask(line.format(a=ids[0], b=ids[1], c=ids[2]), channel="C1")
    assert refused.kind == "error" and refused.text.startswith("Nothing was changed") and "is extra" in refused.text
    zh = await ask(line.format(a=ids[0], b=ids[1], c=ids[2]), channel="C1", lang="zh")
    assert zh.text.startswith("未做任何更改")
    assert [r.id for r in services.reminders.pending("console", "C1")] == ids
    assert all(services.reminders.get(i).done_at is None for i in ids)


async def test_the_caps_on_waiting_reminders_per_person_and_per_channel(ask, services, monkeypatch):
    from bot.reminders import service

    monkeypatch.setattr(service, "MAX_ACTIVE_PER_USER", 3)
    monkeypatch.setattr(service, "MAX_ACTIVE_PER_CHANNEL", 5)
    for n in range(3):
        assert (await ask(f"remind in {n + 1} hours task {n}", channel="C1", user="U1")).kind == "reminder"
    mine = await ask("remind in 5 hours one more", channel="C1", user="U1")
    assert mine.kind == "error" and mine.text.startswith("You already have 3 reminders waiting in this channel")
    elsewhere = await ask("remind in 5 hours one more", channel="C2", user="U1")
    assert elsewhere.kind == "reminder"  # the caps are per channel
    await ask("case open messaging-warning", channel="C1", user="U2")  # case reminders do not count
    for n in range(2):
        assert (await ask(f"remind in {n + 1} hours task {n}", channel="C1", user="U2")).kind == "reminder"
    full = await ask("remind 明天上午9点 再来一条", channel="C1", user="U2", lang="zh")
    assert full.kind == "error" and full.text.startswith("本频道已有 5 条待发送的提醒，已达频道上限")
    series = services.reminders.pending("console", "C1")[0]
    await ask(f"remind cancel {series.id}", channel="C1", user="U1")
    assert (await ask("remind every day at 8am check the ODR", channel="C1", user="U1")).kind == "reminder"
    sid = next(r.id for r in services.reminders.pending("console", "C1") if r.repeat)
    snooze = await ask(f"remind snooze {sid} 1h", channel="C1", user="U1")  # its copy would be U1's fourth
    assert snooze.kind == "error" and snooze.text.startswith("You already have 3 reminders")
    assert services.reminders.get(sid).due.isoformat() == "2026-11-25T08:00:00+00:00"  # nothing moved


async def test_the_real_cap_of_one_person_is_a_hundred(ask, services, clock):
    for n in range(100):
        services.reminders.create(platform="console", channel="C1", user="U1", text=f"task {n}",
                                  due=clock.now() + timedelta(hours=1), workspace="")
    refused = await ask("remind in 2 hours the hundred and first", channel="C1", user="U1")
    assert refused.kind == "error" and "100 reminders" in refused.text
    assert (await ask("remind in 2 hours someone else's", channel="C1", user="U2")).kind == "reminder"


async def _press(services, value: str, lang: str = "en"):
    return await services.dispatcher.handle(Request(kind="choice", values=[value], channel="C1", lang=lang))


async def test_a_snooze_button_pressed_twice_snoozes_a_series_post_once(ask, services, clock):
    """The second press (a double click, or a teammate pressing the same post) changes nothing and
    says so: it made a second one-off copy of the post."""
    created = await ask("remind every day at 9:30 check the ODR", channel="C1")
    rid = created.data["reminder_id"]
    clock.advance(minutes=30)
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    [posted] = sender.sent
    snooze = next(c.value for c in posted.response.choices if "snooze" in c.value and c.value.endswith("1h"))
    first = await _press(services, snooze)
    assert first.kind == "reminder", first.text
    before = [(r.id, r.due) for r in services.reminders.pending("console", "C1")]
    again = await _press(services, snooze)
    assert again.kind == "error" and again.text.startswith(f"Reminder #{rid}'s post was already snoozed or done")
    zh = await _press(services, snooze, lang="zh")
    assert zh.kind == "error" and zh.text.startswith(f"提醒 #{rid} 的这条消息已经推迟或完成")
    assert [(r.id, r.due) for r in services.reminders.pending("console", "C1")] == before
    done = await ask(f"remind done {rid}", channel="C1")  # the post was snoozed, not done: the reply says both
    assert done.kind == "error" and done.text.startswith(f"Reminder #{rid} is already done or snoozed: check the ODR")
    typed = await ask(f"remind snooze {rid} 1h", channel="C1")  # typed, it means what it says
    assert typed.kind == "reminder", typed.text


async def test_cancelling_a_series_ends_its_snoozed_occurrences_too(ask, services, clock):
    """A snoozed occurrence became a one-off that cancelling the series ("ends the series") left
    behind, to be posted later as if the series went on."""
    series = await ask("remind every day at 9:30 check the ODR", channel="C1")
    sid = series.data["reminder_id"]
    snoozed = await ask(f"remind snooze {sid} 2h", channel="C1")
    copy = snoozed.data["reminder_id"]
    assert copy != sid and services.reminders.get(copy).series_id == sid
    other = await ask("remind in 3 hours check the claims", channel="C1")
    cancelled = await ask(f"remind cancel {sid}", channel="C1")
    assert cancelled.text.endswith(f"(and its snoozed occurrence #{copy})"), cancelled.text
    assert [r.id for r in services.reminders.pending("console", "C1")] == [other.data["reminder_id"]]
    zh = await ask("remind every day at 9:30 check the ODR", channel="C2")
    await ask(f"remind snooze {zh.data['reminder_id']} 2h", channel="C2")
    said = await ask(f"remind cancel {zh.data['reminder_id']}", channel="C2", lang="zh")
    assert "（连同推迟出来的 #" in said.text
