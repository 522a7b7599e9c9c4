"""Deferred Discord interactions go through the durable inbox: recorded right after the defer,
marked done once answered, and answered by the next start when the process stopped in between
(through the follow-up webhook while the token is valid, else in the channel)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from datetime import timedelta

import pytest

from bot.context import Context
from bot.inbox import Inbox
from bot.model import Request, Response
from tests.mocks.discord_api import APP_ID, CHANNEL_ID
from tests.mocks.discord_fixtures import *  # noqa: F401,F403
from tests.mocks.discord_fixtures import interact

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


def _dead_owner() -> str:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return f"{socket.gethostname()}:{int(done.stdout)}:gone"


def _rows(services) -> list[tuple]:
    return services.store.execute("SELECT platform, key, kind, state FROM inbox ORDER BY id").fetchall()


async def test_a_deferred_interaction_is_recorded_after_its_defer_and_done_once_answered(discord_api, make_bot, services,
                                                                                         temporary_command):
    release = asyncio.Event()

    async def slow(ctx: Context) -> Response:
        await release.wait()
        return Response(kind="answer", text="after a while")

    temporary_command("slow", handler=slow)
    bot = await make_bot(defer_after=0.05)
    payload = discord_api.slash(["slow"], {"args": "x"})
    [deferred] = await interact(bot, discord_api, payload)
    assert deferred["type"] == 5
    await discord_api.wait_for(lambda: _rows(services))
    assert _rows(services) == [("discord", f"interaction:{payload['id']}", "command", "received")]
    release.set()
    await discord_api.wait_for(lambda: discord_api.calls_to("PATCH", rf"webhooks/{APP_ID}/{payload['token']}/messages/@original"))
    await discord_api.wait_for(lambda: _rows(services)[0][3] == "done")


async def test_fast_answers_are_not_recorded(discord_api, bot, services):
    await interact(bot, discord_api, discord_api.slash(["help"]))
    assert _rows(services) == []


async def test_the_next_start_answers_what_a_stopped_process_deferred(discord_api, make_bot, services, clock, temporary_command):
    runs: list[str] = []

    async def tally(ctx: Context) -> Response:
        runs.append(ctx.args)
        return Response(kind="answer", text=f"tally {ctx.args}")

    temporary_command("tally", handler=tally)
    left = Inbox(services.store, clock, _dead_owner())
    request = Request(kind="command", text="tally old", platform="discord", user="42", channel=str(CHANNEL_ID))
    left.record("discord", "interaction:1", "command", {"request": request.model_dump(mode="json"),
                                                        "application_id": str(APP_ID), "token": "tok-old",
                                                        "channel_id": str(CHANNEL_ID)})
    clock.advance(minutes=16)  # that token has expired; this one has not:
    request = request.model_copy(update={"text": "tally new"})
    left.record("discord", "interaction:2", "command", {"request": request.model_dump(mode="json"),
                                                        "application_id": str(APP_ID), "token": "tok-new",
                                                        "channel_id": str(CHANNEL_ID)})
    clock.advance(timedelta(minutes=1))

    await make_bot()  # logging in runs setup_hook, which finishes what was left
    [followup] = discord_api.followups("tok-new")
    assert followup["embeds"][0]["description"] == "tally new"
    assert discord_api.followups("tok-old") == []
    [posted] = discord_api.channel_posts()
    assert posted.json["content"] == "<@42>" and posted.json["embeds"][0]["description"] == "tally old"
    assert runs == ["old", "new"]
    assert {row[3] for row in _rows(services)} == {"done"}
    await make_bot()  # a second start finds nothing left
    assert len(discord_api.followups()) == 1 and len(discord_api.channel_posts()) == 1
