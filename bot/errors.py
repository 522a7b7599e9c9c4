"""The errors a command, a feature or the core raises for the dispatcher to turn into a reply.

A leaf module: features (time parsing, dialogues, reminders) raise these without knowing the
dispatcher that catches them.
"""

from __future__ import annotations


class UsageError(Exception):
    """The user typed the command wrongly: the message says what, the usage says how."""

    def __init__(self, message: str, *, usage: str | None = None, example: str | None = None):
        super().__init__(message)
        self.usage = usage
        self.example = example


class PermissionDenied(Exception):
    """The user may not do this: by default, because it is for curators (configured users or
    roles); a rule with more people in it (the owner, the opener or a curator) says so in its own
    message, already in the user's language."""

    def __init__(self, message: str = ""):
        super().__init__(message)
