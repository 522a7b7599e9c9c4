"""`sellerbot clock`: the reminder scheduler alone (the Procfile's `clock` process).

It delivers through the platforms configured in this process (Slack, Discord; with the Slack OAuth
flow, into each workspace with the token its installation left in the database); with none configured
it prints every reminder to stdout, one JSON object per line with `--json` (the scripting contract).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import IO

from adapters.console import ConsolePrinter, ConsoleSender
from adapters.senders import platform_senders
from bot.clock import Clock
from bot.config import Config
from bot.reminders.clock import run_scheduler
from bot.reminders.delivery import ANY_PLATFORM
from bot.services import Services


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
    services = Services(config.model_copy(update={"scheduler": "auto"}), clock=clock)
    console = ConsoleSender(ConsolePrinter(stdout or sys.stdout, json_mode=json_mode))
    senders = dict(platform_senders(config, services.store))
    if senders:
        senders.setdefault("console", console)
    else:
        senders = {ANY_PLATFORM: console}
    return await run_scheduler(services, senders, seconds=seconds)
