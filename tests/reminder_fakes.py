"""Test doubles for reminder delivery: a Sender that records, fails on cue, or dedupes by key."""

from __future__ import annotations

import asyncio

from bot.reminders.delivery import Delivery
from bot.reminders.lease import Lease
from bot.sender import Outgoing


class RecordingSender:
    """Records every message it is asked to post; `failures` are raised first, one per call
    (None in the list means "succeed this time")."""

    def __init__(self, failures: list[BaseException | None] | None = None, *, shared: list | None = None, yield_each: bool = False):
        self.sent: list[Outgoing] = [] if shared is None else shared
        self.failures = list(failures or [])
        self.calls = 0
        self.yield_each = yield_each

    async def send(self, message: Outgoing) -> str | None:
        self.calls += 1
        if self.yield_each:
            await asyncio.sleep(0)
        if self.failures:
            failure = self.failures.pop(0)
            if failure is not None:
                raise failure
        self.sent.append(message)
        return f"msg-{len(self.sent)}"


class DedupingPlatform(RecordingSender):
    """A platform that refuses to post the same idempotency key twice (like Discord's nonce)."""

    async def send(self, message: Outgoing) -> str | None:
        if any(m.key == message.key for m in self.sent):
            return "already-posted"
        return await super().send(message)


def delivery_for(services, sender, owner: str = "owner-a", platform: str = "*") -> Delivery:
    return Delivery(services, {platform: sender}, Lease(services.store, services.clock, owner))
