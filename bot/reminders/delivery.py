"""Delivering due reminders exactly once, through the adapters' `Sender` interface.

One pass, run only by the holder of the scheduler lease (on SQLite one process holds it; on
PostgreSQL every clock holds its own, and they share the rows):

1. **claim** — in a short transaction, due rows go from `pending` to `sending` with `claimed_by` =
   this process and `attempts + 1` (SQLite: BEGIN IMMEDIATE under the one lease; PostgreSQL:
   `SELECT … FOR UPDATE SKIP LOCKED`, so clocks claiming at the same moment take different rows);
2. **send** — each claimed row goes to the Sender of its platform with the row's idempotency key;
3. **mark** — in another short transaction the row becomes `sent` (only if this process still owns
   the claim). Marks are grouped: posts made within MARK_WITHIN (20 ms) of each other share one
   commit, so a thousand reminders printed to stdout do not cost a thousand fsyncs; a send slower
   than that (any HTTP call) is marked on its own.

What that guarantees, honestly:
- *Never lost.* A row leaves `pending`/`sending` only when it was sent, cancelled or refused for good
  (`DeliveryFailed`). A platform error or rate limit (`RetryLater`, e.g. HTTP 429 Retry-After)
  puts it back with a back-off that is never shorter than what the platform asked for. A reminder
  that fell due while no process ran is sent by the next lease holder and marked `late`.
- *Not doubled, except in one window.* The claim is made under the lease and in a write
  transaction, so two processes never claim the same row. If a process dies after the platform
  accepted the post but before the mark committed, the row is found in `sending` from a dead owner
  ("in doubt"); the next holder sends it again **with the same key**. A Sender that can dedupe by
  key (Discord's `nonce` with `enforce_nonce`, a Slack lookup of its own message metadata) turns
  that into exactly once; one that cannot (stdout, a plain `chat.postMessage`) may show those
  reminders twice. The window is one send plus one commit (with a fast sender, the posts of the
  last 20 ms); outside it every reminder is posted exactly once. A delivered-keys table written in the mark transaction would not
  help here: in the window that matters, the mark (and so that table) is exactly what is missing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.i18n import pick
from bot.model import ACTION_PREFIX, Choice, Response
from bot.reminders import times
from bot.reminders.lease import Lease
from bot.reminders.service import new_key
from bot.reminders.store import Reminder, to_iso
from bot.sender import DeliveryFailed, Outgoing, RetryLater, Sender

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("sellerbot.reminders")

ANY_PLATFORM = "*"
"""A sender registered under this name delivers every platform's reminders (stdout in `clock`)."""
BATCH = 100
SHARED_BATCH = 20
"""Rows claimed at a time when several clocks share them (PostgreSQL): a clock posts its claim one
by one, so a smaller claim leaves the rest of a backlog to the other clocks instead of holding it
behind a slow or stalled process (the pg benchmark saw 1.2 s stalls with claims of 100)."""
MARK_WITHIN = 0.02
"""Seconds: posts are marked sent at most this long after the first unmarked one was sent."""
MAX_BACKOFF = timedelta(minutes=15)
MAX_UNEXPECTED = 10
"""A Sender that keeps raising something other than RetryLater/DeliveryFailed (a bug) is retried
this many times, then the row is marked failed and logged."""


def delivered_choices(reminder_id: int, lang: str) -> list[Choice]:
    """The buttons under a posted reminder: each runs a reminder command as the person who presses
    it (so someone else's reminder is theirs to change only if they could type the command)."""
    return [
        Choice(label=pick(lang, en="✓ Done", zh="✓ 完成"), value=f"{ACTION_PREFIX}remind done {reminder_id}",
               style="primary"),
        Choice(label=pick(lang, en="Snooze 1 h", zh="推迟 1 小时"), value=f"{ACTION_PREFIX}remind snooze {reminder_id} 1h"),
        Choice(label=pick(lang, en="Tomorrow 9:00", zh="明天 9:00"),
               value=f"{ACTION_PREFIX}remind snooze {reminder_id} tomorrow 9:00"),
    ]


