"""Slack slash-commands under load: the real Bolt app on aiohttp in its own process (bench/slack_server.py,
127.0.0.1), the Web API and every `response_url` served by the test suite's MockSlack in this one.

Several clients, each a user who types `/seller ...` (mostly `ask`, some `help` and `metrics`),
signed like Slack signs, waits for the HTTP acknowledgement (what Slack's 3-second budget is about:
`slack_ack_*`), then for the answer posted to its `response_url` (`slack_answer_*`), then types the
next. `slack_rps` is commands acknowledged *and* answered per second. Bounded by a count and a time.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse

import aiohttp

from bench.ask_latency import load_questions
from bench.synthetic_kb import ROOT
from tests.mocks.slack_api import TEAM, MockSlack, signed_headers

SECRET = "bench-signing-secret-5f0c2a9d8e7b6a41"
TOKEN = "xoxb-bench-000000000000-aaaaaaaaaaaaaaaaaaaaaaaa"
CLIENTS = 8
COMMANDS = 6000
MAX_SECONDS = 25.0
WARM_UP = 40


class AnsweringMock(MockSlack):
    """MockSlack that also tells a waiting client when its `response_url` got the answer."""

    def __init__(self) -> None:
        super().__init__()
        self.waiters: dict[str, asyncio.Future] = {}

    def _record(self, call) -> None:
        super()._record(call)
        if call.method == "response":
            waiter = self.waiters.pop(urlparse(call.params["_url"]).path, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(call.at)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _command_lines() -> itertools.cycle:
    lines = []
    for i, question in enumerate(load_questions()):
        lines.append(f"ask {question}")
        if i % 8 == 3:
            lines.append("help")
        if i % 8 == 6:
            lines.append(f"metrics odr {i % 5 + 1} {120 + i}")
    return itertools.cycle(lines)


class Load:
    def __init__(self, mock: AnsweringMock, events_url: str):
        self.mock = mock
        self.events_url = events_url
        self.lines = _command_lines()
        self.ids = itertools.count(1)
        self.acks: list[float] = []
        self.answers: list[float] = []
        self.failures: list[str] = []

    async def one(self, session: aiohttp.ClientSession, user: str, channel: str, record: bool = True) -> None:
        number = next(self.ids)
        path = f"/response/bench-{number}"
        body = urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "bench", "channel_id": channel, "channel_name": "ops",
            "user_id": user, "user_name": user.lower(), "command": "/seller", "text": next(self.lines),
            "api_app_id": "ABENCH", "response_url": self.mock.base_url + path, "trigger_id": f"bench.{number}.{time.time_ns()}",
        })
        answered = asyncio.get_running_loop().create_future()
        self.mock.waiters[path] = answered
        started = time.perf_counter()
        async with session.post(self.events_url, data=body.encode(), headers=signed_headers(SECRET, body)) as response:
            await response.read()
            acked = time.perf_counter()
        if response.status != 200:
            self.mock.waiters.pop(path, None)
            self.failures.append(f"HTTP {response.status}")
            return
        try:
            answer_at = await asyncio.wait_for(answered, 10)
        except asyncio.TimeoutError:
            self.failures.append("no answer within 10 s")
            return
        if record:
            self.acks.append((acked - started) * 1000)
            self.answers.append((answer_at - started) * 1000)

    async def client(self, number: int, session: aiohttp.ClientSession, until: float, budget: itertools.count) -> None:
        user, channel = f"U{number:03d}", f"C{number % 3}"
        while time.perf_counter() < until and next(budget) < COMMANDS:
            await self.one(session, user, channel)


async def _wait_healthy(session: aiohttp.ClientSession, base: str, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError("the Slack process exited at start")
        try:
            async with session.get(base + "/health") as health:
                if health.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError("the Slack process never answered /health")


async def _bench(tmp: Path) -> dict:
    mock = await AnsweringMock().start()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock.api_url,
                "SELLERBOT_DB": str(tmp / "slack.db"), "SELLERBOT_TZ": "UTC"})
    log_path = tmp / "slack.log"
    with open(log_path, "w") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.slack_server", str(port), cwd=ROOT, env=env,
            stdout=log_file, stderr=log_file,
        )
    base = f"http://127.0.0.1:{port}"
    load = Load(mock, base + "/slack/events")
    try:
        connector = aiohttp.TCPConnector(limit=CLIENTS * 2)
        async with aiohttp.ClientSession(connector=connector) as session:
            await _wait_healthy(session, base, process)
            for i in range(WARM_UP):  # first asks build the index; first users are looked up
                await load.one(session, f"U{i % CLIENTS:03d}", f"C{i % 3}", record=False)
            started = time.perf_counter()
            budget = itertools.count()
            await asyncio.gather(*(load.client(n, session, started + MAX_SECONDS, budget) for n in range(CLIENTS)))
            elapsed = time.perf_counter() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()
        await mock.close()
    log_text = log_path.read_text(errors="replace")
    command_lines = log_text.count(" slack ")
    if load.failures:
        raise RuntimeError(f"{len(load.failures)} commands failed, e.g. {load.failures[:3]}; log tail: {log_text[-2000:]}")
    if TOKEN in log_text or SECRET in log_text:
        raise RuntimeError("a Slack secret appeared in the web process's log")
    done = len(load.acks)
    return {
        "slack_ack_p50_ms": round(_percentile(load.acks, 0.50), 2),
        "slack_ack_p99_ms": round(_percentile(load.acks, 0.99), 2),
        "slack_ack_max_ms": round(max(load.acks), 2),
        "slack_answer_p50_ms": round(_percentile(load.answers, 0.50), 2),
        "slack_answer_p99_ms": round(_percentile(load.answers, 0.99), 2),
        "slack_rps": round(done / elapsed, 1),
        "slack_commands": done,
        "slack_load": {"clients": CLIENTS, "commands": done, "seconds": round(elapsed, 1),
                       "ack_mean_ms": round(statistics.fmean(load.acks), 2),
                       "log_lines_naming_slack_commands": command_lines,
                       "mix": "asks of the eval questions and paraphrases, 1 in 8 help, 1 in 8 metrics"},
    }


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_bench(Path(tmp)))
