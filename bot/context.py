"""What a command handler, a dialogue listener or a suggester receives.

A leaf module, so that features (dialogues, reminders) can take a `Context` without importing the
dispatcher that builds it.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from bot.errors import PermissionDenied, UsageError
from bot.i18n import pick
from bot.model import Request

if TYPE_CHECKING:
    from bot.app import App
    from bot.services import Services
    from bot.spec import Action, Command


@dataclass
class Context:
    """The request, its arguments, the services, and the application that routed it."""

    req: Request
    args: str
    svc: "Services"
    command: "Command | None" = None
    action: "Action | None" = None
    app: "App | None" = None

    @property
    def lang(self) -> str:
        return self.req.lang

    @property
    def now(self) -> datetime:
        return self.svc.clock.now()

    @property
    def argv(self) -> list[str]:
        """The arguments split like a shell would, so "quoted words" stay together."""
        try:
            return shlex.split(self.args)
        except ValueError as exc:  # shlex says only "No closing quotation", in English
            raise UsageError(self.pick(en="Unbalanced quotes in the arguments: close the quote, or drop it.",
                                       zh="参数中的引号没有配对：请补上另一半引号，或去掉它。")) from exc

    @cached_property
    def values(self) -> dict[str, Any]:
        """The arguments read by the declared parameters of the action (or command) that runs."""
        if self.action is not None:
            return self.action.parse(self.args, self.lang)
        if self.command is not None:
            return self.command.parse(self.args, self.lang)
        return {}

    def pick(self, *, en: str, zh: str) -> str:
        return pick(self.lang, en=en, zh=zh)

    def line(self, command: str, action: str | None = None, *args: object) -> str:
        """A command line a reply suggests, in the reader's words (bot/app.py `App.line`)."""
        app = self.app if self.app is not None else self.svc.app
        return app.line(self.svc.config.root_command, self.lang, command, action, *args)

    def usage_error(self, message: str) -> UsageError:
        return UsageError(message)

    def require_curator(self) -> None:
        if not self.svc.auth.is_curator(self.req):
            raise PermissionDenied()

    def require_one_of(self, people: Iterable[str | None], *, en: str, zh: str) -> None:
        """Allowed to the people named (a case's owner and opener, a reminder's author) and to
        curators; anyone else is refused in words that name that rule (not "only curators")."""
        if self.req.user not in set(people) and not self.svc.auth.is_curator(self.req):
            raise PermissionDenied(self.pick(en=en, zh=zh))
