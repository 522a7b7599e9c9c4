"""The adapter toolkit (issue 16, item 4): one Retry-After parser, one clipping and splitting of text,
one store of long button values and one stop-signal helper, used by both Slack and Discord."""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import UTC, datetime

import pytest

from adapters.discord import render as discord_render
from adapters.discord import sender as discord_sender
from adapters.discord.store import Stash
from adapters.slack import render as slack_render
from adapters.slack.store import VALUE_PREFIX, SlackState
from adapters.toolkit import text
from adapters.toolkit.retry import retry_after
from adapters.toolkit.signals import stop_event
from adapters.toolkit.values import ValueTable

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("headers", "wait"), [
    ({"Retry-After": "30"}, 30.0),
    ({"retry-after": "2.5"}, 2.5),  # slack_sdk hands a plain dict with the name as sent
    ({"Retry-After": "-4"}, 0.0),
    ({"Retry-After": "Tue, 01 Dec 2026 12:00:45 GMT"}, 45.0),
    ({"Retry-After": "Tue, 01 Dec 2026 11:00:00 GMT"}, 0.0),
    ({"Retry-After": "soon"}, 7.0),
    ({"Retry-After": ""}, 7.0),
    ({}, 7.0),
    (None, 7.0),
])
def test_retry_after_reads_seconds_and_dates_and_falls_back(headers, wait):
    assert retry_after(headers, 7.0, now=NOW) == wait


def test_both_platforms_clip_and_split_with_the_toolkit():
    assert slack_render.clip is text.clip
    long = "word " * 40
    assert slack_render.clip(long, 50).endswith("word…") and len(slack_render.clip(long, 50)) <= 50
    assert len(discord_render.cut(long, 50)) == 50, "Discord fills its fields to the limit"
    assert text.clip("short", 50) == "short"
    pieces = text.chunks("p" * 25 + "\n\n" + "x" * 30 + "\nline two " * 5, 40)
    assert all(len(p) <= 40 for p in pieces) and pieces[:2] == ["p" * 25, "x" * 30]
    assert discord_render.chunks is text.chunks and slack_render.chunks("a " * 10, 8) == text.chunks("a " * 10, 8)


def test_both_platforms_keep_long_values_with_one_value_table(services, clock):
    """Each keeps its own table (buttons already posted still resolve), through the same code."""
    stash = Stash(store=services.store, clock=clock)
    key = stash.put("v" * 300)
    assert len(key) == 16 and stash.get(key) == "v" * 300 and stash.get("0" * 16) is None
    state = SlackState(services)
    ref = state.shorten("w" * 300, 150)
    assert ref.startswith(VALUE_PREFIX) and len(ref) == len(VALUE_PREFIX) + 24 and state.expand(ref) == "w" * 300
    assert state.shorten("short", 150) == "short" and state.expand("short") == "short"
    table = ValueTable("slack_values", key_column="ref", key_chars=24, prefix=VALUE_PREFIX)
    assert table.get(services.store, ref) == "w" * 300
    assert table.purge(services.store, "9999") == 1 and state.expand(ref) == ref


def test_the_discord_sender_reads_retry_after_with_the_toolkit():
    class Reply:
        headers = {"Retry-After": "12"}
        status = 429
        reason = "Too Many Requests"

    import discord

    exc = discord.HTTPException(Reply(), "slow down")
    assert discord_sender._retry_after(exc) == 12.0


async def test_a_stop_signal_sets_the_stop_event():
    stop = stop_event()
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(stop.wait(), 5)
    finally:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    assert stop.is_set()
