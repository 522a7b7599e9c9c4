"""`/seller case`: deadlines derived from knowledge/deadlines.yaml, reminders that follow updates."""

from datetime import datetime, timedelta

import pytest

from bot.model import Request
from tests.reminder_fakes import RecordingSender, delivery_for

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_messaging_warning_appeal_due_72_hours_after_receipt_with_reminders_at_48_24_4_hours_left(ask):
    await ask("settings tz Asia/Shanghai")
    opened = await ask("case open messaging-warning received 2026-11-24 10:00 owner @ana")
    assert opened.kind == "case"
    data = opened.data
    assert data["type"] == "messaging-warning" and data["owner"] == "ana"
    appeal = next(d for d in data["deadlines"] if d["id"] == "appeal-due")
    assert appeal["label"] == "Appeal due"
    assert appeal["due"] == "2026-11-27T10:00:00+08:00"  # 72 hours after 2026-11-24 10:00 Shanghai
    assert data["reminders"] == [
        "2026-11-25T10:00:00+08:00",  # 48 h left
        "2026-11-26T10:00:00+08:00",  # 24 h left
        "2026-11-26T21:00:00+08:00",  # 4 h left would be 06:00: moved to the end of the working day before
    ]
    assert "Appeal due" in opened.sections[0].text


async def test_case_reminders_name_the_owner_and_link_the_case(ask, services, clock):
    opened = await ask("case open messaging-warning owner <@U42|ana>", platform="slack", user="U1", channel="C9")
    case_id = opened.data["case_id"]
    clock.advance(hours=24)
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    [message] = sender.sent
    assert message.mentions == ["U42"] and message.channel == "C9" and message.platform == "slack"
    assert message.response.data["case_id"] == case_id and message.response.data["owner"] == "U42"
    assert f"Case #{case_id}" in message.response.text and "in 48 hours" in message.response.text
    assert f"/seller case show {case_id}" in message.response.context[0]


async def test_reminders_already_past_at_opening_are_not_planned(ask):
    opened = await ask("case open messaging-warning received 2 days ago")
    assert len(opened.data["reminders"]) == 1  # only the 4-hours-left one is still ahead


async def test_appeal_sent_cancels_the_appeal_reminders_and_plans_a_follow_up_after_7_days(ask, services, clock):
    opened = await ask("case open messaging-warning")
    case_id = opened.data["case_id"]
    old_ids = opened.data["reminder_ids"]
    clock.advance(hours=30)
    updated = await ask(f"case update {case_id} appeal sent")
    assert updated.kind == "case"
    appeal = next(d for d in updated.data["deadlines"] if d["id"] == "appeal-due")
    follow = next(d for d in updated.data["deadlines"] if d["id"] == "follow-up")
    assert appeal["met"] is True
    assert iso(follow["due"]) == clock.now() + timedelta(days=7)
    assert updated.data["reminders"] == [follow["due"]]
    assert [services.reminders.get(r).state for r in old_ids] == ["cancelled"] * 3
    replied = await ask(f"case update {case_id} reply received")
    assert replied.data["reminders"] == []


async def test_a_corrected_receipt_time_reschedules_pending_reminders(ask, services):
    await ask("settings hours 0-24")  # reminders at any hour, so each rule's time is kept as it is
    opened = await ask("case open messaging-warning received 2026-11-24 09:00")
    case_id = opened.data["case_id"]
    keys = {r.id: r.key for r in services.reminders.for_case(case_id)}
    updated = await ask(f"case update {case_id} received 2026-11-24 06:00")
    appeal = next(d for d in updated.data["deadlines"] if d["id"] == "appeal-due")
    assert appeal["due"] == "2026-11-27T06:00:00+00:00"
    assert updated.data["reminders"] == ["2026-11-25T06:00:00+00:00", "2026-11-26T06:00:00+00:00",
                                         "2026-11-27T02:00:00+00:00"]
    rows = services.reminders.for_case(case_id)
    assert sorted(r.id for r in rows) == sorted(keys)  # the same rows, moved
    assert all(r.key != keys[r.id] for r in rows)  # each with a new idempotency key


