"""One module per `/seller` subcommand, each with its declaration and a `setup(app)`.

`setup(app)` adds them all; nothing is registered by importing a module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands import appeal, ask, case, feedback, help, kb, metrics, remind, settings

if TYPE_CHECKING:
    from bot.app import App

MODULES = (help, ask, feedback, kb, metrics, appeal, remind, case, settings)


def setup(app: "App") -> None:
    for module in MODULES:
        module.setup(app)
