"""The one interface through which the core posts on its own (reminders): adapters implement it,
so the scheduler knows nothing of Slack, Discord or the console."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from bot.model import Response


class Outgoing(BaseModel):
    """A message the core wants posted into a channel."""

    platform: str
    channel: str
    response: Response
    workspace: str | None = None
    """The workspace (Slack team, Discord guild) the channel belongs to, when known: a platform
    serving many workspaces posts there with that workspace's credentials."""
    mentions: list[str] = []
    """User ids to ping (the owner of a case, the author of a reminder, or the people a reminder
    names): the core decides who; each adapter writes its platform's mention markup."""
    key: str
    """Idempotency key: the same key must never produce two posts."""
    thread: str | None = None
    """Thread to post into (the thread the reminder or case was created in), when the platform has one."""
    in_doubt: bool = False
    """A stopped process may already have posted this key: a platform that can find its own past
    posts by key (Slack message metadata) checks before posting again."""


class RetryLater(Exception):
    """The platform asked us to wait (HTTP 429 Retry-After, or a 5xx): try again, never drop."""

    def __init__(self, retry_after: float, reason: str = ""):
        super().__init__(reason or f"retry after {retry_after:.1f}s")
        self.retry_after = retry_after


class DeliveryFailed(Exception):
    """The platform refused for good (channel gone, bot removed): recorded, not retried."""


class Sender(Protocol):
    async def send(self, message: Outgoing) -> str | None:
        """Post the message; return the platform's message id if it has one.
        Raise RetryLater or DeliveryFailed on failure."""
