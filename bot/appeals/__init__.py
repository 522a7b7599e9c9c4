"""Appeals (Plans of Action): letters from templates, a linter, mailboxes, saved drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.appeals.service import FLOW_ID, AppealService, finish_appeal

if TYPE_CHECKING:
    from bot.app import App
    from bot.services import Services

__all__ = ["AppealService", "build", "setup"]


def setup(app: "App") -> None:
    """A finished appeal dialogue becomes a saved, linted draft."""
    app.on_finish(FLOW_ID, finish_appeal)


def build(services: "Services") -> AppealService:
    return AppealService(services)
