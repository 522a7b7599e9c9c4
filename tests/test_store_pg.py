"""The PostgreSQL engine of the store: migrations applied once and recorded, a SQLite migration
without its PostgreSQL twin refused at start, placeholders translated outside quotes."""

from __future__ import annotations

import pytest
from sqlite_utils import Migrations

from bot.services import feature_migrations
from bot.store import StorageUnavailable, Store, redacted


def test_placeholders_are_translated_outside_quotes_only():
    from bot.store_pg import translate

    assert translate("SELECT '?%', \"a?\" FROM t WHERE x = ? AND y LIKE ?") == \
        "SELECT '?%%', \"a?\" FROM t WHERE x = %s AND y LIKE %s"


def test_a_url_is_logged_without_its_password():
    assert redacted("postgresql://bot:s3cret@db:5432/sellerbot") == "postgresql://bot:***@db:5432/sellerbot"


def test_migrations_apply_once_and_a_missing_twin_is_refused(pg_server):
    url = pg_server.new_schema()
    try:
        first = Store.open(url, feature_migrations())
        assert first.dialect == "postgresql"
        sets = {row["migration_set"] for row in first.query("SELECT migration_set FROM sellerbot_migrations")}
        assert {"sellerbot.core", "sellerbot.inbox", "sellerbot.reminders", "sellerbot.dialogs"} <= sets
        assert first.migrate(*feature_migrations()) == []  # nothing pending the second time
        first.close()

        orphan = Migrations("sellerbot.test-orphan")

        @orphan()
        def m001_new_table(db):  # a SQLite migration nobody wrote the PostgreSQL twin of
            db["t"].create({"id": int}, pk="id")

        with pytest.raises(StorageUnavailable, match="sellerbot.test-orphan:m001_new_table have no PostgreSQL twin"):
            Store.open(url, (*feature_migrations(), orphan))
    finally:
        pg_server.drop_schema(url)


def test_processes_starting_together_migrate_once(pg_server):
    """Two clocks (or web processes) started at the same moment on an empty database: each
    migration runs once, neither fails (CREATE … IF NOT EXISTS alone races in PostgreSQL)."""
    from concurrent.futures import ThreadPoolExecutor

    url = pg_server.new_schema()
    try:
        with ThreadPoolExecutor(4) as pool:
            stores = list(pool.map(lambda _: Store.open(url, feature_migrations()), range(4)))
        rows = stores[0].query("SELECT migration_set, name, count(*) AS n FROM sellerbot_migrations"
                               " GROUP BY migration_set, name")
        assert rows and all(row["n"] == 1 for row in rows)
        for store in stores:
            store.close()
    finally:
        pg_server.drop_schema(url)


def test_an_unreachable_server_stops_a_process_at_once_with_the_reason(tmp_path):
    """No server on the port: the process exits with one line naming the URL (password hidden)
    and the server's refusal, instead of its pool retrying for POOL_TIMEOUT_S (30 s) in the
    background and ending on a bare timeout."""
    import socket

    from bot.store_pg import POOL_TIMEOUT_S, START_TIMEOUT_S
    from tests.conftest import run_cli

    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://bot:s3cret@127.0.0.1:{port}/sellerbot"
    assert START_TIMEOUT_S < POOL_TIMEOUT_S / 2
    done = run_cli(["ask", "what is ODR"], env={"SELLERBOT_DB": url}, timeout=POOL_TIMEOUT_S / 2)
    assert done.returncode != 0
    assert f"postgresql://bot:***@127.0.0.1:{port}/sellerbot" in done.stderr and "s3cret" not in done.stderr
    assert "Connection refused" in done.stderr and "Traceback" not in done.stderr
