"""Many processes on one PostgreSQL: 10,000 reminders set through two web processes, delivered by
two clocks, each exactly once, with the lag from due time to post.

Everything runs on 127.0.0.1: a throwaway PostgreSQL (`initdb` + `pg_ctl`, tests/pg_server.py),
the Slack Web API and every `response_url` served by the test suite's MockSlack in this process,
two web processes (`bench.slack_server`: what `sellerbot slack --no-scheduler` runs, bound to
loopback) and two `sellerbot clock` processes (the real CLI, posting with `chat.postMessage`).

1. **Set** — after 300 warm-up commands (reminders due in two hours, left pending), 10,000 signed
   `/seller remind in N seconds …` commands in 500 channels, alternately to the two web
   processes, by 32 users who each wait for the answer before typing again. N is chosen when each
   command is sent so that the 10,000 fall due spread evenly over one minute that starts once all
   of them are set (`pg_due_spread_s` says how spread they really were; `set_after_their_slot`
   counts those set too late for their place in it). So the lag measured is the clocks', with both
   web processes and 10,000 pending rows around them, and not a queue of commands waiting to be
   recorded: with the commands sent *during* the minute (167 a second) on this 2-core machine the
   web processes fell behind and took the clocks' CPU (lag p99 3.3 s), a figure about the web
   processes' throughput, which `bench_slack` measures.
2. **Deliver** — the mock counts the posts of each reminder by the idempotency key it carries in
   the message metadata: `pg_reminders_missed` (set but never posted) and
   `pg_reminders_duplicated` (posted more than once) must both be 0; `pg_reminder_lag_p99_ms` is
   from each reminder's due time (as stored) to its post reaching the mock, bar < 1000 ms like
   `reminder_lag_p99_ms` (this is the same promise, with the work split between processes).
3. **Split** — which clock claimed each reminder (`claimed_by` holds the clock's pid), reported
   per clock (`pg_clock_share_min_pct`: the smaller share; no bar: an even split is not promised,
   only that every clock takes work and none takes a row twice).

Without PostgreSQL (no `initdb`/`pg_ctl`) nothing is measured, and the results say so under
`details.pg.skipped` (and stderr); under CI=1 that is an error instead.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlparse

import aiohttp

from bench.bench_slack import SECRET, TOKEN, _free_port, _percentile, _stop, _wait_healthy, rss_mb
from bench.synthetic_kb import ROOT
from tests.mocks.slack_api import TEAM, MockSlack, signed_headers

REMINDERS = 10_000
SPREAD_S = 60.0
"""The commands, and so the due times, are spread evenly over this long."""
LEAD_S = 5
"""The first reminder falls due at least this long after the last one was set."""
WARM_UP = 300
SET_MARGIN = 1.2
"""The time to set all the reminders is guessed from the warm-up's pace, with this margin."""
ANSWER_WITHIN_S = 30.0
CHANNELS = 500
CLIENTS = 32
WEB = 2
CLOCKS = 2
CLOCK_FOR_S = 600
"""`sellerbot clock --for`: no clock outlives the benchmark, whatever happens to it."""
START_WITHIN_S = 120.0
DELIVERED_WITHIN_S = 120.0
"""After the last due time, every reminder must have been posted by then."""
SETTLE_S = 3.0
"""After the last expected post, how long a duplicate is waited for."""


