"""`sellerbot discord`: the discord.py client that serves `/seller` (the Procfile's `discord` process).

It needs only the `guilds` gateway intent (no privileged intent): every user action arrives as an
interaction (slash command, button, select, modal), and free-text dialogue steps are typed into
modals rather than read from channel messages.

Slash commands are synced at start: to one guild when DISCORD_GUILD_ID is set (instant, for
development), else globally (production; Discord may take a while to show changes everywhere).
`--sync guild|global|none` chooses explicitly.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.commands import BilingualTranslator, build_group
from adapters.discord.replies import DEFER_AFTER, Replies
from adapters.discord.sender import RATE_LIMIT_WAIT_MAX, DiscordSender
from adapters.discord.store import Stash
from adapters.discord.views import MODAL_PREFIX, PERSISTENT_ITEMS
from adapters.toolkit.signals import on_stop_signals
from bot.config import Config
from bot.logs import log
from bot.services import Services
from bot.store import StoreError

INVITE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
)
"""What the bot needs in a channel: see it, post (also in threads), embeds, letters as files."""
INBOX_BEAT_S = 2.0


def point_at(config: Config) -> None:
    """Send REST calls and the gateway connection elsewhere (a local mock, a proxy)."""
    if config.discord_api_url:
        Route.BASE = config.discord_api_url.rstrip("/")
    if config.discord_gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.discord_gateway_url)


def sync_target(choice: str | None, config: Config) -> str:
    """`guild`, `global` or `none`: the default is the guild when DISCORD_GUILD_ID is set."""
    if choice:
        return choice
    return "guild" if config.discord_guild_id else "global"


discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False  # no voice here: no warning at start


class SellerClient(discord.Client):
    """A discord.py client whose only job is to hand interactions to the core and render replies."""

    def __init__(
        self,
        services: Services,
        *,
        sync: str = "none",
        run_scheduler: bool = False,
        defer_after: float = DEFER_AFTER,
    ):
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),  # user text is shown, never pings
            max_ratelimit_timeout=RATE_LIMIT_WAIT_MAX,
        )
        self.services = services
        self.sync = sync
        self.run_scheduler = run_scheduler
        self.stash = Stash(services.store, services.clock)
        self.replies = Replies(services, self.stash, defer_after=defer_after)
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(build_group(services.config.root_command, services.app))
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        self.sender: DiscordSender | None = None
        self._beater: asyncio.Task | None = None

    async def setup_hook(self) -> None:
        """After login, before the gateway: components, translations, command sync, scheduler."""
        for item in PERSISTENT_ITEMS:
            self.add_dynamic_items(item)
        self.stash.purge()
        self.replies.inbox.beat()
        # the knowledge index and the Chinese tokenizer, before the gateway connects and off the
        # loop: the first question must not hold the gateway's heartbeat for seconds
        await asyncio.to_thread(lambda: self.services.kb.prepare())
        self._beater = asyncio.create_task(self._beat())
        await self.tree.set_translator(BilingualTranslator())
        await self.sync_commands()
        if self.application_id:
            log.info("discord: invite the bot with %s", self.invite_url())
        if self.run_scheduler:
            self.sender = DiscordSender(self.services.config, http=self.http, stash=self.stash)
            await self.services.start({"discord": self.sender})
        await self.replies.finish_left(self)  # deferred interactions a stopped process left unanswered

    async def _beat(self) -> None:
        """Tell other processes this one is alive, so they leave its open inbox rows alone."""
        while True:
            await asyncio.sleep(INBOX_BEAT_S)
            try:
                self.replies.inbox.beat()
            except StoreError as exc:
                log.warning("discord: inbox heartbeat failed: %s", exc)

    async def close(self) -> None:
        if self._beater is not None:
            self._beater.cancel()
            self._beater = None
        await super().close()

    async def sync_commands(self) -> None:
        if self.sync == "guild":
            assert self.services.config.discord_guild_id is not None, "guild sync is chosen only with a guild id"
            guild = discord.Object(id=self.services.config.discord_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("discord: synced %d command(s) to guild %s", len(synced), guild.id)
        elif self.sync == "global":
            synced = await self.tree.sync()
            log.info("discord: synced %d command(s) globally (may take a while to show)", len(synced))

    def invite_url(self) -> str:
        assert self.application_id is not None, "known once logged in"
        return discord.utils.oauth_url(
            self.application_id, permissions=INVITE_PERMISSIONS, scopes=("bot", "applications.commands")
        )

    async def on_ready(self) -> None:
        log.info("discord: connected as %s in %d guild(s)", self.user, len(self.guilds))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Modal submits are ours when their custom_id says so; handled here rather than by a
        Modal object so that a restart between opening and submitting a text box loses nothing."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Any = interaction.data or {}
        custom_id = data.get("custom_id", "")
        if custom_id.startswith(MODAL_PREFIX):
            await self.replies.submitted(interaction)

    async def _on_tree_error(self, interaction: discord.Interaction, exc: app_commands.AppCommandError) -> None:
        log.error("discord: command failed: %s", exc, exc_info=exc)
        if not interaction.response.is_done():
            try:
                await self.replies._notice(interaction, "Something went wrong on our side. / 系统内部出错。")
            except discord.HTTPException:
                pass


def main(args: argparse.Namespace, config: Config) -> int:
    if not config.discord_token:
        print(
            "sellerbot discord: DISCORD_TOKEN is not set. Create a bot in the Discord Developer Portal "
            "(Applications > your app > Bot > Reset Token) and export DISCORD_TOKEN=...",
            file=sys.stderr,
        )
        return 2
    sync = sync_target(getattr(args, "sync", None), config)
    if sync == "guild" and not config.discord_guild_id:
        print("sellerbot discord: --sync guild needs DISCORD_GUILD_ID (the id of your test server).", file=sys.stderr)
        return 2
    point_at(config)
    return asyncio.run(_run(config, sync=sync, run_scheduler=not getattr(args, "no_scheduler", False)))


async def _run(config: Config, *, sync: str, run_scheduler: bool) -> int:
    services = Services(config)
    client = SellerClient(services, sync=sync, run_scheduler=run_scheduler)
    on_stop_signals(lambda: asyncio.ensure_future(client.close()))
    try:
        async with client:
            await client.start(config.discord_token or "")
    except discord.LoginFailure:
        print("sellerbot discord: Discord refused DISCORD_TOKEN (401). Reset the bot token and try again.", file=sys.stderr)
        return 1
    except discord.PrivilegedIntentsRequired:
        print("sellerbot discord: Discord refused the requested intents.", file=sys.stderr)
        return 1
    finally:
        await services.stop()
    return 0
