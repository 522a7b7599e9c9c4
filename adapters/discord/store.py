"""Long button values, kept in the database so buttons work after a restart and across processes.

A Discord `custom_id` (and a select option's value) holds at most 100 characters. Short choice
values travel inside it; a longer one is stored here under a short hash and the custom_id carries
the hash. The `clock` process posts reminders with buttons that the `discord` process answers, so
the map lives in the shared SQLite file rather than in memory. Entries expire after a while.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from bot.clock import Clock, SystemClock
from bot.store import Store

migrations = Migrations("sellerbot.discord")

KEEP_FOR = timedelta(days=90)
"""Buttons older than this may answer "expired" when their value was a long one."""


@migrations()
def m001_stash(db: sqlite_utils.Database) -> None:
    db["discord_stash"].create({"key": str, "value": str, "created_at": str}, pk="key", if_not_exists=True)


class Stash:
    """Maps a value too long for a custom_id to a 16-character key, and back."""

    def __init__(self, store: Store | None = None, clock: Clock | None = None, *, path: Path | None = None):
        """Give the process's store, or a database path to open on first use (the sender of the
        `clock` process rarely needs the stash, so it should not pay for it)."""
        if store is None and path is None:
            raise ValueError("Stash needs a store or a database path")
        self._store = store
        self._path = path
        self.owns_store = store is None
        self._migrated = False
        self.clock = clock or SystemClock()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self._path, (migrations,))  # type: ignore[arg-type]
        elif not self._migrated:
            self._store.migrate(migrations)  # the adapter brings its own table; storage names no adapter
        self._migrated = True
        return self._store

    def close(self) -> None:
        if self.owns_store and self._store is not None:
            self._store.close()
            self._store = None

    @staticmethod
    def key_for(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]

    def put(self, value: str) -> str:
        key = self.key_for(value)
        self.store.db.execute(
            "insert into discord_stash (key, value, created_at) values (?, ?, ?) "
            "on conflict(key) do update set created_at = excluded.created_at",
            [key, value, self.clock.now().isoformat()],
        )
        return key

    def get(self, key: str) -> str | None:
        row = self.store.db.execute("select value from discord_stash where key = ?", [key]).fetchone()
        return row[0] if row else None

    def purge(self, now: datetime | None = None) -> int:
        """Forget values stored longer ago than KEEP_FOR; returns how many."""
        cutoff = ((now or self.clock.now()) - KEEP_FOR).isoformat()
        cursor = self.store.db.execute("delete from discord_stash where created_at < ?", [cutoff])
        return cursor.rowcount
