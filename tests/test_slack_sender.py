"""Reminders posted into Slack: mention, idempotency key, and how each failure is reported to the
scheduler (wait and retry, or give up)."""

from __future__ import annotations

import socket

import pytest

from adapters.slack.sender import build_sender
from bot.model import Response
from bot.sender import DeliveryFailed, Outgoing, RetryLater
from tests.mocks.slack_fixtures import mock_slack, slack_config  # noqa: F401


def _reminder(key: str = "reminder:7:due", channel: str = "C42") -> Outgoing:
    return Outgoing(platform="slack", channel=channel, mentions=["U777"],
                    response=Response(kind="reminder", text="Appeal due in 4 hours", data={"due": "2026-11-27T09:00:00+00:00"}),
                    key=key)


@pytest.fixture
def sender(db_target, mock_slack):
    return build_sender(slack_config(db_target, mock_slack))


async def test_posts_into_the_channel_mentioning_the_owner_with_the_key_in_metadata(sender, mock_slack):
    ts = await sender.send(_reminder())
    (call,) = mock_slack.called("chat.postMessage")
    assert ts and call.params["channel"] == "C42"
    assert call.params["text"].startswith("<@U777> Appeal due in 4 hours")
    assert call.params["blocks"][0]["text"]["text"].startswith("<@U777> ")
    assert call.params["metadata"] == {"event_type": "sellerbot_delivery", "event_payload": {"key": "reminder:7:due"}}
    assert call.params["_auth"] == "Bearer xoxb-0000-test"


async def test_a_rate_limit_becomes_retry_later_with_slacks_retry_after(sender, mock_slack):
    mock_slack.fail("chat.postMessage", status=429, headers={"Retry-After": "3"})
    with pytest.raises(RetryLater) as raised:
        await sender.send(_reminder())
    assert raised.value.retry_after == 3.0
    assert await sender.send(_reminder())  # the scheduler's retry goes through
    assert [c.status for c in mock_slack.called("chat.postMessage")] == [429, 200]


async def test_server_errors_back_off_longer_each_time(sender, mock_slack):
    mock_slack.fail("chat.postMessage", status=500, times=2)
    mock_slack.fail("chat.postMessage", status=503, body="upstream unavailable")
    waits = []
    for _ in range(3):
        with pytest.raises(RetryLater) as raised:
            await sender.send(_reminder())
        waits.append(raised.value.retry_after)
    assert waits == [2.0, 4.0, 8.0]
    await sender.send(_reminder())
    with pytest.raises(RetryLater) as raised:  # a success resets the back-off of that key
        mock_slack.fail("chat.postMessage", status=500)
        await sender.send(_reminder())
    assert raised.value.retry_after == 2.0


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_a_channel_the_bot_cannot_post_in_is_a_final_failure(sender, mock_slack, error):
    mock_slack.fail("chat.postMessage", status=200, body={"ok": False, "error": error})
    with pytest.raises(DeliveryFailed, match=error):
        await sender.send(_reminder())


async def test_slack_unreachable_is_retried_later(db_target, mock_slack):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    config = slack_config(db_target, mock_slack).model_copy(update={"slack_api_url": f"http://127.0.0.1:{closed_port}/api/"})
    with pytest.raises(RetryLater, match="unreachable"):
        await build_sender(config).send(_reminder())


async def test_blocks_slack_refuses_fall_back_to_text(sender, mock_slack):
    mock_slack.fail("chat.postMessage", status=200, body={"ok": False, "error": "invalid_blocks"})
    assert await sender.send(_reminder())
    refused, plain = mock_slack.called("chat.postMessage")
    assert "blocks" in refused.params and "blocks" not in plain.params
    assert plain.params["text"].startswith("<@U777>")


async def test_a_reminder_with_a_thread_is_posted_in_that_thread(sender, mock_slack):
    await sender.send(_reminder().model_copy(update={"thread": "1700000000.000123"}))
    assert mock_slack.called("chat.postMessage")[0].params["thread_ts"] == "1700000000.000123"


async def test_an_in_doubt_reminder_already_in_the_channel_is_not_posted_again(sender, mock_slack):
    first_ts = await sender.send(_reminder(key="reminder:9:k"))  # posted; then the process "died"
    await sender.send(_reminder(key="reminder:10:other"))
    again = await sender.send(_reminder(key="reminder:9:k").model_copy(update={"in_doubt": True}))
    assert again == first_ts and len(mock_slack.called("chat.postMessage")) == 2
    assert mock_slack.called("conversations.history")[0].params["include_all_metadata"] in (True, "1", "true")
    never_sent = await sender.send(_reminder(key="reminder:11:k").model_copy(update={"in_doubt": True}))
    assert never_sent and len(mock_slack.called("chat.postMessage")) == 3


async def test_an_in_doubt_reminder_is_posted_when_the_channel_cannot_be_read(sender, mock_slack):
    mock_slack.fail("conversations.history", status=200, body={"ok": False, "error": "missing_scope"})
    assert await sender.send(_reminder().model_copy(update={"in_doubt": True}))
    assert len(mock_slack.called("chat.postMessage")) == 1