async def test_chinese_update_words_and_times(ask):
    opened = await ask("case open messaging-warning received 2026-11-23 09:00", lang="zh")
    updated = await ask(f"case update {opened.data['case_id']} 已申诉 今天上午8点", lang="zh")
    follow = next(d for d in updated.data["deadlines"] if d["id"] == "follow-up")
    assert follow["due"] == "2026-12-01T08:00:00+00:00" and follow["label"] == "未回复则跟进"
    assert "已更新" in updated.title


async def test_closing_a_case_cancels_its_reminders_and_needs_owner_or_curator(ask, services):
    opened = await ask("case open cdiscount-formal-notice owner @U2", platform="slack", user="U1")
    case_id = opened.data["case_id"]
    monitoring = next(d for d in opened.data["deadlines"] if d["id"] == "monitoring-ends")
    assert monitoring["due"] == "2026-12-24T09:00:00+00:00"  # 30 days
    assert len(opened.data["reminders"]) == 3
    refused = await ask(f"case close {case_id}", platform="slack", user="U3")
    assert refused.kind == "error" and "curator" in refused.text.lower()
    closed = await ask(f"case close {case_id}", platform="slack", user="U2")
    assert closed.data["state"] == "closed" and closed.data["reminders"] == []
    assert all(r.state == "cancelled" for r in services.reminders.for_case(case_id, states=("cancelled",)))
    assert services.reminders.for_case(case_id) == []
    again = await ask(f"case close {case_id}", platform="slack", user="U2")
    assert again.kind == "error" and "already closed" in again.text


async def test_a_deactivation_opens_with_its_funds_deadlines_counted_from_the_notice(ask):
    """Issue 12: a deactivation case opened with no deadline at all (they counted from a failed appeal)."""
    opened = await ask("case open account-deactivation received 2026-11-01 09:00")
    due = {d["id"]: d["due"] for d in opened.data["deadlines"]}
    assert due["funds-appeal"] == "2026-12-31T09:00:00+00:00"  # 60 days after deactivation
    assert due["funds-release"] == "2027-01-30T09:00:00+00:00"  # 90 days
    assert "25 Oct 2024" in " ".join(opened.context)
    reinstated = await ask(f"case update {opened.data['case_id']} reinstated 2026-11-20 09:00")
    assert all(d["met"] for d in reinstated.data["deadlines"] if d["id"].startswith("funds"))


async def test_failed_appeal_funds_checks_at_60_and_90_days(ask):
    opened = await ask("case open failed-appeal 2026-11-20 09:00")
    due = {d["id"]: d["due"] for d in opened.data["deadlines"]}
    assert due["funds-appeal"] == "2027-01-19T09:00:00+00:00"  # 60 days
    assert due["funds-release"] == "2027-02-18T09:00:00+00:00"  # 90 days


async def test_csba_trial_uses_30_days_and_says_why(ask):
    opened = await ask("case open csba enrolled 2026-11-20 09:00")
    trial = next(d for d in opened.data["deadlines"] if d["id"] == "trial-ends")
    assert trial["due"] == "2026-12-20T09:00:00+00:00"
    assert any("90 days" in line for line in opened.context)


async def test_case_types_list_and_show(ask):
    types = await ask("case types")
    assert types.kind == "list"
    names = {item["type"] for item in types.data["items"]}
    assert {"messaging-warning", "cdiscount-formal-notice", "failed-appeal", "csba-trial"} <= names
    opened = await ask("case open 消息违规", channel="C1")
    assert opened.data["type"] == "messaging-warning"
    listed = await ask("case list", channel="C1")
    assert [i["case_id"] for i in listed.data["items"]] == [opened.data["case_id"]]
    assert listed.data["items"][0]["next"]["label"] == "Appeal due"
    shown = await ask(f"case show {opened.data['case_id']}", channel="C1")
    assert opened.data.pop("received_assumed") is True  # opened without a time: the reply says it counted from now
    assert shown.data == opened.data


