"""Faults around reminders, with real processes: a delivery killed (SIGKILL) in the middle, a database
locked by another writer, and Slack answering 500s.

The guarantee under test is the one bot/reminders/delivery.py documents: nothing is ever lost, and the
only post that can be repeated is the one in flight when the process died ("in doubt": the platform
had it, the database had not recorded it yet) — and only on a platform that cannot dedupe by key.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from adapters.slack.sender import build_sender
from bot.config import Config
from bot.reminders.scheduler import ReminderScheduler
from bot.services import Services
from tests.conftest import ROOT, json_lines, opened, run_cli
from tests.mocks.slack_fixtures import mock_slack, slack_config  # noqa: F401

REMINDERS = 12
STALL_AT = 5


def states(db) -> dict[int, str]:
    with opened(db) as store:
        return {row["id"]: row["state"] for row in store.query("SELECT id, state FROM reminders ORDER BY id")}


@pytest.mark.parametrize("stall", ["before", "after"])
def test_a_delivery_killed_midway_loses_nothing_and_repeats_at_most_the_post_in_flight(tmp_path, db_target, stall):
    db, posts = db_target, tmp_path / "platform.jsonl"
    services = Services(Config(db=db))
    now = services.clock.now()
    ids = [services.reminders.create(platform="console", channel=f"C{i % 3}", user="U1", text=f"follow up {i}",
                                     due=now - timedelta(seconds=REMINDERS - i)).id for i in range(REMINDERS)]
    services.store.close()

    dying = subprocess.Popen([sys.executable, "-m", "tests.fault_delivery", db, str(posts), str(STALL_AT), stall],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select.select([dying.stdout], [], [], 30)
        assert ready and dying.stdout.readline().strip() == "stalled", dying.stderr.read() if dying.poll() else ""
        before_kill = states(db)
        dying.kill()  # SIGKILL: no clean-up, no lease handed back
        dying.wait(timeout=10)
    finally:
        if dying.poll() is None:
            dying.kill()
        dying.stdout.close()
        dying.stderr.close()
    first = [json.loads(line)["id"] for line in posts.read_text().splitlines()]
    expected_first = ids[:STALL_AT] if stall == "after" else ids[:STALL_AT - 1]
    assert first == expected_first
    # the claim took the whole batch: four posted and marked, the rest claimed by a process now dead
    assert list(before_kill.values()) == ["sent"] * (STALL_AT - 1) + ["sending"] * (REMINDERS - STALL_AT + 1)

    restarted = run_cli(["clock", "--for", "3.5", "--json", "--db", db])  # the real clock process
    assert restarted.returncode == 0, restarted.stderr
    second = [line["reminder_id"] for line in json_lines(restarted.stdout)]
    assert second == ids[STALL_AT - 1:]  # everything left, in due order, each once, the in-doubt one first
    assert all(line["late"] for line in json_lines(restarted.stdout))
    assert set(first) | set(second) == set(ids)  # nothing lost
    assert set(states(db).values()) == {"sent"}
    doubled = sorted(set(first) & set(second))
    if stall == "before":
        assert doubled == []  # claimed but never posted: posted once, by the next process
    else:
        assert doubled == [ids[STALL_AT - 1]]  # posted, then killed before the mark: the in-doubt window
    assert "left in doubt by a stopped process" in restarted.stderr


HOLD_WRITE_LOCK = {
    "sqlite": """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE channel_settings SET value = value")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
print(time.time(), flush=True)
""",
    # the database's write lock on PostgreSQL, as bot/store_pg.py takes it (LOCK_SQL)
    "postgresql": """
import sys, time
import psycopg
from bot.store_pg import LOCK_SQL
conn = psycopg.connect(sys.argv[1])
conn.execute(LOCK_SQL)
conn.execute("UPDATE channel_settings SET value = value")
print("locked", flush=True)
sys.stdin.readline()
conn.commit()
print(time.time(), flush=True)
""",
}


def _line(stream, timeout: float = 30) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    assert ready, "no output in time"
    return stream.readline()


def test_a_reminder_set_while_another_process_holds_the_write_lock_waits_and_is_saved(db_target, engine):
    db = db_target
    Services(Config(db=db)).store.close()  # migrations done before the other writer takes the lock
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK[engine], db], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    console = subprocess.Popen(  # no scheduler: its lease is a write too, and would wait at start
        [sys.executable, "-m", "bot.cli", "console", "--json", "--db", db, "--channel", "C9"],
        cwd=ROOT, env={**os.environ, "SELLERBOT_SCHEDULER": "off"},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert _line(holder.stdout).strip() == "locked"
        console.stdin.write("/seller remind list\n/seller remind in 2 hours send the invoices\n/seller remind list\n")
        console.stdin.close()
        empty = json.loads(_line(console.stdout))  # reading needs no lock (WAL; MVCC)
        assert empty["kind"] == "list"
        time.sleep(0.5)
        assert not select.select([console.stdout], [], [], 0)[0]  # the write is waiting for the lock
        holder.stdin.write("release\n")
        holder.stdin.flush()
        released = float(_line(holder.stdout))
        created, listed = json.loads(_line(console.stdout)), json.loads(_line(console.stdout))
        assert console.wait(timeout=30) == 0
        errors = console.stderr.read()
    finally:
        for process in (holder, console):
            if process.poll() is None:
                process.kill()
            process.wait(timeout=10)
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream and not stream.closed:
                    stream.close()
    assert created["kind"] == "reminder" and created["text"] == "send the invoices", created
    assert [item["text"] for item in listed["items"]] == ["send the invoices"]
    with opened(db) as store:  # written once, after the other writer let go
        [(text, state, created_at)] = store.execute("SELECT text, state, created_at FROM reminders").fetchall()
    assert (text, state) == ("send the invoices", "pending")
    assert datetime.fromisoformat(created_at).timestamp() < released  # the command began under the lock
    assert "Traceback" not in errors and "locked" not in errors


async def test_a_slack_reminder_answered_500_then_200_is_posted_once(db_target, mock_slack, clock):  # noqa: F811
    config = slack_config(db_target, mock_slack)
    services = Services(config, clock=clock)
    reminder = services.reminders.create(platform="slack", channel="C7", user="U5", text="Resend the appeal",
                                         due=clock.now() + timedelta(minutes=1))
    scheduler = ReminderScheduler(services, {"slack": build_sender(config)})
    clock.advance(minutes=1)
    mock_slack.fail("chat.postMessage", status=500, times=2)
    waited = []
    for _ in range(2):
        report = await scheduler.run_once()
        assert report.retried == [reminder.id] and report.sent == []
        row = services.reminders.get(reminder.id)
        assert row.state == "pending" and "500" in row.last_error  # put back, never dropped
        waited.append((row.next_attempt_at - clock.now()).total_seconds())
        assert (await scheduler.run_once()).sent == []  # not before the back-off is over
        clock.set(row.next_attempt_at)
    assert waited == [2.0, 4.0]
    assert (await scheduler.run_once()).sent == [reminder.id]
    assert (await scheduler.run_once()).sent == []
    calls = mock_slack.called("chat.postMessage")
    assert [c.status for c in calls] == [500, 500, 200]
    assert len({json.dumps(c.params["metadata"]) for c in calls}) == 1  # the same key every time
    row = services.reminders.get(reminder.id)
    assert row.state == "sent" and row.attempts == 3
    services.store.close()
