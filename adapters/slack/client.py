"""The Slack Web API clients every part of the adapter uses: one for the bot token of
SLACK_BOT_TOKEN, or, with the OAuth flow (adapters/slack/oauth.py), one per installed workspace.

Token rotation: an app with rotation turned on gets a bot token that expires after 12 hours and a
refresh token that buys the next pair once (Slack then revokes it). `TokenRotator` renews a token
within ROTATE_BEFORE_MINUTES of its expiry, for Bolt's authorize (incoming requests) and for
`WorkspaceClients` (answers and the clock's reminders) alike, and saves the new pair in the
installation store: the store, shared by every process, is the one truth about a workspace's token.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError, SlackTokenRotationError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler, AsyncServerErrorRetryHandler
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Config

log = logging.getLogger("sellerbot.slack")

ROTATE_BEFORE_MINUTES = 120
"""A token is renewed when it expires within this many minutes (Bolt's default): a 12-hour token
is renewed after 10 hours, leaving room for a failed attempt to be tried again before it lapses."""


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

    async def async_save_bot(self, bot: Bot) -> None: ...


def _expires_within(bot: Bot, minutes: float) -> bool:
    """True when the bot's token expires within `minutes` from now (never for a token that does
    not expire). Slack's expiry is an absolute instant, so this is the system's time."""
    return bot.bot_token_expires_at is not None and bot.bot_token_expires_at <= time.time() + minutes * 60


class TokenRotator(AsyncTokenRotator):
    """slack_sdk's rotator (the `oauth.v2.access` exchange), made safe for many processes.

    Several processes (web, clock, each web process's worker loop) may find the same expiring token
    at once, and a refresh token is good once: the second exchange fails with
    `invalid_refresh_token`. So, per workspace, one rotation at a time in this rotator; the store is
    read again just before rotating (another process may have saved a new token meanwhile); and
    after `invalid_refresh_token` the store is read again for what the process that won saved. The
    new pair is saved before it is used (the store's `async_save_bot` keeps the freshest), and what
    the store then holds is returned, so every process converges on the same token.

    When Slack cannot be reached or refuses, a token that has not expired yet goes on being used
    (the next use tries again); an expired one raises `SlackTokenRotationError`."""

    def __init__(self, installations: Installations, *, client_id: str, client_secret: str, client: AsyncWebClient,
                 minutes_before_expiration: int = ROTATE_BEFORE_MINUTES):
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self.installations = installations
        self.minutes_before_expiration = minutes_before_expiration
        self._locks: dict[str, asyncio.Lock] = {}

    async def _stored(self, bot: Bot) -> Bot | None:
        return await self.installations.async_find_bot(enterprise_id=bot.enterprise_id, team_id=bot.team_id,
                                                       is_enterprise_install=bot.is_enterprise_install)

    async def perform_bot_token_rotation(self, *, bot: Bot, minutes_before_expiration: int | None = None) -> Bot | None:
        """The bot with a renewed token (this rotation's or another process's), or None when `bot`'s
        own token is to be used: not expiring yet, or not renewable right now but still valid."""
        minutes = self.minutes_before_expiration if minutes_before_expiration is None else minutes_before_expiration
        if not bot.bot_refresh_token or not _expires_within(bot, minutes):
            return None
        async with self._locks.setdefault(_workspace(bot), asyncio.Lock()):
            current = await self._stored(bot)
            if current is None:
                return None  # uninstalled meanwhile: nothing to renew (nor to save back)
            if current.bot_token != bot.bot_token and not _expires_within(current, minutes):
                return current  # renewed meanwhile (another task or process)
            try:
                rotated = await super().perform_bot_token_rotation(bot=current, minutes_before_expiration=minutes)
            except (SlackTokenRotationError, aiohttp.ClientError, TimeoutError, OSError, SlackRequestError) as exc:
                error = _rotation_error(exc)
                if error == "invalid_refresh_token":  # spent: by whoever saved the token that is stored now?
                    latest = await self._stored(current)
                    if latest is not None and latest.bot_token != current.bot_token:
                        log.info("the bot token of Slack workspace %s was renewed by another process", bot.team_id)
                        return latest
                if not _expires_within(current, 0):
                    log.warning("could not renew the bot token of Slack workspace %s (%s): the current one, "
                                "still valid, is used and renewing is tried again at its next use", bot.team_id, error)
                    return None if current.bot_token == bot.bot_token else current
                log.error("could not renew the expired bot token of Slack workspace %s (%s)", bot.team_id, error)
                if isinstance(exc, SlackTokenRotationError):
                    raise
                raise SlackTokenRotationError(SlackApiError(error, {"ok": False, "error": error})) from exc
            if rotated is None:
                return None
            await self.installations.async_save_bot(rotated)
            log.info("renewed the bot token of Slack workspace %s", bot.team_id)
            return await self._stored(rotated) or rotated

    async def fresh(self, bot: Bot) -> Bot:
        """`bot` with a token good to use now: renewed when it expires soon. A token that could not
        be renewed is returned as it is, so the call made with it fails as Slack decides
        (`token_expired`: the reminder waits and the next attempt renews again)."""
        try:
            return await self.perform_bot_token_rotation(bot=bot) or bot
        except SlackTokenRotationError:
            return bot


def _workspace(bot: Bot) -> str:
    """A key for the bot's org and workspace (an org-wide install has no workspace)."""
    return f"{bot.enterprise_id or ''}/{bot.team_id or ''}"


def _rotation_error(exc: BaseException) -> str:
    """Slack's error code for a failed exchange, or the kind of network failure."""
    if isinstance(exc, SlackTokenRotationError):
        data = getattr(exc.api_error.response, "data", None) or exc.api_error.response
        return (data.get("error") if isinstance(data, dict) else None) or "error"
    return type(exc).__name__


class WorkspaceClients:
    """The client to speak to Slack as the bot of a given workspace.

    With SLACK_BOT_TOKEN, the one client for every request (one workspace). With the OAuth flow,
    the bot token of the workspace is read from the installation store at each use, so a reinstall
    (a new token) or an uninstall (none) counts at once in every process; clients are kept per
    workspace and replaced when its token changes. None: the app is not installed there. A token
    that expires soon (token rotation) is renewed first, by `TokenRotator`."""

    def __init__(self, config: Config, installations: Installations | None = None, *, wait_on_rate_limit: bool = True,
                 session: aiohttp.ClientSession | None = None, client: AsyncWebClient | None = None):
        self.config = config
        self.installations = installations
        self.wait_on_rate_limit = wait_on_rate_limit
        self.session = session
        self.default = None if installations is not None else (
            client or make_client(config, wait_on_rate_limit=wait_on_rate_limit))
        self._clients: dict[str, AsyncWebClient] = {}
        self._rotator: TokenRotator | None = None

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
        if bot.bot_refresh_token:
            bot = await self.rotator().fresh(bot)
        key = _workspace(bot)
        client = self._clients.get(key)
        if client is None or client.token != bot.bot_token:
            client = self._clients[key] = self._client(bot.bot_token)
        return client

    def _client(self, token: str | None = None) -> AsyncWebClient:
        """A client through SLACK_API_URL, on these clients' HTTP session when they were given one."""
        client = make_client(self.config, wait_on_rate_limit=self.wait_on_rate_limit, token=token)
        if self.session is not None:
            client.session = self.session
        return client

    def rotator(self) -> TokenRotator:
        """The rotator of these clients' workspaces: its `oauth.v2.access` calls go out with the
        app's client id and secret, through SLACK_API_URL, with these clients' HTTP session."""
        if self._rotator is None:
            assert self.installations is not None
            if not (self.config.slack_client_id and self.config.slack_client_secret):
                raise RuntimeError("a rotating Slack token needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
            self._rotator = TokenRotator(self.installations, client_id=self.config.slack_client_id,
                                         client_secret=self.config.slack_client_secret, client=self._client())
        return self._rotator