async def test_case_misuse_gets_usage_errors(ask):
    unknown = await ask("case open frobnicate")
    assert unknown.kind == "error" and "messaging-warning" in unknown.text
    opened = await ask("case open messaging-warning")
    bad_event = await ask(f"case update {opened.data['case_id']} appeal failed")
    assert bad_event.kind == "error" and "appeal sent" in bad_event.text
    future = await ask("case open messaging-warning received tomorrow")
    assert future.kind == "error" and "future" in future.text
    assert (await ask("case show 999")).text == "There is no case #999."
    assert (await ask("case open messaging-warning owner")).kind == "error"
    assert (await ask("case")).kind == "error"


async def test_reassigning_the_owner_moves_the_mentions(ask, services):
    opened = await ask("case open messaging-warning owner @ana")
    case_id = opened.data["case_id"]
    updated = await ask(f"case update {case_id} owner @bo")
    assert updated.data["owner"] == "bo"
    assert {r.owner for r in services.reminders.for_case(case_id)} == {"bo"}


async def test_case_type_autocomplete(services):
    choices = await services.dispatcher.suggest("case_type", "cdis", Request())
    assert [c.value for c in choices] == ["cdiscount-formal-notice"]
    assert len(await services.dispatcher.suggest("case_type", "", Request())) >= 6


async def test_the_case_view_suggests_only_an_update_its_type_accepts(ask):
    warning = await ask("case open messaging-warning")
    assert "case update 1 appeal sent" in warning.context[-1]
    sent = await ask("case update 1 appeal sent")
    assert "case update 1 reply received" in sent.context[-1]
    trial = await ask("case open csba-trial")  # a CSBA trial has no appeal to send
    assert "appeal sent" not in trial.context[-1] and "case close 2" in trial.context[-1]
    closed = await ask("case close 1")
    assert not any("case update" in line or "case close" in line for line in closed.context)


@pytest.mark.parametrize("lang,refusal", [
    ("en", "Only the case's owner or opener (@U2, @U1) or a curator can {what}."),
    ("zh", "只有案件负责人或创建人（@U2, @U1）或管理员可以{what}。"),
])
async def test_a_member_cannot_make_themselves_owner_to_close_a_case(ask, services, lang, refusal):
    """It was: anyone in the channel could `case update N owner @me`, then close the case as its owner.
    Handing a case over follows the close rule (owner, opener or curator), and the refusal says so."""
    slack = dict(platform="slack", channel="C1", workspace="T1")
    case_id = (await ask("case open messaging-warning store Anker owner <@U2>", user="U1", **slack)).data["case_id"]
    words = {"en": (f"change the owner of case #{case_id}", f"close case #{case_id}"),
             "zh": (f"更换案件 #{case_id} 的负责人", f"关闭案件 #{case_id}")}[lang]  # read as Chinese
    for line, what in ((f"case update {case_id} owner <@U3>", words[0]),
                       (f"case update {case_id} store Other owner <@U3>", words[0]),
                       (f"case close {case_id}", words[1])):
        refused = await ask(line, user="U3", lang=lang, **slack)
        assert refused.kind == "error" and refused.text == refusal.format(what=what), line
    case = services.cases.get(case_id)
    assert (case.owner, case.store, case.state) == ("U2", "Anker", "open")  # nothing was saved
    assert (await ask(f"case update {case_id} appeal sent", user="U3", **slack)).kind == "case"  # events: anyone
    assert (await ask(f"case update {case_id} owner <@U3>", user="U2", **slack)).data["owner"] == "U3"
    assert (await ask(f"case close {case_id}", user="U3", **slack)).data["state"] == "closed"  # now the owner


