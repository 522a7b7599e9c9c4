"""The Bolt app: Slack events in, `Request`s to the core dispatcher, `Response`s back out.

Like Bolt's own framework adapters, this module only translates: a slash-command, a button press
(`block_actions`) or a message in a dialogue thread becomes one `Request`; whatever the core answers
is rendered and delivered by `delivery.Replier`. Bolt's listeners (adapters/slack/intake.py) only
record each request in the durable inbox (bot/inbox.py) and acknowledge it; `SlackBot` then works
from that record, on its own event loop and database connection (see intake.py for why), so Slack's
3-second deadline never depends on the knowledge index or the database, and a restart finishes
what a stopped process acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from dataclasses import dataclass
from datetime import timedelta

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.internals import extract_enterprise_id, extract_is_enterprise_install, extract_team_id
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.client import WorkspaceClients, make_client
from adapters.slack.delivery import Replier, Where
from adapters.slack.people import Directory
from adapters.slack.render import DONE_ACTION, DONE_VALUE, MULTI_ACTION, PICK_ACTION, escape, typed_text
from adapters.slack.store import SlackState
from bot.config import Config
from bot.i18n import pick
from bot.inbox import OPEN_STATES, Entry, Inbox
from bot.model import Request, Response
from bot.services import Services

log = logging.getLogger("sellerbot.slack")

PLATFORM = "slack"
ANSWERED_SUBTYPES = (None, "thread_broadcast")
"""Message subtypes that are a person typing; edits, joins, bot posts and the rest are ignored."""
RESPONSE_URL_VALID = timedelta(minutes=30)
"""Slack accepts answers on a request's `response_url` for 30 minutes; later ones go through the
Web API (`chat.postMessage`, or `chat.postEphemeral` for a private answer)."""
_ENTRY: contextvars.ContextVar[int | None] = contextvars.ContextVar("inbox_entry", default=None)
"""The inbox row being worked on by the current task (where `_answer` keeps the answer)."""
_HELD: contextvars.ContextVar[frozenset] = contextvars.ContextVar("turns_held", default=frozenset())
"""The (channel, user) turns the current task holds."""


@dataclass
class Workspace:
    """Slack as one workspace's bot sees it: a client with that workspace's token, the directory of
    its people (admins and user groups are per workspace) and the replier posting with that client."""

    client: AsyncWebClient
    directory: Directory
    replier: Replier


_SPACE: contextvars.ContextVar[Workspace | None] = contextvars.ContextVar("slack_workspace", default=None)
"""The workspace of the request the current task works on (`process` sets it)."""


def delivery_key(body: dict) -> str | None:
    """What identifies one thing a user did, the same on every retry or replay of its delivery."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


