"""From an interaction to a `Request`, and from the core's `Response` back to an interaction reply.

Discord wants a first reply to every interaction within 3 seconds. Almost every command answers
in milliseconds (SQLite and an in-process index), so the reply is sent directly once the core is
done; only when the core is still working after `defer_after` seconds (2 s, leaving a second for
the network) do we defer ("sellerbot is thinking…", or a silent acknowledgement for a button)
and deliver the answer as a follow-up. That saves a round trip and a flicker on the common path
and stays safe on the slow one (a first `ask` that builds the index, an appeal draft).

A deferred interaction has been acknowledged: from then on Discord waits for us, so it is written to
the durable inbox (bot/inbox.py) right after the defer, its answer kept with it before it is sent,
and the row marked done once sent. A process stopped in between leaves the row to the next start
(`finish_left`), which answers through the interaction's follow-up webhook while its token is valid
(15 minutes), else in the channel.

A dialogue step answered by a button, a select or a modal is marked on its message (components
disabled, the pick highlighted) and the next step comes as a new message. A button whose value
runs a command (`cmd:...`) leaves its message alone, so "related article" buttons can be pressed
again.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from adapters.discord.render import cut, render
from adapters.discord.views import build_view, decode, marked_view, submitted_text
from bot.i18n import pick
from bot.inbox import OPEN_STATES, Inbox
from bot.logs import log
from bot.model import ACTION_PREFIX, Request, Response, error
from bot.store import StoreError

if TYPE_CHECKING:
    from adapters.discord.store import Stash
    from bot.services import Services

DEFER_AFTER = 2.0
TOKEN_VALID = timedelta(minutes=15)
"""An interaction's token (its follow-up webhook) is valid for 15 minutes; later answers go to the channel."""


def lang_of(interaction: discord.Interaction) -> str:
    """The interface language from the user's Discord client (zh-CN and zh-TW are Chinese)."""
    return "zh" if str(interaction.locale.value).lower().startswith("zh") else "en"


def request_from(interaction: discord.Interaction, *, kind: str, text: str = "", values: list[str] | None = None) -> Request:
    """The platform-neutral Request for an interaction. Roles are passed by id only (they always come
    with the interaction): a role's name is not unique and may be one members can give themselves."""
    user = interaction.user
    roles: list[str] = []
    is_admin = False
    if isinstance(user, discord.Member):
        roles = [str(role_id) for role_id in getattr(user, "_roles", [])]
        permissions = interaction.permissions
        is_admin = permissions.administrator or permissions.manage_guild
    channel = interaction.channel_id
    return Request(
        kind=kind,  # type: ignore[arg-type]
        text=text,
        values=values or [],
        platform="discord",
        user=str(user.id),
        user_name=user.display_name,
        channel=str(channel) if channel is not None else f"dm-{user.id}",
        workspace=str(interaction.guild_id) if interaction.guild_id is not None else "",
        lang=lang_of(interaction),
        roles=list(dict.fromkeys(roles)),
        is_admin=is_admin,
    )


