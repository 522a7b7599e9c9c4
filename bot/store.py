"""SQLite storage through sqlite-utils: one file, WAL, a busy timeout, migrations at start.

Each feature keeps its own migration set (`sqlite_utils.Migrations("sellerbot.<feature>")`) in its
own module and hands it to `Store.open` (the services do, for the core features) or to
`Store.migrate` (each adapter, for its own tables); whatever is pending is applied, so an old
database is brought up to date when the bot starts. Storage names no feature and no adapter.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

BUSY_TIMEOUT_S = 30
"""A second process waits this long for the write lock instead of failing at once."""

migrations = Migrations("sellerbot.core")


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db["channel_settings"].create(
        {"platform": str, "channel": str, "key": str, "value": str, "updated_at": str},
        pk=("platform", "channel", "key"),
        if_not_exists=True,
    )


@migrations()
def m002_user_settings(db: sqlite_utils.Database) -> None:
    db["user_settings"].create(
        {"platform": str, "user": str, "key": str, "value": str, "updated_at": str},
        pk=("platform", "user", "key"),
        if_not_exists=True,
    )


class Store:
    """The database handle every service shares (one connection per process)."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        self.db = sqlite_utils.Database(conn)
        if self.path != ":memory:":
            self.db.enable_wal()
            # With WAL, NORMAL loses nothing when a process crashes (only on power loss, the last
            # commits), and saves a disk sync per commit.
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        conn.execute("PRAGMA foreign_keys = ON")

    @classmethod
    def open(cls, path: str | Path, features: Iterable[Migrations] = ()) -> "Store":
        store = cls(path)
        store.migrate(*features)
        return store

    def migrate(self, *features: Migrations) -> list[str]:
        """Apply the pending migrations of the core and of the given features; returns the names
        applied."""
        applied = []
        for feature_migrations in dict.fromkeys((migrations, *features)):
            pending = [m.name for m in feature_migrations.pending(self.db)]
            feature_migrations.apply(self.db)
            applied.extend(f"{feature_migrations.name}:{name}" for name in pending)
        return applied

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A short write transaction that takes the write lock first (BEGIN IMMEDIATE).

        Use it for read-then-write steps that must not interleave with another process,
        such as claiming a reminder for delivery.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def get_setting(self, platform: str, channel: str, key: str) -> str | None:
        rows = list(
            self.db["channel_settings"].rows_where(
                "platform = ? and channel = ? and key = ?", [platform, channel, key]
            )
        )
        return rows[0]["value"] if rows else None

    def set_setting(self, platform: str, channel: str, key: str, value: str, at: str) -> None:
        self.db["channel_settings"].upsert(
            {"platform": platform, "channel": channel, "key": key, "value": value, "updated_at": at},
            pk=("platform", "channel", "key"),
        )

    def get_user_setting(self, platform: str, user: str, key: str) -> str | None:
        rows = list(self.db["user_settings"].rows_where("platform = ? and user = ? and key = ?", [platform, user, key]))
        return rows[0]["value"] if rows else None

    def set_user_setting(self, platform: str, user: str, key: str, value: str, at: str) -> None:
        self.db["user_settings"].upsert(
            {"platform": platform, "user": user, "key": key, "value": value, "updated_at": at},
            pk=("platform", "user", "key"),
        )

    def close(self) -> None:
        self.db.conn.close()
