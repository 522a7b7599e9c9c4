"""`sellerbot clock` honours the API URL variables like the other processes (issue 13, item 7): the
real clock process, with both platform tokens set, posts due reminders to the Discord and Slack
APIs named by DISCORD_API_URL and SLACK_API_URL (local mocks here), never to the real hosts."""

import asyncio
import os
import signal
import sys
from datetime import datetime, timedelta, timezone

from bot.config import Config
from bot.services import Services
from tests.conftest import ROOT
from tests.mocks.discord_api import CHANNEL_ID, MockDiscordAPI
from tests.mocks.slack_api import MockSlack


async def test_the_clock_process_posts_through_the_configured_api_urls(new_db):
    db = new_db("clock.db")
    seed = Services(Config(db=db))
    due = datetime.now(timezone.utc) - timedelta(seconds=5)
    seed.reminders.create(platform="discord", channel=str(CHANNEL_ID), user="1", text="discord ping", due=due)
    seed.reminders.create(platform="slack", channel="C42", user="U1", text="slack ping", due=due)
    seed.store.close()
    discord_api = await MockDiscordAPI().start()
    slack_api = await MockSlack().start()
    env = {**os.environ, "DISCORD_TOKEN": "discord-test-token", "DISCORD_API_URL": discord_api.base,
           "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_API_URL": slack_api.api_url}
    env.pop("SELLERBOT_SCHEDULER", None)
    clock = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "clock", "--for", "60", "--db", str(db), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await discord_api.wait_for(lambda: discord_api.channel_posts(), timeout=30)
        [slack_post] = await slack_api.wait_for("chat.postMessage", timeout=30)
        assert "slack ping" in str(slack_post.params)
        assert "discord ping" in str(discord_api.channel_posts()[0].json)
    finally:
        if clock.returncode is None:
            clock.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(clock.communicate(), timeout=30)
        await discord_api.close()
        await slack_api.close()
    assert clock.returncode == 0, stderr.decode()
