"""Saved appeal drafts: one per appeal dialogue, rewritten when the dialogue is edited and finished again."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from bot.store import Store, postgres

migrations = Migrations("sellerbot.appeals")


@migrations()
def m001_appeal_drafts(db: sqlite_utils.Database) -> None:
    db.table("appeal_drafts").create(
        {
            "dialog_id": int,
            "platform": str,
            "user": str,
            "channel": str,
            "marketplace": str,
            "violation": str,
            "language": str,
            "store_name": str,
            "text": str,
            "lint": str,
            "send_to": str,
            "version": int,
            "status": str,  # open | cancelled
            "created_at": str,
            "updated_at": str,
        },
        pk="dialog_id",
        foreign_keys=[("dialog_id", "dialogs", "id")],
        if_not_exists=True,
    )
    db.table("appeal_drafts").create_index(["platform", "user", "status"], if_not_exists=True)


@migrations()
def m002_workspace(db: sqlite_utils.Database) -> None:
    """The workspace (Slack team, Discord guild) of each draft, for bot/scope.py (NULL before)."""
    db.table("appeal_drafts").add_column("workspace", str)


@migrations()
def m003_case_and_form(db: sqlite_utils.Database) -> None:
    """A draft names the case it was drafted for, and keeps the form's blocks and attachments."""
    table = db.table("appeal_drafts")
    for column in ("case_id", "form", "attached"):
        if column not in table.columns_dict:
            table.add_column(column, int if column == "case_id" else str)


@migrations()
def m004_answers(db: sqlite_utils.Database) -> None:
    """The answers a draft was written from, so the finished version can be tracked and shown while
    its dialogue is reopened and edited (the dialogue's own answers change as the user edits)."""
    table = db.table("appeal_drafts")
    if "answers" not in table.columns_dict:
        table.add_column("answers", str)


postgres(
    migrations,
    m001_appeal_drafts="""
        CREATE TABLE appeal_drafts (
            dialog_id bigint PRIMARY KEY REFERENCES dialogs (id), platform text, "user" text, channel text,
            marketplace text, violation text, language text, store_name text, text text, lint text,
            send_to text, version integer, status text, created_at text COLLATE "C",
            updated_at text COLLATE "C", workspace text);
        CREATE INDEX appeal_drafts_platform_user_status ON appeal_drafts (platform, "user", status);
    """,
    m002_workspace="",
    m003_case_and_form="ALTER TABLE appeal_drafts ADD COLUMN case_id bigint, ADD COLUMN form text, ADD COLUMN attached text;",
    m004_answers="ALTER TABLE appeal_drafts ADD COLUMN answers text;",
)


class DraftStore:
    def __init__(self, store: Store):
        self.store = store
        self.db = store

    def save(self, *, dialog_id: int, platform: str, user: str, channel: str, marketplace: str, violation: str,
             language: str, store_name: str, text: str, lint: list[dict], send_to: dict, now: datetime,
             workspace: str | None = None, case_id: int | None = None, form: dict | None = None,
             attached: list[str] | None = None, answers: dict[str, Any] | None = None) -> dict:
        stamp = now.isoformat()
        with self.store.write() as db:
            previous = self.get(dialog_id)
            db.upsert(
                "appeal_drafts",
                {
                    "dialog_id": dialog_id, "platform": platform, "user": user, "channel": channel,
                    "marketplace": marketplace, "violation": violation, "language": language,
                    "store_name": store_name, "text": text,
                    "lint": json.dumps(lint, ensure_ascii=False), "send_to": json.dumps(send_to, ensure_ascii=False),
                    "version": (previous["version"] + 1) if previous else 1, "status": "open",
                    "created_at": previous["created_at"] if previous else stamp, "updated_at": stamp,
                    "workspace": workspace,
                    # a draft linked to a case later (`appeal track`) stays linked when it is rewritten
                    "case_id": case_id or (previous or {}).get("case_id"), "form": json.dumps(form or {}, ensure_ascii=False),
                    "attached": json.dumps(attached or [], ensure_ascii=False),
                    "answers": json.dumps(answers or {}, ensure_ascii=False),
                },
                pk="dialog_id",
            )
        return self.get(dialog_id)  # type: ignore[return-value]

    def get(self, dialog_id: int) -> dict[str, Any] | None:
        found = self.db.one("SELECT * FROM appeal_drafts WHERE dialog_id = ?", [dialog_id])
        if found is None:
            return None
        row = dict(found)
        row["lint"] = json.loads(row["lint"] or "[]")
        row["send_to"] = json.loads(row["send_to"] or "{}")
        row["form"] = json.loads(row.get("form") or "{}")
        row["attached"] = json.loads(row.get("attached") or "[]")
        row["answers"] = json.loads(row.get("answers") or "{}")
        return row

    def for_case(self, case_id: int) -> list[dict[str, Any]]:
        """The drafts written for a case (not cancelled), oldest first: who wrote which."""
        return [dict(row) for row in self.db.query(
            "SELECT dialog_id, \"user\", status FROM appeal_drafts WHERE case_id = ? AND status != 'cancelled'"
            " ORDER BY dialog_id", [case_id])]

    def link_case(self, dialog_id: int, case_id: int, now: datetime) -> None:
        """The case opened to track this draft (`appeal track AP-N`)."""
        with self.store.write() as db:
            db.execute("update appeal_drafts set case_id = ?, updated_at = ? where dialog_id = ?",
                       [case_id, now.isoformat(), dialog_id])

    def cancel(self, dialog_id: int, now: datetime) -> None:
        with self.store.write() as db:
            db.execute("update appeal_drafts set status = 'cancelled', updated_at = ? where dialog_id = ?",
                       [now.isoformat(), dialog_id])
