"""End to end: the real `sellerbot discord` process connects to a mock gateway and REST API on
127.0.0.1, syncs `/seller`, delivers a reminder that fell due while it was down, answers an
interaction pushed over the gateway (with role names from the guild the gateway sent), and stops
cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime, timedelta, timezone

from bot.config import Config
from bot.services import Services
from tests.conftest import ROOT
from tests.mocks.discord_api import APP_ID, CHANNEL_ID, GUILD_ID, OWNER_ID, ROLE_CURATOR_ID, MockDiscordAPI


async def test_the_discord_process_connects_syncs_answers_and_stops(new_db):
    api = await MockDiscordAPI().start()
    db = new_db("bot.db")
    before = Services(Config(db=db))
    before.reminders.create(platform="discord", channel=str(CHANNEL_ID), owner=str(OWNER_ID), text="resend the appeal",
                            due=datetime.now(timezone.utc) - timedelta(hours=1))
    await before.stop()
    env = {
        **os.environ,
        "DISCORD_TOKEN": "gateway-token",
        "DISCORD_API_URL": api.base,
        "DISCORD_GATEWAY_URL": api.gateway_url,
        "DISCORD_GUILD_ID": str(GUILD_ID),
        "SELLERBOT_DB": str(db),
        "SELLERBOT_CURATOR_ROLES": str(ROLE_CURATOR_ID),
        "SELLERBOT_LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "discord",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for(lambda: api.identified, timeout=30)
        assert api.identified[0]["token"] == "gateway-token" and api.identified[0]["intents"] == 1  # guilds only
        assert api.calls_to("PUT", rf"applications/{APP_ID}/guilds/{GUILD_ID}/commands")
        [late] = await api.wait_for(lambda: api.channel_posts(), timeout=10)
        assert late.json["content"].startswith(f"<@{OWNER_ID}>") and "resend the appeal" in str(late.json["embeds"])
        payload = api.slash(["help"], {}, locale="zh-CN")
        await api.gateway_send("INTERACTION_CREATE", payload)
        [callback] = await api.wait_for(lambda: api.callbacks(int(payload["id"])), timeout=10)
        assert callback["type"] == 4 and "查看所有命令" in str(callback["data"]["embeds"])
        # someone else's case may be closed by a holder of the curator role (named by id)
        await api.gateway_send("INTERACTION_CREATE", api.slash(["case"], {"action": "open", "type": "messaging-warning"}))
        await api.wait_for(lambda: len(api.callbacks()) == 2, timeout=10)
        close = api.slash(["case"], {"action": "close", "id": "1"}, user_id=OWNER_ID, roles=[ROLE_CURATOR_ID])
        await api.gateway_send("INTERACTION_CREATE", close)
        [closed] = await api.wait_for(lambda: api.callbacks(int(close["id"])), timeout=10)
        assert closed["data"]["embeds"][0]["title"].startswith("Case #1 closed")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
        await api.close()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert b"oauth2/authorize?client_id=" in stderr  # the invite URL is logged at start
