"""The scheduler lease: at most one process delivers reminders from a database at a time.

A row in `leases` names the owner and when its claim runs out. The owner renews it on every poll
(about once a second); if the owner dies, the lease simply expires and the next process that asks
takes it over. Taking or renewing happens in a BEGIN IMMEDIATE transaction, so two processes can
never both believe they hold it. A holder that stalls longer than the lease lasts loses it: before
each send it checks that its lease is still good (see delivery.py).

On PostgreSQL clocks need not take turns: each process holds a lease of its own
(`reminders:<owner>`, always granted) and claims rows with `FOR UPDATE SKIP LOCKED`. Its lease then
says only that it is alive: rows a process left in `sending` are taken over once its lease has run
out (a SIGKILL), and a reminder is late when it fell due before any living clock started.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from bot.reminders.store import from_iso, instant, to_iso
from bot.store import Store

LEASE_NAME = "reminders"
DEFAULT_TTL = timedelta(seconds=10)
FORGET_AFTER = timedelta(days=1)
SAFETY_MARGIN = timedelta(seconds=2)
"""Stop sending this long (at most a quarter of the lease) before it runs out, so a slow send
cannot outlive it."""


class Lease:
    def __init__(self, store: Store, clock: Clock, owner: str, *, name: str = LEASE_NAME, ttl: timedelta = DEFAULT_TTL):
        self.store = store
        self.clock = clock
        self.owner = owner
        self.many = store.dialect == "postgresql"
        """Every clock delivers (PostgreSQL), each under its own lease, rather than one at a time."""
        self.prefix = name
        self.name = f"{name}:{owner}" if self.many else name
        self.ttl = ttl
        self.expires_at: datetime | None = None
        self.acquired_at: datetime | None = None
        """Since when this process has held the lease without a break: reminders due before that
        fell due while nobody delivered them, and are marked late."""

    def holder(self) -> tuple[str, datetime] | None:
        rows = list(self.store.query("SELECT owner, expires_at FROM leases WHERE name = ?", [self.name]))
        return (rows[0]["owner"], instant(rows[0]["expires_at"])) if rows else None

    def acquire(self) -> bool:
        """Take the lease if it is free or expired, renew it if it is ours. True when we hold it."""
        now = self.clock.now()
        current = self.holder()
        if current and current[0] != self.owner and current[1] > now:
            self._lost()
            return False
        with self.store.write() as db:
            rows = list(db.query("SELECT owner, acquired_at, expires_at FROM leases WHERE name = ?", [self.name]))
            row = rows[0] if rows else None
            if row and row["owner"] != self.owner and instant(row["expires_at"]) > now:
                self._lost()
                return False
            held = self.acquired_at if row is not None and row["owner"] == self.owner else None
            acquired = held or now
            if self.many:  # forget the leases of clocks long gone (their rows were taken over)
                db.execute("DELETE FROM leases WHERE name LIKE ? AND expires_at < ?",
                           [f"{self.prefix}:%", to_iso(now - FORGET_AFTER)])
            db.execute(
                "INSERT INTO leases (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, acquired_at = excluded.acquired_at,"
                " expires_at = excluded.expires_at",
                [self.name, self.owner, to_iso(acquired), to_iso(now + self.ttl)],
            )
        self.acquired_at, self.expires_at = acquired, now + self.ttl
        return True

    def since(self) -> datetime | None:
        """Since when reminders have been delivered without a break: this holder's start on SQLite;
        on PostgreSQL the start of the longest-running living clock."""
        if not self.many:
            return self.acquired_at
        row = self.store.execute(
            "SELECT min(acquired_at) FROM leases WHERE name LIKE ? AND expires_at > ?",
            [f"{self.prefix}:%", to_iso(self.clock.now())],
        ).fetchone()
        return from_iso(row[0]) if row and row[0] else self.acquired_at

    def held(self) -> bool:
        """Whether we may still send: we hold the lease with some time to spare."""
        margin = min(SAFETY_MARGIN, self.ttl / 4)
        return self.expires_at is not None and self.clock.now() < self.expires_at - margin

    def release(self) -> None:
        """Give the lease up at a clean stop, so the next process need not wait for it to expire."""
        if self.expires_at is None:
            return
        with self.store.write() as db:
            db.execute("DELETE FROM leases WHERE name = ? AND owner = ?", [self.name, self.owner])
        self._lost()

    def _lost(self) -> None:
        self.expires_at = None
        self.acquired_at = None
