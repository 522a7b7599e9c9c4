"""Reminders at volume, with the real scheduler running (APScheduler wake-ups, the lease, claim, send,
mark) and the system clock, delivering to an in-memory Sender that notes when each post arrived.

1. `reminders_100k_schedule_s`: 100,000 reminders created one by one through `ReminderService.create`
   — the path `/seller remind` and case rules take: one write transaction each, and each pokes the
   running scheduler to move its wake-up — spread over 90 days and 500 channels. No bulk shortcut.
2. With those 100,000 pending: `/seller remind ...` through the dispatcher (time parsing included),
   and the scheduler's next-due lookup.
3. `reminder_lag_p99_ms`: 2,000 more reminders, all due at the same instant, in 200 channels; lag is
   from the due time to the Sender receiving the post. The posts are not rate limited here: with a
   real platform, its per-channel limits (Slack: about one post per second per channel) come on top.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SCHEDULE = 100_000
TOGETHER = 2_000
TOGETHER_CHANNELS = 200
COMMANDS = 300
LEAD_S = 3.0
"""Seconds between creating the 2,000 and their common due time."""


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class StopwatchSender:
    """Posts nowhere; notes the instant each reminder reached it (the platform's side of the call)."""

    def __init__(self) -> None:
        self.arrived: dict[str, datetime] = {}
        self.doubled = 0
        self.everything = asyncio.Event()
        self.expected = 0

    async def send(self, message) -> str | None:
        if message.key in self.arrived:
            self.doubled += 1
        self.arrived[message.key] = datetime.now(timezone.utc)
        if self.expected and len(self.arrived) >= self.expected:
            self.everything.set()
        return None


async def _bench(db: Path) -> dict:
    from bot.config import Config
    from bot.model import Request
    from bot.services import Services

    services = Services(Config(db=db, tz="Asia/Shanghai"))
    sender = StopwatchSender()
    await services.start({"slack": sender})
    reminders = services.reminders
    rng = random.Random(7)
    try:
        # 1. 100,000 reminders, one create() each, while the scheduler runs
        now = datetime.now(timezone.utc)
        creates = []
        started = time.perf_counter()
        for i in range(SCHEDULE):
            due = now + timedelta(minutes=10, seconds=rng.randrange(90 * 86400))
            t0 = time.perf_counter()
            reminders.create(platform="slack", channel=f"C{i % 500:03d}", user=f"U{i % 97}",
                             text=f"Check the appeal of case {i}", due=due)
            creates.append((time.perf_counter() - t0) * 1000)
            if i % 1000 == 999:
                await asyncio.sleep(0)  # let the scheduler's loop run, as a server's would
        schedule_s = time.perf_counter() - started
        pending = services.store.db.execute("SELECT count(*) FROM reminders WHERE state = 'pending'").fetchone()[0]
        assert pending == SCHEDULE, pending

        # 2. what a user and the scheduler feel with 100,000 pending
        commands = []
        for i in range(COMMANDS):
            req = Request(text=f"remind in {i % 9 + 2} days renew the CSBA trial {i}", platform="slack",
                          channel=f"C{i % 500:03d}", user="U1")
            t0 = time.perf_counter()
            response = await services.dispatcher.handle(req)
            commands.append((time.perf_counter() - t0) * 1000)
            assert response.kind == "reminder", response
        lookups = []
        for _ in range(200):
            t0 = time.perf_counter()
            services.scheduler.delivery.next_due()
            lookups.append((time.perf_counter() - t0) * 1000)

        # 3. 2,000 due at the same instant, delivered by the running scheduler
        due = datetime.now(timezone.utc) + timedelta(seconds=LEAD_S)
        together = []
        for i in range(TOGETHER):
            together.append(reminders.create(platform="slack", channel=f"CT{i % TOGETHER_CHANNELS:03d}", user="U2",
                                             text=f"Appeal due for case {i}", due=due))
            if i % 100 == 99:
                await asyncio.sleep(0)
        if datetime.now(timezone.utc) >= due:
            raise RuntimeError(f"creating {TOGETHER} reminders took more than {LEAD_S} s: the lag would be meaningless")
        sender.expected = TOGETHER
        await asyncio.wait_for(sender.everything.wait(), timeout=60)
        lags = [(sender.arrived[r.key] - r.due).total_seconds() * 1000 for r in together]
        await asyncio.sleep(0.1)  # let the last group commit land before counting
        sent = services.store.db.execute("SELECT count(*) FROM reminders WHERE state = 'sent'").fetchone()[0]
    finally:
        await services.stop()
    if sender.doubled or sent != TOGETHER or len(sender.arrived) != TOGETHER:
        raise RuntimeError(f"delivery went wrong: {len(sender.arrived)} arrived, {sender.doubled} twice, {sent} marked")
    return {
        "reminders_100k_schedule_s": round(schedule_s, 2),
        "reminder_create_p50_ms": round(_percentile(creates, 0.50), 3),
        "reminder_create_p99_ms": round(_percentile(creates, 0.99), 3),
        "remind_command_p99_ms_at_100k": round(_percentile(commands, 0.99), 2),
        "next_due_lookup_p99_ms_at_100k": round(_percentile(lookups, 0.99), 3),
        "reminder_lag_p50_ms": round(_percentile(lags, 0.50), 1),
        "reminder_lag_p99_ms": round(_percentile(lags, 0.99), 1),
        "reminder_lag_max_ms": round(max(lags), 1),
        "reminder_lag_min_ms": round(min(lags), 1),
        "reminders_load": {
            "scheduled": SCHEDULE, "scheduled_how": "ReminderService.create, one transaction each, scheduler running",
            "due_together": TOGETHER, "channels": TOGETHER_CHANNELS, "pending_meanwhile": SCHEDULE + COMMANDS,
            "remind_command_p50_ms": round(_percentile(commands, 0.50), 2),
            "lag_mean_ms": round(statistics.fmean(lags), 1),
        },
    }


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(_bench(Path(tmp) / "reminders.db"))
