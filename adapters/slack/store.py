"""What the Slack adapter must remember across restarts and processes, in the shared SQLite file.

- `slack_seen`: every delivery Slack made (event id, or trigger id of a command or button press),
  so a retry (`X-Slack-Retry-Num`) or a replayed request never runs a command twice. Bolt has no
  such guard, and an in-memory set would forget at restart and not be shared by two web processes.
- `slack_threads`: the threads the bot started for dialogues, with their owner, so replies in the
  thread (and plain channel messages while it is active) reach the same dialogue.
- `slack_values`: button and option values longer than Slack accepts (2,000 / 150 characters),
  replaced in the message by a short reference.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlite_utils
from sqlite_utils import Migrations

if TYPE_CHECKING:
    from bot.services import Services

migrations = Migrations("sellerbot.slack")

SEEN_KEEP = timedelta(days=1)
"""Slack retries within minutes and refuses requests older than five; a day is plenty."""
THREAD_IDLE = timedelta(hours=24)
"""A dialogue thread untouched this long no longer catches plain channel messages."""
VALUE_PREFIX = "sbv:"
_PRUNE_EVERY = 200


@migrations()
def m001_slack(db: sqlite_utils.Database) -> None:
    db["slack_seen"].create({"key": str, "seen_at": str}, pk="key", if_not_exists=True)
    db["slack_seen"].create_index(["seen_at"], if_not_exists=True)
    db["slack_threads"].create(
        {"channel": str, "thread_ts": str, "user": str, "active": int, "lang": str, "started_at": str, "last_at": str},
        pk=("channel", "thread_ts"),
        if_not_exists=True,
    )
    db["slack_threads"].create_index(["channel", "user", "active"], if_not_exists=True)
    db["slack_values"].create({"ref": str, "value": str, "created_at": str}, pk="ref", if_not_exists=True)


class SlackState:
    """Small, short transactions on the adapter's three tables."""

    def __init__(self, services: "Services"):
        self.store = services.store
        self.store.migrate(migrations)  # the adapter brings its own tables; storage names no adapter
        self.clock = services.clock
        self._inserts = 0

    def _now(self) -> str:
        return self.clock.now().isoformat()

    # --- deliveries -------------------------------------------------------------------------
    def first_time(self, key: str) -> bool:
        """True the first time Slack delivers `key`; False for every retry or replay of it."""
        cursor = self.store.db.execute(
            "INSERT OR IGNORE INTO slack_seen (key, seen_at) VALUES (?, ?)", [key, self._now()]
        )
        self._inserts += 1
        if self._inserts % _PRUNE_EVERY == 0:
            cutoff = (self.clock.now() - SEEN_KEEP).isoformat()
            self.store.db.execute("DELETE FROM slack_seen WHERE seen_at < ?", [cutoff])
        return cursor.rowcount == 1

    # --- dialogue threads -------------------------------------------------------------------
    def open_thread(self, channel: str, thread_ts: str, user: str, lang: str) -> None:
        now = self._now()
        with self.store.write() as db:
            db.execute(
                "UPDATE slack_threads SET active = 0 WHERE channel = ? AND user = ? AND active = 1", [channel, user]
            )
            db["slack_threads"].upsert(
                {"channel": channel, "thread_ts": thread_ts, "user": user, "active": 1, "lang": lang,
                 "started_at": now, "last_at": now},
                pk=("channel", "thread_ts"),
            )

    def thread(self, channel: str, thread_ts: str) -> dict | None:
        rows = list(self.store.db["slack_threads"].rows_where("channel = ? AND thread_ts = ?", [channel, thread_ts]))
        return rows[0] if rows else None

    def active_thread(self, channel: str, user: str) -> dict | None:
        """The user's dialogue thread in this channel, if one is going on and not left idle."""
        cutoff = (self.clock.now() - THREAD_IDLE).isoformat()
        rows = list(
            self.store.db["slack_threads"].rows_where(
                "channel = ? AND user = ? AND active = 1 AND last_at >= ?",
                [channel, user, cutoff],
                order_by="last_at DESC",
                limit=1,
            )
        )
        return rows[0] if rows else None

    def touch_thread(self, channel: str, thread_ts: str, *, active: bool) -> None:
        self.store.db.execute(
            "UPDATE slack_threads SET active = ?, last_at = ? WHERE channel = ? AND thread_ts = ?",
            [int(active), self._now(), channel, thread_ts],
        )

    # --- long values ------------------------------------------------------------------------
    def shorten(self, value: str, limit: int) -> str:
        """`value` itself when Slack accepts its length, else a stable short reference to it."""
        if len(value) <= limit and not value.startswith(VALUE_PREFIX):
            return value
        ref = VALUE_PREFIX + hashlib.sha256(value.encode()).hexdigest()[:24]
        self.store.db["slack_values"].upsert(
            {"ref": ref, "value": value, "created_at": self._now()}, pk="ref"
        )
        return ref

    def expand(self, value: str) -> str:
        if not value.startswith(VALUE_PREFIX):
            return value
        rows = list(self.store.db["slack_values"].rows_where("ref = ?", [value]))
        return rows[0]["value"] if rows else value
