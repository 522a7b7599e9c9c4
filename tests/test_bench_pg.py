"""The PostgreSQL benchmark never skips silently: without a server its results say why nothing was
measured, and under CI=1 it is an error; its bars fail a run with a missed or a doubled reminder."""

from __future__ import annotations

import pytest

from bench import __main__ as bench
from bench import bench_pg
from tests import pg_server


def _no_server(*_args):
    raise pg_server.PgUnavailable("initdb not found on PATH or under /usr/lib/postgresql/*/bin")


def test_without_postgresql_the_results_say_it_was_skipped(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(pg_server.PgServer, "start", classmethod(_no_server))
    out = bench_pg.run()
    assert out == {"skipped": "PostgreSQL unavailable, nothing measured: "
                              "initdb not found on PATH or under /usr/lib/postgresql/*/bin"}
    assert "pg: SKIPPED" in capsys.readouterr().err


def test_in_ci_a_missing_postgresql_is_an_error(monkeypatch):
    monkeypatch.setenv("CI", "1")
    monkeypatch.setattr(pg_server.PgServer, "start", classmethod(_no_server))
    with pytest.raises(pg_server.PgUnavailable):
        bench_pg.run()


def test_a_missed_or_doubled_reminder_or_a_late_p99_fails_the_bars():
    good = {"pg_reminders_missed": 0, "pg_reminders_duplicated": 0, "pg_reminder_lag_p99_ms": 999.9}
    assert bench.check_bars(good) == dict.fromkeys(good, True)
    assert bench.check_bars({**good, "pg_reminders_missed": 1})["pg_reminders_missed"] is False
    assert bench.check_bars({**good, "pg_reminders_duplicated": 1})["pg_reminders_duplicated"] is False
    assert bench.check_bars({**good, "pg_reminder_lag_p99_ms": 1000})["pg_reminder_lag_p99_ms"] is False
