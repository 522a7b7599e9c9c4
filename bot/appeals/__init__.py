"""Appeals (Plans of Action): letters from templates, a linter, mailboxes, saved drafts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.appeals.service import AppealService

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["AppealService", "build"]


def build(services: "Services") -> AppealService:
    return AppealService(services)
