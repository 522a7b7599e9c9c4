"""Reminders into Slack: `chat.postMessage` into the case's channel, naming its owner.

The scheduler owns retries, so this sender never sleeps: Slack's HTTP 429 becomes
`RetryLater(Retry-After)`, a 5xx or a network failure becomes `RetryLater` with a growing back-off,
and a channel that is gone or closed to the bot becomes `DeliveryFailed`. The idempotency key
travels in the message metadata; a reminder the scheduler marks "in doubt" (a process stopped
between posting it and recording it) is first looked for in the channel by that key, and not
posted again when found. With many workspaces (the OAuth flow), each reminder is posted with the bot
token of the workspace it was set in; a workspace that uninstalled the app refuses it for good.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import Installations, WorkspaceClients
from adapters.slack.render import render
from adapters.toolkit.retry import retry_after
from bot.config import Config
from bot.sender import DeliveryFailed, Outgoing, RetryLater

log = logging.getLogger("sellerbot.slack")

METADATA_EVENT = "sellerbot_delivery"
GONE = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "restricted_action", "user_not_in_channel",
    "team_access_not_granted", "cannot_reply_to_message",
})
"""Errors about the channel itself: retrying would not help; someone must re-invite the bot."""
PASSING = frozenset({
    "ratelimited", "fatal_error", "internal_error", "service_unavailable", "request_timeout",
    "invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired",
})
"""Errors that pass: Slack's own trouble, or a token an operator will fix; the reminder waits."""
LOOKBACK_MESSAGES = 100
"""How far back an in-doubt reminder is looked for: the posts of the few minutes a restart takes."""
FIRST_BACKOFF_S = 2.0
MAX_BACKOFF_S = 300.0


class SlackSender:
    def __init__(self, clients: WorkspaceClients, shorten=None):
        self.clients = clients
        self.shorten = shorten
        self._failures: dict[str, int] = {}

    async def send(self, message: Outgoing) -> str | None:
        client = await self.clients.get(message.workspace)
        if client is None:
            raise DeliveryFailed(f"the app is not installed in Slack workspace {message.workspace or '(unknown)'}")
        if message.in_doubt:
            earlier = await self._posted_before(client, message)
            if earlier:
                log.info("%s was already posted in %s (ts %s): not posting it again", message.key, message.channel, earlier)
                return earlier
        rendered = render(message.response, mentions=message.mentions, **({"shorten": self.shorten} if self.shorten else {}))
        where: dict[str, Any] = {"channel": message.channel, "metadata": {"event_type": METADATA_EVENT, "event_payload": {"key": message.key}},
                 "unfurl_links": False}
        if message.thread:
            where["thread_ts"] = message.thread
        try:
            try:
                posted = await client.chat_postMessage(text=rendered.text, blocks=rendered.blocks, **where)
            except SlackApiError as exc:
                if _error_code(exc) != "invalid_blocks":
                    raise
                log.warning("Slack refused the blocks of %s; posting the text alone", message.key)
                posted = await client.chat_postMessage(text=rendered.text, **where)
        except SlackApiError as exc:
            raise self._classify(message, exc) from exc
        except (TimeoutError, aiohttp.ClientError, OSError, SlackRequestError) as exc:
            raise RetryLater(self._backoff(message.key), f"Slack unreachable: {exc}") from exc
        self._failures.pop(message.key, None)
        ts = posted.get("ts")
        for attachment in message.response.files:
            try:
                await client.files_upload_v2(
                    channel=message.channel, thread_ts=ts, filename=attachment.filename,
                    title=attachment.filename, content=attachment.content,
                )
            except SlackApiError as exc:  # the reminder itself is delivered; the file is a bonus
                log.warning("upload of %s with %s failed: %s", attachment.filename, message.key, _error_code(exc))
        return ts

    async def _posted_before(self, client: AsyncWebClient, message: Outgoing) -> str | None:
        """The ts of a recent post of ours carrying this key in its metadata, if Slack has one: a
        process that stopped between the post and its record leaves exactly that behind."""
        query: dict[str, Any] = {"channel": message.channel, "include_all_metadata": True, "limit": LOOKBACK_MESSAGES}
        try:
            if message.thread:
                found = await client.conversations_replies(ts=message.thread, **query)
            else:
                found = await client.conversations_history(**query)
        except Exception as exc:  # cannot look: post, and accept the rare double over a loss
            log.warning("could not check %s for an earlier post of %s: %s", message.channel, message.key, exc)
            return None
        for earlier in found.get("messages") or []:
            metadata = earlier.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT and (metadata.get("event_payload") or {}).get("key") == message.key:
                return earlier.get("ts")
        return None

    def _classify(self, message: Outgoing, exc: SlackApiError) -> Exception:
        status = getattr(exc.response, "status_code", 0) or 0
        code = _error_code(exc)
        if status == 429 or code == "ratelimited":
            wait = retry_after(getattr(exc.response, "headers", None), 1.0)
            return RetryLater(wait, f"Slack rate limit on {message.channel}")
        if status >= 500 or code in PASSING:
            if code in PASSING and status < 500:
                log.error("Slack refused the bot token (%s): reminders wait until it is fixed", code)
            return RetryLater(self._backoff(message.key), f"Slack error {status} {code}")
        if code in GONE:
            return DeliveryFailed(f"cannot post in {message.channel}: {code}")
        return DeliveryFailed(f"Slack refused the message: {code or status}")

    def _backoff(self, key: str) -> float:
        failures = self._failures.get(key, 0) + 1
        self._failures[key] = failures
        return min(FIRST_BACKOFF_S * 2 ** (failures - 1), MAX_BACKOFF_S)


def _error_code(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return data.get("error", "") if isinstance(data, dict) else ""


def build_sender(config: Config, *, client: AsyncWebClient | None = None, shorten=None,
                 installations: Installations | None = None) -> SlackSender:
    """The sender of `adapters.senders.platform_senders`: its own clients, which never wait on a
    rate limit themselves but hand the wait to the scheduler. `installations` (the OAuth flow's
    store) gives each workspace's token; without it, SLACK_BOT_TOKEN is used for every reminder."""
    return SlackSender(WorkspaceClients(config, installations, wait_on_rate_limit=False, client=client), shorten)