class CountingSlack(MockSlack):
    """MockSlack noting, per reminder key (message metadata), the wall-clock instant of each post,
    and counting `response_url` answers; it keeps no per-call record (20,000 calls)."""

    def __init__(self) -> None:
        super().__init__()
        self.posts: dict[str, list[float]] = defaultdict(list)
        self.waiters: dict[str, asyncio.Future] = {}
        self.answers = 0
        self.other_posts = 0

    def _record(self, call) -> None:
        if call.method == "response":
            self.answers += 1
            waiter = self.waiters.pop(urlparse(call.params["_url"]).path, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        elif call.status != 200:
            self.calls.append(call)

    def _chat_postMessage(self, params: dict) -> dict:
        at = time.time()
        metadata = params.get("metadata") or {}
        key = (metadata.get("event_payload") or {}).get("key") if isinstance(metadata, dict) else None
        if key:
            self.posts[key].append(at)
        else:
            self.other_posts += 1
        ts = self._new_ts()
        return {"ok": True, "channel": params["channel"], "ts": ts, "message": {"ts": ts, "text": params.get("text", "")}}


def _text(i: int) -> str:
    return f"pg bench reminder {i}"


async def _command(session: aiohttp.ClientSession, url: str, mock: "CountingSlack", i: int, text: str) -> float:
    """One signed `/seller` command from channel i; returns when its answer reached the
    `response_url` (the reminder is then stored): the milliseconds to the acknowledgement."""
    path = f"/response/pg-{i}"
    body = urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "bench", "channel_id": f"C{i % CHANNELS:04d}",
        "channel_name": "ops", "user_id": f"U{i % 97:03d}", "user_name": "seller", "command": "/seller",
        "text": text, "api_app_id": "ABENCH", "response_url": mock.base_url + path,
        "trigger_id": f"pg.{i}.{time.time_ns()}",
    })
    answered = asyncio.get_running_loop().create_future()
    mock.waiters[path] = answered
    started = time.perf_counter()
    async with session.post(url, data=body.encode(), headers=signed_headers(SECRET, body)) as response:
        await response.read()
        ack_ms = (time.perf_counter() - started) * 1000
    if response.status != 200:
        mock.waiters.pop(path, None)
        raise RuntimeError(f"HTTP {response.status}")
    await asyncio.wait_for(answered, ANSWER_WITHIN_S)
    return ack_ms


