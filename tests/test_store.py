"""Storage: migrations at start, WAL, and a second writer that waits instead of failing."""

import subprocess
import sys
import time

import pytest

from bot.services import feature_migrations
from bot.store import Store


@pytest.mark.sqlite_only("SQLite's migrations (sqlite-utils) and WAL; PostgreSQL's are in tests/test_store_pg.py")
def test_open_applies_every_migration_once_and_records_it(tmp_path):
    path = tmp_path / "s.db"
    first = Store.open(path, feature_migrations())
    names = {row["migration_set"] for row in first.db["_sqlite_migrations"].rows}
    assert {"sellerbot.core", "sellerbot.knowledge", "sellerbot.reminders"} <= names
    first.close()
    again = Store(path)
    assert again.migrate(*feature_migrations()) == []  # nothing pending the second time
    assert again.db.journal_mode == "wal"
    assert len({m.name for m in feature_migrations()}) == len(feature_migrations())


def test_channel_settings_round_trip(db_target):
    store = Store.open(db_target)
    assert store.get_setting("slack", "C1", "tz") is None
    store.set_setting("slack", "C1", "tz", "Asia/Shanghai", "2026-11-24T00:00:00+00:00")
    store.set_setting("slack", "C1", "tz", "Europe/Paris", "2026-11-24T01:00:00+00:00")
    assert store.get_setting("slack", "C1", "tz") == "Europe/Paris"
    assert store.get_setting("slack", "C2", "tz") is None


@pytest.mark.sqlite_only("SQLite's write lock and busy timeout; PostgreSQL's write lock is waited for in"
                        " tests/test_faults_reminders.py")
def test_a_locked_database_makes_the_second_writer_wait_not_fail(tmp_path):
    path = tmp_path / "s.db"
    store = Store.open(path)
    holder = subprocess.Popen(  # another process holds the write lock for half a second
        [sys.executable, "-c", HOLD_LOCK, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    with store.write() as db:
        db.insert("channel_settings", {"platform": "x", "channel": "y", "key": "k", "value": "v", "updated_at": "t"},
                  returning=None)
    waited = time.monotonic() - started
    assert holder.wait(timeout=10) == 0
    assert waited > 0.2  # it really waited for the other writer...
    assert store.get_setting("x", "y", "k") == "v"  # ...and then wrote


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(0.5)
conn.execute("COMMIT")
"""


def test_a_failed_write_transaction_leaves_nothing_behind(db_target):
    store = Store.open(db_target)
    try:
        with store.write() as db:
            db.insert("channel_settings", {"platform": "x", "channel": "y", "key": "k", "value": "v", "updated_at": "t"},
                      returning=None)
            raise RuntimeError("crash in the middle")
    except RuntimeError:
        pass
    assert store.get_setting("x", "y", "k") is None
