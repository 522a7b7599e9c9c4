"""The Slack Web API clients every part of the adapter uses: one for the bot token of
SLACK_BOT_TOKEN, or, with the OAuth flow (adapters/slack/oauth.py), one per installed workspace."""

from __future__ import annotations

from typing import Any, Protocol

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler, AsyncServerErrorRetryHandler
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config


def make_client(config: Config, *, wait_on_rate_limit: bool = True, token: str | None = None) -> AsyncWebClient:
    """A client for the bot token (`token`, else SLACK_BOT_TOKEN); `SLACK_API_URL` points it at a
    proxy or a local mock."""
    kwargs: dict[str, Any] = {"token": token or config.slack_bot_token}
    if config.slack_api_url:
        kwargs["base_url"] = config.slack_api_url.rstrip("/") + "/"
    client = AsyncWebClient(**kwargs)
    if wait_on_rate_limit:
        # Interactive replies may wait a second for Slack's per-channel limit; reminders may not
        # (the scheduler decides when to retry), so the sender builds its client without this.
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        # ...and a 500/503 from Slack is tried again (after 0.5 s, then 1 s) rather than dropping the
        # user's answer or mistaking it for "the bot may not post here".
        client.retry_handlers.append(AsyncServerErrorRetryHandler(max_retry_count=2))
    return client


class Installations(Protocol):
    """What `WorkspaceClients` needs of the installation store (adapters/slack/oauth.py)."""

    def bot_of_team(self, team_id: str) -> Bot | None: ...

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None: ...


class WorkspaceClients:
    """The client to speak to Slack as the bot of a given workspace.

    With SLACK_BOT_TOKEN, the one client for every request (one workspace). With the OAuth flow,
    the bot token of the workspace is read from the installation store at each use, so a reinstall
    (a new token) or an uninstall (none) counts at once in every process; clients are kept per
    workspace and replaced when its token changes. None: the app is not installed there."""

    def __init__(self, config: Config, installations: Installations | None = None, *, wait_on_rate_limit: bool = True,
                 session: aiohttp.ClientSession | None = None, client: AsyncWebClient | None = None):
        self.config = config
        self.installations = installations
        self.wait_on_rate_limit = wait_on_rate_limit
        self.session = session
        self.default = None if installations is not None else (
            client or make_client(config, wait_on_rate_limit=wait_on_rate_limit))
        self._clients: dict[str, AsyncWebClient] = {}

    @property
    def many(self) -> bool:
        return self.installations is not None

    async def bot(self, team_id: str | None, enterprise_id: str | None = None,
                  is_enterprise_install: bool | None = False) -> Bot | None:
        assert self.installations is not None
        found = None
        if team_id and not is_enterprise_install:
            found = self.installations.bot_of_team(team_id)
        if found is None and enterprise_id:  # an org-wide install serves every workspace of the org
            found = await self.installations.async_find_bot(enterprise_id=enterprise_id, team_id=None,
                                                            is_enterprise_install=True)
        return found

    async def get(self, team_id: str | None, enterprise_id: str | None = None,
                  is_enterprise_install: bool | None = False) -> AsyncWebClient | None:
        if self.installations is None:
            return self.default
        bot = await self.bot(team_id, enterprise_id, is_enterprise_install)
        if bot is None or not bot.bot_token:
            return None
        key = f"{bot.enterprise_id or ''}/{bot.team_id or ''}"
        client = self._clients.get(key)
        if client is None or client.token != bot.bot_token:
            client = make_client(self.config, wait_on_rate_limit=self.wait_on_rate_limit, token=bot.bot_token)
            if self.session is not None:
                client.session = self.session
            self._clients[key] = client
        return client
