"""Guided dialogues: flows declared as data, answers saved per step, resumable anywhere.

`setup(app)` adds the message listener that routes a user's plain messages and button presses to
the dialogue active for them in that channel. The engine and the flow definitions load with the
first message a listener sees (`build`), not with the package: every process imports it for the
dialogue table's migrations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.dialogs.store import DialogState

if TYPE_CHECKING:
    from bot.app import App
    from bot.context import Context
    from bot.dialogs.engine import DialogEngine
    from bot.dialogs.flow import Flow, FlowRegistry
    from bot.model import Response
    from bot.services import Services

__all__ = ["DialogEngine", "DialogState", "Flow", "FlowRegistry", "build", "setup"]


def build(services: "Services") -> "DialogEngine":
    from bot.dialogs.engine import DialogEngine
    from bot.dialogs.flow import FlowRegistry

    return DialogEngine(services, FlowRegistry.from_dir(services.config.knowledge_dir))


def setup(app: "App") -> None:
    app.on_message(route_to_dialog)


async def route_to_dialog(ctx: "Context") -> "Response | None":
    """Answers and button presses go to the sender's active dialogue here; anyone else's are not ours."""
    return await ctx.svc.dialogs.handle(ctx)


def __getattr__(name: str) -> Any:
    if name == "DialogEngine":
        from bot.dialogs.engine import DialogEngine

        return DialogEngine
    if name in ("Flow", "FlowRegistry"):
        from bot.dialogs import flow

        return getattr(flow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