# (line, what it says: None = accepted); the case was received 2026-11-20 09:00, now is 2026-11-24 09:00
EVENT_ORDER = [
    ("appeal sent 1971-01-01", "cannot be Fri, Jan 1, 1971"),
    ("appeal sent 2026-11-19 18:00", "before `received` (Fri, Nov 20, 2026 09:00 (UTC))"),
    ("appeal sent tomorrow 10:00", "is in the future"),
    ("appeal sent 2026-11-21 10:00", None),
    ("received 2026-11-22 09:00", "after `appeal sent` (Sat, Nov 21, 2026 10:00 (UTC))"),
    ("received 2026-11-19 09:00", None),
    ("reply received 2026-11-19 10:00", None),  # after the corrected receipt
]


async def test_an_event_is_not_dated_before_the_notice_or_ahead_of_now(ask, services):
    case_id = (await ask("case open messaging-warning received 2026-11-20 09:00")).data["case_id"]
    for line, says in EVENT_ORDER:
        before = services.cases.get(case_id).events
        answer = await ask(f"case update {case_id} {line}")
        if says is None:
            assert answer.kind == "case", (line, answer.text)
        else:
            assert answer.kind == "error" and says in answer.text, (line, answer.text)
            assert services.cases.get(case_id).events == before, line
    zh = await ask(f"case update {case_id} 已申诉 2026-11-18 09:00", lang="zh")
    assert zh.kind == "error" and "不能早于" in zh.text and "请检查日期" in zh.text


@pytest.mark.parametrize("lang, shown", [("zh", "站点：亚马逊德国站"), ("en", "Marketplace: Amazon DE")])
async def test_a_case_names_its_marketplace_as_people_say_it(ask, lang, shown):
    """The code (amazon-de) stays in the data; the reader sees the marketplace's name."""
    opened = await ask("case open messaging-warning marketplace 德国站", lang=lang)
    shown_case = await ask(f"case show {opened.data['case_id']}", lang=lang)
    assert shown_case.data["marketplace"] == "amazon-de"
    assert shown in shown_case.plain_text() and "amazon-de" not in shown_case.plain_text()


async def test_a_case_opened_after_its_reminder_times_gets_one_reminder_now(ask, services, clock):
    """Opened 71 hours after a 72-hour warning, every reminder time (48, 24, 4 hours left) has
    passed: the deadline still gets one reminder, posted at once, and later updates neither move
    it nor post it again. A deadline already past gets none."""
    now = clock.now()
    opened = await ask(f"case open messaging-warning received {(now - timedelta(hours=71)).isoformat()}", channel="C1")
    case_id = opened.data["case_id"]
    assert opened.data["reminders"] == [now.isoformat()]
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    [posted] = sender.sent
    assert "Appeal due in 1 hour" in posted.response.text, posted.response.text
    clock.advance(minutes=10)
    await ask(f"case update {case_id} note buyer wrote back", channel="C1")
    await delivery_for(services, sender).run_due()
    assert len(sender.sent) == 1 and services.reminders.pending("console", "C1") == []
    late = await ask(f"case open messaging-warning received {(now - timedelta(hours=73)).isoformat()}", channel="C1")
    assert late.data["reminders"] == []


@pytest.mark.parametrize("lang, update, words", [
    ("en", "reinstated", "Reinstated: nothing is left to do. Close: /seller case close "),
    ("zh", "恢复", "已恢复：案件已无待办。关闭：/seller 案件 关闭 "),
    ("zh", "已解封", "已恢复：案件已无待办。关闭：/seller 案件 关闭 "),
])
async def test_a_reinstated_account_case_offers_only_to_be_closed(ask, lang, update, words):
    """After "reinstated" the case offered Draft the appeal and "update … reply received"; 恢复
    without 已 was not understood."""
    opened = await ask("case open account-deactivation received 2026-11-20 10:00", lang=lang)
    case_id = opened.data["case_id"]
    assert any(c.value == f"cmd:appeal start case {case_id}" for c in opened.choices)
    done = await ask(f"case update {case_id} {update}", lang=lang)
    assert done.kind == "case", done.text
    shown = await ask(f"case show {case_id}", lang=lang)
    assert not any("appeal start" in c.value for c in shown.choices)
    assert any(line.startswith(words) for line in shown.context), shown.context
