"""The Bolt app: Slack events in, `Request`s to the core dispatcher, `Response`s back out.

Like Bolt's own framework adapters, this module only translates: a slash-command, a button press
(`block_actions`) or a message in a dialogue thread becomes one `Request`; whatever the core answers
is rendered and delivered by `delivery.Replier`. Every listener acknowledges first and works after,
so Slack's 3-second deadline never depends on the knowledge index or the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import make_client
from adapters.slack.delivery import Replier, Where
from adapters.slack.people import Directory
from adapters.slack.render import ACTION_PREFIX, DONE_ACTION, DONE_VALUE, MULTI_ACTION, PICK_ACTION, escape, typed_text
from adapters.slack.store import SlackState
from bot.config import Config
from bot.i18n import pick
from bot.model import Request
from bot.services import Services

log = logging.getLogger("sellerbot.slack")

PLATFORM = "slack"
ANSWERED_SUBTYPES = (None, "thread_broadcast")
"""Message subtypes that are a person typing; edits, joins, bot posts and the rest are ignored."""


def delivery_key(body: dict) -> str | None:
    """What identifies one thing a user did, the same on every retry or replay of its delivery."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("trigger_id"):
        return f"trigger:{body['trigger_id']}"
    return None


class SlackBot:
    """The listeners, with what they share: the core, the adapter's state, the user directory."""

    def __init__(self, app: AsyncApp, services: Services, config: Config):
        self.app = app
        self.services = services
        self.config = config
        self.state = SlackState(services)
        self.directory = Directory(app.client)
        self.replier = Replier(app.client, self.state)
        self._turns: dict[tuple[str, str], list] = {}

    def register(self) -> None:
        # Bolt's "lazy listener" split: `ack` answers the HTTP request at once, the work runs as a
        # task afterwards. (A plain listener that calls ack() first costs ~10 ms more: Bolt polls
        # for the ack every 10 ms.)
        self.app.use(self._drop_repeats)
        self.app.command(f"/{self.config.root_command}")(ack=_ack, lazy=[self.on_command])
        self.app.action(re.compile("^" + re.escape(ACTION_PREFIX)))(ack=_ack, lazy=[self.on_action])
        self.app.event("message")(ack=_ack, lazy=[self.on_message])
        self.app.error(self.on_error)

    # --- middleware -------------------------------------------------------------------------
    async def _drop_repeats(self, body: dict, request, next):  # noqa: A002 (Bolt injects `next` by name)
        """Slack retries an event it thinks we missed (`X-Slack-Retry-Num`), and a signed request
        can be replayed within five minutes: the first delivery runs, every repeat is only acked."""
        key = delivery_key(body)
        if key and not self.state.first_time(key):
            retry = (request.headers.get("x-slack-retry-num") or ["0"])[0]
            log.info("Slack delivery %s already handled (retry %s): acknowledged, not run again", key, retry)
            return BoltResponse(status=200, body="")
        return await next()

    async def on_error(self, error: Exception, body: dict) -> None:
        log.error("Slack listener failed: %s", error, exc_info=error)

    # --- helpers ----------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def _turn(self, channel: str, user: str):
        """One user's requests in one channel run in order (two quick thread replies stay in order)."""
        key = (channel, user)
        entry = self._turns.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                self._turns.pop(key, None)

    async def _request(self, *, kind: str, user: str, channel: str, text: str = "", values: list[str] | None = None,
                       thread: str | None = None, name_hint: str | None = None, lang_hint: str | None = None) -> Request:
        person = await self.directory.person(user, name_hint)
        return Request(
            kind=kind,  # type: ignore[arg-type]
            text=text,
            values=values or [],
            platform=PLATFORM,
            user=user,
            user_name=person.name,
            channel=channel,
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
            await self.replier.deliver(response, where)

    # --- listeners --------------------------------------------------------------------------
    async def on_command(self, command: dict, respond) -> None:
        req = await self._request(
            kind="command",
            user=command["user_id"],
            channel=command["channel_id"],
            text=typed_text(command.get("text") or ""),
            name_hint=command.get("user_name"),
        )
        await self._answer(req, Where(channel=req.channel, user=req.user, respond=respond))

    async def on_action(self, body: dict, action: dict, respond, client: AsyncWebClient) -> None:
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
            await respond(text=pick((await self.directory.person(user)).lang, en=f"This dialogue belongs to <@{known['user']}>.",
                                    zh=f"这是 <@{known['user']}> 的对话。"),
                          response_type="ephemeral", replace_original=False)
            return
        if known and message.get("blocks"):
            await self._mark_chosen(client, channel, message, labels, user)
        req = await self._request(
            kind="choice", user=user, channel=channel, values=values, thread=thread,
            lang_hint=known["lang"] if known else None,
        )
        await self._answer(req, Where(channel=channel, user=user, thread=thread, respond=respond))

    async def on_message(self, event: dict) -> None:
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
                                  lang_hint=row["lang"])
        async with self._turn(channel, user):
            response = await self.services.dispatcher.handle(req)
            if response is None:
                self.state.touch_thread(channel, thread, active=False)
                return
            await self.replier.deliver(response, Where(channel=channel, user=user, thread=thread, lang=response.lang or req.lang))

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


async def _ack(ack) -> None:
    await ack()


def _selected_options(body: dict) -> list[dict]:
    """The options ticked in the message's multi-select, read from the block state Slack sends."""
    for block in ((body.get("state") or {}).get("values") or {}).values():
        element = block.get(MULTI_ACTION)
        if element is not None:
            return element.get("selected_options") or []
    return []


class _TokenFromClientNote(logging.Filter):
    """Bolt warns that the SLACK_BOT_TOKEN it reads from the environment is unused when a client is
    given; giving the client is deliberate (it carries SLACK_API_URL), so the note is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("As you gave `client` as well")


_BOLT_LOG = logging.getLogger("sellerbot.slack.bolt")
_BOLT_LOG.addFilter(_TokenFromClientNote())


def create_app(services: Services, config: Config | None = None, *, socket: bool = False,
               client: AsyncWebClient | None = None) -> AsyncApp:
    """The Bolt app with every listener, for the HTTP server, Socket Mode and tests alike."""
    config = config or services.config
    client = client or make_client(config)
    app = AsyncApp(
        signing_secret=config.slack_signing_secret or ("socket-mode" if socket else None),
        client=client,  # carries the bot token and SLACK_API_URL
        process_before_response=True,  # the ack is immediate anyway; the work is a lazy listener
        # Socket Mode connections are authenticated by the app token; HTTP requests must be signed.
        request_verification_enabled=not socket,
        logger=_BOLT_LOG,
    )
    SlackBot(app, services, config).register()
    return app
