"""Guided dialogues: flows declared as data, answers saved per step, resumable anywhere.

Importing the package registers the message listener that routes a user's plain messages and
button presses to the dialogue active for them in that channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.dialogs.engine import DialogEngine, on_finish
from bot.dialogs.flow import Flow, FlowRegistry
from bot.dialogs.store import DialogState
from bot.dispatcher import Context, on_message
from bot.model import Response

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["DialogEngine", "DialogState", "Flow", "FlowRegistry", "build", "on_finish"]


def build(services: "Services") -> DialogEngine:
    return DialogEngine(services, FlowRegistry.from_dir(services.config.knowledge_dir))


@on_message
async def route_to_dialog(ctx: Context) -> Response | None:
    """Answers and button presses go to the sender's active dialogue here; anyone else's are not ours."""
    return await ctx.svc.dialogs.handle(ctx)
