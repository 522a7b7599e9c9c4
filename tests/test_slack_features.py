"""The real features through Slack: the appeal dialogue in a thread, an `ask` with its feedback
buttons, a reminder delivered into the channel. Real Bolt over HTTP, signed requests, Web API mocked."""

from __future__ import annotations

from datetime import timedelta

from adapters.slack.sender import build_sender
from bot.reminders.delivery import Delivery
from bot.reminders.lease import Lease
from bot.reminders.scheduler import ReminderScheduler
from bot.sender import Outgoing
from bot.services import Services
from tests.mocks.slack_api import Message
from tests.mocks.slack_fixtures import mock_slack, slack_bed, slack_config  # noqa: F401

NOTICE_TEXT = "Your Order Defect Rate is 1.59% (2 A-to-z Guarantee claims out of 126 orders)."
TYPED = {
    "notice_date": "2026-11-20",
    "notice_text": NOTICE_TEXT,
    "metric_counts": "2 126",
    "order_ids": "113-4567890-1234567, 114-2345678-7654321",
    "order_notes": "113-4567890-1234567: still in transit on day 18 when the buyer filed a claim; refunded in full",
    "actions_date": "2026-11-22",
    "store_name": "Harbour Lights Home {{7*7}} <!channel>",
    "login_email": "ops@harbourlights-home.example",
}
OWN_ROOT_CAUSE = "Our US carrier stopped scanning parcels at the Los Angeles hub between 3 and 14 November"


def _label_of(message: Message, value: str) -> str:
    for button in message.buttons():
        if button["value"].split("/", 2)[-1] == value:
            return button["text"]["text"]
    for option in message.options():
        if option["value"].split("/", 2)[-1] == value:
            return option["text"]["text"]
    raise AssertionError(f"no choice {value!r} in {message.labels()}")


async def test_ask_is_answered_with_its_source_and_feedback_buttons_that_record_the_vote(slack_bed):
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    await driver.command("ask What is the maximum order defect rate?")
    answer = await mock.next_message()
    (call,) = mock.called("response")
    assert answer.via == "response" and call.params["response_type"] == "in_channel"
    assert answer.blocks[0]["type"] == "header"
    assert "1%" in answer.all_text()
    context = answer.context()
    assert any(line.startswith("Source: ") for line in context)
    assert any(line.startswith("Verified on 20") for line in context)
    assert answer.labels()[-2:] == ["👍 Helpful", "👎 Not helpful"]
    assert len(answer.text) <= 3000 and "1%" in answer.text  # the text fallback

    await driver.press(answer, "👍 Helpful")
    thanks = await mock.next_message()
    assert thanks.via == "response" and thanks.ephemeral and "Thanks for your feedback" in thanks.text
    (vote,) = services.store.query('SELECT "user", helpful FROM kb_votes')
    assert vote == {"user": "U1", "helpful": 1}


async def test_ask_in_chinese_from_a_chinese_locale_and_an_honest_i_dont_know(slack_bed):
    mock, driver = slack_bed.mock, slack_bed.driver
    mock.users["UZH"] = {"locale": "zh-CN"}
    await driver.command("ask 订单缺陷率的标准是多少?", user="UZH")
    answer = await mock.next_message()
    assert any(line.startswith("来源：") for line in answer.context()) and "👍 有帮助" in answer.labels()
    await driver.command("ask how do I bake sourdough bread at home?")
    unknown = await mock.next_message()
    assert "I don't know" in unknown.all_text() and "👍 Helpful" not in unknown.labels()


async def test_a_whole_appeal_dialogue_runs_in_a_thread_with_buttons_and_replies(slack_bed):
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    flow = services.dialogs.flows.get("appeal")

    def step_now():
        state = services.dialogs.store.active("slack", "U1", "C1")
        return flow.step(state.current_step) if state else None

    await driver.command("appeal start")
    root = await mock.next_message()
    assert root.via == "chat.postMessage" and root.channel == "C1" and root.thread_ts is None
    assert "Amazon US" in root.labels()

    message, asked, typed_own = root, [], False
    for _ in range(30):
        step = step_now()
        if step is None:
            break
        asked.append(step.id)
        if step.type == "choice":
            wanted = {"marketplace": "amazon-us", "violation": "odr", "notice_effect": "privileges-removed"}[step.id]
            await driver.press(message, _label_of(message, wanted))
        elif step.type == "multi":
            if step.id == "root_causes" and not typed_own:
                typed_own = True  # free text in a multi step: a reply in the thread
                await driver.say(OWN_ROOT_CAUSE, thread_ts=root.ts)
                message = await mock.next_message()
                assert message.thread_ts == root.ts and "Los Angeles" in message.all_text()
            options = [o["text"]["text"] for o in message.options()][:2]
            await driver.pick_several(message, options, press="Done")
        elif step.type == "review":
            await driver.press(message, _label_of(message, "done"))
        else:
            assert any("Reply in this thread" in line for line in message.context()), step.id
            await driver.say(TYPED[step.id], thread_ts=root.ts)
        message = await mock.next_message()
        assert message.thread_ts == root.ts, f"after {step.id}: {message.text[:80]}"
    else:
        raise AssertionError(f"the dialogue never ended: {asked}")

    assert asked[:2] == ["marketplace", "violation"] and asked[-1] == "review"
    assert {"root_causes", "actions", "prevention", "store_name", "login_email"} <= set(asked)
    draft = message
    # A draft is personal (the seller's login e-mail): only its owner sees it, in the thread, and
    # the letter comes by direct message, never uploaded to the channel.
    assert draft.via == "chat.postEphemeral" and draft.thread_ts == root.ts and len(draft.text) <= 1000
    assert any("sent to you by direct message" in line for line in draft.context())
    await mock.wait_for("files.completeUploadExternal")
    (upload,) = mock.uploads.values()
    assert upload["channel"] == "DU1" and upload["thread_ts"] is None
    letter = upload["content"]
    assert "Harbour Lights Home {{7*7}} <!channel>" in letter  # data, never template code
    assert "ops@harbourlights-home.example" in letter and "113-4567890-1234567" in letter
    assert "Los Angeles hub" in letter
    assert "&lt;!channel&gt;" in draft.all_text() or "<!channel>" not in draft.all_text()

    pressed = [c for c in mock.called("chat.update")]
    assert len(pressed) >= 6 and all(c.params["channel"] == "C1" for c in pressed)
    assert len(mock.called("chat.postEphemeral")) == 1 and mock.called("response") == []

    await driver.say("thanks everyone")  # the dialogue is over: channel talk is not an answer
    await mock.settle()
    assert mock.messages[-1] is draft


