"""Faults on the Slack side: Slack answering 429 or 500 to the bot's replies (retried, never dropped),
the web process killed (SIGKILL) in the middle of a dialogue and restarted, and secrets kept out of
the logs of a real web process that meets bad signatures and a failing Web API."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time

import aiohttp
import pytest
from aiohttp import web

from bot.config import Config
from bot.services import Services
from tests.conftest import ROOT
from tests.mocks.slack_api import Call, MockSlack, SlackDriver, signed_headers
from tests.mocks.slack_fixtures import SECRET, slack_bed  # noqa: F401


class FlakySlack(MockSlack):
    """MockSlack whose `response_url`s can fail too (`fail("response", ...)`), as Slack's sometimes do."""

    async def _response_url(self, request: web.Request) -> web.Response:
        failures = self._failures.get("response")
        if failures:
            status, headers, body = failures.pop(0)
            await request.read()
            self._record(Call("response", {"_url": str(request.url), "_failed": True}, status))
            return web.Response(status=status, text="error", headers=headers)
        return await super()._response_url(request)


@pytest.fixture
async def mock_slack():
    mock = await FlakySlack().start()
    yield mock
    await mock.close()


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_a_slash_command_answer_refused_once_by_its_response_url_is_sent_again(slack_bed, status):
    slack_bed.mock.fail("response", status=status, headers={"Retry-After": "1"} if status == 429 else {})
    assert (await slack_bed.driver.command("help")).status == 200
    answer = await slack_bed.mock.next_message(timeout=8)
    assert answer.via == "response" and "/seller help" in answer.all_text()
    assert [c.status for c in slack_bed.mock.called("response")] == [status, 200]
    await slack_bed.mock.settle()
    assert len(slack_bed.mock.messages) == 1  # once, not twice


@pytest.mark.parametrize("status", [429, 500])
async def test_a_dialogue_prompt_refused_once_by_chat_post_message_is_posted_in_its_thread(slack_bed, status):
    slack_bed.mock.fail("chat.postMessage", status=status, headers={"Retry-After": "1"} if status == 429 else {})
    assert (await slack_bed.driver.command("appeal start")).status == 200
    prompt = await slack_bed.mock.next_message(timeout=8)
    assert prompt.via == "chat.postMessage" and prompt.thread_ts is None and "Amazon US" in prompt.labels()
    assert [c.status for c in slack_bed.mock.called("chat.postMessage")] == [status, 200]
    assert not any("invite" in line.lower() for line in prompt.context())


async def test_an_answer_whose_response_url_keeps_failing_goes_through_the_web_api(slack_bed):
    slack_bed.mock.fail("response", status=500, times=3)
    assert (await slack_bed.driver.command("help")).status == 200
    answer = await slack_bed.mock.next_message(timeout=8)
    assert answer.via == "chat.postEphemeral" and answer.channel == "C1" and "/seller help" in answer.all_text()
    assert [c.status for c in slack_bed.mock.called("response")] == [500, 500, 500]


# --- the web process, for real ----------------------------------------------------------------------

TOKEN = "xoxb-2024-7781234567-QWErtyUIOPasdfGHJKLzx"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebProcess:
    """The Slack web process (serve_http, as `sellerbot slack --no-scheduler` runs it, on 127.0.0.1)."""

    def __init__(self, db: str, tmp_path, mock: MockSlack, name: str, **env: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/slack/events"
        self.log = tmp_path / f"{name}.log"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "SELLERBOT_"))},
                    "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock.api_url,
                    "SELLERBOT_DB": db, **env}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> "WebProcess":
        with self.log.open("w") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.slack_server", str(self.port), cwd=ROOT, env=self.env,
                stdout=log, stderr=log)
        async with aiohttp.ClientSession() as session:
            for _ in range(400):
                try:
                    async with session.get(f"http://127.0.0.1:{self.port}/health") as health:
                        if health.status == 200:
                            return self
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        raise AssertionError(f"the web process never came up: {self.log.read_text()}")

    async def stop(self, sig: int = signal.SIGTERM) -> str:
        if self.process and self.process.returncode is None:
            self.process.send_signal(sig)
            await asyncio.wait_for(self.process.wait(), 20)
        return self.log.read_text(errors="replace")


