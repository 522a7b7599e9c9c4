"""The real `sellerbot slack` process stopped and killed against the mock Web API: nothing it
acknowledged is lost. SIGTERM answers 503 to new requests, finishes the acknowledged work and
exits 0; SIGKILL at random points across 200 commands loses none (the next start answers them);
`/health` keeps answering while another process holds the database's write lock."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import socket
import sqlite3
import sys
from collections import Counter
from urllib.parse import parse_qsl

import aiohttp
import psycopg
from aiohttp import web

from bot.store_pg import LOCK_SQL
from tests.conftest import ROOT, opened
from tests.mocks.slack_api import MockSlack, SlackDriver, signed_headers
from tests.mocks.slack_fixtures import SECRET

TOKEN = "xoxb-stop-test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GatedSlack(MockSlack):
    """MockSlack whose `response_url`s can be held (Slack slow to take an answer) until released."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.gate.set()
        self.held = 0

    async def _response_url(self, request: web.Request) -> web.Response:
        if not self.gate.is_set():
            self.held += 1
            self._changed.set()
            await self.gate.wait()
        return await super()._response_url(request)

    def answers(self) -> dict[str, int]:
        """How many times each response_url was answered."""
        out: dict[str, int] = {}
        for message in self.messages:
            if message.response_url:
                out[message.response_url] = out.get(message.response_url, 0) + 1
        return out

    async def until(self, condition, timeout: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"gave up waiting; {len(self.messages)} messages so far")
            await self._wait_change(deadline)


def hold_write_lock(engine: str, db: str):
    """A connection of another process holding the database's write lock until its commit()."""
    if engine == "sqlite":
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # commit() ends it (the transaction is open)
        return holder
    holder = psycopg.connect(db)
    holder.execute(LOCK_SQL)  # as bot/store_pg.py takes it for every exclusive write
    return holder


