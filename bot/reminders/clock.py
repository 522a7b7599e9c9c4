"""The reminder scheduler alone, until stopped: the heart of `sellerbot clock`.

The process entry (adapters/clock.py) builds the services and the senders of the platforms
configured (or the console printer) and hands them in: this module knows no platform.
Reminders that fell due while nothing ran are delivered at start, marked late, once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from bot.sender import Sender
from bot.store import redacted

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("sellerbot.reminders")


async def run_scheduler(services: "Services", senders: dict[str, Sender], *, seconds: float | None = None) -> int:
    """Deliver through `senders` until `seconds` have passed (or SIGINT/SIGTERM), then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
    log.info("clock: delivering reminders from %s via %s", redacted(services.config.db), ", ".join(sorted(senders)))
    try:
        await services.start(senders)
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except TimeoutError:
            pass
    finally:
        await services.stop()
    return 0
