"""End to end: the real `sellerbot discord` process, started as the Procfile starts it, connects
to a mock gateway and REST API on 127.0.0.1, syncs `/seller`, answers an interaction pushed over
the gateway, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests.conftest import ROOT
from tests.mocks.discord_api import APP_ID, GUILD_ID, MockDiscordAPI


async def test_the_discord_process_connects_syncs_answers_and_stops(tmp_path):
    api = await MockDiscordAPI().start()
    env = {
        **os.environ,
        "DISCORD_TOKEN": "gateway-token",
        "DISCORD_API_URL": api.base,
        "DISCORD_GATEWAY_URL": api.gateway_url,
        "DISCORD_GUILD_ID": str(GUILD_ID),
        "SELLERBOT_DB": str(tmp_path / "bot.db"),
        "SELLERBOT_LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "discord", "--no-scheduler",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await api.wait_for(lambda: api.identified, timeout=30)
        assert api.identified[0]["token"] == "gateway-token" and api.identified[0]["intents"] == 1  # guilds only
        assert api.calls_to("PUT", rf"applications/{APP_ID}/guilds/{GUILD_ID}/commands")
        payload = api.slash(["help"], {}, locale="zh-CN")
        await api.gateway_send("INTERACTION_CREATE", payload)
        [callback] = await api.wait_for(lambda: api.callbacks(int(payload["id"])), timeout=10)
        assert callback["type"] == 4 and "查看所有命令" in str(callback["data"]["embeds"])
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=15)
        await api.close()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert b"oauth2/authorize?client_id=" in stderr  # the invite URL is logged at start