async def _set_reminders(session: aiohttp.ClientSession, urls: list[str], mock: "CountingSlack") -> dict:
    """Warm the web processes up (WARM_UP reminders due in two hours, never delivered here), time
    them, then set the REMINDERS so that they fall due spread evenly over SPREAD_S starting once
    all of them are set: reminder i is due at `first_due + i * SPREAD_S / REMINDERS`, asked for as
    `remind in N seconds` when its command is sent. CLIENTS users, each waiting for the answer
    before the next command, so what is measured afterwards is delivery, not a queue of commands."""
    acks: list[float] = []
    failures: list[str] = []
    numbers = itertools.count()

    async def client(count: int, text_of) -> None:
        while (i := next(numbers)) < count:
            text = text_of(i)
            try:
                acks.append(await _command(session, urls[i % len(urls)], mock, i, text))
            except (aiohttp.ClientError, RuntimeError, TimeoutError) as exc:
                failures.append(f"{i}: {exc!r}")

    for _half in range(2):  # the first half loads what the first commands import; the second is timed
        numbers = itertools.count()
        started = time.monotonic()
        await asyncio.gather(*(client(WARM_UP // 2, lambda i: f"remind in 2 hours warm-up {i}") for _ in range(CLIENTS)))
    rate = (WARM_UP // 2) / (time.monotonic() - started)
    acks.clear()
    first_due = time.time() + REMINDERS / rate * SET_MARGIN + LEAD_S
    late_slots = []

    def remind(i: int) -> str:
        seconds = round(first_due + i * SPREAD_S / REMINDERS - time.time())
        if seconds < LEAD_S:
            late_slots.append(i)
        return f"remind in {max(seconds, 1)} seconds {_text(i)}"

    numbers = itertools.count()
    started = time.monotonic()
    await asyncio.gather(*(client(REMINDERS, remind) for _ in range(CLIENTS)))
    return {"acks": acks, "failures": failures, "seconds": time.monotonic() - started, "warm_up_per_s": rate,
            "first_due_in_s": round(first_due - time.time(), 1), "late_slots": late_slots}


def _db_rows(url: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT id, key, due, state, claimed_by, text FROM reminders WHERE text LIKE %s",
                            [_text(0).rsplit(" ", 1)[0] + " %"]).fetchall()


def _connections(url: str) -> int:
    """Server connections open now (the four processes' pools, and this one)."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'").fetchone()[0]


def _living_clocks(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        try:
            return conn.execute("SELECT count(*) FROM leases WHERE name LIKE 'reminders:%%' AND expires_at > %s",
                                [datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")]).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


async def _spawn(args: list[str], env: dict, log_path: Path) -> asyncio.subprocess.Process:
    with open(log_path, "w") as log_file:
        return await asyncio.create_subprocess_exec(sys.executable, *args, cwd=ROOT, env=env,
                                                    stdout=log_file, stderr=log_file)


async def _bench(url: str, tmp: Path) -> dict:
    mock = await CountingSlack().start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "SELLERBOT_"))}
    env.update({"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": mock.api_url,
                "SELLERBOT_DB": url, "SELLERBOT_TZ": "UTC", "SELLERBOT_LOG_FORMAT": "json",
                "SELLERBOT_LOG_LEVEL": "INFO"})
    ports = [_free_port() for _ in range(WEB)]
    webs = [await _spawn(["-m", "bench.slack_server", str(port)], env, tmp / f"web-{n}.log")
            for n, port in enumerate(ports, 1)]
    clocks = [await _spawn(["-m", "bot.cli", "clock", "--for", str(CLOCK_FOR_S)], env, tmp / f"clock-{n}.log")
              for n in range(1, CLOCKS + 1)]
    processes = webs + clocks
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CLIENTS * 2)) as session:
            for web, port in zip(webs, ports):
                await _wait_healthy(session, f"http://127.0.0.1:{port}", web)
            deadline = time.monotonic() + START_WITHIN_S
            while await asyncio.to_thread(_living_clocks, url) < CLOCKS:
                if any(c.returncode is not None for c in clocks) or time.monotonic() > deadline:
                    raise RuntimeError(f"the clocks did not start: {(tmp / 'clock-1.log').read_text()[-2000:]}")
                await asyncio.sleep(0.2)
            rss_idle = {f"web-{n}": rss_mb(p.pid) for n, p in enumerate(webs, 1)}
            fired = await _set_reminders(session, [f"http://127.0.0.1:{p}/slack/events" for p in ports], mock)
        # every command recorded, then every reminder posted (or the time is up)
        deadline = time.monotonic() + 60
        while len(rows := await asyncio.to_thread(_db_rows, url)) < REMINDERS - len(fired["failures"]):
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        last_due = max((datetime.fromisoformat(r[2]).timestamp() for r in rows), default=time.time())
        deadline = max(time.time(), last_due) + DELIVERED_WITHIN_S
        while len(mock.posts) < len(rows) and time.time() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(SETTLE_S)  # a duplicate, if there were one, would arrive now
        rss_end = {f"web-{n}": rss_mb(p.pid) for n, p in enumerate(webs, 1)}
        rss_end.update({f"clock-{n}": rss_mb(p.pid) for n, p in enumerate(clocks, 1)})
        rows = await asyncio.to_thread(_db_rows, url)
        connections = await asyncio.to_thread(_connections, url) - 1
        posts = {key: list(times) for key, times in mock.posts.items()}
        answers = mock.answers
        pids = {str(p.pid): f"clock-{n}" for n, p in enumerate(clocks, 1)}
    finally:
        for process in processes:
            await _stop(process)
        await mock.close()
    exits = [p.returncode for p in processes]
    logs = {path.name: path.read_text(errors="replace") for path in sorted(tmp.glob("*.log"))}
    if os.environ.get("BENCH_PG_LOGS"):  # a folder to keep the four processes' logs in, to look into a run
        for name, text in logs.items():
            (Path(os.environ["BENCH_PG_LOGS"]) / name).write_text(text)
    if any(TOKEN in text or SECRET in text for text in logs.values()):
        raise RuntimeError("a Slack secret appeared in a process's log")

    by_text = {row[5]: row for row in rows}
    keys = {row[1] for row in rows}
    lags, missed, duplicated, split = [], [], [], Counter()
    timeline: list[tuple[float, float, str, int]] = []  # (due, lag ms, clock, reminder id)
    for i in range(REMINDERS):
        row = by_text.get(_text(i))
        seen = posts.get(row[1], []) if row else []
        if not seen:
            missed.append(i)
            continue
        if len(seen) > 1:
            duplicated.append(i)
        due = datetime.fromisoformat(row[2]).timestamp()
        lags.append((min(seen) - due) * 1000)
        owner_pid = (row[4] or "").split(":")[-2] if row[4] and row[4].count(":") >= 2 else ""
        split[pids.get(owner_pid, "another process")] += 1
        timeline.append((due, lags[-1], pids.get(owner_pid, "another process"), row[0]))
    stray = sum(len(t) for k, t in posts.items() if k not in keys)
    dues = [datetime.fromisoformat(r[2]).timestamp() for r in rows]
    states = Counter(r[3] for r in rows)
    shares = {name: round(100 * count / max(1, sum(split.values())), 1) for name, count in sorted(split.items())}
    if not lags:
        raise RuntimeError(f"no reminder was delivered; states {dict(states)}; "
                           f"clock log tail: {logs.get('clock-1.log', '')[-2000:]}")
    return {
        "pg_reminders_set": len(rows),
        "pg_reminders_delivered_once": len(lags) - len(duplicated),
        "pg_reminders_missed": len(missed),
        "pg_reminders_duplicated": len(duplicated),
        "pg_reminder_lag_p50_ms": round(_percentile(lags, 0.50), 1),
        "pg_reminder_lag_p99_ms": round(_percentile(lags, 0.99), 1),
        "pg_reminder_lag_max_ms": round(max(lags), 1),
        "pg_due_spread_s": round(max(dues) - min(dues), 1),
        "pg_remind_ack_p99_ms": round(_percentile(fired["acks"], 0.99), 1),
        "pg_clock_share_min_pct": min(shares.values()) if len(shares) >= CLOCKS else 0.0,
        "pg_load": {
            "reminders": REMINDERS, "channels": CHANNELS, "web_processes": WEB, "clock_processes": CLOCKS,
            "set_how": f"signed `/seller remind in N seconds …` commands, alternately to each web process, by "
                       f"{CLIENTS} users each waiting for the answer; due spread over {SPREAD_S:.0f} s after the last was set",
            "deliveries_per_clock": dict(sorted(split.items())),
            "deliveries_share_pct": shares,
            "states": dict(states),
            "commands_failed": fired["failures"][:5] and {"count": len(fired["failures"]), "first": fired["failures"][:5]},
            "set_in_s": round(fired["seconds"], 1),
            "set_per_s": round(REMINDERS / fired["seconds"], 1),
            "warm_up_per_s": round(fired["warm_up_per_s"], 1),
            "first_due_after_the_last_was_set_s": fired["first_due_in_s"],
            "set_after_their_slot": len(fired["late_slots"]),
            "remind_ack_p50_ms": round(_percentile(fired["acks"], 0.50), 1) if fired["acks"] else None,
            "answers_posted": answers,
            "posts_without_reminder_key": stray,
            "missed_first": missed[:10],
            "duplicated_first": duplicated[:10],
            "lag_mean_ms": round(statistics.fmean(lags), 1),
            "lag_p99_ms_per_10s_of_due_times": _windows(timeline),
            "slowest": [{"reminder_id": rid, "clock": clock, "lag_ms": round(lag, 1), "due_after_first_s": round(due - timeline[0][0], 2)}
                        for due, lag, clock, rid in sorted(timeline, key=lambda t: -t[1])[:5]],
            "lag_min_ms": round(min(lags), 1),
            "rss_mb_web_idle": rss_idle,
            "rss_mb_at_end": rss_end,
            "exit_codes": exits,
            "server_connections_of_the_4_processes": connections,
            "reminder_log_lines": {name: text.count('"event": "reminder"') for name, text in logs.items()},
        },
    }


def _windows(timeline: list[tuple[float, float, str, int]]) -> list[float]:
    """Lag p99 per 10 s of due times: a lag that grows along the minute is a backlog, one spike
    is a stall."""
    if not timeline:
        return []
    timeline.sort()
    first = timeline[0][0]
    windows: dict[int, list[float]] = defaultdict(list)
    for due, lag, _, _ in timeline:
        windows[int((due - first) // 10)].append(lag)
    return [round(_percentile(windows[w], 0.99), 1) for w in sorted(windows)]


def run() -> dict:
    from tests.pg_server import PgServer, PgUnavailable

    try:
        server = PgServer.start()
    except PgUnavailable as exc:
        if os.environ.get("CI"):
            raise
        reason = f"PostgreSQL unavailable, nothing measured: {exc}"
        print(f"  pg: SKIPPED — {reason}", file=sys.stderr)
        return {"skipped": reason}
    import tempfile

    try:
        with tempfile.TemporaryDirectory() as tmp:
            return asyncio.run(_bench(server.new_schema(), Path(tmp)))
    finally:
        server.stop()
