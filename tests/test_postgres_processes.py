"""Many processes on one PostgreSQL database, through the real CLI: three consoles in different
channels set reminders, two `clock` processes running at the same time deliver each exactly once;
a case opened by one process is listed by another; no SQLite file is written anywhere."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import psycopg

from tests.conftest import ROOT, json_lines


def _run(args: list[str], env: dict, cwd, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **env})


class Clock:
    """A `clock --json` process whose printed reminders are collected as they come."""

    def __init__(self, env: dict, cwd):
        self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "clock", "--for", "60", "--json"],
                                     cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.strip():
                self.lines.append(json.loads(line))

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)
        return self.proc.stderr.read()


def _clock_leases(url: str) -> int:
    with psycopg.connect(url) as conn:
        try:
            return conn.execute("SELECT count(*) FROM leases WHERE expires_at > %s",
                                [time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())]).fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def test_three_consoles_two_clocks_each_reminder_once_and_cases_shared(pg_server, tmp_path):
    url = pg_server.new_schema()
    env = {"SELLERBOT_DB": url, "SELLERBOT_TZ": "UTC"}
    clocks = [Clock(env, tmp_path), Clock(env, tmp_path)]
    try:
        deadline = time.monotonic() + 60
        while _clock_leases(url) < 2:  # both clocks are up and deliver (each under its own lease)
            assert all(c.proc.poll() is None for c in clocks), [c.proc.stderr.read() for c in clocks]
            assert time.monotonic() < deadline, "the clocks did not start"
            time.sleep(0.1)
        consoles = [
            subprocess.Popen([sys.executable, "-m", "bot.cli", "console", "--json", "--channel", f"C{i}"],
                             cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for i in range(3)
        ]
        created = []
        for i, console in enumerate(consoles):
            out, err = console.communicate(f"/seller remind in 2 seconds task {i}\n", timeout=120)
            assert console.returncode == 0, err
            [reply] = json_lines(out)
            assert reply["kind"] == "reminder", reply
            created.append(reply["reminder_id"])
        assert len(set(created)) == 3  # three processes, one sequence of ids
        deadline = time.monotonic() + 60
        while sum(len(c.lines) for c in clocks) < 3:
            assert time.monotonic() < deadline, [c.lines for c in clocks]
            time.sleep(0.1)
        time.sleep(1.5)  # a second clock's duplicate, if there were one, would print now
    finally:
        errors = [c.stop() for c in clocks]
    delivered = [line for c in clocks for line in c.lines]
    assert sorted((d["reminder_id"], d["channel"], d["text"]) for d in delivered) == [
        (created[i], f"C{i}", f"task {i}") for i in range(3)
    ], errors

    opened = _run(["console", "--json", "--channel", "C9"], env, tmp_path,
                  "/seller case open messaging-warning received 2026-11-20 09:00 owner @ana\n")
    assert opened.returncode == 0, opened.stderr
    [case] = json_lines(opened.stdout)
    listed = _run(["console", "--json", "--channel", "C9"], env, tmp_path, "/seller case list\n")
    assert listed.returncode == 0, listed.stderr
    [found] = json_lines(listed.stdout)
    assert case["kind"] == "case" and found["kind"] == "list" and f"#{case['case_id']}" in found["text"], found

    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.read_bytes()[:16] == b"SQLite format 3\x00"]
    assert written == [] and not list(tmp_path.glob("*.db*"))
