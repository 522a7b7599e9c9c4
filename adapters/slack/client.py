"""The Slack Web API client every part of the adapter uses."""

from __future__ import annotations

from typing import Any

from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config


def make_client(config: Config, *, wait_on_rate_limit: bool = True) -> AsyncWebClient:
    """A client for the bot token; `SLACK_API_URL` points it at a proxy or a local mock."""
    kwargs: dict[str, Any] = {"token": config.slack_bot_token}
    if config.slack_api_url:
        kwargs["base_url"] = config.slack_api_url.rstrip("/") + "/"
    client = AsyncWebClient(**kwargs)
    if wait_on_rate_limit:
        # Interactive replies may wait a second for Slack's per-channel limit; reminders may not
        # (the scheduler decides when to retry), so the sender builds its client without this.
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client