def _label_of(message, value: str) -> str:
    for choice in [*message.buttons(), *message.options()]:
        if choice["value"].split("/", 2)[-1] == value:  # a dialogue button carries its dialogue and step
            return choice["text"]["text"]
    raise AssertionError(f"no choice {value!r} in {message.labels()}")


async def test_the_web_process_killed_mid_dialogue_resumes_it_in_the_same_thread(db_target, tmp_path):
    mock = await MockSlack().start()
    first = await WebProcess(db_target, tmp_path, mock, "first").start()
    second: WebProcess | None = None
    driver = SlackDriver(first.url, SECRET, mock)
    try:
        await driver.command("appeal start")
        root = await mock.next_message()
        await driver.press(root, _label_of(root, "amazon-us"))
        violation = await mock.next_message()
        await driver.press(violation, _label_of(violation, "odr"))
        await mock.next_message()  # asks the notice's date
        await driver.say("2026-11-20", thread_ts=root.ts)
        effect = await mock.next_message()  # asks what the notice did
        await driver.press(effect, _label_of(effect, "warning"))
        asks_text = await mock.next_message()  # the date is taken: the next step is shown...
        assert asks_text.thread_ts == root.ts
        await first.stop(signal.SIGKILL)  # ...and the process dies
        await driver.close()

        second = await WebProcess(db_target, tmp_path, mock, "second").start()
        driver = SlackDriver(second.url, SECRET, mock)
        await driver.say("Your Order Defect Rate is 1.59% (2 A-to-z claims out of 126 orders).", thread_ts=root.ts)
        after = await mock.next_message()
        assert after.thread_ts == root.ts and after.via == "chat.postMessage"  # the same thread goes on
        await second.stop()
    finally:
        await driver.close()
        for process in (first, second):
            if process is not None:
                await process.stop(signal.SIGKILL)
        await mock.close()
    services = Services(Config(db=db_target))
    [state] = services.dialogs.store.list_for("slack", "U1")
    services.store.close()
    assert state.answers["marketplace"] == "amazon-us" and state.answers["violation"] == "odr"
    assert state.answers["notice_date"] == "2026-11-20"
    assert "1.59%" in state.answers["notice_text"] and state.current_step == "metric_counts"


async def test_bad_signatures_and_a_failing_web_api_log_no_secret(db_target, tmp_path):
    mock = await MockSlack().start()
    web_process = await WebProcess(db_target, tmp_path, mock, "secrets", SELLERBOT_LOG_LEVEL="DEBUG",
                                   SELLERBOT_LOG_FORMAT="json").start()
    driver = SlackDriver(web_process.url, SECRET, mock)
    try:
        body = driver.command_body("help")
        assert (await driver.post(body, signed=False)).status == 401
        wrong = signed_headers(SECRET[::-1], body)
        assert (await driver.post(body, headers=wrong)).status == 401
        stale = await driver.post(body.replace("trig.", "trig.old."), ts=int(time.time()) - 600)
        assert stale.status == 401
        for method in ("users.info", "usergroups.list"):
            mock.fail(method, status=200, body={"ok": False, "error": "invalid_auth"})
        mock.fail("chat.postMessage", status=500, times=3)  # retried, then the prompt comes by response_url
        await driver.command("appeal start", user="U7")
        await mock.wait_for("response")
        await mock.settle()
    finally:
        await driver.close()
        log = await web_process.stop()
        await mock.close()
    assert '"outcome": "ok"' in log and "invalid_auth" in log  # it did log the command and the failures...
    assert TOKEN not in log and SECRET not in log  # ...and never a secret
    assert TOKEN.split("-", 1)[1] not in log
