"""Tables of the reminders feature: reminders (the source of truth), cases, and the scheduler lease.

Instants are stored as UTC ISO 8601 strings of one fixed shape (`to_iso`), so SQL can compare and
sort them as text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from bot.store import postgres

migrations = Migrations("sellerbot.reminders")

STATES = ("pending", "sending", "sent", "cancelled", "failed")


def to_iso(when: datetime) -> str:
    """The stored form of an instant: UTC, microseconds, `+00:00` (sorts as text)."""
    if when.tzinfo is None:
        raise ValueError("naive datetime; the core works with aware UTC instants")
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def from_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def instant(text: str) -> datetime:
    """A stored instant from a column that is never empty (a due time, an event's time)."""
    return datetime.fromisoformat(text)


@migrations()
def m001_reminders(db: sqlite_utils.Database) -> None:
    db.table("cases").create(
        {
            "id": int,
            "platform": str,
            "channel": str,
            "thread": str,
            "type": str,
            "owner": str,
            "opened_by": str,
            "lang": str,
            "state": str,  # open | closed
            "events": str,  # JSON {event: UTC ISO}
            "created_at": str,
            "updated_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"platform", "channel", "type", "owner", "state", "events", "created_at"},
        defaults={"state": "open", "events": "{}", "lang": "en"},
    )
    db.table("cases").create_index(["platform", "channel", "state"])
    db.table("reminders").create(
        {
            "id": int,
            "platform": str,
            "channel": str,
            "thread": str,
            "user": str,  # who set it
            "owner": str,  # who is reminded (mentioned)
            "text": str,
            "lang": str,
            "due": str,  # UTC ISO: when it should be posted
            "planned_due": str,  # for case reminders: the due the rule gave (a snooze moves `due` only)
            "state": str,
            "attempts": int,
            "next_attempt_at": str,  # UTC ISO: due, or later after a RetryLater
            "claimed_by": str,
            "claimed_at": str,
            "sent_at": str,
            "late": int,
            "message_id": str,
            "last_error": str,
            "case_id": int,
            "rule": str,  # for case reminders: "<deadline>@<seconds before>"
            "key": str,  # idempotency key handed to the Sender; new on snooze/reschedule
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"platform", "channel", "text", "due", "state", "next_attempt_at", "key", "created_at"},
        defaults={"state": "pending", "attempts": 0, "late": 0, "lang": "en"},
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("reminders").create_index(["key"], unique=True)
    db.table("reminders").create_index(["state", "next_attempt_at"])
    db.table("reminders").create_index(["platform", "channel", "state"])
    db.table("reminders").create_index(["case_id"])
    db.table("leases").create(
        {"name": str, "owner": str, "acquired_at": str, "expires_at": str},
        pk="name",
    )


@migrations()
def m002_workspace(db: sqlite_utils.Database) -> None:
    """The workspace (Slack team, Discord guild) of each case and reminder, for the scope rule of
    bot/scope.py; rows from before stay NULL (reachable from their channel in any workspace)."""
    db.table("cases").add_column("workspace", str)
    db.table("reminders").add_column("workspace", str)


@migrations()
def m003_repeat_mentions_done(db: sqlite_utils.Database) -> None:
    """Recurring reminders keep their rule on the row (one row per series, re-armed after each
    post), reminders for others keep who they mention, and the Done button records when."""
    db.table("reminders").add_column("repeat", str)  # "daily@09:00", "weekdays@09:00", "weekly:0@10:00"…
    db.table("reminders").add_column("mentions", str)  # JSON list of user ids or names
    db.table("reminders").add_column("done_at", str)


@migrations()
def m004_case_details(db: sqlite_utils.Database) -> None:
    """What tells a team's cases apart: the store (seller account) and marketplace the notice came
    from, and a free note; `case list` filters and shows them."""
    cases = db.table("cases")
    cases.add_column("store", str)
    cases.add_column("marketplace", str)
    cases.add_column("note", str)
    cases.create_index(["platform", "channel", "state", "type"], if_not_exists=True)


@migrations()
def m005_series_link(db: sqlite_utils.Database) -> None:
    """A snoozed occurrence of a series names its series, so cancelling the series ends it too."""
    db.table("reminders").add_column("series_id", int)
    db.table("reminders").create_index(["series_id"], if_not_exists=True)


postgres(
    migrations,
    # No PostgreSQL database predates workspaces, recurring reminders or mentions: the first step
    # creates today's shape; instants are text in the C collation (compared and sorted as text).
    m001_reminders="""
        CREATE TABLE cases (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, platform text NOT NULL, channel text NOT NULL,
            thread text, type text NOT NULL, owner text NOT NULL, opened_by text, lang text DEFAULT 'en',
            state text NOT NULL DEFAULT 'open', events text NOT NULL DEFAULT '{}',
            created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C", closed_at text COLLATE "C",
            workspace text);
        CREATE INDEX cases_platform_channel_state ON cases (platform, channel, state);
        CREATE TABLE reminders (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, platform text NOT NULL, channel text NOT NULL,
            thread text, "user" text, owner text, text text NOT NULL, lang text DEFAULT 'en',
            due text COLLATE "C" NOT NULL, planned_due text COLLATE "C", state text NOT NULL DEFAULT 'pending',
            attempts integer DEFAULT 0, next_attempt_at text COLLATE "C" NOT NULL, claimed_by text,
            claimed_at text COLLATE "C", sent_at text COLLATE "C", late integer DEFAULT 0, message_id text,
            last_error text, case_id bigint REFERENCES cases (id), rule text, key text NOT NULL,
            created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C", workspace text,
            repeat text, mentions text, done_at text COLLATE "C");
        CREATE UNIQUE INDEX reminders_key ON reminders (key);
        CREATE INDEX reminders_state_next_attempt_at ON reminders (state, next_attempt_at);
        CREATE INDEX reminders_platform_channel_state ON reminders (platform, channel, state);
        CREATE INDEX reminders_case_id ON reminders (case_id);
        CREATE TABLE leases (
            name text PRIMARY KEY, owner text, acquired_at text COLLATE "C", expires_at text COLLATE "C");
    """,
    m002_workspace="",
    m003_repeat_mentions_done="",
    m005_series_link="""
        ALTER TABLE reminders ADD COLUMN series_id bigint;
        CREATE INDEX reminders_series_id ON reminders (series_id);
    """,
    m004_case_details="""
        ALTER TABLE cases ADD COLUMN store text, ADD COLUMN marketplace text, ADD COLUMN note text;
        CREATE INDEX cases_platform_channel_state_type ON cases (platform, channel, state, type);
    """,
)


@dataclass
class Reminder:
    id: int
    platform: str
    channel: str
    thread: str | None
    user: str | None
    owner: str | None
    text: str
    lang: str
    due: datetime
    state: str
    attempts: int
    next_attempt_at: datetime
    key: str
    case_id: int | None = None
    rule: str | None = None
    planned_due: datetime | None = None
    claimed_by: str | None = None
    sent_at: datetime | None = None
    late: bool = False
    last_error: str | None = None
    repeat: str | None = None
    mentions: list[str] = field(default_factory=list)
    done_at: datetime | None = None
    in_doubt: bool = False
    """Set by a claim: the row was left in `sending` by a process that stopped (see delivery.py)."""
    workspace: str | None = None
    series_id: int | None = None
    """For a one-off made by snoozing an occurrence of a series: that series."""

    @property
    def status(self) -> str:
        """The state as people are told it: a one-off marked done is `done` (stored as cancelled
        before it was posted, or sent after), not "cancelled"; a series goes on (pending)."""
        if self.done_at is not None and self.repeat is None and self.state in ("cancelled", "sent"):
            return "done"
        return self.state

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Reminder":
        return cls(
            id=row["id"],
            platform=row["platform"],
            channel=row["channel"],
            thread=row["thread"],
            user=row["user"],
            owner=row["owner"],
            text=row["text"],
            lang=row["lang"] or "en",
            due=instant(row["due"]),
            state=row["state"],
            attempts=row["attempts"] or 0,
            next_attempt_at=instant(row["next_attempt_at"]),
            key=row["key"],
            case_id=row["case_id"],
            rule=row["rule"],
            planned_due=from_iso(row["planned_due"]),
            claimed_by=row["claimed_by"],
            sent_at=from_iso(row["sent_at"]),
            late=bool(row["late"]),
            last_error=row["last_error"],
            workspace=row.get("workspace"),
            repeat=row.get("repeat"),
            mentions=json.loads(row.get("mentions") or "[]"),
            done_at=from_iso(row.get("done_at")),
            series_id=row.get("series_id"),
        )


@dataclass
class Case:
    id: int
    platform: str
    channel: str
    thread: str | None
    type: str
    owner: str
    opened_by: str | None
    lang: str
    state: str
    events: dict[str, datetime] = field(default_factory=dict)
    workspace: str | None = None
    store: str | None = None
    marketplace: str | None = None
    note: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Case":
        return cls(
            id=row["id"],
            platform=row["platform"],
            channel=row["channel"],
            thread=row["thread"],
            type=row["type"],
            owner=row["owner"],
            opened_by=row["opened_by"],
            lang=row["lang"] or "en",
            state=row["state"],
            events={name: instant(at) for name, at in json.loads(row["events"] or "{}").items()},
            workspace=row.get("workspace"),
            store=row.get("store"),
            marketplace=row.get("marketplace"),
            note=row.get("note"),
        )

    def events_json(self) -> str:
        return json.dumps({name: to_iso(at) for name, at in self.events.items()}, sort_keys=True)
