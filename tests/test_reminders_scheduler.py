"""The APScheduler wake-up with the real clock (short waits): in-process and cross-process
reminders are delivered on time, and two schedulers on one database never double-deliver."""

import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest

from bot.reminders.scheduler import ReminderScheduler
from bot.services import Services
from tests.reminder_fakes import RecordingSender

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


def add(services: Services, seconds: float, text: str = "ping"):
    return services.reminders.create(platform="console", channel="C1", user="U1", text=text,
                                     due=datetime.now(timezone.utc) + timedelta(seconds=seconds))


async def wait_for(predicate, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


class TimedSender(RecordingSender):
    async def send(self, message):
        message.response.data["delivered_at"] = datetime.now(timezone.utc)
        return await super().send(message)


async def test_services_start_delivers_in_process_on_time(config):
    services = Services(config)
    sender = TimedSender()
    await services.start({"console": sender})
    try:
        reminder = add(services, 0.4)
        await wait_for(lambda: sender.sent)
        lag = (sender.sent[0].response.data["delivered_at"] - reminder.due).total_seconds()
        assert 0 <= lag < 0.3
        assert sender.sent[0].response.data["late"] is False
    finally:
        await services.stop()


async def test_scheduler_off_starts_nothing(config):
    services = Services(config.model_copy(update={"scheduler": "off"}))
    await services.start({"console": RecordingSender()})
    assert services.scheduler is None
    await services.stop()


async def test_a_reminder_written_by_another_process_is_noticed_and_delivered_on_time(config):
    clock_process = Services(config)
    other_process = Services(config)  # its own connection, as the console or the web process has
    sender = TimedSender()
    await clock_process.start({"console": sender})
    try:
        reminder = add(other_process, 1.3)
        await wait_for(lambda: sender.sent)
        lag = (sender.sent[0].response.data["delivered_at"] - reminder.due).total_seconds()
        assert 0 <= lag < 0.3
        await asyncio.sleep(0.3)
        assert len(sender.sent) == 1
    finally:
        await clock_process.stop()
        other_process.store.close()


async def test_two_schedulers_on_one_database_never_double_deliver_and_one_takes_over(config, engine):
    a, b, writer = Services(config), Services(config), Services(config)
    shared: list = []
    sched_a = ReminderScheduler(a, {"*": RecordingSender(shared=shared)}, lease_ttl=timedelta(seconds=1))
    sched_b = ReminderScheduler(b, {"*": RecordingSender(shared=shared)}, lease_ttl=timedelta(seconds=1))
    await sched_a.start()
    await sched_b.start()
    try:
        for i in range(40):
            add(writer, 0.2 + i / 50, f"r{i}")
        await wait_for(lambda: len(shared) >= 40)
        await asyncio.sleep(0.3)
        assert sorted(m.response.text for m in shared) == sorted(f"r{i}" for i in range(40))
        if engine == "postgresql":  # both deliver, sharing the rows (FOR UPDATE SKIP LOCKED)
            assert sched_a.holding and sched_b.holding
            sched_a._stopped = True  # one dies: the other goes on alone
            sched_a.aps.shutdown(wait=False)
            add(writer, 0.1, "after the crash")
            await wait_for(lambda: len(shared) == 41, timeout=4)
            assert shared[-1].response.text == "after the crash"
            return
        assert sched_a.holding != sched_b.holding  # exactly one of them delivers
        # the holder dies without handing the lease back; the other takes over once it expires
        holder, survivor = (sched_a, sched_b) if sched_a.holding else (sched_b, sched_a)
        holder._stopped = True
        holder.aps.shutdown(wait=False)
        add(writer, 0.1, "after the crash")
        await wait_for(lambda: len(shared) == 41, timeout=4)
        assert shared[-1].response.text == "after the crash" and survivor.holding
    finally:
        await sched_a.stop()
        await sched_b.stop()
        for services in (a, b, writer):
            services.store.close()


class SlowSender(TimedSender):
    """Each post takes a while, so reminders created meanwhile poke a scheduler that is busy."""

    async def send(self, message):
        await asyncio.sleep(0.05)
        return await super().send(message)


async def test_pokes_during_a_busy_pass_queue_one_pass_and_skip_no_job(config, caplog):
    """Reminders created while a pass posts poke the scheduler again and again: one more pass waits
    for the running one, the rest add nothing (APScheduler used to log "skipped: maximum number of
    running instances" for each), and every reminder is still posted once."""
    services = Services(config)
    sender = SlowSender()
    await services.start({"console": sender})
    try:
        for i in range(20):
            add(services, 0, text=f"r{i}")
            await asyncio.sleep(0.01)
        await wait_for(lambda: len(sender.sent) == 20, timeout=10)
        await asyncio.sleep(0.2)
        assert len(sender.sent) == 20 and len({m.key for m in sender.sent}) == 20  # each once
        assert not [r for r in caplog.records if "maximum number of running instances" in r.getMessage()]
    finally:
        await services.stop()
