"""Stopping a long-running platform process cleanly on SIGINT (Ctrl-C) and SIGTERM (a deploy)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable


def on_stop_signals(callback: Callable[[], object]) -> None:
    """Call `callback` on the running loop when the process is asked to stop. Does nothing where the
    loop cannot take signal handlers (not the main thread, or not a Unix loop): Ctrl-C still raises."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError):
            pass


def stop_event() -> asyncio.Event:
    """An event set when the process is asked to stop."""
    stop = asyncio.Event()
    on_stop_signals(stop.set)
    return stop
