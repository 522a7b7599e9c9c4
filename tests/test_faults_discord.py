"""Faults on the Discord side: the interaction reply answered 500 or 429 once is sent again (discord.py
retries these itself; this pins it), a reminder answered 500 then 200 is posted once, and every
interaction logs its one command line."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest

from adapters.discord.sender import build_sender
from bot.logs import setup_logging
from bot.reminders.scheduler import ReminderScheduler
from tests.mocks.discord_api import CHANNEL_ID
from tests.mocks.discord_fixtures import *  # noqa: F401,F403

CALLBACK = r"interactions/[0-9]+/[^/]+/callback"


@pytest.mark.parametrize("status", [500, 429])
async def test_an_interaction_reply_refused_once_is_sent_again(discord_api, bot, status):
    discord_api.fail("POST", CALLBACK, status)
    payload = discord_api.slash(["help"])
    stream = io.StringIO()
    setup_logging("INFO", "json", stream=stream)
    try:
        bot._connection.parse_interaction_create(payload)
        await discord_api.wait_for(lambda: len(discord_api.calls_to("POST", CALLBACK)) >= 2, timeout=8)
        await discord_api.wait_for(lambda: discord_api.messages)
    finally:
        setup_logging("WARNING", "text")
    first, second = discord_api.calls_to("POST", CALLBACK)
    assert first.json == second.json and second.json["type"] == 4  # the same answer, sent again
    assert "/seller" in json.dumps(second.json["data"], ensure_ascii=False)
    commands = [line for line in map(json.loads, stream.getvalue().splitlines()) if line.get("event") == "command"]
    assert [(c["platform"], c["command"], c["outcome"]) for c in commands] == [("discord", "help", "ok")]
    assert commands[0]["user"] == payload["member"]["user"]["id"] and commands[0]["latency_ms"] >= 0


async def test_a_discord_reminder_answered_500_then_200_is_posted_once(services, clock, discord_api):
    reminder = services.reminders.create(platform="discord", channel=str(CHANNEL_ID), user="U5",
                                         text="Resend the appeal", due=clock.now() + timedelta(minutes=1))
    scheduler = ReminderScheduler(services, {"discord": build_sender(services.config)})
    clock.advance(minutes=1)
    posts = rf"channels/{CHANNEL_ID}/messages"
    discord_api.fail("POST", posts, 503, times=2)
    for _ in range(2):
        report = await scheduler.run_once()
        assert report.retried == [reminder.id] and report.sent == []
        row = services.reminders.get(reminder.id)
        assert row.state == "pending" and "503" in (row.last_error or "")  # put back, never dropped
        clock.set(row.next_attempt_at)
    assert (await scheduler.run_once()).sent == [reminder.id]
    assert (await scheduler.run_once()).sent == []
    calls = discord_api.calls_to("POST", posts)
    assert len(calls) == 3 and len({c.json.get("nonce") for c in calls}) == 1  # the same key each time
    assert services.reminders.get(reminder.id).state == "sent"
