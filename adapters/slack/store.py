"""What the Slack adapter must remember across restarts and processes, in the shared SQLite file.

- `slack_seen`: every delivery Slack made (event id, or trigger id of a command or button press),
  so a retry (`X-Slack-Retry-Num`) or a replayed request never runs a command twice. Bolt has no
  such guard, and an in-memory set would forget at restart and not be shared by two web processes.
- `slack_threads`: the threads the bot started for dialogues, with their owner, so replies in the
  thread (and plain channel messages while it is active) reach the same dialogue.
- `slack_values`: button and option values longer than Slack accepts (2,000 / 150 characters),
  replaced in the message by a short reference.
- `slack_installations`, `slack_bots`, `slack_oauth_states`: the workspaces the app was installed
  in through the OAuth flow, their bot tokens (with token rotation, each with its refresh token and
  expiry, inside the row's `data`), and the OAuth `state` values handed out and not yet
  used (adapters/slack/oauth.py). In the shared database, so any web process can finish an install
  another one started, and the `clock` finds the token of a reminder's workspace.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlite_utils
from sqlite_utils import Migrations

from adapters.toolkit.values import ValueTable
from bot.store import postgres

if TYPE_CHECKING:
    from bot.services import Services

migrations = Migrations("sellerbot.slack")

SEEN_KEEP = timedelta(days=1)
"""Slack retries within minutes and refuses requests older than five; a day is plenty."""
THREAD_IDLE = timedelta(hours=24)
"""A dialogue thread untouched this long no longer catches plain channel messages."""
VALUE_PREFIX = "sbv:"
VALUES = ValueTable("slack_values", key_column="ref", key_chars=24, prefix=VALUE_PREFIX)
_PRUNE_EVERY = 200


@migrations()
def m001_slack(db: sqlite_utils.Database) -> None:
    db.table("slack_seen").create({"key": str, "seen_at": str}, pk="key", if_not_exists=True)
    db.table("slack_seen").create_index(["seen_at"], if_not_exists=True)
    db.table("slack_threads").create(
        {"channel": str, "thread_ts": str, "user": str, "active": int, "lang": str, "started_at": str, "last_at": str},
        pk=("channel", "thread_ts"),
        if_not_exists=True,
    )
    db.table("slack_threads").create_index(["channel", "user", "active"], if_not_exists=True)
    VALUES.create(db)


@migrations()
def m002_oauth(db: sqlite_utils.Database) -> None:
    """Many workspaces (Bolt's OAuth flow). Ids absent from an installation (no enterprise, an
    org-wide install without a team) are stored as "" so they can be part of a primary key."""
    db.table("slack_installations").create(
        {"client_id": str, "enterprise_id": str, "team_id": str, "user_id": str, "installed_at": str, "data": str},
        pk=("client_id", "enterprise_id", "team_id", "user_id"),
        not_null={"client_id", "enterprise_id", "team_id", "user_id", "installed_at", "data"},
        if_not_exists=True,
    )
    db.table("slack_bots").create(
        {"client_id": str, "enterprise_id": str, "team_id": str, "installed_at": str, "data": str},
        pk=("client_id", "enterprise_id", "team_id"),
        not_null={"client_id", "enterprise_id", "team_id", "installed_at", "data"},
        if_not_exists=True,
    )
    db.table("slack_oauth_states").create({"state": str, "expires_at": str}, pk="state", not_null={"expires_at"},
                                          if_not_exists=True)
    db.table("slack_oauth_states").create_index(["expires_at"], if_not_exists=True)


postgres(
    migrations,
    m001_slack="""
        CREATE TABLE slack_seen (key text PRIMARY KEY, seen_at text COLLATE "C");
        CREATE INDEX slack_seen_seen_at ON slack_seen (seen_at);
        CREATE TABLE slack_threads (
            channel text NOT NULL, thread_ts text NOT NULL, "user" text, active integer, lang text,
            started_at text COLLATE "C", last_at text COLLATE "C", PRIMARY KEY (channel, thread_ts));
        CREATE INDEX slack_threads_channel_user_active ON slack_threads (channel, "user", active);
        CREATE TABLE slack_values (ref text PRIMARY KEY, value text, created_at text COLLATE "C");
    """,
    m002_oauth="""
        CREATE TABLE slack_installations (
            client_id text NOT NULL, enterprise_id text NOT NULL, team_id text NOT NULL, user_id text NOT NULL,
            installed_at text COLLATE "C" NOT NULL, data text NOT NULL,
            PRIMARY KEY (client_id, enterprise_id, team_id, user_id));
        CREATE TABLE slack_bots (
            client_id text NOT NULL, enterprise_id text NOT NULL, team_id text NOT NULL,
            installed_at text COLLATE "C" NOT NULL, data text NOT NULL,
            PRIMARY KEY (client_id, enterprise_id, team_id));
        CREATE TABLE slack_oauth_states (state text PRIMARY KEY, expires_at text COLLATE "C" NOT NULL);
        CREATE INDEX slack_oauth_states_expires_at ON slack_oauth_states (expires_at);
    """,
)


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
        cursor = self.store.execute(
            "INSERT INTO slack_seen (key, seen_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [key, self._now()]
        )
        self._inserts += 1
        if self._inserts % _PRUNE_EVERY == 0:
            cutoff = (self.clock.now() - SEEN_KEEP).isoformat()
            self.store.execute("DELETE FROM slack_seen WHERE seen_at < ?", [cutoff])
        return cursor.rowcount == 1

    # --- dialogue threads -------------------------------------------------------------------
    def open_thread(self, channel: str, thread_ts: str, user: str, lang: str) -> None:
        now = self._now()
        with self.store.write() as db:
            db.execute(
                'UPDATE slack_threads SET active = 0 WHERE channel = ? AND "user" = ? AND active = 1', [channel, user]
            )
            db.upsert(
                "slack_threads",
                {"channel": channel, "thread_ts": thread_ts, "user": user, "active": 1, "lang": lang,
                 "started_at": now, "last_at": now},
                pk=("channel", "thread_ts"),
            )

    def thread(self, channel: str, thread_ts: str) -> dict | None:
        return self.store.one("SELECT * FROM slack_threads WHERE channel = ? AND thread_ts = ?", [channel, thread_ts])

    def active_thread(self, channel: str, user: str) -> dict | None:
        """The user's dialogue thread in this channel, if one is going on and not left idle."""
        cutoff = (self.clock.now() - THREAD_IDLE).isoformat()
        return self.store.one(
            'SELECT * FROM slack_threads WHERE channel = ? AND "user" = ? AND active = 1 AND last_at >= ?'
            " ORDER BY last_at DESC LIMIT 1",
            [channel, user, cutoff],
        )

    def touch_thread(self, channel: str, thread_ts: str, *, active: bool) -> None:
        self.store.execute(
            "UPDATE slack_threads SET active = ?, last_at = ? WHERE channel = ? AND thread_ts = ?",
            [int(active), self._now(), channel, thread_ts],
        )

    # --- long values ------------------------------------------------------------------------
    def shorten(self, value: str, limit: int) -> str:
        """`value` itself when Slack accepts its length, else a stable short reference to it."""
        if len(value) <= limit and not value.startswith(VALUE_PREFIX):
            return value
        return VALUES.put(self.store, value, self._now())

    def expand(self, value: str) -> str:
        if not value.startswith(VALUE_PREFIX):
            return value
        found = VALUES.get(self.store, value)
        return value if found is None else found
