"""APScheduler wakes the process; the `reminders` table decides what is due.

APScheduler 3.11 drops a one-shot job that comes due while the process is down (misfire grace of
one second), and its job stores must not be shared between processes. So no reminder lives in
APScheduler: it runs two jobs in memory,

- `poll`, every second: renew (or try to take) the scheduler lease, and notice reminders written by
  other processes (`PRAGMA data_version` changes when another connection commits), rescheduling
- `wake`, a one-shot date job at the earliest due time, which runs a delivery pass.

Both jobs have `misfire_grace_time=None` and `coalesce=True`: a late wake-up still runs, once.
Reminders created in this process call `poke()` so the wake is moved at once, without a poll.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.reminders.delivery import Delivery
from bot.reminders.lease import DEFAULT_TTL, Lease
from bot.sender import Sender
from bot.store import StoreError

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("sellerbot.reminders")

POLL_SECONDS = 1.0
STOP_WAIT_SECONDS = 30.0
"""How long `stop()` lets a running job finish (a delivery pass is bounded by its senders' own
timeouts; this only guards against one that hangs)."""


class ReminderScheduler:
    def __init__(
        self,
        services: "Services",
        senders: dict[str, Sender],
        *,
        poll_seconds: float = POLL_SECONDS,
        lease_ttl: timedelta = DEFAULT_TTL,
    ):
        self.svc = services
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.lease = Lease(services.store, services.clock, self.owner, ttl=lease_ttl)
        self.delivery = Delivery(services, senders, self.lease)
        self.poll_seconds = poll_seconds
        self.aps = AsyncIOScheduler(
            timezone=timezone.utc,
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._data_version: object = None
        self._holding = False
        self._pass_lock = asyncio.Lock()
        self._wakes = 0
        """Wake-ups running or waiting for the pass lock: with one waiting, another adds nothing
        (the waiting pass delivers everything due when it runs, and pokes again at its end)."""
        self._stopped = False
        self._running: set[asyncio.Task] = set()
        self._write_warned = False

    async def start(self) -> None:
        self.aps.start()
        self.aps.add_job(self._job(self._poll), "interval", seconds=self.poll_seconds, id="poll")
        self.svc.reminders.subscribe(self.poke)
        await self._poll()  # take the lease and deliver what fell due while nothing ran, now

    def _job(self, fn):
        """`fn` as an APScheduler job whose run this scheduler can wait for: APScheduler's asyncio
        executor cancels the tasks still running when it shuts down (it cannot wait for them), which
        would interrupt a delivery between its post and its mark and log a CancelledError."""

        async def job() -> None:
            task = asyncio.current_task()
            if task is not None:
                self._running.add(task)
            try:
                await fn()
            finally:
                if task is not None:
                    self._running.discard(task)

        job.__name__ = job.__qualname__ = fn.__name__
        return job

    async def stop(self, timeout: float = STOP_WAIT_SECONDS) -> None:
        """Stop waking, let the jobs running now finish (up to `timeout`), shut APScheduler down,
        and hand the lease back."""
        self._stopped = True
        self.svc.reminders.unsubscribe(self.poke)
        if self.aps.running:
            self.aps.pause()  # no new run starts while we wait for the current ones
            running = {t for t in self._running if t is not asyncio.current_task()}
            if running:
                _, late = await asyncio.wait(running, timeout=timeout)
                if late:
                    log.warning("reminder scheduler: %d job(s) still running after %.0f s; stopping them",
                                len(late), timeout)
            self.aps.shutdown(wait=False)
        async with self._pass_lock:
            try:
                self.lease.release()
            except StoreError as exc:  # the lease then expires by itself after its ttl
                log.warning("reminder scheduler: could not hand the lease back (%s)", exc.reason("en"))
        self._holding = False

    @property
    def holding(self) -> bool:
        return self._holding

    async def _poll(self) -> None:
        if self._stopped:
            return
        try:
            held = self.lease.acquire()
        except StoreError as exc:
            # The database takes no writes (disk full, read-only): deliver nothing rather than mark
            # nothing, and try again at the next poll; the process goes on answering reads.
            if not self._write_warned:
                log.warning("reminder scheduler: cannot write the lease (%s); not delivering", exc.reason("en"))
            self._write_warned = True
            held = False
        else:
            self._write_warned = False
        if held and not self._holding:
            log.info("reminder scheduler: this process (%s) now delivers reminders", self.owner)
            self._data_version = None
        elif not held and self._holding:
            log.warning("reminder scheduler: lease lost to another process")
            self._cancel_wake()
        self._holding = held
        if not held:
            return
        version = self.svc.store.data_version()
        if version != self._data_version:
            self._data_version = version
            self.poke()

    def poke(self) -> None:
        """Something changed: move the wake-up to the earliest due time."""
        if self._stopped or not self._holding or self._wakes >= 2:
            return
        when = self.delivery.next_due()
        if when is None:
            self._cancel_wake()
            return
        self.aps.add_job(
            self._job(self._wake), "date", run_date=max(when, datetime.now(timezone.utc)), id="wake",
            replace_existing=True, misfire_grace_time=None, coalesce=True, max_instances=2,
        )

    def _cancel_wake(self) -> None:
        try:
            self.aps.remove_job("wake")
        except JobLookupError:
            pass

    async def _wake(self) -> None:
        self._wakes += 1
        try:
            async with self._pass_lock:
                if self._stopped:
                    return
                report = await self.delivery.run_due()
        finally:
            self._wakes -= 1
        if report.sent or report.retried or report.failed:
            log.info("reminders: %d sent, %d to retry, %d failed", len(report.sent), len(report.retried),
                     len(report.failed), extra={"event": "reminders"})
        self.poke()

    async def run_once(self):
        """One delivery pass now (tests and the benchmarks use it)."""
        async with self._pass_lock:
            return await self.delivery.run_due()
