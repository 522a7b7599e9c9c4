"""The application object: it owns the registries that the dispatcher routes through.

Like Bolt's `App` or discord.py's `CommandTree`, an `App` is filled explicitly: each feature has a
`setup(app)` that adds its commands, dialogue listeners, autocomplete sources and dialogue
finishers. Nothing registers itself by being imported, so a test can build an app with only the
commands it needs, and two apps never share state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from bot.model import Choice, Response
from bot.spec import Command, glued

if TYPE_CHECKING:
    from bot.context import Context

MessageHandler = Callable[["Context"], Awaitable[Response | None]]
Suggester = Callable[["Context", str], Awaitable[list[Choice]]]
Finisher = Callable[..., Awaitable[Response]]


class App:
    """Commands by every word that names them, message listeners, suggesters, finishers."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.listeners: list[MessageHandler] = []
        self.suggesters: dict[str, Suggester] = {}
        """Autocomplete sources by field name (`article`, `case_type`, `draft`…), for platforms
        that offer completion as the user types (Discord)."""
        self.finishers: dict[str, Finisher] = {}
        """What turns a finished dialogue flow's answers into a result, by the flow's `finish` name."""

    def add(self, command: Command) -> Command:
        for word in (command.name, *command.words):
            key = word.lower()
            if key in self.commands:
                raise ValueError(f"command word {key!r} is declared twice")
            self.commands[key] = command
        return command

    def remove(self, command: Command) -> None:
        for key in [k for k, c in self.commands.items() if c is command]:
            del self.commands[key]

    def on_message(self, handler: MessageHandler, *, first: bool = False) -> MessageHandler:
        """A listener for plain messages and dialogue button presses (the first answer wins)."""
        if first:
            self.listeners.insert(0, handler)
        else:
            self.listeners.append(handler)
        return handler

    def suggests(self, field_name: str, source: Suggester) -> None:
        self.suggesters[field_name] = source

    def on_finish(self, name: str, finisher: Finisher) -> None:
        self.finishers[name] = finisher

    def glued_command(self, token: str) -> tuple[str, str] | None:
        """`提醒列表` → ("提醒", "列表"): a Chinese command word typed with no space before what
        follows (the longest word that begins the token), when the token names no command itself."""
        return None if token.lower() in self.commands else glued(token, self.commands)

    def typed(self, lang: str, command: str, action: str | None = None) -> str:
        """`申诉 继续` / `appeal resume`: a command line's words in the reader's language."""
        found = self.commands.get(command)
        return found.typed(lang, action) if found else " ".join(w for w in (command, action) if w)

    def line(self, root: str, lang: str, command: str, action: str | None = None, *args: object) -> str:
        """A command line a reply suggests, in the reader's words (`/seller 申诉 继续 AP-3` /
        `/seller appeal resume AP-3`), from the Chinese words the commands declare."""
        return " ".join([f"/{root}", self.typed(lang, command, action), *map(str, args)])

    def unique_commands(self) -> list[Command]:
        """Each command once, by name."""
        return sorted({id(c): c for c in self.commands.values()}.values(), key=lambda c: c.name)

    def names(self) -> list[str]:
        return [c.name for c in self.unique_commands()]


def build_app() -> App:
    """The application with every feature of sellerbot."""
    import commands
    from bot import appeals, dialogs

    app = App()
    dialogs.setup(app)
    appeals.setup(app)
    commands.setup(app)
    return app
