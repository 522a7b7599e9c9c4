"""Button and option values too long for a platform, kept in the shared database by a short key.

Slack accepts 2,000 characters in a button value (150 in an option), Discord 100 in a custom_id.
A longer value is stored under a stable hash of it and the message carries the key; the table lives
in the shared database so a button posted by the `clock` process, or before a restart, still
answers. Each adapter keeps its own table (created by its own migration with `create`).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import sqlite_utils

if TYPE_CHECKING:
    from bot.store import Queries


class ValueTable:
    """One adapter's table of long values: `put` a value, get its key; `get` it back by key."""

    def __init__(self, table: str, *, key_column: str = "key", key_chars: int = 16, prefix: str = ""):
        self.table = table
        self.key_column = key_column
        self.key_chars = key_chars
        self.prefix = prefix

    def create(self, db: sqlite_utils.Database) -> None:
        """The table, for the adapter's migration."""
        db.table(self.table).create({self.key_column: str, "value": str, "created_at": str}, pk=self.key_column,
                                    if_not_exists=True)

    def key_for(self, value: str) -> str:
        return self.prefix + hashlib.sha256(value.encode("utf-8")).hexdigest()[: self.key_chars]

    def put(self, db: "Queries", value: str, now: str) -> str:
        """The key of `value`, stored (or its time refreshed, so a value in use does not expire)."""
        key = self.key_for(value)
        db.execute(
            f"insert into {self.table} ({self.key_column}, value, created_at) values (?, ?, ?) "
            f"on conflict({self.key_column}) do update set created_at = excluded.created_at",
            [key, value, now],
        )
        return key

    def get(self, db: "Queries", key: str) -> str | None:
        row = db.execute(f"select value from {self.table} where {self.key_column} = ?", [key]).fetchone()
        return row[0] if row else None

    def purge(self, db: "Queries", before: str) -> int:
        """Forget values stored before `before` (ISO time); returns how many."""
        return db.execute(f"delete from {self.table} where created_at < ?", [before]).rowcount
