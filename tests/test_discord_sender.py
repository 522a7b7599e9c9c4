"""Reminders posted by DiscordSender over REST alone (as the `clock` process does), against the mock
API: the owner is mentioned and no one else, rate limits are waited out or handed back, a retried
delivery does not post twice, refusals are final."""

from __future__ import annotations

import time

import pytest

from adapters.discord.sender import DiscordSender, build_sender, nonce_for
from adapters.senders import platform_senders
from bot.config import Config
from bot.model import Choice, Response
from bot.sender import DeliveryFailed, Outgoing, RetryLater
from tests.mocks.discord_api import CHANNEL_ID, OWNER_ID, buttons
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact

POST = rf"channels/{CHANNEL_ID}/messages"


def reminder(key: str = "reminder:7:due", *, channel: str = str(CHANNEL_ID), mention: str | None = str(OWNER_ID)) -> Outgoing:
    response = Response(
        kind="reminder", title="Appeal due in 24 h", text="Case C-7: messaging warning. @everyone look!",
        choices=[Choice(label="Show the case", value="cmd:help")],
    )
    return Outgoing(platform="discord", channel=channel, response=response, mentions=[mention] if mention else [], key=key)


@pytest.fixture
async def sender(services, discord_api):
    sender = build_sender(services.config.model_copy(update={"discord_token": "clock-token"}))
    yield sender
    await sender.close()


async def test_a_reminder_mentions_its_owner_only_and_waits_out_one_429(discord_api, sender):
    discord_api.fail("POST", POST, 429)
    message_id = await sender.send(reminder())
    posts = discord_api.channel_posts()
    assert len(posts) == 2 and str(message_id) == discord_api.latest()["id"]
    body = posts[-1].json
    assert body["content"] == f"<@{OWNER_ID}> Appeal due in 24 h"
    assert body["allowed_mentions"] == {"parse": [], "users": [OWNER_ID]}  # not @everyone, not roles
    assert body["nonce"] == nonce_for("reminder:7:due") and body["enforce_nonce"] is True
    assert body["embeds"][0]["description"].startswith("Case C-7")
    assert buttons(body)[0]["custom_id"] == "sb:c:cmd:help"
    assert posts[-1].headers["Authorization"] == "Bot clock-token"
    assert len(discord_api.calls_to("GET", "users/@me")) == 1  # REST login only, no gateway


async def test_the_same_delivery_sent_twice_posts_once(discord_api, sender):
    first = await sender.send(reminder("reminder:8:due"))
    again = await sender.send(reminder("reminder:8:due"))
    assert first == again
    assert sum(1 for m in discord_api.messages.values() if m["nonce"] == nonce_for("reminder:8:due")) == 1


async def test_a_long_rate_limit_is_handed_back_to_the_scheduler_without_waiting(discord_api, sender):
    discord_api.fail("POST", POST, 429, {"message": "slow down", "retry_after": 120.0, "global": False})
    started = time.monotonic()
    with pytest.raises(RetryLater) as caught:
        await sender.send(reminder())
    assert caught.value.retry_after == 120.0 and time.monotonic() - started < 5


async def test_rate_limits_that_never_end_become_retry_later(discord_api, sender):
    discord_api.fail("POST", POST, 429, times=5)
    with pytest.raises(RetryLater):
        await sender.send(reminder())
    assert len(discord_api.channel_posts()) == 5 and not any(m["channel_id"] == str(CHANNEL_ID) for m in discord_api.messages.values())


async def test_a_server_error_is_retried_later(discord_api, sender):
    discord_api.fail("POST", POST, 503)
    with pytest.raises(RetryLater):
        await sender.send(reminder())


@pytest.mark.parametrize("status", [403, 404])
async def test_a_refusal_is_final(discord_api, sender, status):
    discord_api.fail("POST", POST, status, {"message": "Missing Access", "code": 50001})
    with pytest.raises(DeliveryFailed):
        await sender.send(reminder())


async def test_a_channel_that_is_not_discord_is_refused_without_a_call(discord_api, sender):
    with pytest.raises(DeliveryFailed):
        await sender.send(reminder(channel="console"))
    assert not discord_api.channel_posts()


async def test_without_an_owner_nobody_is_mentioned(discord_api, sender):
    await sender.send(reminder(mention=None))
    body = discord_api.channel_posts()[-1].json
    assert body["content"] == "Appeal due in 24 h" and body["allowed_mentions"] == {"parse": []}


async def test_buttons_posted_by_the_clock_process_are_answered_by_the_bot(discord_api, sender, bot):
    await sender.send(reminder("reminder:9:due"))
    posted = discord_api.latest()
    [callback] = await interact(bot, discord_api, discord_api.press(posted, buttons(posted)[0]["custom_id"]))
    assert callback["type"] == 4 and callback["data"]["embeds"][0]["title"] == "sellerbot"


def test_the_discord_token_selects_the_discord_sender(new_db):
    senders = platform_senders(Config(db=new_db("s.db"), DISCORD_TOKEN="x"))
    assert isinstance(senders["discord"], DiscordSender)


async def test_a_reminder_for_several_people_pings_each_and_names_typed_as_text_none(discord_api, sender):
    """`remind @a @b …`: every mentioned user id is pinged; a name typed as plain text (no id) is not."""
    message = reminder().model_copy(update={"mentions": [str(OWNER_ID), "4242", "ana", str(OWNER_ID)]})
    await sender.send(message)
    body = discord_api.channel_posts()[-1].json
    assert body["content"] == f"<@{OWNER_ID}> <@4242> Appeal due in 24 h"
    assert body["allowed_mentions"] == {"parse": [], "users": [OWNER_ID, 4242]}
