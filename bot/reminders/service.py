"""Creating, listing, cancelling and snoozing reminders: rows in the `reminders` table.

Every change that could move the next due time tells the subscribers (the scheduler of this process,
if it runs one) so a reminder due in two seconds is not left to the next poll.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.reminders import times
from bot.reminders.store import Reminder, to_iso
from bot.scope import WORKSPACE_SQL

if TYPE_CHECKING:
    from bot.services import Services

OPEN_STATES = ("pending", "sending")

MAX_ACTIVE_PER_USER = 100
"""Free reminders one person may have waiting (pending or being sent) in one channel. A flood guard,
not a quota: a support agent's real list is a few dozen; a script typing `remind` in a loop stops
here. Case reminders are planned by the rules file and do not count."""
MAX_ACTIVE_PER_CHANNEL = 1_000
"""Free reminders a channel may have waiting, all its members together: past this the channel's
`remind list` is fifty pages, and the scheduler would spend its passes on one channel."""


def new_key() -> str:
    """A fresh idempotency key: one per planned post (a snooze or a reschedule plans a new one)."""
    return uuid.uuid4().hex


class ReminderService:
    def __init__(self, services: "Services"):
        self.svc = services
        self._listeners: list[Callable[[], None]] = []

    @property
    def db(self):
        return self.svc.store

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def create(
        self,
        *,
        platform: str,
        channel: str,
        text: str,
        due: datetime,
        user: str | None = None,
        owner: str | None = None,
        thread: str | None = None,
        lang: str = "en",
        case_id: int | None = None,
        rule: str | None = None,
        repeat: str | None = None,
        mentions: list[str] | None = None,
        notify: bool = True,
        workspace: str | None = None,
        series_id: int | None = None,
    ) -> Reminder:
        """`rule` places a case reminder; `repeat` makes a free reminder recurring (times.next_occurrence);
        `series_id` names the series whose snoozed occurrence this one-off is."""
        now = to_iso(self.svc.clock.now())
        with self.svc.store.write() as db:
            reminder_id = db.insert("reminders", {
                "platform": platform, "channel": channel, "thread": thread, "user": user, "owner": owner or user,
                "text": text, "lang": lang, "due": to_iso(due), "planned_due": to_iso(due) if rule else None,
                "state": "pending", "attempts": 0, "next_attempt_at": to_iso(due), "late": 0, "case_id": case_id,
                "rule": rule, "key": new_key(), "created_at": now, "updated_at": now, "repeat": repeat,
                "mentions": json.dumps(mentions or [], ensure_ascii=False), "workspace": workspace,
                "series_id": series_id,
            })
        if notify:
            self.changed()
        return self.require(reminder_id)

    def get(self, reminder_id: int) -> Reminder | None:
        rows = list(self.db.query("SELECT * FROM reminders WHERE id = ?", [reminder_id]))
        return Reminder.from_row(rows[0]) if rows else None

    def require(self, reminder_id: int) -> Reminder:
        """A reminder that must exist: one this process has just written."""
        reminder = self.get(reminder_id)
        if reminder is None:
            raise LookupError(f"reminder {reminder_id} is gone although it was just written")
        return reminder

    def pending(self, platform: str, channel: str, workspace: str | None = None) -> list[Reminder]:
        """Reminders still to be posted in a channel (of `workspace`, when given), soonest first."""
        where, args = "", [platform, channel]
        if workspace is not None:
            where, args = f" AND {WORKSPACE_SQL}", [*args, workspace]
        return [
            Reminder.from_row(row)
            for row in self.db.query(
                "SELECT * FROM reminders WHERE platform = ? AND channel = ? AND state IN ('pending', 'sending')"
                f"{where} ORDER BY due, id",
                args,
            )
        ]

    def duplicates(self, platform: str, channel: str, text: str, due: datetime,
                   workspace: str | None = None) -> list[Reminder]:
        """Pending reminders with exactly this text and due time in this channel (a double submit)."""
        where, args = "", [platform, channel, to_iso(due), text]
        if workspace is not None:
            where, args = f" AND {WORKSPACE_SQL}", [*args, workspace]
        return [
            Reminder.from_row(row)
            for row in self.db.query(
                "SELECT * FROM reminders WHERE platform = ? AND channel = ? AND state = 'pending' AND due = ?"
                f" AND text = ?{where} ORDER BY id",
                args,
            )
        ]

    def done(self, reminder_id: int) -> Reminder | None:
        """Record that the reminded work is done. A one-off still pending is done early, so it is not
        posted; a recurring series goes on (only cancel ends it): its posted occurrence is marked
        done, or, when none is open, the occurrence ahead is done before its post, so the series
        skips it (as Slack's "Mark as complete"). None when cancelled already."""
        now = to_iso(self.svc.clock.now())
        series = self.get(reminder_id)
        if series is not None and series.repeat and series.state == "pending" and not self.posted_occurrence(series):
            with self.svc.store.write() as db:
                skipped = self._skip_occurrence(db, series, done_at=now)
            if skipped:
                self.changed()
                return self.get(reminder_id)
        with self.svc.store.write() as db:
            cursor = db.execute(
                """UPDATE reminders SET done_at = ?, updated_at = ?,
                       state = CASE WHEN state = 'pending' AND repeat IS NULL THEN 'cancelled' ELSE state END
                   WHERE id = ? AND state != 'cancelled'""",
                [now, now, reminder_id],
            )
        if not cursor.rowcount:
            return None
        self.changed()
        return self.get(reminder_id)

    def full(self, platform: str, channel: str, workspace: str | None, user: str) -> tuple[str, int] | None:
        """Which cap a new free reminder by `user` would pass ("user" or "channel", and its number),
        or None when there is room. Checked before the insert rather than in its transaction: two
        requests at the same instant may pass a cap by one each, which a flood guard allows."""
        where, args = "", [user, platform, channel]
        if workspace is not None:
            where, args = f" AND {WORKSPACE_SQL}", [*args, workspace]
        row = self.db.execute(
            'SELECT count(*), coalesce(sum(CASE WHEN "user" = ? THEN 1 ELSE 0 END), 0) FROM reminders'
            " WHERE platform = ? AND channel = ? AND state IN ('pending', 'sending') AND case_id IS NULL"
            f"{where}", args,
        ).fetchone()
        if row[1] >= MAX_ACTIVE_PER_USER:
            return "user", MAX_ACTIVE_PER_USER
        if row[0] >= MAX_ACTIVE_PER_CHANNEL:
            return "channel", MAX_ACTIVE_PER_CHANNEL
        return None

    @staticmethod
    def posted_occurrence(series: Reminder) -> bool:
        """True when a series' last posted occurrence is still open (posted, not marked done since):
        a snooze then means that post. Otherwise it means the occurrence ahead."""
        return series.sent_at is not None and (series.done_at is None or series.done_at < series.sent_at)

    def snooze_start(self, reminder: Reminder) -> datetime:
        """The moment a snooze of `reminder` counts from, which a snooze `to` a time must be later
        than (a snooze never moves a reminder earlier): its due time while it is ahead (for a series,
        the occurrence ahead), otherwise now (a post that came back)."""
        now = self.svc.clock.now()
        if reminder.repeat is not None:
            return now if self.posted_occurrence(reminder) else reminder.due
        return max(now, reminder.due) if reminder.state == "pending" else now

    def _skip_occurrence(self, db, series: Reminder, **columns: str) -> bool:
        """Move a series not yet posted on to its following occurrence (the one ahead is snoozed
        into a one-off, or marked done before its post), setting `columns` too; False when it was
        posted or changed meanwhile."""
        zone = self.svc.channel_zone(series.platform, series.channel, series.workspace)
        nxt = to_iso(times.next_occurrence(series.repeat or "", series.due, zone))
        sets = "".join(f", {name} = ?" for name in columns)
        cursor = db.execute(
            f"UPDATE reminders SET due = ?, next_attempt_at = ?, key = ?, attempts = 0, updated_at = ?{sets}"
            " WHERE id = ? AND state = 'pending' AND due = ?",
            [nxt, nxt, new_key(), to_iso(self.svc.clock.now()), *columns.values(), series.id, to_iso(series.due)],
        )
        return bool(cursor.rowcount)

    def snooze_occurrence(self, series: Reminder, *, by: timedelta | None = None,
                          to: datetime | None = None) -> Reminder | None:
        """Snooze one occurrence of a recurring reminder; the series keeps its times (never a second
        series, never a shifted one). The occurrence comes back once as a one-off, `by` after the
        moment it belongs to, or at `to`:
        - the occurrence already posted (its Snooze button, as in Slack): from now;
        - the occurrence ahead: from its own due time, and the series skips it, so it is not
          posted both at its time and again later.
        None when the series cannot be snoozed (cancelled, or being posted right now)."""
        if series.repeat is None or series.state not in ("pending", "sending", "sent"):
            return None
        posted = self.posted_occurrence(series)
        if not posted and series.state != "pending":
            return None
        start = self.snooze_start(series)
        due = to if to is not None else start + (by or timedelta())
        if due <= start:
            raise ValueError("a snooze never moves a reminder earlier")
        with self.svc.store.write() as db:
            if not posted and not self._skip_occurrence(db, series):
                return None
            if posted and not self._settle_post(db, series):
                return None
            copy = self.create(platform=series.platform, channel=series.channel, thread=series.thread,
                               user=series.user, owner=series.owner, text=series.text, due=due, lang=series.lang,
                               mentions=series.mentions, workspace=series.workspace, notify=False,
                               series_id=series.id)
        self.changed()
        return copy

    def _settle_post(self, db, series: Reminder) -> bool:
        """Mark a series' posted occurrence as handled (`done_at`), as its snooze does: the post
        has become the one-off copy, so a second press of its Snooze button makes no second copy.
        False when it was settled or posted anew meanwhile (two presses at the same instant)."""
        now = to_iso(self.svc.clock.now())
        cursor = db.execute(
            "UPDATE reminders SET done_at = ?, updated_at = ? WHERE id = ? AND sent_at = ?"
            " AND (done_at IS NULL OR done_at < sent_at)",
            [now, now, series.id, to_iso(series.sent_at) if series.sent_at else None],
        )
        return bool(cursor.rowcount)

    def snooze_to(self, reminder_id: int, due: datetime) -> Reminder | None:
        """Move a reminder to a given time (`snooze 3 到明天上午10点`); see `snooze`."""
        reminder = self.get(reminder_id)
        if reminder is None:
            return None
        return self.snooze(reminder_id, due - self.snooze_start(reminder))

    def for_case(self, case_id: int, states: tuple[str, ...] = OPEN_STATES) -> list[Reminder]:
        marks = ",".join("?" * len(states))
        return [
            Reminder.from_row(row)
            for row in self.db.query(
                f"SELECT * FROM reminders WHERE case_id = ? AND state IN ({marks}) ORDER BY due, id",
                [case_id, *states],
            )
        ]

    def snoozed_of(self, series_id: int) -> list[int]:
        """The snoozed occurrences of a series still waiting to be posted (cancelling it ends them)."""
        return [row["id"] for row in self.db.query(
            "SELECT id FROM reminders WHERE series_id = ? AND state = 'pending' ORDER BY id", [series_id])]

    def cancel(self, reminder_id: int, *, notify: bool = True) -> Reminder | None:
        """Cancel a pending reminder, and with a series its snoozed occurrences still waiting (the
        series ends whole); None when it was not pending (already sent, or being sent)."""
        now = to_iso(self.svc.clock.now())
        with self.svc.store.write() as db:
            cursor = db.execute(
                "UPDATE reminders SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = 'pending'",
                [now, reminder_id],
            )
            if cursor.rowcount:
                db.execute("UPDATE reminders SET state = 'cancelled', updated_at = ? WHERE series_id = ? AND state = 'pending'",
                           [now, reminder_id])
        if cursor.rowcount and notify:
            self.changed()
        return self.get(reminder_id) if cursor.rowcount else None

    def snooze(self, reminder_id: int, by: timedelta) -> Reminder | None:
        """Move a reminder later by `by`: from its due time while it is still ahead, otherwise from
        now (a sent reminder comes back). It gets a new idempotency key, since it will be a new post.
        None when it cannot be snoozed (cancelled, or being sent right now)."""
        reminder = self.get(reminder_id)
        if reminder is None or reminder.state not in ("pending", "sent", "failed"):
            return None
        if by <= timedelta(0):
            raise ValueError("a snooze never moves a reminder earlier")
        now = self.svc.clock.now()
        due = to_iso(self.snooze_start(reminder) + by)
        with self.svc.store.write() as db:
            cursor = db.execute(
                """UPDATE reminders SET due = ?, next_attempt_at = ?, state = 'pending', attempts = 0, late = 0,
                       key = ?, claimed_by = NULL, claimed_at = NULL, sent_at = NULL, last_error = NULL,
                       updated_at = ?
                   WHERE id = ? AND state = ?""",
                [due, due, new_key(), to_iso(now), reminder_id, reminder.state],
            )
        if not cursor.rowcount:
            return None
        self.changed()
        return self.get(reminder_id)

    def reschedule(self, reminder_id: int, *, due: datetime, text: str | None = None, owner: str | None = None) -> None:
        """Give a pending case reminder a new planned time (its case's anchor moved)."""
        stamp = to_iso(due)
        with self.svc.store.write() as db:
            db.execute(
                """UPDATE reminders SET due = ?, planned_due = ?, next_attempt_at = ?, key = ?, attempts = 0,
                       text = coalesce(?, text), owner = coalesce(?, owner), updated_at = ?
                   WHERE id = ? AND state = 'pending'""",
                [stamp, stamp, stamp, new_key(), text, owner, to_iso(self.svc.clock.now()), reminder_id],
            )

    def reassign(self, reminder_id: int, owner: str) -> None:
        """Mention someone else when a pending reminder is posted (the case changed hands)."""
        with self.svc.store.write() as db:
            db.execute(
                "UPDATE reminders SET owner = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
                [owner, to_iso(self.svc.clock.now()), reminder_id],
            )
