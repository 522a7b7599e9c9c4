"""Posts the core's own messages (reminders) into Discord channels over REST alone.

No gateway connection is needed, so the `clock` process can deliver while the `discord` process
serves commands; in the `discord` process the sender shares the client's HTTP session.

Rate limits are discord.py's job: its HTTPClient learns each route's bucket from the
`X-RateLimit-Bucket`/`-Remaining`/`-Reset-After` headers and waits before a request that would
exceed it; on a 429 it sleeps the `retry_after` Discord gives (holding every request while a
global limit lasts) and tries again, up to five times. We cap a single wait at
RATE_LIMIT_WAIT_MAX seconds: beyond that, or when its tries run out, the delivery is handed back
to the scheduler as `RetryLater` instead of blocking it. Nothing is hard-coded.

Each post carries a nonce derived from the delivery key with `enforce_nonce`, so Discord itself
returns the first message instead of creating a second when the same delivery is retried within
its dedup window (a few minutes): a retry after a timeout cannot double a reminder.
"""

from __future__ import annotations

import asyncio
import hashlib

import aiohttp
import discord
from discord.http import HTTPClient, handle_message_parameters

from bot.config import Config
from bot.logs import log
from bot.sender import DeliveryFailed, Outgoing, RetryLater
from adapters.discord.render import cut, render
from adapters.discord.store import Stash
from adapters.discord.views import build_view

RATE_LIMIT_WAIT_MAX = 30.0
"""Longest rate-limit sleep we let discord.py take inside one delivery (its minimum is 30 s)."""
NONCE_MAX = 25
"""Discord accepts nonces of at most 25 characters."""
CONTENT_MAX = 2000


def nonce_for(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:NONCE_MAX]


def _retry_after(exc: discord.HTTPException, default: float = 5.0) -> float:
    header = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return max(float(header), 0.0) if header else default
    except ValueError:
        return default


class DiscordSender:
    """`bot.sender.Sender` for Discord: one message per Outgoing, mentioning its owner only."""

    def __init__(self, config: Config, *, http: HTTPClient | None = None, stash: Stash | None = None):
        self.config = config
        self._http = http
        self._own_http = http is None
        self._stash = stash or Stash(path=config.db)
        self._login = asyncio.Lock()

    async def _client(self) -> HTTPClient:
        async with self._login:
            if self._http is None:
                http = HTTPClient(asyncio.get_running_loop(), max_ratelimit_timeout=RATE_LIMIT_WAIT_MAX)
                await http.static_login(self.config.discord_token or "")
                self._http = http
            return self._http

    async def send(self, message: Outgoing) -> str | None:
        target = message.thread or message.channel  # a Discord thread is a channel of its own
        if not target.isdigit():
            raise DeliveryFailed(f"not a Discord channel id: {target!r}")
        rendered = render(message.response)
        view = build_view(message.response, self._stash)
        people = [m for m in dict.fromkeys(message.mentions) if m.isdigit()]  # names typed as text never ping
        headline = message.response.title or message.response.text.split("\n", 1)[0]
        content = cut(" ".join([*(f"<@{p}>" for p in people), headline]).strip(), CONTENT_MAX)
        mentions = discord.AllowedMentions(
            everyone=False, roles=False, replied_user=False,
            users=[discord.Object(id=int(p)) for p in people] if people else False,
        )
        params = handle_message_parameters(
            content=content,
            embeds=rendered.embeds,
            files=rendered.files or discord.utils.MISSING,
            view=view or discord.utils.MISSING,
            allowed_mentions=mentions,
            nonce=nonce_for(message.key),
        )
        try:
            http = await self._client()
            with params:
                data = await http.send_message(int(target), params=params)
        except discord.LoginFailure as exc:
            raise RetryLater(300.0, "Discord refused DISCORD_TOKEN") from exc
        except discord.RateLimited as exc:
            raise RetryLater(exc.retry_after, "Discord rate limit") from exc
        except (discord.Forbidden, discord.NotFound) as exc:
            raise DeliveryFailed(f"Discord refused the post to channel {target}: {exc.status} {exc.text}") from exc
        except discord.HTTPException as exc:
            if exc.status == 429:
                raise RetryLater(_retry_after(exc), "Discord rate limit (retries exhausted)") from exc
            if exc.status >= 500 or exc.status == 408:
                raise RetryLater(_retry_after(exc), f"Discord server error {exc.status}") from exc
            raise DeliveryFailed(f"Discord refused the post: {exc.status} {exc.text}") from exc
        except (aiohttp.ClientError, OSError, asyncio.TimeoutError) as exc:
            raise RetryLater(5.0, f"network error: {exc}") from exc
        log.debug("discord: posted %s into %s", data.get("id"), target)
        return str(data["id"])

    async def close(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.close()
            self._http = None
        self._stash.close()


def build_sender(config: Config) -> DiscordSender:
    """The sender for a process without a Discord gateway connection (the `clock` process), pointed
    at DISCORD_API_URL as the `discord` process is: discord.py reads its REST base from a class
    attribute that only `point_at` sets."""
    from adapters.discord.client import point_at

    point_at(config)
    return DiscordSender(config)
