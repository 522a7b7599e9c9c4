"""`sellerbot clock`: the reminder scheduler alone (the Procfile's `clock` process).

It delivers through the platforms configured in this process (Slack, Discord); with none configured
it prints every reminder to stdout, one JSON object per line with `--json` (the scripting contract).
Reminders that fell due while nothing ran are delivered at start, marked late, once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import IO

from bot.clock import Clock
from bot.config import Config

log = logging.getLogger("sellerbot.reminders")


def main(args: argparse.Namespace, config: Config) -> int:
    return asyncio.run(run_clock(config, seconds=args.seconds, json_mode=args.json))


async def run_clock(
    config: Config,
    *,
    seconds: float | None = None,
    json_mode: bool = False,
    stdout: IO[str] | None = None,
    clock: Clock | None = None,
) -> int:
    """Run the scheduler until `seconds` have passed (or forever), then stop cleanly."""
    from adapters.console import ConsolePrinter, ConsoleSender
    from adapters.senders import platform_senders
    from bot.reminders.delivery import ANY_PLATFORM
    from bot.services import Services

    services = Services(config.model_copy(update={"scheduler": "auto"}), clock=clock)
    console = ConsoleSender(ConsolePrinter(stdout or sys.stdout, json_mode=json_mode))
    senders = dict(platform_senders(config))
    if senders:
        senders.setdefault("console", console)
    else:
        senders = {ANY_PLATFORM: console}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            pass
    log.info("clock: delivering reminders from %s via %s", config.db, ", ".join(sorted(senders)))
    try:
        await services.start(senders)
        try:
            await asyncio.wait_for(stop.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass
    finally:
        await services.stop()
    return 0
