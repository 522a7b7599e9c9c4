"""Where an answer goes in Slack, and how it gets there.

- A dialogue prompt (`kind="dialog"`) outside a thread is posted with `chat.postMessage` and opens
  a thread; every later prompt, answer and error of that dialogue goes into the thread
  (`thread_ts`). Threads cannot be ephemeral, so dialogue prompts are visible in the channel.
- Other answers to a slash-command or a button press go back through Bolt's `respond`
  (`response_url`), ephemeral or in the channel as `Response.ephemeral` says; in a thread,
  an ephemeral answer uses `chat.postEphemeral` with the thread's `thread_ts`.
- Files (appeal letters) are uploaded with `files_upload_v2` next to the message they belong to;
  for an ephemeral answer, into a direct message, so only the asker sees them.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.render import render
from adapters.slack.store import SlackState
from adapters.toolkit.retry import retry_after
from bot.i18n import pick
from bot.model import Response

log = logging.getLogger("sellerbot.slack")

DIALOG = "dialog"
RESPOND_ATTEMPTS = 3
"""Tries of a `response_url` that answers 429 or 5xx (Bolt's `respond` tries once); after that the
answer goes through the Web API instead, so it is never dropped."""
KEEPS_THREAD = frozenset({"dialog", "error"})
"""Response kinds after which a dialogue thread is still waiting for the user; any other kind
(the draft, a cancellation) ends it."""


@dataclass
class Where:
    """The conversation a response belongs to."""

    channel: str
    user: str
    thread: str | None = None
    respond: Any = None
    """Bolt's `respond` for slash-commands and button presses (None for message events)."""
    lang: str = "en"


class Replier:
    def __init__(self, client: AsyncWebClient, state: SlackState):
        self.client = client
        self.state = state

    def _render(self, response: Response, where: Where, file_note: str | None = None):
        return render(response, lang=where.lang, shorten=self.state.shorten, file_note=file_note)

    async def deliver(self, response: Response | None, where: Where) -> None:
        if response is None:
            return
        thread = where.thread
        if thread is None and response.kind == DIALOG:
            active = self.state.active_thread(where.channel, where.user)
            if active:
                thread = active["thread_ts"]
            elif await self._start_thread(response, where):
                return
        if thread:
            await self._post_in_thread(response, where, thread)
            self.state.touch_thread(where.channel, thread, active=response.kind in KEEPS_THREAD)
        else:
            await self._respond(response, where)

    async def _start_thread(self, response: Response, where: Where) -> bool:
        """Post the first prompt of a dialogue in the channel; False when the bot may not post there."""
        message = self._render(response, where, pick(where.lang, en="uploaded in the thread", zh="已上传到话题中"))
        await self._join(where.channel)
        try:
            posted = await self.client.chat_postMessage(
                channel=where.channel, text=message.text, blocks=message.blocks, unfurl_links=False
            )
        except SlackApiError as exc:
            log.warning("cannot start a dialogue thread in %s: %s", where.channel, exc.response.get("error"))
            hint = pick(
                where.lang,
                en="Invite me to this channel (/invite) to continue this dialogue in a thread.",
                zh="请先邀请我加入此频道（/invite），对话将在话题中继续。",
            )
            response.context.append(hint)
            return False
        ts = posted["ts"]
        self.state.open_thread(where.channel, ts, where.user, where.lang)
        await self._upload(response, where.channel, ts)
        return True

    async def _join(self, channel: str) -> None:
        """Join a public channel before opening a thread there: Slack only sends a bot the replies
        of channels it is a member of. Private channels and DMs refuse; an invite is needed there."""
        if not channel.startswith("C"):
            return
        try:
            await self.client.conversations_join(channel=channel)
        except SlackApiError as exc:
            log.info("not joining %s: %s", channel, exc.response.get("error"))

    async def _post_in_thread(self, response: Response, where: Where, thread: str) -> None:
        if response.ephemeral:
            note = pick(where.lang, en="sent to you by direct message", zh="已私信发送给你")
            message = self._render(response, where, note)
            await self.client.chat_postEphemeral(
                channel=where.channel, user=where.user, thread_ts=thread, text=message.text, blocks=message.blocks
            )
            await self._upload_privately(response, where)
        else:
            message = self._render(response, where, pick(where.lang, en="uploaded in this thread", zh="已上传到此话题"))
            await self.client.chat_postMessage(
                channel=where.channel, thread_ts=thread, text=message.text, blocks=message.blocks, unfurl_links=False
            )
            await self._upload(response, where.channel, thread)

    async def _respond(self, response: Response, where: Where) -> None:
        if response.ephemeral:
            note = pick(where.lang, en="sent to you by direct message", zh="已私信发送给你")
        else:
            note = pick(where.lang, en="uploaded to this channel", zh="已上传到此频道")
        message = self._render(response, where, note)
        if where.respond is not None and await self._via_response_url(where.respond, message, response.ephemeral):
            pass
        elif response.ephemeral:
            await self.client.chat_postEphemeral(
                channel=where.channel, user=where.user, text=message.text, blocks=message.blocks
            )
        else:
            await self.client.chat_postMessage(channel=where.channel, text=message.text, blocks=message.blocks)
        if response.ephemeral:
            await self._upload_privately(response, where)
        else:
            await self._upload(response, where.channel, None)

    async def _via_response_url(self, respond: Any, message: Any, ephemeral: bool) -> bool:
        """Answer through the request's `response_url`, again after a 429 (its Retry-After, at most
        5 s) or a 5xx; False when it kept failing."""
        status = 0
        for attempt in range(RESPOND_ATTEMPTS):
            reply = await respond(text=message.text, blocks=message.blocks, replace_original=False,
                                  response_type="ephemeral" if ephemeral else "in_channel")
            status = getattr(reply, "status_code", 200)
            if status != 429 and status < 500:
                return True
            wait = retry_after(getattr(reply, "headers", None), 0.5 * 2**attempt)
            if attempt + 1 < RESPOND_ATTEMPTS:
                await asyncio.sleep(min(wait, 5.0))
        log.warning("response_url kept answering %s; answering through the Web API instead", status)
        return False

    async def _upload(self, response: Response, channel: str, thread: str | None) -> None:
        for attachment in response.files:
            try:
                await self.client.files_upload_v2(
                    channel=channel,
                    thread_ts=thread,
                    filename=attachment.filename,
                    title=attachment.filename,
                    content=attachment.content,
                )
            except SlackApiError as exc:
                log.warning("upload of %s to %s failed: %s", attachment.filename, channel, exc.response.get("error"))

    async def _upload_privately(self, response: Response, where: Where) -> None:
        if not response.files:
            return
        try:
            opened = await self.client.conversations_open(users=where.user)
        except SlackApiError as exc:
            log.warning("cannot open a direct message with %s: %s", where.user, exc.response.get("error"))
            return
        await self._upload(response, opened["channel"]["id"], None)