async def test_a_reminder_set_in_slack_is_posted_in_its_channel_once_after_a_rate_limit(slack_bed, clock):
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    await driver.command("remind in 2 minutes renew the CSBA trial", user="U5", channel="C7")
    confirmation = await mock.next_message()
    assert confirmation.via == "response" and "renew the CSBA trial" in confirmation.all_text()

    scheduler = ReminderScheduler(services, {"slack": build_sender(slack_bed.config)})
    assert (await scheduler.run_once()).sent == []  # not due yet
    clock.advance(minutes=2)
    mock.fail("chat.postMessage", status=429, headers={"Retry-After": "3"})
    first = await scheduler.run_once()
    assert first.sent == [] and len(first.retried) == 1
    clock.advance(seconds=2)
    assert (await scheduler.run_once()).sent == []  # Slack asked for 3 seconds
    clock.advance(seconds=1)
    assert (await scheduler.run_once()).sent == first.retried
    assert (await scheduler.run_once()).sent == []

    refused, posted = mock.called("chat.postMessage")
    assert (refused.status, posted.status) == (429, 200)
    assert posted.params["channel"] == "C7" and posted.params["text"].startswith("<@U5> ")
    assert "renew the CSBA trial" in str(posted.params["blocks"])
    assert posted.params["metadata"] == refused.params["metadata"]  # same idempotency key both times
    (row,) = services.store.query("SELECT state, message_id FROM reminders WHERE id = ?", first.retried)
    assert row == {"state": "sent", "message_id": mock.messages[-1].ts}  # Slack's ts is kept


async def test_a_reminder_posted_just_before_a_crash_is_not_posted_again(db_target, mock_slack, clock):
    config = slack_config(db_target, mock_slack)
    first = Services(config, clock=clock)
    reminder = first.reminders.create(platform="slack", channel="C7", text="Follow up the appeal", due=clock.now(), user="U5")
    dead = Delivery(first, {"slack": build_sender(config)}, Lease(first.store, clock, "dies"))
    assert dead.lease.acquire()
    [claimed] = dead.claim()
    await build_sender(config).send(Outgoing(platform="slack", channel="C7", response=dead.render(claimed, late=False),
                                             mentions=[claimed.owner], key=claimed.key))
    # ...and the process dies before recording the post.
    second = Services(config, clock=clock)
    clock.advance(seconds=11)  # the dead process's lease runs out
    report = await Delivery(second, {"slack": build_sender(config)}, Lease(second.store, clock, "survivor")).run_due()
    assert report.sent == [reminder.id] and report.in_doubt == [reminder.id]
    assert len(mock_slack.called("chat.postMessage")) == 1
    assert second.reminders.get(reminder.id).state == "sent"
    first.store.close()
    second.store.close()


async def test_a_posted_reminder_is_done_or_snoozed_with_its_buttons(slack_bed, clock):
    """The reminder posted by the delivery loop carries Done / Snooze 1 h / Tomorrow 9:00; pressing
    them is a signed block_actions payload that runs the reminder command as the presser."""
    mock, driver, services = slack_bed.mock, slack_bed.driver, slack_bed.services
    # with should_escape, Slack sends each mention as <@id|name>
    await driver.command("remind <@U5|ana> <@U6|bo> in 2 minutes renew the CSBA trial", user="U5", channel="C7")
    await mock.next_message()
    scheduler = ReminderScheduler(services, {"slack": build_sender(slack_bed.config)})
    clock.advance(minutes=2)
    [rid] = (await scheduler.run_once()).sent
    posted = await mock.next_message()
    assert posted.labels() == ["✓ Done", "Snooze 1 h", "Tomorrow 9:00"]
    assert posted.text.startswith("<@U5> <@U6> ")

    await driver.press(posted, "Snooze 1 h", user="U5")
    snoozed = await mock.next_message()
    assert "snoozed" in snoozed.all_text()
    assert services.reminders.get(rid).due == clock.now() + timedelta(hours=1)

    await driver.press(posted, "Tomorrow 9:00", user="U6")  # a mentioned person may move it too
    await mock.next_message()
    assert services.reminders.get(rid).due.isoformat() == "2026-11-25T09:00:00+00:00"

    await driver.press(posted, "✓ Done", user="U5")
    done = await mock.next_message()
    assert "Done: renew the CSBA trial" in done.all_text()
    assert services.reminders.get(rid).done_at == clock.now()