class Replies:
    """Answers the interactions of one client through the core dispatcher."""

    def __init__(self, services: "Services", stash: "Stash", *, defer_after: float = DEFER_AFTER):
        self.services = services
        self.stash = stash
        self.defer_after = defer_after
        self.lang_of = lang_of
        self.inbox = Inbox(services.store, services.clock)

    async def command(self, interaction: discord.Interaction, text: str) -> None:
        """A slash-command, rebuilt as the core command line (`ask what is ODR`)."""
        await self._answer(interaction, request_from(interaction, kind="command", text=text), pressed=None)

    async def choice(self, interaction: discord.Interaction, tokens: list[str], *, pressed: set[str]) -> None:
        """A button press or a select: the choice value(s) go to the dialogue in progress, or run
        a command when they start with `cmd:`."""
        values = [decode(token, self.stash) for token in tokens]
        if not values or any(value is None for value in values):
            await self._notice(interaction, pick(
                lang_of(interaction),
                en="This button has expired. Run the command again.",
                zh="这个按钮已过期，请重新执行命令。",
            ))
            return
        is_answer = any(not value.startswith(ACTION_PREFIX) for value in values)  # type: ignore[union-attr]
        req = request_from(interaction, kind="choice", values=values)  # type: ignore[arg-type]
        await self._answer(interaction, req, pressed=pressed if is_answer else None)

    async def submitted(self, interaction: discord.Interaction) -> None:
        """A modal submit: the typed text is the answer to the dialogue step in progress."""
        data: Any = interaction.data or {}
        text = submitted_text(list(data.get("components", []))) or ""
        pressed = self._answer_button_ids(interaction.message)
        await self._answer(interaction, request_from(interaction, kind="message", text=text), pressed=pressed)

    async def suggest(self, interaction: discord.Interaction, field: str, current: str) -> list[app_commands.Choice[str]]:
        req = request_from(interaction, kind="command")
        found = await self.services.dispatcher.suggest(field, current, req)
        return [
            app_commands.Choice(name=cut(c.label, 100), value=c.value)
            for c in found
            if 0 < len(c.value) <= 100
        ]

    async def _answer(self, interaction: discord.Interaction, req: Request, *, pressed: set[str] | None) -> None:
        work = asyncio.ensure_future(self.services.dispatcher.handle(req))
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        deferred = not done
        entry_id = None
        try:
            if deferred:
                await self._defer(interaction)
                entry_id = self._record(interaction, req, pressed)
            response = await work
            if response is None:
                response = _nothing_waiting(req.lang)
            if entry_id is not None:
                self.inbox.sending(entry_id, {"response": response.model_dump(mode="json")})
            await self._deliver(interaction, response, deferred=deferred, pressed=pressed)
            if entry_id is not None:
                self.inbox.done(entry_id)
        except discord.HTTPException as exc:
            # The core's work is done and saved either way; only the reply was lost (an expired
            # interaction, Discord unavailable), and the user can repeat or resume.
            log.warning("discord: could not reply to interaction %s: %s", interaction.id, exc)
            if entry_id is not None:
                self.inbox.failed(entry_id)
            await work

    def _record(self, interaction: discord.Interaction, req: Request, pressed: set[str] | None) -> int | None:
        """Write the deferred interaction down with what a later process needs to answer it."""
        body = {
            "request": req.model_dump(mode="json"),
            "application_id": str(interaction.application_id),
            "token": interaction.token,
            "channel_id": str(interaction.channel_id) if interaction.channel_id else None,
        }
        try:
            return self.inbox.record("discord", f"interaction:{interaction.id}", req.kind, body).id
        except StoreError as exc:  # the answer still comes from this process; only a crash would lose it
            log.warning("discord: could not record interaction %s: %s", interaction.id, exc)
            return None

    async def finish_left(self, client: discord.Client) -> int:
        """Answer the deferred interactions that stopped processes left unanswered; returns how many."""
        finished = 0
        for entry_id in self.inbox.open_rows("discord"):
            entry = self.inbox.get(entry_id)
            if entry is None or entry.state not in OPEN_STATES:
                continue
            if entry.state == "sending" and entry.response and entry.response.get("response"):
                log.warning("discord: the answer to %s may have been sent before the last stop; sending it again", entry.key)
                response = Response.model_validate(entry.response["response"])
            else:
                req = Request.model_validate(entry.body["request"])
                response = await self.services.dispatcher.handle(req) or _nothing_waiting(req.lang)
                self.inbox.sending(entry.id, {"response": response.model_dump(mode="json")})
            try:
                sent = await self._send_late(client, entry, response)
            except discord.HTTPException as exc:
                log.warning("discord: could not send the answer to %s: %s", entry.key, exc)
                sent = False
            if not sent:
                self.inbox.failed(entry.id)
                continue
            self.inbox.done(entry.id)
            finished += 1
        if finished:
            log.info("discord: answered %d interaction(s) acknowledged before the last stop", finished)
        return finished

    async def _send_late(self, client: discord.Client, entry, response: Response) -> bool:
        rendered = render(response)
        lang = entry.body["request"].get("lang", "en")
        view = build_view(response, self.stash, lang=lang)
        message = {"embeds": rendered.embeds, **rendered.file_kwargs(), **({"view": view} if view else {})}
        if self.services.clock.now() - entry.received_at < TOKEN_VALID:
            followup = discord.Webhook.from_state(
                {"id": entry.body["application_id"], "type": 3, "token": entry.body["token"]}, state=client._connection
            )
            await followup.send(**message, ephemeral=response.ephemeral)
            return True
        channel_id = entry.body.get("channel_id")
        if not channel_id:
            log.warning("discord: %s came from a direct message and its token expired: no way to answer", entry.key)
            return False
        user = entry.body["request"].get("user")
        channel = client.get_partial_messageable(int(channel_id))
        await channel.send(content=f"<@{user}>" if user else None, **message)
        return True

    async def _defer(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.defer(thinking=True)
        else:
            await interaction.response.defer()

    async def _deliver(self, interaction: discord.Interaction, response: Response, *, deferred: bool, pressed: set[str] | None) -> None:
        rendered = render(response)
        view = build_view(response, self.stash, lang=response.lang or lang_of(interaction))
        message = {"embeds": rendered.embeds, **rendered.file_kwargs(), **({"view": view} if view else {})}
        ephemeral = response.ephemeral
        if interaction.type is discord.InteractionType.application_command:
            if not deferred:
                await interaction.response.send_message(**message, ephemeral=ephemeral)
            elif ephemeral:  # the "thinking" placeholder is public: replace it by a private message
                await interaction.delete_original_response()
                await interaction.followup.send(**message, ephemeral=True)
            else:
                await interaction.edit_original_response(
                    embeds=rendered.embeds, attachments=rendered.files, view=view
                )
            return
        mark = pressed is not None and response.kind != "error" and interaction.message is not None
        if mark:
            done_view = marked_view(interaction.message, pressed)  # type: ignore[arg-type]
            if deferred:
                await interaction.edit_original_response(view=done_view)
            else:
                await interaction.response.edit_message(view=done_view)
            await interaction.followup.send(**message, ephemeral=ephemeral)
        elif deferred:
            await interaction.followup.send(**message, ephemeral=ephemeral)
        else:
            await interaction.response.send_message(**message, ephemeral=ephemeral)

    async def _notice(self, interaction: discord.Interaction, text: str) -> None:
        rendered = render(error(text))
        await interaction.response.send_message(embeds=rendered.embeds, ephemeral=True)

    @staticmethod
    def _answer_button_ids(message: discord.Message | None) -> set[str]:
        if message is None:
            return set()
        return {
            child.custom_id
            for row in message.components
            for child in getattr(row, "children", [])
            if (getattr(child, "custom_id", None) or "").startswith("sb:in:")
        }


def _nothing_waiting(lang: str) -> Response:
    return error(pick(
        lang,
        en="Nothing is waiting for that answer any more (the dialogue ended or moved on).",
        zh="这个回答已没有对应的待办步骤（对话已结束或已进入下一步）。",
    ))
