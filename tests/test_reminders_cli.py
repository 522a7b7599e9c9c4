"""End to end through the real CLI in separate processes: `console --json` sets reminders,
`clock --json` delivers them, once, late or on time."""

import json
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from bot.model import Request
from bot.store import is_url
from tests.conftest import ROOT, json_lines, opened, run_cli


def set_reminder(db, phrase: str) -> dict:
    result = run_cli(["console", "--json", "--db", db, "--channel", "C7"], stdin=f"/seller remind {phrase}\n")
    assert result.returncode == 0, result.stderr
    [created] = json_lines(result.stdout)
    assert created["kind"] == "reminder", created
    return created


def test_a_reminder_due_while_nothing_ran_is_printed_once_late_by_the_next_clock(db_target):
    db = db_target
    created = set_reminder(db, "in 2 seconds ship the replacement")  # the console exits at once
    due = exact_due(db, created["reminder_id"])
    time.sleep(max(0.0, (due - datetime.now(timezone.utc)).total_seconds()) + 0.2)
    first = run_cli(["clock", "--for", "1", "--json", "--db", db])
    assert first.returncode == 0, first.stderr
    [delivered] = json_lines(first.stdout)
    assert delivered["kind"] == "reminder" and delivered["late"] is True
    assert delivered["text"] == "ship the replacement" and delivered["channel"] == "C7"
    assert delivered["due"] == created["due"] and delivered["case_id"] is None
    second = run_cli(["clock", "--for", "0.5", "--json", "--db", db])
    assert second.returncode == 0, second.stderr
    assert json_lines(second.stdout) == []


def test_a_reminder_added_by_another_process_while_the_clock_runs_is_printed_once_on_time(db_target):
    db = db_target
    clock = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "clock", "--for", "5", "--json", "--db", db],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not _lease_taken(db):  # the clock is up and owns scheduling
            assert clock.poll() is None, clock.stderr.read()
            assert time.monotonic() < deadline, "clock did not start"
            time.sleep(0.05)
        created = set_reminder(db, "in 2 seconds call the buyer back")
        line = clock.stdout.readline()
        arrived = datetime.now(timezone.utc)
        delivered = json.loads(line)
        assert delivered["kind"] == "reminder" and delivered["text"] == "call the buyer back"
        assert delivered["late"] is False
        lag = (arrived - exact_due(db, created["reminder_id"])).total_seconds()
        assert -0.05 <= lag < 0.5, lag
        rest, errors = clock.communicate(timeout=15)
    finally:
        if clock.poll() is None:
            clock.kill()
    assert clock.returncode == 0, errors
    assert json_lines(rest) == []


def exact_due(db, reminder_id: int) -> datetime:
    """The stored due time, to the microsecond (the contract shows whole seconds)."""
    with opened(db) as store:
        return datetime.fromisoformat(store.execute("SELECT due FROM reminders WHERE id = ?", [reminder_id]).fetchone()[0])


def _lease_taken(db) -> bool:
    if not is_url(db) and not Path(db).exists():
        return False
    with opened(db) as store:
        try:
            return store.execute("SELECT count(*) FROM leases").fetchone()[0] > 0
        except (sqlite3.OperationalError, psycopg.errors.UndefinedTable):  # tables not created yet
            return False


async def test_clock_without_json_prints_readable_panels(config, capsys):
    from adapters.clock import run_clock
    from bot.clock import FakeClock
    from bot.services import Services

    fake = FakeClock()
    services = Services(config, clock=fake)
    await services.dispatcher.handle(Request(text="remind in 1 minute check ODR"))
    services.store.close()
    fake.advance(minutes=5)
    assert await run_clock(config, seconds=0.2, clock=fake) == 0
    out = capsys.readouterr().out
    assert "check ODR" in out and "Reminder #1" in out and "Late" in out
