"""The durable inbox: what a user did is written down before the platform hears "got it", and the
work is done from that record.

Why: an acknowledgement is a promise. Slack (and Discord, once an interaction is deferred) stops
waiting when it gets one, so a process that dies or is stopped after acknowledging must leave
behind enough to keep the promise. Each request becomes one row, keyed by what identifies it on
its platform (Slack's trigger or event id, Discord's interaction id), so a platform's retry of a
recorded request finds the row instead of running anything twice.

A row goes `received` -> `sending` (the command ran; its answer is stored with the row and is
being posted) -> `done`; or `failed` when the answer could not be posted after a few tries. A
process that dies in `received` leaves a command that is run again by whoever adopts it; one that
dies in `sending` leaves an answer *in doubt* (posted or not, nobody knows), which is posted again:
the one place where a user may see an answer twice, rather than not at all.

Ownership: each row names the process working on it (`owner` = host:pid:nonce). Processes keep a
heartbeat row in `inbox_owners`. A row whose owner is gone is adopted by the next process that
looks (at start, every few seconds, and when the platform retries the request): gone means, on this
host, that its pid no longer runs (or is our own pid under another nonce: a container restarted),
and anywhere, that its heartbeat is older than OWNER_TTL_S.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from bot.clock import Clock
from bot.store import Store

migrations = Migrations("sellerbot.inbox")

OPEN_STATES = ("received", "sending")
OWNER_TTL_S = 60.0
"""A heartbeat older than this means the owner is gone even when its pid cannot be checked (another
host) or was reused. Longer than the 30 s a process may wait for the database's write lock, so a
stalled but living process keeps its rows."""
KEEP_DONE = timedelta(days=1)
"""Finished rows are kept this long: platforms retry within minutes, operators may look back."""


@migrations()
def m001_inbox(db: sqlite_utils.Database) -> None:
    db["inbox"].create(
        {"id": int, "platform": str, "key": str, "kind": str, "body": str, "state": str, "owner": str,
         "received_at": str, "response": str, "attempts": int, "done_at": str},
        pk="id",
        not_null={"platform", "key", "kind", "body", "state", "owner", "received_at"},
        defaults={"attempts": 0},
        if_not_exists=True,
    )
    db["inbox"].create_index(["platform", "key"], unique=True, if_not_exists=True)
    db["inbox"].create_index(["state", "platform"], if_not_exists=True)
    db["inbox_owners"].create({"owner": str, "alive_at": float}, pk="owner", if_not_exists=True)


@dataclass
class Entry:
    id: int
    platform: str
    key: str
    kind: str
    body: dict
    state: str
    owner: str
    received_at: datetime
    response: dict | None = None
    attempts: int = 0
    new: bool = False
    """True when this call recorded it; False for a repeat of a recorded request."""
    adopted: bool = False
    """True when this call took it over from a process that is gone."""


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _pid_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it runs
        return True
    return True


class Inbox:
    """Short transactions on the `inbox` table, for one process (`owner`). Safe to call from several
    threads: calls are serialised on the store's connection."""

    def __init__(self, store: Store, clock: Clock, owner: str | None = None):
        self.store = store
        self.clock = clock
        self.owner = owner or new_owner()
        self._host, self._pid = self.owner.split(":")[0], os.getpid()
        self._lock = threading.Lock()

    # --- recording --------------------------------------------------------------------------
    def record(self, platform: str, key: str, kind: str, body: dict) -> Entry:
        """Write the request down (owned by this process), or find it when it was recorded before;
        a recorded one whose owner is gone is adopted here, so the platform's retry revives it."""
        with self._lock, self.store.write() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO inbox (platform, key, kind, body, state, owner, received_at, attempts)"
                " VALUES (?, ?, ?, ?, 'received', ?, ?, 0)",
                [platform, key, kind, json.dumps(body, ensure_ascii=False), self.owner, self.clock.now().isoformat()],
            )
            if cursor.rowcount == 1:
                entry = self._get(db, cursor.lastrowid)
                entry.new = True
                return entry
            row = db.execute("SELECT id FROM inbox WHERE platform = ? AND key = ?", [platform, key]).fetchone()
            entry = self._get(db, row[0])
            if entry.state in OPEN_STATES and entry.owner != self.owner and self._gone(db, entry.owner):
                db.execute("UPDATE inbox SET owner = ? WHERE id = ?", [self.owner, entry.id])
                entry.owner, entry.adopted = self.owner, True
            return entry

    def get(self, entry_id: int) -> Entry | None:
        with self._lock:
            return self._get(self.store.db, entry_id)

    def _get(self, db: sqlite_utils.Database, entry_id: int) -> Entry | None:
        row = db.execute(
            "SELECT id, platform, key, kind, body, state, owner, received_at, response, attempts FROM inbox WHERE id = ?",
            [entry_id],
        ).fetchone()
        if row is None:
            return None
        return Entry(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], datetime.fromisoformat(row[7]),
                     json.loads(row[8]) if row[8] else None, row[9] or 0)

    # --- progress ---------------------------------------------------------------------------
    def sending(self, entry_id: int, response: dict[str, Any]) -> None:
        """The command ran: keep its answer (so a restart posts it without running it again)."""
        with self._lock:
            self.store.db.execute(
                "UPDATE inbox SET state = 'sending', response = ?, attempts = attempts + 1 WHERE id = ?",
                [json.dumps(response, ensure_ascii=False), entry_id],
            )

    def done(self, entry_id: int, state: str = "done") -> None:
        with self._lock:
            self.store.db.execute(
                "UPDATE inbox SET state = ?, done_at = ? WHERE id = ?", [state, self.clock.now().isoformat(), entry_id]
            )

    def failed(self, entry_id: int) -> None:
        self.done(entry_id, "failed")

    # --- owners -----------------------------------------------------------------------------
    def beat(self) -> None:
        """This process is alive (call every few seconds)."""
        with self._lock:
            self.store.db.execute(
                "INSERT INTO inbox_owners (owner, alive_at) VALUES (?, ?)"
                " ON CONFLICT(owner) DO UPDATE SET alive_at = excluded.alive_at",
                [self.owner, time.time()],
            )

    def leave(self) -> None:
        """A clean stop: forget this process's heartbeat (its open rows, if any, are then adopted
        by the next process that looks)."""
        with self._lock:
            self.store.db.execute("DELETE FROM inbox_owners WHERE owner = ?", [self.owner])

    def _gone(self, db: sqlite_utils.Database, owner: str) -> bool:
        host, _, rest = owner.partition(":")
        pid_text, _, _nonce = rest.partition(":")
        if host == self._host and pid_text.isdigit():
            pid = int(pid_text)
            if pid == self._pid or not _pid_runs(pid):
                return True  # our own pid under another nonce is an earlier life of this container
        # A living pid may have been reused, and another host's pid cannot be checked: the heartbeat
        # decides (every process beats before it accepts anything; a clean stop removes its beat).
        row = db.execute("SELECT alive_at FROM inbox_owners WHERE owner = ?", [owner]).fetchone()
        return row is None or time.time() - row[0] > OWNER_TTL_S

    def open_rows(self, platform: str) -> list[int]:
        """Rows of `platform` left open by processes that are gone, now ours, and this process's own
        open rows; oldest first."""
        with self._lock, self.store.write() as db:
            rows = db.execute(
                "SELECT id, owner FROM inbox WHERE state IN ('received', 'sending') AND platform = ? ORDER BY id",
                [platform],
            ).fetchall()
            gone: dict[str, bool] = {}
            ids = []
            for entry_id, owner in rows:
                if owner != self.owner:
                    if owner not in gone:
                        gone[owner] = self._gone(db, owner)
                    if not gone[owner]:
                        continue
                    db.execute("UPDATE inbox SET owner = ? WHERE id = ? AND owner = ?", [self.owner, entry_id, owner])
                ids.append(entry_id)
            return ids

    def prune(self) -> int:
        cutoff = (self.clock.now() - KEEP_DONE).isoformat()
        with self._lock:
            cursor = self.store.db.execute(
                "DELETE FROM inbox WHERE state IN ('done', 'failed') AND done_at < ?", [cutoff]
            )
            self.store.db.execute("DELETE FROM inbox_owners WHERE alive_at < ?", [time.time() - 10 * OWNER_TTL_S])
            return cursor.rowcount
