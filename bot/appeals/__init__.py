"""Appeals (Plans of Action): letters from templates, a linter, mailboxes, saved drafts.

Importing the package (every process does, for the drafts table's migrations and to register the
finisher) loads none of that: the service, its letters, linter and mailboxes load when a process
first drafts an appeal, so a process that only answers questions never pays for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.app import App
    from bot.appeals.service import AppealService
    from bot.context import Context
    from bot.dialogs import DialogState, Flow
    from bot.model import Response
    from bot.services import Services

__all__ = ["FLOW_ID", "AppealService", "build", "setup"]

FLOW_ID = "appeal"
"""The dialogue flow (knowledge/flows/) that drafts an appeal."""


def setup(app: "App") -> None:
    """A finished appeal dialogue becomes a saved, linted draft."""
    app.on_finish(FLOW_ID, finish_appeal)


async def finish_appeal(ctx: "Context", state: "DialogState", flow: "Flow") -> "Response":
    from bot.appeals.service import finish_appeal as finish

    return await finish(ctx, state, flow)


def build(services: "Services") -> "AppealService":
    from bot.appeals.service import AppealService

    return AppealService(services)


def __getattr__(name: str) -> Any:
    if name == "AppealService":
        from bot.appeals.service import AppealService

        return AppealService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
