"""The Slack web app's durable inbox, in process (real Bolt over HTTP, real SQLite): every request is
recorded before its ack and answered from the record; a restart finishes what a stopped process
left (through the `response_url` while it is valid, else the Web API); Slack's retries of a
recorded request are deduped against the inbox; malformed requests get 400/401 and one log line."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from aiohttp import web

from adapters.slack.server import EVENTS_PATH, INTAKE, build_web_app
from bot.context import Context
from bot.i18n import Text
from bot.inbox import Inbox
from bot.model import Response
from bot.services import Services
from bot.spec import Command
from tests.mocks.slack_api import SlackDriver, signed_headers
from tests.mocks.slack_fixtures import SECRET, mock_slack, slack_bed, slack_config  # noqa: F401

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


def dead_owner() -> str:
    """The owner name of a process of this host that has exited (as a SIGKILLed web process leaves)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return f"{socket.gethostname()}:{int(done.stdout)}:gone"


def inbox_rows(services: Services) -> list[dict]:
    return list(services.store.query("SELECT id, key, kind, state, owner FROM inbox ORDER BY id"))


@pytest.fixture
def counted() -> dict[str, int]:
    """The runs per N of the command `tally up N` that `add_tally` puts on an application."""
    return {}


def add_tally(services: Services, runs: dict[str, int]) -> None:
    """A command `tally up N` that counts its runs per N and answers privately."""
    cmd = services.app.add(Command("tally", Text("test", "测试")))

    @cmd.action("up")
    async def up(ctx: Context) -> Response:
        runs[ctx.args] = runs.get(ctx.args, 0) + 1
        return Response(text=f"tally {ctx.args}", ephemeral=True)


class Bed:
    """A web app started on a database prepared beforehand (what a restart finds)."""

    def __init__(self, services: Services, runner: web.AppRunner, driver: SlackDriver, web_app: web.Application):
        self.services, self.runner, self.driver, self.web_app = services, runner, driver, web_app

    @classmethod
    async def start(cls, services: Services, mock) -> "Bed":
        web_app = build_web_app(services, services.config)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        return cls(services, runner, SlackDriver(f"http://{host}:{port}{EVENTS_PATH}", SECRET, mock), web_app)

    async def close(self) -> None:
        await self.driver.close()
        await self.runner.cleanup()


# --- recorded before the ack, answered from the record ------------------------------------------


async def test_a_command_is_recorded_before_its_ack_and_marked_done_once_answered(slack_bed, counted):
    add_tally(slack_bed.services, counted)
    assert (await slack_bed.driver.command("tally up 1")).status == 200
    rows = inbox_rows(slack_bed.services)  # the ack came back: the row is already there
    assert [(r["kind"], r["key"][:8]) for r in rows] == [("command", "trigger:")]
    answer = await slack_bed.mock.next_message()
    assert answer.via == "response" and "tally 1" in answer.text
    await slack_bed.mock.settle()
    assert [r["state"] for r in inbox_rows(slack_bed.services)] == ["done"]
    assert counted == {"1": 1}


async def test_answers_to_response_urls_reuse_one_kept_alive_connection(slack_bed, counted):
    """Bolt's `respond` opens a connection per answer; the worker keeps one session, so a user's
    answers (in turn, one after the other) travel over the same connection."""
    add_tally(slack_bed.services, counted)
    for n in range(3):
        assert (await slack_bed.driver.command(f"tally up {n}")).status == 200
        await slack_bed.mock.next_message()
    await slack_bed.mock.settle()
    peers = [c.params["_peer"] for c in slack_bed.mock.calls if c.method == "response"]
    assert len(peers) == 3 and len(set(peers)) == 1, peers


async def test_the_knowledge_index_is_built_before_the_app_serves(db_target, mock_slack, clock):
    services = Services(slack_config(db_target, mock_slack), clock=clock)
    bed = await Bed.start(services, mock_slack)
    try:
        worker = bed.web_app[INTAKE].bot
        assert "kb" in vars(worker.services)  # built during start-up, not by the first question
    finally:
        await bed.close()


# --- a restart finishes what was left -------------------------------------------------------------