class SlackBot:
    """Works on recorded requests: what the listeners of `intake.py` wrote into the inbox, turned
    into `Request`s, answered by the core and delivered; with what they share (the core, the
    adapter's state, the user directory). Lives on the worker loop, with its own `Services`."""

    def __init__(self, services: Services, config: Config, inbox: Inbox, client: AsyncWebClient | None = None,
                 session: aiohttp.ClientSession | None = None, clients: WorkspaceClients | None = None):
        self.services = services
        self.config = config
        self.inbox = inbox
        self.clients = clients or WorkspaceClients(config, client=client or make_client(config))
        """The client of each workspace: SLACK_BOT_TOKEN's for all, or each installation's own."""
        self.session = session
        """Kept-alive connections for the answers posted to `response_url`s (Bolt's `respond` opens a
        session, a connection and a TLS handshake per answer: CPU taken from the process that acks)."""
        self.state = SlackState(services)
        self._spaces: dict[int, Workspace] = {}
        self._turns: dict[tuple[str, str], list] = {}

    # --- the workspace of the request -------------------------------------------------------
    def _space(self, client: AsyncWebClient) -> Workspace:
        space = self._spaces.get(id(client))
        if space is None or space.client is not client:
            space = Workspace(client, Directory(client), Replier(client, self.state))
            self._spaces[id(client)] = space
        return space

    async def workspace_of(self, body: dict) -> Workspace | None:
        """The workspace a recorded request came from; None when the app is no longer installed there."""
        client = await self.clients.get(extract_team_id(body), extract_enterprise_id(body),
                                        extract_is_enterprise_install(body))
        return None if client is None else self._space(client)

    def _current(self) -> Workspace:
        space = _SPACE.get()
        if space is not None:
            return space
        if self.clients.default is None:
            raise RuntimeError("no Slack workspace for this task: many workspaces need `process`")
        return self._space(self.clients.default)

    @property
    def client(self) -> AsyncWebClient:
        return self._current().client

    @property
    def directory(self) -> Directory:
        return self._current().directory

    @property
    def replier(self) -> Replier:
        return self._current().replier

    # --- from the inbox -----------------------------------------------------------------------
    async def process(self, entry_id: int) -> None:
        """Answer one recorded request, once: run it (unless its answer is already kept), post the
        answer, mark it done. An answer kept but not known to be posted (`sending`: the process
        stopped while posting) is posted again."""
        entry = self.inbox.get(entry_id)
        if entry is None or entry.state not in OPEN_STATES:
            return
        space = await self.workspace_of(entry.body)
        if space is None:  # uninstalled since Bolt authorized it: there is no token left to answer with
            log.warning("Slack %s: the app is no longer installed in workspace %s; not answered",
                        entry.key, extract_team_id(entry.body))
            self.inbox.failed(entry.id)
            return
        token = _ENTRY.set(entry.id)
        held = _SPACE.set(space)
        try:
            if entry.state == "sending" and entry.response is not None:
                log.warning("Slack %s: its answer may have been posted before the last stop; posting it again", entry.key)
                await self._deliver_kept(entry)
            else:
                async with self._turn(*_who(entry)):  # in the order they were acknowledged
                    await self._run(entry)
        finally:
            _SPACE.reset(held)
            _ENTRY.reset(token)
        self.inbox.done(entry.id)

    def _respond(self, entry: Entry) -> AsyncRespond | _Respond | None:
        url = entry.body.get("response_url")
        if not url or self.services.clock.now() - entry.received_at >= RESPONSE_URL_VALID:
            return None
        if self.session is not None:
            return _Respond(url, self.session)
        return AsyncRespond(response_url=url)

    async def _run(self, entry: Entry) -> None:
        body = entry.body
        if entry.kind == "command":
            await self.on_command(body, self._respond(entry))
        elif entry.kind == "action":
            actions = body.get("actions") or [{}]
            await self.on_action(body, actions[0], self._respond(entry), self.client)
        elif entry.kind == "message":
            await self.on_message(body.get("event") or {}, body)

    def _keep(self, response: Response | None, where: Where) -> None:
        """Store the answer with its record before posting it: a restart then posts it without
        running the command a second time."""
        entry_id = _ENTRY.get()
        if entry_id is None:
            return
        self.inbox.sending(entry_id, {
            "response": response.model_dump(mode="json") if response is not None else None,
            "where": {"channel": where.channel, "user": where.user, "thread": where.thread, "lang": where.lang,
                      "respond": where.respond is not None},
        })

    async def _deliver_kept(self, entry: Entry) -> None:
        kept = entry.response or {}
        spot = kept.get("where") or {}
        if kept.get("response") is None:
            return
        response = Response.model_validate(kept["response"])
        where = Where(channel=spot["channel"], user=spot["user"], thread=spot.get("thread"), lang=spot.get("lang", "en"),
                      respond=self._respond(entry) if spot.get("respond") else None)
        async with self._turn(where.channel, where.user):
            await self.replier.deliver(response, where)

    # --- helpers ----------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def _turn(self, channel: str, user: str):
        """One user's requests in one channel run in order (two quick thread replies stay in order;
        a reply right after `appeal start` waits until its thread exists). Re-entrant within a task."""
        key = (channel, user)
        held = _HELD.get()
        if key in held:
            yield
            return
        entry = self._turns.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                token = _HELD.set(held | {key})
                try:
                    yield
                finally:
                    _HELD.reset(token)
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._turns.pop(key, None)

    async def _request(self, *, kind: str, user: str, channel: str, text: str = "", values: list[str] | None = None,
                       thread: str | None = None, name_hint: str | None = None, lang_hint: str | None = None,
                       workspace: str | None = None) -> Request:
        person = await self.directory.person(user, name_hint)
        return Request(
            kind=kind,  # type: ignore[arg-type]
            text=text,
            values=values or [],
            platform=PLATFORM,
            user=user,
            user_name=person.name,
            channel=channel,
            workspace=workspace or "",
            thread=thread,
            # The platform's word on the language: the thread's, else the Slack locale (users.info
            # with include_locale). What the user types never changes it; the core applies their
            # own `settings lang` over it.
            lang=lang_hint or person.lang,
            roles=person.roles,
            is_admin=person.is_admin,
        )

    async def _answer(self, req: Request, where: Where) -> None:
        async with self._turn(req.channel, req.user):
            response = await self.services.dispatcher.handle(req)
            where.lang = response.lang if response is not None and response.lang else req.lang
            self._keep(response, where)
            await self.replier.deliver(response, where)

    # --- listeners --------------------------------------------------------------------------
    async def on_command(self, command: dict, respond: AsyncRespond | _Respond | None) -> None:
        req = await self._request(
            kind="command",
            user=command["user_id"],
            channel=command["channel_id"],
            text=typed_text(command.get("text") or ""),
            name_hint=command.get("user_name"),
            workspace=command.get("team_id"),
        )
        await self._answer(req, Where(channel=req.channel, user=req.user, respond=respond))

    async def on_action(self, body: dict, action: dict, respond: AsyncRespond | _Respond | None,
                        client: AsyncWebClient) -> None:
        action_id = action.get("action_id", "")
        if action_id == MULTI_ACTION:
            return  # ticking options in a multi-select; the Done button sends them
        if action_id.startswith(DONE_ACTION):
            options = _selected_options(body)
            if action.get("value") != DONE_VALUE:  # the step's own "done" goes after the ticked options
                options.append({"value": action.get("value", ""), "text": action.get("text") or {}})
        elif action_id == PICK_ACTION:
            options = [action["selected_option"]] if action.get("selected_option") else []
        else:
            options = [{"value": action.get("value", ""), "text": action.get("text") or {}}]
        values = [self.state.expand(o.get("value", "")) for o in options]
        labels = [(o.get("text") or {}).get("text", "") for o in options]

        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
        user = (body.get("user") or {}).get("id")
        if not channel or not user:
            return
        message = body.get("message") or {}
        thread = (body.get("container") or {}).get("thread_ts") or message.get("thread_ts")
        known = self.state.thread(channel, thread or message.get("ts", "")) if (thread or message.get("ts")) else None
        if known and not thread:
            thread = known["thread_ts"]
        if known and known["user"] != user:
            text = pick((await self.directory.person(user)).lang, en=f"This dialogue belongs to <@{known['user']}>.",
                        zh=f"这是 <@{known['user']}> 的对话。")
            if respond is not None:
                await respond(text=text, response_type="ephemeral", replace_original=False)
            else:
                await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        if known and message.get("blocks"):
            await self._mark_chosen(client, channel, message, labels, user)
        req = await self._request(
            kind="choice", user=user, channel=channel, values=values, thread=thread,
            lang_hint=known["lang"] if known else None,
            workspace=(body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id"),
        )
        await self._answer(req, Where(channel=channel, user=user, thread=thread, respond=respond))

    async def on_message(self, event: dict, body: dict | None = None) -> None:
        if event.get("subtype") not in ANSWERED_SUBTYPES or event.get("bot_id"):
            return
        user, channel, text = event.get("user"), event.get("channel"), typed_text(event.get("text") or "")
        if not user or not channel:
            return
        thread = event.get("thread_ts")
        if thread and thread != event.get("ts"):
            row = self.state.thread(channel, thread)
            if row is None or row["user"] != user:
                return  # a conversation between people, or someone else's dialogue
        else:
            row = self.state.active_thread(channel, user)
            if row is None:
                return  # an ordinary channel message: not for the bot
            thread = row["thread_ts"]
        req = await self._request(kind="message", user=user, channel=channel, text=text, thread=thread,
                                  lang_hint=row["lang"], workspace=(body or {}).get("team_id") or event.get("team"))
        async with self._turn(channel, user):
            response = await self.services.dispatcher.handle(req)
            if response is None:
                self.state.touch_thread(channel, thread, active=False)
                return
            where = Where(channel=channel, user=user, thread=thread, lang=response.lang or req.lang)
            self._keep(response, where)
            await self.replier.deliver(response, where)

    async def _mark_chosen(self, client: AsyncWebClient, channel: str, message: dict, labels: list[str], user: str) -> None:
        """Replace a dialogue prompt's buttons with what was picked, so an old prompt cannot be
        answered twice and the thread reads as a record of the dialogue."""
        picked = ", ".join(label for label in labels if label) or "—"
        blocks = [b for b in message["blocks"] if b.get("type") != "actions"]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"→ *{escape(picked)}* (<@{user}>)"}]})
        try:
            await client.chat_update(channel=channel, ts=message["ts"], text=message.get("text") or picked, blocks=blocks)
        except Exception as exc:  # cosmetic: the answer itself must still go through
            log.info("could not mark the choice on %s: %s", message.get("ts"), exc)


class _Respond:
    """Bolt's `respond` (the keyword arguments the adapter uses, the same `WebhookResponse`) over a
    shared session."""

    def __init__(self, url: str, session: aiohttp.ClientSession):
        self.response_url, self.session = url, session

    async def __call__(self, **message):
        return await AsyncWebhookClient(self.response_url, session=self.session).send(**message)


def _who(entry: Entry) -> tuple[str, str]:
    """The channel and user a recorded request comes from, for its turn."""
    body = entry.body
    if entry.kind == "command":
        return body.get("channel_id", ""), body.get("user_id", "")
    if entry.kind == "message":
        event = body.get("event") or {}
        return event.get("channel", ""), event.get("user", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    return channel, (body.get("user") or {}).get("id", "")


def _selected_options(body: dict) -> list[dict]:
    """The options ticked in the message's multi-select, read from the block state Slack sends."""
    for block in ((body.get("state") or {}).get("values") or {}).values():
        element = block.get(MULTI_ACTION)
        if element is not None:
            return element.get("selected_options") or []
    return []
