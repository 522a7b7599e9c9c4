"""Dialogue state in SQLite: one row per dialogue, one row per answered step.

Every answer is written (and committed) before the next prompt is built, so a crash or a restart
loses nothing and another process can resume the dialogue. At most one dialogue is active per
(platform, user, channel), enforced by a partial unique index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from bot.scope import WORKSPACE_SQL
from bot.store import Store

migrations = Migrations("sellerbot.dialogs")

UNFINISHED = ("active", "paused")


@migrations()
def m001_dialogs(db: sqlite_utils.Database) -> None:
    db["dialogs"].create(
        {
            "id": int,
            "flow": str,
            "platform": str,
            "user": str,
            "channel": str,
            "lang": str,
            "status": str,  # active | paused | done | cancelled
            "current_step": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"flow", "platform", "user", "channel", "status"},
        if_not_exists=True,
    )
    db["dialogs"].create_index(["platform", "user", "status"], if_not_exists=True)
    db.execute(
        "CREATE UNIQUE INDEX IF NOT EXISTS dialogs_one_active ON dialogs(platform, user, channel) "
        "WHERE status = 'active'"
    )
    db["dialog_answers"].create(
        {"dialog_id": int, "step": str, "value": str, "complete": int, "updated_at": str},
        pk=("dialog_id", "step"),
        foreign_keys=[("dialog_id", "dialogs", "id")],
        if_not_exists=True,
    )


@migrations()
def m002_workspace(db: sqlite_utils.Database) -> None:
    """The workspace (Slack team, Discord guild) each dialogue belongs to, for bot/scope.py; rows from
    before stay NULL (reachable in any workspace of their platform)."""
    db["dialogs"].add_column("workspace", str)


@dataclass
class DialogState:
    id: int
    flow: str
    platform: str
    user: str
    channel: str
    lang: str
    status: str
    current_step: str | None
    created_at: str
    updated_at: str
    answers: dict[str, Any] = field(default_factory=dict)
    """Every stored answer, complete or not (a multi step keeps its picks while it is being asked)."""
    complete: set[str] = field(default_factory=set)
    workspace: str | None = None

    def completed(self) -> dict[str, Any]:
        return {k: v for k, v in self.answers.items() if k in self.complete}


class DialogStore:
    def __init__(self, store: Store):
        self.store = store
        self.db = store.db

    def _row(self, row: dict | None) -> DialogState | None:
        if row is None:
            return None
        state = DialogState(**{k: row[k] for k in DialogState.__dataclass_fields__ if k in row})
        for answer in self.db["dialog_answers"].rows_where("dialog_id = ?", [state.id]):
            state.answers[answer["step"]] = json.loads(answer["value"])
            if answer["complete"]:
                state.complete.add(answer["step"])
        return state

    def _one(self, where: str, args: list, order: str = "updated_at desc, id desc") -> DialogState | None:
        rows = list(self.db["dialogs"].rows_where(where, args, order_by=order, limit=1))
        return self._row(rows[0] if rows else None)

    def get(self, dialog_id: int) -> DialogState | None:
        return self._one("id = ?", [dialog_id])

    def active(self, platform: str, user: str, channel: str, workspace: str | None = None) -> DialogState | None:
        """The user's dialogue open in `channel` (of `workspace`, when given)."""
        where, args = "platform = ? and user = ? and channel = ? and status = 'active'", [platform, user, channel]
        if workspace is not None:
            where, args = f"{where} and {WORKSPACE_SQL}", [*args, workspace]
        return self._one(where, args)

    def latest_unfinished(self, platform: str, user: str, flow: str | None = None,
                          workspace: str | None = None) -> DialogState | None:
        where = "platform = ? and user = ? and status in ('active', 'paused')"
        args: list = [platform, user]
        if workspace is not None:
            where += f" and {WORKSPACE_SQL}"
            args.append(workspace)
        if flow:
            where += " and flow = ?"
            args.append(flow)
        return self._one(where, args)

    def list_for(self, platform: str, user: str, *, flow: str | None = None, limit: int = 25,
                 workspace: str | None = None) -> list[DialogState]:
        where = "platform = ? and user = ? and status != 'cancelled'"
        args: list = [platform, user]
        if workspace is not None:
            where += f" and {WORKSPACE_SQL}"
            args.append(workspace)
        if flow:
            where += " and flow = ?"
            args.append(flow)
        rows = self.db["dialogs"].rows_where(where, args, order_by="updated_at desc, id desc", limit=limit)
        return [self._row(r) for r in rows]  # type: ignore[misc]

    def create(self, *, flow: str, platform: str, user: str, channel: str, lang: str, now: datetime,
               prefill: dict[str, Any] | None = None,
               workspace: str | None = None) -> tuple[DialogState, DialogState | None]:
        """Start a dialogue; one already active here is paused (and returned) so it can be resumed."""
        stamp = now.isoformat()
        with self.store.write() as db:
            paused = self._pause_active(db, platform, user, channel, stamp)
            dialog_id = db["dialogs"].insert(
                {"flow": flow, "platform": platform, "user": user, "channel": channel, "lang": lang,
                 "status": "active", "current_step": None, "created_at": stamp, "updated_at": stamp,
                 "workspace": workspace}
            ).last_pk
            for step, value in (prefill or {}).items():
                db["dialog_answers"].insert(
                    {"dialog_id": dialog_id, "step": step, "value": json.dumps(value, ensure_ascii=False),
                     "complete": 1, "updated_at": stamp}
                )
        return self.get(dialog_id), paused  # type: ignore[return-value]

    def _pause_active(self, db, platform: str, user: str, channel: str, stamp: str) -> DialogState | None:
        current = self.active(platform, user, channel)
        if current:
            db["dialogs"].update(current.id, {"status": "paused", "updated_at": stamp})
            current.status = "paused"
        return current

    def activate(self, dialog_id: int, channel: str, now: datetime) -> DialogState | None:
        """Make a dialogue the active one in `channel` (pausing any other there); returns what was paused."""
        stamp = now.isoformat()
        with self.store.write() as db:
            state = self.get(dialog_id)
            assert state is not None
            other = self.active(state.platform, state.user, channel)
            if other and other.id != dialog_id:
                db["dialogs"].update(other.id, {"status": "paused", "updated_at": stamp})
            else:
                other = None
            db["dialogs"].update(dialog_id, {"status": "active", "channel": channel, "updated_at": stamp})
        return other

    def save_answer(self, dialog_id: int, step: str, value: Any, *, complete: bool, now: datetime,
                    current_step: str | None = None, incomplete: list[str] | None = None,
                    drop: list[str] | None = None) -> None:
        """Store one answer and what it changes, in one committed transaction."""
        stamp = now.isoformat()
        with self.store.write() as db:
            db["dialog_answers"].upsert(
                {"dialog_id": dialog_id, "step": step, "value": json.dumps(value, ensure_ascii=False),
                 "complete": int(complete), "updated_at": stamp},
                pk=("dialog_id", "step"),
            )
            for other in incomplete or []:
                db.execute("update dialog_answers set complete = 0 where dialog_id = ? and step = ?", [dialog_id, other])
            for other in drop or []:
                db.execute("delete from dialog_answers where dialog_id = ? and step = ?", [dialog_id, other])
            db["dialogs"].update(dialog_id, {"current_step": current_step or step, "updated_at": stamp})

    def reopen_step(self, dialog_id: int, step: str, now: datetime) -> None:
        """Mark a step as to be asked again, keeping its answer to show (back / edit)."""
        with self.store.write() as db:
            db.execute("update dialog_answers set complete = 0 where dialog_id = ? and step = ?", [dialog_id, step])
            db["dialogs"].update(dialog_id, {"current_step": step, "updated_at": now.isoformat()})

    def set_current(self, dialog_id: int, step: str | None, now: datetime) -> None:
        with self.store.write() as db:
            db["dialogs"].update(dialog_id, {"current_step": step, "updated_at": now.isoformat()})

    def set_status(self, dialog_id: int, status: str, now: datetime) -> None:
        with self.store.write() as db:
            db["dialogs"].update(dialog_id, {"status": status, "updated_at": now.isoformat()})
