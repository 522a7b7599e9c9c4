"""Long button values, kept in the database so buttons work after a restart and across processes.

A Discord `custom_id` (and a select option's value) holds at most 100 characters. Short choice
values travel inside it; a longer one is stored here under a short hash and the custom_id carries
the hash. The `clock` process posts reminders with buttons that the `discord` process answers, so
the map lives in the shared SQLite file rather than in memory. Entries expire after a while.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from adapters.toolkit.values import ValueTable
from bot.clock import Clock, SystemClock
from bot.store import Store, postgres

migrations = Migrations("sellerbot.discord")

KEEP_FOR = timedelta(days=90)
"""Buttons older than this may answer "expired" when their value was a long one."""
VALUES = ValueTable("discord_stash", key_column="key", key_chars=16)


@migrations()
def m001_stash(db: sqlite_utils.Database) -> None:
    VALUES.create(db)


postgres(
    migrations,
    m001_stash='CREATE TABLE discord_stash (key text PRIMARY KEY, value text, created_at text COLLATE "C");',
)


class Stash:
    """Maps a value too long for a custom_id to a 16-character key, and back."""

    def __init__(self, store: Store | None = None, clock: Clock | None = None, *, path: str | Path | None = None):
        """Give the process's store, or a database path (or URL) to open on first use (the sender of the
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
        return VALUES.key_for(value)

    def put(self, value: str) -> str:
        return VALUES.put(self.store, value, self.clock.now().isoformat())

    def get(self, key: str) -> str | None:
        return VALUES.get(self.store, key)

    def purge(self, now: datetime | None = None) -> int:
        """Forget values stored longer ago than KEEP_FOR; returns how many."""
        return VALUES.purge(self.store, ((now or self.clock.now()) - KEEP_FOR).isoformat())