class SlackProcess:
    """`python -m bot.cli slack --port P --no-scheduler` on 127.0.0.1, against the mock."""

    def __init__(self, db: str, tmp_path, mock: MockSlack, name: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db = db
        self.log = tmp_path / f"{name}.log"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "SELLERBOT_"))},
                    "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock.api_url,
                    "SELLERBOT_LOG_LEVEL": "INFO"}
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> "SlackProcess":
        with self.log.open("w") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "slack", "--port", str(self.port), "--no-scheduler", "--db", self.db,
                cwd=ROOT, env=self.env, stdout=log, stderr=log)
        async with aiohttp.ClientSession() as session:
            for _ in range(600):
                try:
                    async with session.get(self.base + "/health") as health:
                        if health.status == 200:
                            return self
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        raise AssertionError(f"the web process never came up: {self.log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), 40)

    def driver(self, mock: MockSlack) -> SlackDriver:
        return SlackDriver(self.base + "/slack/events", SECRET, mock)


async def test_sigterm_answers_the_12_commands_acknowledged_just_before_it_then_exits_0(db_target, tmp_path):
    mock = await GatedSlack().start()
    web_process = await SlackProcess(db_target, tmp_path, mock, "term").start()
    driver = web_process.driver(mock)
    try:
        mock.gate.clear()  # Slack takes its time with the answers: they are all in flight at the SIGTERM
        bodies = [driver.command_body(f"metrics odr {n} 1000") for n in range(1, 13)]
        acks = await asyncio.gather(*(driver.post(body) for body in bodies))
        assert [ack.status for ack in acks] == [200] * 12
        await mock.until(lambda: mock.held >= 1)
        web_process.process.send_signal(signal.SIGTERM)
        async with aiohttp.ClientSession() as session:
            for _ in range(400):  # the stop is under way once /health says so
                async with session.get(web_process.base + "/health") as health:
                    if health.status == 503:
                        break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("/health never said the process was stopping")
        late = await driver.command("metrics odr 99 1000")
        assert late.status == 503  # not accepted: Slack tells the user, nothing is half-taken
        mock.gate.set()
        assert await web_process.wait() == 0
    finally:
        await driver.close()
        if web_process.process.returncode is None:
            web_process.kill()
        await mock.close()
    urls = {dict(parse_qsl(body))["response_url"] for body in bodies}
    answers = mock.answers()
    assert {url: answers.get(url, 0) for url in urls} == {url: 1 for url in urls}  # all 12, once each
    assert len(mock.messages) == 12  # and nothing for the one refused
    log = web_process.log.read_text()
    assert "Traceback" not in log


async def test_sigkill_at_random_points_across_200_commands_loses_no_acknowledged_one(db_target, tmp_path):
    """Four kills at seeded random points, four clients typing at once; after each kill the next
    process starts and finishes what was acknowledged. An answer is expected exactly once, except
    one whose post was under way at a kill (`sending` in the inbox): Slack cannot say whether it
    arrived, so it is posted again (once more per such kill, never lost)."""
    rng = random.Random(20261124)
    total, clients = 200, 4
    kills = sorted(rng.sample(range(20, total - 10), 4))
    mock = await GatedSlack().start()
    acked: set[str] = set()
    sent: set[str] = set()
    in_doubt: Counter[str] = Counter()  # response_url -> kills that found its answer being posted
    recovered = 0
    processes: list[SlackProcess] = []
    try:
        next_index = 0
        for segment, stop_at in enumerate([*kills, total]):
            web_process = await SlackProcess(db_target, tmp_path, mock, f"run{segment}").start()
            processes.append(web_process)
            driver = web_process.driver(mock)
            killed = asyncio.Event()

            async def client() -> None:
                nonlocal next_index
                while not killed.is_set() and next_index < stop_at:
                    n = next_index
                    next_index += 1
                    body = driver.command_body(f"metrics odr {n % 50} 1000", user=f"U{n % 7}", channel=f"C{n % 5}")
                    url = dict(parse_qsl(body))["response_url"]
                    sent.add(url)
                    try:
                        ack = await driver.post(body)
                    except aiohttp.ClientError:
                        continue  # never acknowledged: the user saw Slack's error
                    if ack.status == 200:
                        acked.add(url)
                    if next_index >= stop_at and stop_at < total and not killed.is_set():
                        killed.set()
                        web_process.kill()  # right after an ack, while the other clients are mid-request

            await asyncio.gather(*(client() for _ in range(clients)))
            await driver.close()
            if stop_at < total:
                await web_process.wait()
                answered_before = set(mock.answers())
                with opened(web_process.db) as db:
                    for (body,) in db.execute("SELECT body FROM inbox WHERE state = 'sending'"):
                        in_doubt[json.loads(body)["response_url"]] += 1
                    left = {json.loads(body)["response_url"]
                            for (body,) in db.execute("SELECT body FROM inbox WHERE state IN ('received', 'sending')")}
                recovered += len(left - answered_before)
        await mock.until(lambda: acked <= set(mock.answers()), timeout=60)
        await mock.settle(0.3)
        processes[-1].process.send_signal(signal.SIGTERM)
        assert await processes[-1].wait() == 0
    finally:
        for web_process in processes:
            if web_process.process and web_process.process.returncode is None:
                web_process.kill()
        await mock.close()

    answers = mock.answers()
    print(f"kills at {kills}: {len(acked)} acknowledged of {len(sent)} sent, {recovered} finished by the next "
          f"process, {len(in_doubt)} in doubt, {sum(1 for c in answers.values() if c > 1)} posted twice")
    assert len(acked) >= total - len(kills) * clients  # the test did send and ack nearly all of them
    assert recovered >= 1, "no kill left acknowledged work behind: the test proved nothing"
    missing = [url for url in acked if answers.get(url, 0) == 0]
    assert missing == []  # no acknowledged command lost
    doubled = {url: count for url, count in answers.items() if count > 1}
    # posted again only after a kill found it being posted, and once per such kill at most
    assert all(count <= 1 + in_doubt[url] for url, count in doubled.items()), (doubled, in_doubt)
    assert set(answers) <= sent
    with opened(processes[-1].db) as db:
        states = dict(db.execute("SELECT state, count(*) FROM inbox GROUP BY state").fetchall())
    assert set(states) == {"done"}, states


async def test_health_and_acks_keep_answering_while_another_process_holds_the_write_lock(db_target, engine, tmp_path):
    mock = await GatedSlack().start()
    web_process = await SlackProcess(db_target, tmp_path, mock, "lock").start()
    driver = web_process.driver(mock)
    holder = hold_write_lock(engine, web_process.db)  # another process takes the write lock (for up to 10 s)
    try:
        body = driver.command_body("metrics odr 2 126")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:

            async def command() -> tuple[int, dict]:
                async with session.post(web_process.base + "/slack/events", data=body.encode(),
                                        headers=signed_headers(SECRET, body)) as ack:
                    return ack.status, await ack.json()

            async def healths() -> list[int]:
                statuses = []
                for _ in range(5):
                    async with session.get(web_process.base + "/health", timeout=aiohttp.ClientTimeout(total=2)) as health:
                        statuses.append(health.status)
                return statuses

            (status, answer), statuses = await asyncio.gather(command(), healths())
        assert statuses == [200] * 5  # the event loop never waited for the lock
        assert status == 200 and answer["response_type"] == "ephemeral" and "try again" in answer["text"]
        holder.commit()
        assert (await driver.command("metrics odr 2 126")).status == 200  # the lock gone, all is well again
        answered = await mock.next_message(timeout=10)
        assert "1.59%" in answered.all_text()
        web_process.process.send_signal(signal.SIGTERM)
        assert await web_process.wait() == 0
    finally:
        holder.close()
        await driver.close()
        if web_process.process.returncode is None:
            web_process.kill()
        await mock.close()
    assert len(mock.messages) == 1  # the busy one was not recorded, so not answered later either
