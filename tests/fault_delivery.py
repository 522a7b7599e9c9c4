"""A delivery process to be killed: the real scheduler (lease, APScheduler wake-up, claim, send, mark)
over a database, posting to a "platform" that is an append-only file, and stalling for good at the
Nth post so a test can SIGKILL it at a known point.

    python -m tests.fault_delivery DB POSTS N before|after

`before`: the Nth send stalls before posting (the platform never saw it); `after`: it posts, then
stalls (the platform has it, the database does not know). The process prints `stalled` then.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import timedelta
from pathlib import Path

from bot.config import Config
from bot.reminders.scheduler import ReminderScheduler
from bot.sender import Outgoing
from bot.services import Services

LEASE_TTL = timedelta(seconds=1)
"""Short, so the next process takes over a second after the kill instead of ten."""


class FilePlatform:
    """Each post is one JSON line, flushed at once: what the platform received survives the kill."""

    def __init__(self, path: Path, stall_at: int, stall: str):
        self.path, self.stall_at, self.stall = path, stall_at, stall
        self.count = 0

    async def send(self, message: Outgoing) -> str | None:
        self.count += 1
        if self.count == self.stall_at and self.stall == "before":
            await self._stall()
        with self.path.open("a", encoding="utf-8") as posts:
            posts.write(json.dumps({"id": message.response.data["reminder_id"], "key": message.key}) + "\n")
        if self.count == self.stall_at:
            await self._stall()
        await asyncio.sleep(0.03)  # a slow platform: each post is marked on its own
        return f"post-{self.count}"

    async def _stall(self) -> None:
        print("stalled", flush=True)
        await asyncio.Event().wait()  # until SIGKILL


async def main(db: str, posts: str, stall_at: int, stall: str) -> None:
    services = Services(Config(db=db))
    scheduler = ReminderScheduler(services, {"*": FilePlatform(Path(posts), stall_at, stall)}, lease_ttl=LEASE_TTL)
    await scheduler.start()
    await asyncio.sleep(60)  # never reached in the tests: they kill it first


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