async def test_a_restart_answers_what_a_dead_process_acknowledged_once_each(db_target, mock_slack, clock, counted):
    config = slack_config(db_target, mock_slack)
    services = Services(config, clock=clock)
    add_tally(services, counted)
    driver = SlackDriver("http://unused", SECRET, mock_slack)
    left = Inbox(services.store, clock, dead_owner())
    fresh = dict(parse_qsl(driver.command_body("tally up fresh")))
    left.record("slack", "trigger:" + fresh["trigger_id"], "command", fresh)
    clock.advance(minutes=31)  # the first one's response_url has expired by now...
    old_enough = dict(parse_qsl(driver.command_body("tally up recent", channel="C2")))
    left.record("slack", "trigger:" + old_enough["trigger_id"], "command", old_enough)
    clock.advance(minutes=5)  # ...the second one's is still good
    kept = dict(parse_qsl(driver.command_body("tally up kept", channel="C3")))
    entry = left.record("slack", "trigger:" + kept["trigger_id"], "command", kept)
    left.sending(entry.id, {"response": Response(text="tally kept (kept answer)", ephemeral=True).model_dump(mode="json"),
                            "where": {"channel": "C3", "user": "U1", "thread": None, "lang": "en", "respond": True}})
    services.store.execute("UPDATE inbox SET received_at = ? WHERE id = ?",
                              [(clock.now() - timedelta(minutes=1)).isoformat(), entry.id])

    bed = await Bed.start(services, mock_slack)
    try:
        await mock_slack.wait_for("chat.postEphemeral")
        await mock_slack.wait_for("response", 2)
        await mock_slack.settle()
    finally:
        await bed.close()
    by_text = {m.text: m for m in mock_slack.messages}
    assert by_text["tally fresh"].via == "chat.postEphemeral" and by_text["tally fresh"].channel == "C1"
    assert by_text["tally recent"].via == "response" and by_text["tally recent"].response_url == old_enough["response_url"]
    assert by_text["tally kept (kept answer)"].via == "response"
    assert len(mock_slack.messages) == 3  # each once
    assert counted == {"fresh": 1, "recent": 1}  # the kept answer was posted without running its command again
    check = Services(config, clock=clock)
    assert {r["state"] for r in inbox_rows(check)} == {"done"}
    check.store.close()


async def test_a_slack_retry_of_a_recorded_command_left_unfinished_is_run_not_dropped(db_target, mock_slack, clock, counted):
    config = slack_config(db_target, mock_slack)
    services = Services(config, clock=clock)
    add_tally(services, counted)
    bed = await Bed.start(services, mock_slack)
    try:
        body = bed.driver.command_body("tally up again")
        fields = dict(parse_qsl(body))
        # A process that died between its ack and the work recorded it and is gone:
        Inbox(Services(config, clock=clock).store, clock, dead_owner()).record(
            "slack", "trigger:" + fields["trigger_id"], "command", fields)
        retry = await bed.driver.post(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        assert retry.status == 200
        answer = await mock_slack.next_message()
        assert answer.text == "tally again" and answer.response_url == fields["response_url"]
        again = await bed.driver.post(body, headers={"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_timeout"})
        assert again.status == 200
        await mock_slack.settle()
    finally:
        await bed.close()
    assert counted == {"again": 1} and len(mock_slack.messages) == 1


# --- malformed requests ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["payload=x unsigned", "payload=x signed", "broken JSON unsigned", "broken JSON signed",
                                  "timestamp not a number", "not UTF-8 signed"])
async def test_malformed_requests_get_4xx_and_one_log_line_without_a_traceback(slack_bed, caplog, case):
    form, json_type = "application/x-www-form-urlencoded", "application/json"
    body: str | bytes
    body, content_type = ("payload=x", form) if "payload" in case else ('{"type": "event_callback", "event": {', json_type)
    if "UTF-8" in case:
        body, content_type = b"text=\xff\xfe", form
    headers = {"Content-Type": content_type}
    if "signed" in case and "unsigned" not in case:
        headers = signed_headers(SECRET, body if isinstance(body, str) else body.decode("latin-1"), content_type=content_type)
    if "timestamp" in case:
        headers = {**signed_headers(SECRET, "payload=x", content_type=form), "X-Slack-Request-Timestamp": "12abc"}
        body = "payload=x"
    caplog.set_level(logging.INFO)
    caplog.clear()
    raw = body.encode() if isinstance(body, str) else body
    async with __import__("aiohttp").ClientSession() as session:
        async with session.post(slack_bed.events_url, data=raw, headers=headers) as response:
            status = response.status
    expected = 400 if case in ("payload=x signed", "broken JSON signed", "not UTF-8 signed") else 401
    assert status == expected
    refusals = [r for r in caplog.records if r.name.startswith("sellerbot") and r.levelno >= logging.WARNING]
    assert len(refusals) == 1 and str(expected) in refusals[0].getMessage()
    assert not any(r.exc_info for r in caplog.records) and not any(r.levelno >= logging.ERROR for r in caplog.records)
    assert inbox_rows(slack_bed.services) == []


async def test_a_signed_form_with_a_json_list_payload_is_refused_with_400(slack_bed, caplog):
    body = "payload=" + json.dumps([1, 2])
    caplog.set_level(logging.INFO)
    response = await slack_bed.driver.post(body)
    assert response.status == 400
    assert not any(r.exc_info for r in caplog.records)
