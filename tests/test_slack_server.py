"""`sellerbot slack` as a process: refuses to start without its variables, serves Bolt over HTTP
with a health check, answers a signed slash-command, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from urllib.parse import urlencode

import aiohttp

from tests.conftest import ROOT, run_cli
from tests.mocks.slack_api import signed_headers
from tests.mocks.slack_fixtures import SECRET, mock_slack  # noqa: F401

NO_SLACK = {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": "", "SLACK_API_URL": ""}


def test_missing_variables_are_named_and_the_exit_is_non_zero(new_db):
    db_s = new_db("s.db")
    result = run_cli(["slack", "--db", db_s], env=NO_SLACK)
    assert result.returncode != 0
    assert "SLACK_BOT_TOKEN is not set" in result.stderr and "SLACK_SIGNING_SECRET is not set" in result.stderr
    assert "Traceback" not in result.stderr

    socket_mode = run_cli(["slack", "--socket", "--db", db_s],
                          env={**NO_SLACK, "SLACK_BOT_TOKEN": "xoxb-1"})
    assert socket_mode.returncode != 0
    assert "SLACK_APP_TOKEN is not set" in socket_mode.stderr and "SLACK_SIGNING_SECRET" not in socket_mode.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _start(args: list[str], env: dict) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", *args, cwd=ROOT, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def test_the_web_process_serves_health_and_signed_commands_and_stops_on_sigterm(mock_slack, new_db):
    port = _free_port()
    env = {**NO_SLACK, "SLACK_BOT_TOKEN": "xoxb-proc", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": mock_slack.api_url, "SELLERBOT_LOG_LEVEL": "WARNING"}
    process = await _start(["slack", "--port", str(port), "--no-scheduler", "--db", new_db("w.db")], env)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                try:
                    async with session.get(base + "/health") as health:
                        assert health.status == 200 and (await health.json())["ok"] is True
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server never answered /health")
            body = urlencode({"command": "/seller", "text": "help", "user_id": "U1", "channel_id": "C1",
                              "team_id": "T1", "response_url": mock_slack.response_url(), "trigger_id": "t.1"})
            async with session.post(base + "/slack/events", data=body, headers=signed_headers(SECRET, body)) as ack:
                assert ack.status == 200
            async with session.post(base + "/slack/events", data=body) as unsigned:
                assert unsigned.status == 401
        (answer,) = await mock_slack.wait_for("response")
        assert "/seller help" in str(answer.params["blocks"])
        assert mock_slack.called("auth.test")[0].params["_auth"] == "Bearer xoxb-proc"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()


async def test_a_token_slack_refuses_stops_the_process_with_a_clear_message(mock_slack, new_db):
    mock_slack.fail("auth.test", status=200, body={"ok": False, "error": "invalid_auth"})
    env = {**NO_SLACK, "SLACK_BOT_TOKEN": "xoxb-bad", "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock_slack.api_url}
    process = await _start(["slack", "--port", str(_free_port()), "--db", new_db("x.db")], env)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in stderr.decode()


async def test_socket_mode_connects_with_the_app_token_and_answers_a_command(mock_slack, new_db):
    env = {**NO_SLACK, "SLACK_BOT_TOKEN": "xoxb-sock", "SLACK_APP_TOKEN": "xapp-1-sock",
           "SLACK_API_URL": mock_slack.api_url, "SELLERBOT_LOG_LEVEL": "WARNING"}
    process = await _start(["slack", "--socket", "--no-scheduler", "--db", new_db("s.db")], env)
    try:
        await mock_slack.wait_for("socket.connect", timeout=20)
        assert mock_slack.called("apps.connections.open")[0].params["_auth"] == "Bearer xapp-1-sock"
        payload = {"command": "/seller", "text": "help", "user_id": "U1", "channel_id": "C1", "team_id": "T1",
                   "response_url": mock_slack.response_url(), "trigger_id": "t.sock.1"}
        await mock_slack.socket_send({"envelope_id": "env-1", "type": "slash_commands",
                                      "accepts_response_payload": True, "payload": payload})
        (ack,) = await mock_slack.wait_for("socket.ack")
        assert ack.params["envelope_id"] == "env-1"
        (answer,) = await mock_slack.wait_for("response")
        assert "/seller help" in str(answer.params["blocks"])
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()


def test_the_manifest_matches_the_code():
    import re

    import yaml

    from adapters.slack.server import EVENTS_PATH
    from bot.config import Config

    folder = ROOT / "adapters" / "slack"
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    (slash,) = manifest["features"]["slash_commands"]
    assert slash["command"] == "/" + Config(_env_file=None).root_command
    assert slash["should_escape"] is True  # `@ana` must reach us as <@U123|ana>, a user id, not a name
    settings = manifest["settings"]
    for url in (slash["url"], settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"]):
        assert url == "https://YOUR-HOST" + EVENTS_PATH
    assert settings["socket_mode_enabled"] is False
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    needs = {"chat_postMessage": "chat:write", "chat_postEphemeral": "chat:write", "chat_update": "chat:write",
             "files_upload_v2": "files:write", "users_info": "users:read", "usergroups_list": "usergroups:read",
             "conversations_open": "im:write", "conversations_join": "channels:join", "auth_test": None,
             "conversations_history": "channels:history", "conversations_replies": "channels:history"}
    source = "\n".join(p.read_text() for p in folder.glob("*.py"))
    called = set(re.findall(r"client\.([a-z]+_[A-Za-z0-9_]+)\(", source))
    assert called <= set(needs), f"a new Web API call needs its scope in the manifest: {called - set(needs)}"
    assert {needs[name] for name in called if needs[name]} <= scopes
    assert {"commands", "channels:history", "im:history"} <= scopes
    assert {"message.channels", "message.im"} <= set(settings["event_subscriptions"]["bot_events"])


async def test_the_web_process_runs_the_scheduler_and_posts_a_late_reminder_at_start(mock_slack, new_db):
    from datetime import datetime, timedelta, timezone

    from bot.config import Config
    from bot.services import Services

    db = new_db("r.db")
    setup = Services(Config(db=db, scheduler="off"))
    due = datetime.now(timezone.utc) - timedelta(minutes=5)
    setup.reminders.create(platform="slack", channel="C9", text="Send the POA today", due=due, user="U3")
    setup.store.close()
    env = {**NO_SLACK, "SLACK_BOT_TOKEN": "xoxb-clock", "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": mock_slack.api_url, "SELLERBOT_LOG_LEVEL": "WARNING"}
    process = await _start(["slack", "--port", str(_free_port()), "--db", str(db)], env)
    try:
        (posted,) = await mock_slack.wait_for("chat.postMessage", timeout=20)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, stderr.decode()
    assert posted.params["channel"] == "C9" and posted.params["text"].startswith("<@U3> ")
    assert "Late" in str(posted.params["blocks"])
