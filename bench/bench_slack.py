"""Slack slash-commands under load: the real Bolt app on aiohttp in its own process (bench/slack_server.py,
127.0.0.1), beside a bare Bolt app that only acknowledges (bench/bare_bolt.py), the Web API and
every `response_url` served by the test suite's MockSlack in this one.

1. **Burst, side by side** (`slack_ack_*`, `slack_ack_p99_ratio_bare_bolt_burst`): 20 clients fire
   signed `/seller` commands (mostly `ask`, some `help` and `metrics`), each sending its next one as
   soon as the HTTP acknowledgement arrives, without waiting for the answer: the answers pile up
   behind the acknowledgements, which is what a busy channel does. The same burst goes to the bare
   Bolt app, in alternating halves so both meet the same machine load. Every answer must then arrive.
2. **Memory** (`slack_rss_*`): resident size of both processes once idle, and of ours after the asks.
3. **Closed loop** (`slack_answer_*`, `slack_rps`): several clients, each a user who waits for the
   answer posted to its `response_url` before typing the next. Bounded by a count and a time.
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
BURST_CLIENTS = 20
BURST_COMMANDS = 2000
"""Per server, fired in BURST_ROUNDS alternating halves."""
BURST_ROUNDS = 2
ANSWERS_WITHIN_S = 180.0
"""Every answer of a burst must have arrived by then (they queue behind the acknowledgements)."""
IDLE_S = 2.0


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
    def __init__(self, mock: AnsweringMock, events_url: str, *, answers: bool = True):
        self.mock = mock
        self.events_url = events_url
        self.answers_expected = answers
        """False for the bare Bolt app: it only acknowledges."""
        self.lines = _command_lines()
        self.ids = itertools.count(1)
        self.acks: list[float] = []
        self.answers: list[float] = []
        self.pending: list[asyncio.Future] = []
        self.failures: list[str] = []

    async def send(self, session: aiohttp.ClientSession, user: str, channel: str) -> tuple[float, asyncio.Future | None]:
        """One signed command; returns when it is acknowledged: (ack ms, the future of its answer)."""
        number = next(self.ids)
        path = f"/response/bench-{self.events_url.rsplit(':', 1)[-1].split('/')[0]}-{number}"
        body = urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "bench", "channel_id": channel, "channel_name": "ops",
            "user_id": user, "user_name": user.lower(), "command": "/seller", "text": next(self.lines),
            "api_app_id": "ABENCH", "response_url": self.mock.base_url + path, "trigger_id": f"bench.{number}.{time.time_ns()}",
        })
        answered = None
        if self.answers_expected:
            answered = asyncio.get_running_loop().create_future()
            self.mock.waiters[path] = answered
        started = time.perf_counter()
        async with session.post(self.events_url, data=body.encode(), headers=signed_headers(SECRET, body)) as response:
            await response.read()
            acked = time.perf_counter()
        if response.status != 200:
            self.mock.waiters.pop(path, None)
            self.failures.append(f"HTTP {response.status}")
            return (acked - started) * 1000, None
        return (acked - started) * 1000, answered

    async def one(self, session: aiohttp.ClientSession, user: str, channel: str, record: bool = True) -> None:
        """A user who waits for the answer before typing again."""
        started = time.perf_counter()
        ack_ms, answered = await self.send(session, user, channel)
        if answered is None:
            return
        try:
            answer_at = await asyncio.wait_for(answered, 10)
        except asyncio.TimeoutError:
            self.failures.append("no answer within 10 s")
            return
        if record:
            self.acks.append(ack_ms)
            self.answers.append((answer_at - started) * 1000)

    async def client(self, number: int, session: aiohttp.ClientSession, until: float, budget: itertools.count) -> None:
        user, channel = f"U{number:03d}", f"C{number % 3}"
        while time.perf_counter() < until and next(budget) < COMMANDS:
            await self.one(session, user, channel)

    async def burst(self, session: aiohttp.ClientSession, commands: int) -> float:
        """BURST_CLIENTS clients firing `commands` in all, each waiting for acknowledgements only;
        returns the seconds it took to fire them all."""
        budget = itertools.count()

        async def client(number: int) -> None:
            user, channel = f"U{number:03d}", f"C{number % 3}"
            while next(budget) < commands:
                ack_ms, answered = await self.send(session, user, channel)
                self.acks.append(ack_ms)
                if answered is not None:
                    self.pending.append(answered)

        started = time.perf_counter()
        await asyncio.gather(*(client(n) for n in range(BURST_CLIENTS)))
        return time.perf_counter() - started

    async def all_answered(self) -> float:
        """Wait until every answer of the burst has arrived; returns the seconds waited."""
        started = time.perf_counter()
        pending, self.pending = self.pending, []
        if pending:
            done, late = await asyncio.wait(pending, timeout=ANSWERS_WITHIN_S)
            if late:
                self.failures.append(f"{len(late)} burst answers missing after {ANSWERS_WITHIN_S:.0f} s")
        return time.perf_counter() - started


async def _wait_healthy(session: aiohttp.ClientSession, base: str, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError("a Slack process exited at start")
        try:
            async with session.get(base + "/health") as health:
                if health.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError("a Slack process never answered /health")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


async def _start(module: str, port: int, env: dict, log_path: Path) -> asyncio.subprocess.Process:
    with open(log_path, "w") as log_file:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", module, str(port), cwd=ROOT, env=env, stdout=log_file, stderr=log_file,
        )


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 30)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()


async def _bench(tmp: Path) -> dict:
    mock = await AnsweringMock().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock.api_url,
                "SELLERBOT_DB": str(tmp / "slack.db"), "SELLERBOT_TZ": "UTC"})
    ours_port, bare_port = _free_port(), _free_port()
    ours = await _start("bench.slack_server", ours_port, env, tmp / "slack.log")
    bare = await _start("bench.bare_bolt", bare_port, env, tmp / "bare.log")
    ours_base, bare_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{bare_port}"
    load = Load(mock, ours_base + "/slack/events")
    bare_load = Load(mock, bare_base + "/slack/events", answers=False)
    memory: dict[str, float] = {}
    fired = {"ours": 0.0, "bare": 0.0}
    waited = 0.0
    try:
        connector = aiohttp.TCPConnector(limit=BURST_CLIENTS * 2)
        async with aiohttp.ClientSession(connector=connector) as session:
            await _wait_healthy(session, ours_base, ours)
            await _wait_healthy(session, bare_base, bare)
            await asyncio.sleep(IDLE_S)  # started, nothing asked yet: what an idle process holds
            memory["slack_rss_idle_mb"], memory["bare_bolt_rss_idle_mb"] = rss_mb(ours.pid), rss_mb(bare.pid)
            for i in range(WARM_UP):  # first users are looked up, first answers rendered
                await load.one(session, f"U{i % CLIENTS:03d}", f"C{i % 3}", record=False)
                await bare_load.send(session, f"U{i % CLIENTS:03d}", f"C{i % 3}")
            load.acks.clear(), bare_load.acks.clear()
            # 1. the burst, in alternating halves
            for _ in range(BURST_ROUNDS):
                fired["ours"] += await load.burst(session, BURST_COMMANDS // BURST_ROUNDS)
                waited += await load.all_answered()
                fired["bare"] += await bare_load.burst(session, BURST_COMMANDS // BURST_ROUNDS)
            burst_acks, bare_acks = list(load.acks), list(bare_load.acks)
            load.acks.clear()
            # 3. the closed loop
            started = time.perf_counter()
            budget = itertools.count()
            await asyncio.gather(*(load.client(n, session, started + MAX_SECONDS, budget) for n in range(CLIENTS)))
            elapsed = time.perf_counter() - started
            memory["slack_rss_after_asks_mb"] = rss_mb(ours.pid)
    finally:
        await _stop(ours)
        await _stop(bare)
        await mock.close()
    log_text = (tmp / "slack.log").read_text(errors="replace")
    command_lines = log_text.count(" slack ")
    failures = load.failures + bare_load.failures
    if failures:
        raise RuntimeError(f"{len(failures)} commands failed, e.g. {failures[:3]}; log tail: {log_text[-2000:]}")
    if TOKEN in log_text or SECRET in log_text:
        raise RuntimeError("a Slack secret appeared in the web process's log")
    ours_p99, bare_p99 = _percentile(burst_acks, 0.99), _percentile(bare_acks, 0.99)
    done = len(load.acks)
    return {
        "slack_ack_p50_ms": round(_percentile(burst_acks, 0.50), 2),
        "slack_ack_p99_ms": round(ours_p99, 2),
        "slack_ack_max_ms": round(max(burst_acks), 2),
        "bare_bolt_ack_p50_ms": round(_percentile(bare_acks, 0.50), 2),
        "bare_bolt_ack_p99_ms": round(bare_p99, 2),
        "slack_ack_p99_ratio_bare_bolt_burst": round(ours_p99 / bare_p99, 2),
        "slack_burst_acks_per_s": round(len(burst_acks) / fired["ours"], 1),
        "bare_bolt_burst_acks_per_s": round(len(bare_acks) / fired["bare"], 1),
        **memory,
        "slack_rss_ratio_bare_bolt_idle": round(memory["slack_rss_idle_mb"] / memory["bare_bolt_rss_idle_mb"], 2),
        "slack_answer_p50_ms": round(_percentile(load.answers, 0.50), 2),
        "slack_answer_p99_ms": round(_percentile(load.answers, 0.99), 2),
        "slack_closed_loop_ack_p99_ms": round(_percentile(load.acks, 0.99), 2),
        "slack_rps": round(done / elapsed, 1),
        "slack_commands": done,
        "slack_load": {
            "burst": {"clients": BURST_CLIENTS, "commands_per_server": len(burst_acks), "rounds": BURST_ROUNDS,
                      "fired_in_s": {k: round(v, 1) for k, v in fired.items()},
                      "answers_done_after_firing_s": round(waited, 1)},
            "closed_loop": {"clients": CLIENTS, "commands": done, "seconds": round(elapsed, 1),
                            "ack_mean_ms": round(statistics.fmean(load.acks), 2)},
            "log_lines_naming_slack_commands": command_lines,
            "mix": "asks of the eval questions and paraphrases, 1 in 8 help, 1 in 8 metrics",
        },
    }


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_bench(Path(tmp)))