def backoff(attempts: int, retry_after: float = 0.0) -> timedelta:
    """1 s, 2 s, 4 s … capped at 15 minutes, and never less than the platform's Retry-After."""
    exponential = min(timedelta(seconds=2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return max(exponential, timedelta(seconds=retry_after))


@dataclass
class PassReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    in_doubt: list[int] = field(default_factory=list)


class Delivery:
    def __init__(self, services: "Services", senders: dict[str, Sender], lease: Lease):
        self.svc = services
        self.senders = senders
        self.lease = lease
        self._lock = asyncio.Lock()  # one pass at a time in this process
        self._unmarked: list[tuple[Reminder, bool, str | None, str]] = []
        self._unmarked_since: float | None = None
        self._since: datetime | None = None

    @property
    def owner(self) -> str:
        return self.lease.owner

    def _platform_filter(self) -> tuple[str, list[str]]:
        if ANY_PLATFORM in self.senders:
            return "", []
        names = sorted(self.senders)
        # `platform || ''`: filter rows found through the (state, next_attempt_at) index; on the bare
        # column, SQLite may walk the platform index instead, every row of the platform (O(n) per
        # poke: 5 ms at 100,000 reminders, found by `make bench`). SQLite's `+platform` does the
        # same but PostgreSQL does not accept it.
        return f" AND platform || '' IN ({','.join('?' * len(names))})", names

    def _in_doubt_sql(self) -> tuple[str, list]:
        """Rows left in `sending` that no living clock is sending: this process's own (one pass at
        a time here, so none is in flight) and those of a process whose own lease
        (`reminders:<owner>`, PostgreSQL) has run out. On SQLite only the one shared lease exists,
        so every row in `sending` is in doubt for its holder."""
        return (
            " AND (claimed_by = ? OR claimed_by IS NULL OR NOT EXISTS (SELECT 1 FROM leases"
            " WHERE leases.name = ? || reminders.claimed_by AND leases.expires_at > ?))",
            [self.owner, f"{self.lease.prefix}:", to_iso(self.svc.clock.now())],
        )

    def next_due(self) -> datetime | None:
        """When the next pass should run: now if a row was left in `sending` (in doubt), else the
        earliest pending row this process can deliver. Both are index lookups."""
        db = self.svc.store
        where, names = self._platform_filter()
        doubt, doubt_args = self._in_doubt_sql()
        if db.execute(f"SELECT 1 FROM reminders WHERE state = 'sending'{where}{doubt} LIMIT 1",
                      [*names, *doubt_args]).fetchone():
            return self.svc.clock.now()
        row = db.execute(
            f"SELECT next_attempt_at FROM reminders WHERE state = 'pending'{where} ORDER BY next_attempt_at LIMIT 1",
            names,
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def claim(self, limit: int | None = None) -> list[Reminder]:
        """Take up to `limit` rows for this process: first any left in `sending` by a process that
        stopped (in doubt), then due ones in due order. Runs only under the lease, one pass at a
        time, so no row in `sending` can belong to a send still in flight here. On PostgreSQL
        rows another clock is claiming at this moment are skipped, not waited for."""
        if limit is None:
            limit = SHARED_BATCH if self.lease.many else BATCH
        now = to_iso(self.svc.clock.now())
        where, names = self._platform_filter()
        doubt, doubt_args = self._in_doubt_sql()
        store = self.svc.store
        with store.write(exclusive=False) as db:
            in_doubt = [row[0] for row in db.execute(
                f"SELECT id FROM reminders WHERE state = 'sending'{where}{doubt}"
                f" ORDER BY next_attempt_at, due, id LIMIT ?{store.skip_locked}",
                [*names, *doubt_args, limit],
            )]
            due = [row[0] for row in db.execute(
                f"SELECT id FROM reminders WHERE state = 'pending' AND next_attempt_at <= ?{where}"
                f" ORDER BY next_attempt_at, due, id LIMIT ?{store.skip_locked}",
                [now, *names, limit - len(in_doubt)],
            )] if len(in_doubt) < limit else []
            ids = in_doubt + due
            if not ids:
                return []
            marks = ",".join("?" * len(ids))
            claimed = [
                Reminder.from_row(row)
                for row in db.query(
                    f"UPDATE reminders SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1,"
                    f" updated_at = ? WHERE id IN ({marks}) RETURNING *",
                    [self.owner, now, now, *ids],
                )
            ]
        for reminder in claimed:
            reminder.in_doubt = reminder.id in in_doubt
        order = {reminder_id: i for i, reminder_id in enumerate(ids)}
        return sorted(claimed, key=lambda r: order[r.id])

    async def run_due(self) -> PassReport:
        """Deliver everything due now. Only the lease holder delivers; others return at once."""
        async with self._lock:
            return await self._run_due()

    async def _run_due(self) -> PassReport:
        report = PassReport()
        if not self.lease.acquire():
            return report
        self._since = self.lease.since()
        paused: dict[tuple[str, str], datetime] = {}
        try:
            while True:
                batch = self.claim()
                if not batch:
                    return report
                for i, reminder in enumerate(batch):
                    # A lapsed lease is renewed on SQLite only: on PostgreSQL another clock may have
                    # taken this pass's rows as in doubt meanwhile, so they are given back instead.
                    if not self.lease.held() and (self.lease.many or not self.lease.acquire()):
                        self._mark_sent(report)
                        self._unclaim(batch[i:], until=None)
                        log.warning("scheduler lease lost; leaving %d reminders to its next holder", len(batch) - i)
                        return report
                    until = paused.get((reminder.platform, reminder.channel))
                    if until is not None:
                        self._unclaim([reminder], until=until)
                        continue
                    outcome = await self._deliver(reminder, report)
                    if outcome is not None:
                        paused[(reminder.platform, reminder.channel)] = outcome
                self._mark_sent(report)
        finally:
            self._mark_sent(report)

    async def _deliver(self, reminder: Reminder, report: PassReport) -> datetime | None:
        """Send one claimed row and record the outcome; returns the time to wait for its channel
        when the platform asked us to slow down."""
        if reminder.in_doubt:
            report.in_doubt.append(reminder.id)
            log.warning("reminder %s was left in doubt by a stopped process; sending it again with the same key",
                        reminder.id)
        since = self._since or self.lease.acquired_at
        # On PostgreSQL a row taken over from a clock that died was held back by it: late as well.
        late = (since is not None and reminder.due < since) or (self.lease.many and reminder.in_doubt)
        message = Outgoing(
            platform=reminder.platform,
            channel=reminder.channel,
            workspace=reminder.workspace,
            response=self.render(reminder, late=late),
            mentions=reminder.mentions or ([reminder.owner] if reminder.owner else []),
            key=reminder.key,
            thread=reminder.thread,
            in_doubt=reminder.in_doubt,
        )
        extra = {"event": "reminder", "reminder_id": reminder.id, "attempt": reminder.attempts,
                 "platform": reminder.platform, "channel": reminder.channel}
        started = time.monotonic()

        def outcome(name: str) -> dict:
            """The structured fields of the one log line each attempt gets."""
            return {**extra, "outcome": name, "latency_ms": round((time.monotonic() - started) * 1000, 2)}

        try:
            message_id = await self._sender_for(reminder.platform).send(message)
        except RetryLater as exc:
            wait = backoff(reminder.attempts, exc.retry_after)
            until = self.svc.clock.now() + wait
            self._put_back(reminder, until, str(exc))
            report.retried.append(reminder.id)
            log.warning("reminder %s: platform asked to retry in %.1fs (%s)", reminder.id, wait.total_seconds(), exc,
                        extra=outcome("retry"))
            return until
        except DeliveryFailed as exc:
            self._fail(reminder, str(exc) or type(exc).__name__)
            report.failed.append(reminder.id)
            log.error("reminder %s: delivery refused for good: %s", reminder.id, exc, extra=outcome("failed"))
            return None
        except Exception as exc:  # a bug in a Sender: retry a few times, never lose the row silently
            if reminder.attempts >= MAX_UNEXPECTED:
                self._fail(reminder, repr(exc))
                report.failed.append(reminder.id)
            else:
                self._put_back(reminder, self.svc.clock.now() + backoff(reminder.attempts), repr(exc))
                report.retried.append(reminder.id)
            log.exception("reminder %s: sender raised", reminder.id,
                          extra=outcome("failed" if reminder.id in report.failed else "retry"))
            return None
        log.info("reminder %s sent to %s %s (attempt %d)", reminder.id, reminder.platform, reminder.channel,
                 reminder.attempts, extra=outcome("sent"))
        self._unmarked.append((reminder, late, message_id, to_iso(self.svc.clock.now())))
        self._unmarked_since = self._unmarked_since or started
        if time.monotonic() - self._unmarked_since >= MARK_WITHIN or len(self._unmarked) >= BATCH:
            self._mark_sent(report)
        return None

    def _sender_for(self, platform: str) -> Sender:
        """Claims only take rows of the platforms this clock has senders for; a row of another
        platform reaching here is refused for good rather than retried forever."""
        sender = self.senders.get(platform) or self.senders.get(ANY_PLATFORM)
        if sender is None:
            raise DeliveryFailed(f"no sender for platform {platform!r} in this process")
        return sender

    def _mark_sent(self, report: PassReport) -> None:
        """Mark what was sent, in one transaction (a group commit: with fast senders such as stdout
        one fsync per post would dominate; a send slower than MARK_WITHIN is marked on its own)."""
        if not self._unmarked:
            return
        marks, self._unmarked, self._unmarked_since = self._unmarked, [], None
        with self.svc.store.write() as db:
            for reminder, late, message_id, sent_at in marks:
                if reminder.repeat:
                    cursor = self._rearm(db, reminder, reminder.repeat, late, message_id, sent_at)
                else:
                    cursor = db.execute(
                        "UPDATE reminders SET state = 'sent', sent_at = ?, late = ?, message_id = ?, last_error = NULL,"
                        " updated_at = ? WHERE id = ? AND claimed_by = ? AND state = 'sending'",
                        [sent_at, int(late), message_id, sent_at, reminder.id, self.owner],
                    )
                if cursor.rowcount:
                    report.sent.append(reminder.id)
                else:
                    log.warning("reminder %s was taken over by another process before it was marked sent", reminder.id)

    def _rearm(self, db, reminder: Reminder, repeat: str, late: bool, message_id: str | None, sent_at: str):
        """A recurring reminder was posted: in the same transaction that records the post, the row
        becomes pending again for the rule's next occurrence after both its due time and now (a
        bot that was stopped for three days posts one late occurrence, not three), with a new
        idempotency key. One commit for both, so a restart can neither lose the series nor post an
        occurrence twice (beyond the in-doubt window described at the top)."""
        zone = self.svc.channel_zone(reminder.platform, reminder.channel, reminder.workspace)
        after = max(reminder.due, self.svc.clock.now())
        nxt = to_iso(times.next_occurrence(repeat, after, zone))
        return db.execute(
            "UPDATE reminders SET state = 'pending', due = ?, next_attempt_at = ?, key = ?, attempts = 0,"
            " claimed_by = NULL, claimed_at = NULL, sent_at = ?, late = ?, message_id = ?, last_error = NULL,"
            " done_at = NULL, updated_at = ? WHERE id = ? AND claimed_by = ? AND state = 'sending'",
            [nxt, nxt, new_key(), sent_at, int(late), message_id, sent_at, reminder.id, self.owner],
        )

    def render(self, reminder: Reminder, *, late: bool) -> Response:
        """The reminder as a platform-neutral response (the adapters add the owner's mention)."""
        zone = self.svc.channel_zone(reminder.platform, reminder.channel, reminder.workspace)
        lang = reminder.lang
        context = []
        if reminder.case_id:
            root = self.svc.config.root_command
            context.append(pick(lang, en=f"Case #{reminder.case_id}: /{root} case show {reminder.case_id}",
                                zh=f"案件 #{reminder.case_id}：/{root} 案件 查看 {reminder.case_id}"))
        if late:
            context.append(pick(
                lang,
                en=f"Late: it fell due {times.human(reminder.due, zone, lang)} while the bot was not running.",
                zh=f"延迟送达：原定 {times.human(reminder.due, zone, lang)}，当时机器人未运行。",
            ))
        repeat = times.rule_words(reminder.repeat, lang)
        if repeat:
            context.append(pick(lang, en=f"Repeats {repeat}.", zh=f"重复：{repeat}。"))
        return Response(
            kind="reminder",
            title=pick(lang, en=f"⏰ Reminder #{reminder.id}", zh=f"⏰ 提醒 #{reminder.id}"),
            text=reminder.text,
            context=context,
            channel=reminder.channel,
            choices=delivered_choices(reminder.id, lang),
            data={
                "reminder_id": reminder.id,
                "due": times.local_iso(reminder.due, zone),
                "late": late,
                "case_id": reminder.case_id,
                "owner": reminder.owner,
                "repeat": repeat,
                "mentions": reminder.mentions,
            },
        )

    def _fail(self, reminder: Reminder, error: str) -> bool:
        now = to_iso(self.svc.clock.now())
        with self.svc.store.write() as db:
            cursor = db.execute(
                "UPDATE reminders SET state = 'failed', last_error = ?, updated_at = ?"
                " WHERE id = ? AND claimed_by = ? AND state = 'sending'",
                [error, now, reminder.id, self.owner],
            )
        return bool(cursor.rowcount)

    def _put_back(self, reminder: Reminder, until: datetime, error: str) -> None:
        now = to_iso(self.svc.clock.now())
        with self.svc.store.write() as db:
            db.execute(
                "UPDATE reminders SET state = 'pending', next_attempt_at = ?, claimed_by = NULL, last_error = ?,"
                " updated_at = ? WHERE id = ? AND claimed_by = ? AND state = 'sending'",
                [to_iso(until), error, now, reminder.id, self.owner],
            )

    def _unclaim(self, reminders: list[Reminder], *, until: datetime | None) -> None:
        """Give back rows claimed in this pass but not attempted (their channel is paused)."""
        now = to_iso(self.svc.clock.now())
        with self.svc.store.write() as db:
            for reminder in reminders:
                db.execute(
                    "UPDATE reminders SET state = 'pending',"
                    " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, claimed_by = NULL,"
                    " next_attempt_at = CASE WHEN ? > next_attempt_at THEN ? ELSE next_attempt_at END,"
                    " updated_at = ? WHERE id = ? AND claimed_by = ? AND state = 'sending'",
                    [to_iso(until) if until else None, to_iso(until) if until else None, now, reminder.id,
                     self.owner],
                )
