"""Scheduler shutdown (issue 13, item 7): stopping while a delivery pass is posting lets that pass
finish (the reminder is marked sent, not left in doubt) and logs no CancelledError traceback.
No timing: the post blocks until the test has asked the scheduler to stop."""

import asyncio
import logging
from datetime import datetime, timedelta, timezone

from bot.services import Services
from tests.reminder_fakes import RecordingSender


class BlockingSender(RecordingSender):
    """Posts only when released; tells the test when a post has begun."""

    def __init__(self):
        super().__init__()
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, message):
        self.entered.set()
        await self.release.wait()
        return await super().send(message)


async def test_stop_waits_for_the_delivery_in_progress_and_logs_no_cancellation(config, caplog):
    caplog.set_level(logging.DEBUG)
    services = Services(config)
    sender = BlockingSender()
    reminder = services.reminders.create(platform="console", channel="C1", user="U1", text="ship it",
                                         due=datetime.now(timezone.utc) - timedelta(seconds=1))
    await services.start({"console": sender})  # the start-up poll wakes a pass for the due reminder
    await asyncio.wait_for(sender.entered.wait(), timeout=10)
    stopping = asyncio.create_task(services.scheduler.stop())
    for _ in range(20):  # let stop() run as far as it can on its own
        await asyncio.sleep(0)
    assert not stopping.done(), "stop() returned while a reminder was being posted"
    sender.release.set()
    await asyncio.wait_for(stopping, timeout=10)
    assert [m.key for m in sender.sent] == [reminder.key]
    assert services.reminders.get(reminder.id).state == "sent"
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.exc_info or ''}" for r in caplog.records)
    assert "CancelledError" not in logged and "raised an exception" not in logged
    services.scheduler = None
    await services.stop()
