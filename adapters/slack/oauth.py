"""Many Slack workspaces: Bolt's OAuth flow, with its installation and state stores on our database.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set and no SLACK_BOT_TOKEN (`Config.slack_oauth`), the
app is installed into each workspace through `/slack/install` → Slack → `/slack/oauth_redirect`,
served by the same web server as `/slack/events` (adapters/slack/server.py). Bolt runs the flow
(`AsyncOAuthFlow`: the `state` parameter and its browser cookie, `oauth.v2.access`, the pages) and
resolves each incoming request's bot token from the installation store (`authorize`); the answers,
the reminders and every other Web API call of a workspace use that workspace's token
(adapters/slack/client.py `WorkspaceClients`).

Why our own stores rather than slack_sdk's SQLite or SQLAlchemy ones: every process of a
deployment must share them (a web process may finish an install another one started; `sellerbot
clock` posts a reminder with the token of its workspace), and the deployment's one database is
SQLite or PostgreSQL behind `bot.store` — the stores speak only its portable interface, over the
tables of the Slack adapter's own migration (adapters/slack/store.py `m002_oauth`).

Token rotation (an app with `token_rotation_enabled`): an install brings an expiring bot token and
a refresh token, both kept in the bot's row; Bolt's authorize (incoming requests) and
`WorkspaceClients` (answers, reminders) renew a token near its expiry through one `TokenRotator`
(adapters/slack/client.py) that saves the new pair here for every process.

Tokens are secrets: they live in the database and in memory, never in a log line (bot/logs.py
scrubs anything shaped like one) nor in anything shown to a user.
"""

from __future__ import annotations

import html
import json
import logging
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import ROTATE_BEFORE_MINUTES, TokenRotator
from adapters.slack.people import lang_of_locale
from adapters.slack.store import migrations
from bot.clock import Clock
from bot.config import Config
from bot.i18n import pick
from bot.store import is_storage_fault

if TYPE_CHECKING:
    from bot.store import Store

log = logging.getLogger("sellerbot.slack")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = (
    "commands", "chat:write", "chat:write.public", "channels:join", "files:write", "users:read", "usergroups:read",
    "im:write", "channels:history", "groups:history", "im:history", "mpim:history",
)
"""What the install asks for: the bot scopes of manifest.yml (a test holds them equal)."""
STATE_EXPIRES = timedelta(minutes=10)
"""How long an install link stays good between `/slack/install` and Slack's redirect back."""


def _key(value: str | None) -> str:
    """An id as stored in a key column: absent ids are ""."""
    return value or ""


def _instant(moment: datetime) -> str:
    """A fixed-width UTC text that sorts as time does (on both engines)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dump(data: dict[str, Any]) -> str:
    """slack_sdk's dictionary as JSON: its instants as the numbers its models take back, an
    install time as a float, a token's expiry (token rotation) as whole seconds."""
    data = {k: int(v.timestamp()) if k.endswith("_expires_at") and isinstance(v, datetime) else v
            for k, v in data.items()}
    return json.dumps(data, default=lambda v: v.timestamp() if isinstance(v, datetime) else str(v))


def _load(text: str) -> dict[str, Any]:
    """The dictionary `_dump` wrote, fit for `Bot(**…)` / `Installation(**…)`: slack_sdk takes a
    token's expiry only as an int and an install time only as a float (rows written before
    rotation was supported kept expiries as floats)."""
    data = json.loads(text)
    for key, value in data.items():
        if key.endswith("_expires_at") and isinstance(value, float):
            data[key] = int(value)
        elif key == "installed_at" and isinstance(value, int):
            data[key] = float(value)
    return data


def _fresher(stored: Bot, bot: Bot) -> bool:
    """Whether the stored bot is to be kept over `bot`: a later install, or another token of the
    same install that lasts at least as long. (Install times go through a text and back: a second
    apart is another install.)"""
    if abs(stored.installed_at - bot.installed_at) >= 1:
        return stored.installed_at > bot.installed_at
    return (stored.bot_token != bot.bot_token and stored.bot_token_expires_at is not None
            and bot.bot_token_expires_at is not None and stored.bot_token_expires_at >= bot.bot_token_expires_at)


class SlackInstallations(AsyncInstallationStore):
    """slack_sdk's installation store over `bot.store`: one row per installing user of a workspace
    (`slack_installations`) and the workspace's current bot (`slack_bots`), each kept whole as
    slack_sdk's own dictionary so no field is lost, keyed by the ids Bolt looks them up with."""

    def __init__(self, store: "Store", client_id: str):
        self.store = store
        self.client_id = client_id
        store.migrate(migrations)

    @property
    def logger(self) -> logging.Logger:
        return log

    # --- writes ---------------------------------------------------------------------------------
    async def async_save(self, installation: Installation) -> None:
        team = None if installation.is_enterprise_install else installation.team_id
        try:
            with self.store.write() as db:
                db.upsert("slack_installations", {
                    "client_id": self.client_id, "enterprise_id": _key(installation.enterprise_id),
                    "team_id": _key(team), "user_id": _key(installation.user_id),
                    "installed_at": _instant(datetime.fromtimestamp(installation.installed_at, UTC)),
                    "data": _dump(installation.to_dict_for_copying()),
                }, pk=("client_id", "enterprise_id", "team_id", "user_id"))
                if installation.bot_token:
                    self._save_bot(db, installation.to_bot())
        except Exception as exc:
            if is_storage_fault(exc) or is_storage_fault(getattr(exc, "cause", exc)):
                # Bolt turns a BoltError into its "storage_error" page instead of a 500
                raise BoltError("the installation could not be saved") from exc
            raise
        log.info("Slack app installed in workspace %s (enterprise %s) by %s",
                 installation.team_id, installation.enterprise_id, installation.user_id)

    async def async_save_bot(self, bot: Bot) -> None:
        """Save a renewed bot token (token rotation: Bolt and `TokenRotator` call this), unless the
        workspace's row already holds a fresher one: two processes renewing at once must not let
        the slower one put back an older token, nor a renewal undo a reinstall saved meanwhile."""
        with self.store.write() as db:
            stored = self._bot(db, bot.enterprise_id, None if bot.is_enterprise_install else bot.team_id)
            if stored is not None and _fresher(stored, bot):
                return
            self._save_bot(db, bot)

    def _save_bot(self, db: Any, bot: Bot) -> None:
        team = None if bot.is_enterprise_install else bot.team_id
        db.upsert("slack_bots", {
            "client_id": self.client_id, "enterprise_id": _key(bot.enterprise_id), "team_id": _key(team),
            "installed_at": _instant(datetime.fromtimestamp(bot.installed_at, UTC)),
            "data": _dump(bot.to_dict_for_copying()),
        }, pk=("client_id", "enterprise_id", "team_id"))

    # --- reads ----------------------------------------------------------------------------------
    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        return self._bot(self.store, enterprise_id, None if is_enterprise_install else team_id)

    def _bot(self, db: Any, enterprise_id: str | None, team_id: str | None) -> Bot | None:
        """The bot row of an org (no team) or a workspace, read through `db`: the store, or the
        write transaction of a save that must compare before it writes."""
        row = db.one("SELECT data FROM slack_bots WHERE client_id = ? AND enterprise_id = ? AND team_id = ?",
                     [self.client_id, _key(enterprise_id), _key(team_id)])
        return Bot(**_load(row["data"])) if row else None

    def bot_of_team(self, team_id: str) -> Bot | None:
        """The bot installed in a workspace known only by its team id (what a reminder records):
        team ids are unique across enterprises, so none is needed to find it."""
        row = self.store.one(
            "SELECT data FROM slack_bots WHERE client_id = ? AND team_id = ? ORDER BY installed_at DESC LIMIT 1",
            [self.client_id, team_id],
        )
        return Bot(**_load(row["data"])) if row else None

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        """The latest installation of the workspace (by `user_id` when given), carrying the
        workspace's current bot token even when that user installed before someone else did."""
        if is_enterprise_install:
            team_id = None
        where, args = "client_id = ? AND enterprise_id = ? AND team_id = ?", [
            self.client_id, _key(enterprise_id), _key(team_id)]
        if user_id is not None:
            where, args = f"{where} AND user_id = ?", [*args, user_id]
        row = self.store.one(f"SELECT data FROM slack_installations WHERE {where} ORDER BY installed_at DESC LIMIT 1",
                             args)
        if row is None:
            return None
        installation = Installation(**_load(row["data"]))
        if user_id is not None:
            bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                            is_enterprise_install=is_enterprise_install)
            if bot is not None and bot.bot_token != installation.bot_token:
                installation.bot_token, installation.bot_id = bot.bot_token, bot.bot_id
                installation.bot_user_id, installation.bot_scopes = bot.bot_user_id, bot.bot_scopes
                installation.bot_refresh_token = bot.bot_refresh_token
                installation.bot_token_expires_at = bot.bot_token_expires_at
        return installation

    # --- uninstalls and revocations (Bolt's token revocation listeners) ------------------------
    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.store.execute("DELETE FROM slack_bots WHERE client_id = ? AND enterprise_id = ? AND team_id = ?",
                           [self.client_id, _key(enterprise_id), _key(team_id)])

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        where, args = "client_id = ? AND enterprise_id = ? AND team_id = ?", [
            self.client_id, _key(enterprise_id), _key(team_id)]
        if user_id is not None:
            where, args = f"{where} AND user_id = ?", [*args, user_id]
        self.store.execute(f"DELETE FROM slack_installations WHERE {where}", args)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        with self.store.write():
            await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
            await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)
        log.info("Slack app uninstalled from workspace %s (enterprise %s)", team_id, enterprise_id)


class SlackOAuthStates(AsyncOAuthStateStore):
    """The OAuth `state` values handed out by `/slack/install`: each good once, for
    STATE_EXPIRES, whichever process receives Slack's redirect. Time is the services' clock."""

    def __init__(self, store: "Store", clock: Clock, expires: timedelta = STATE_EXPIRES):
        self.store = store
        self.clock = clock
        self.expires = expires
        store.migrate(migrations)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(24)
        now = self.clock.now()
        with self.store.write() as db:
            db.execute("DELETE FROM slack_oauth_states WHERE expires_at < ?", [_instant(now)])
            db.execute("INSERT INTO slack_oauth_states (state, expires_at) VALUES (?, ?)",
                       [state, _instant(now + self.expires)])
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state issued here and not expired; it is gone afterwards either way."""
        if not state:
            return False
        with self.store.write() as db:
            row = db.one("SELECT expires_at FROM slack_oauth_states WHERE state = ?", [state])
            if row is None:
                return False
            db.execute("DELETE FROM slack_oauth_states WHERE state = ?", [state])
        return row["expires_at"] > _instant(self.clock.now())


_FAILURES = {
    "invalid_state": (
        "This install link has expired or was already used.", "此安装链接已过期或已被使用。"),
    "invalid_browser": (
        "This install link was opened in another browser than the one that started it (or its cookie was lost).",
        "此安装链接不是在发起安装的浏览器中打开的（或其 Cookie 已丢失）。"),
    "access_denied": ("The installation was cancelled in Slack: nothing was installed.", "已在 Slack 中取消安装，未安装任何内容。"),
    "missing_code": ("Slack did not send the installation code.", "Slack 没有返回安装授权码。"),
    "invalid_code": ("Slack did not accept the installation code (expired or already used).",
                     "Slack 未接受安装授权码（已过期或已被使用）。"),
    "shutting_down": ("This server is restarting. Please try again in a moment.", "服务器正在重启，请稍后重试。"),
    "storage_error": ("The installation could not be saved. Please try again in a moment.", "安装信息未能保存，请稍后重试。"),
}


def failure_page(reason: str, lang: str) -> str:
    """A page that says what went wrong with an install and how to start again, in the browser's
    language (Accept-Language: Chinese or English)."""
    en, zh = _FAILURES.get(reason, (f"The installation failed ({reason}).", f"安装失败（{reason}）。"))
    title = pick(lang, en="sellerbot was not installed", zh="sellerbot 未安装")
    again = pick(lang, en="Start the installation again", zh="重新开始安装")
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body><h1>{html.escape(title)}</h1><p>{html.escape(pick(lang, en=en, zh=zh))}</p>"
            f'<p><a href="{INSTALL_PATH}">{html.escape(again)}</a></p></body></html>')


async def _on_success(args: AsyncSuccessArgs) -> BoltResponse:
    return await args.default.success(args)


async def _on_failure(args: AsyncFailureArgs) -> BoltResponse:
    """Bolt's own failure response (its status code, the state cookie cleared) with our page."""
    response = await args.default.failure(args)
    accept = (args.request.headers.get("accept-language") or [""])[0]
    log.warning("Slack install failed: %s", args.reason)
    response.body = failure_page(args.reason, lang_of_locale(accept))
    if response.status >= 500:
        response.status = 503  # the database refused the write: try again, not a crash
    return response


def oauth_settings(config: Config, store: "Store", clock: Clock, client: AsyncWebClient) -> AsyncOAuthSettings:
    """Bolt's OAuth settings on our stores. `authorize` reads the bot token of each request's
    workspace from the installation store and keeps Slack's `auth.test` answer per token in
    memory (without the cache, every request would wait on an extra Web API call before its
    acknowledgement); an uninstalled workspace has no row, so it is refused whatever the cache.
    A token that expires within ROTATE_BEFORE_MINUTES is renewed first (token rotation), by our
    `TokenRotator` in place of the one Bolt builds: it saves the new pair for every process and
    copes with another process renewing the same token at the same moment."""
    assert config.slack_client_id and config.slack_client_secret
    installations = SlackInstallations(store, config.slack_client_id)
    bolt_log = logging.getLogger("sellerbot.slack.bolt")
    settings = AsyncOAuthSettings(
        client_id=config.slack_client_id,
        client_secret=config.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=config.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=SlackOAuthStates(store, clock),
        state_expiration_seconds=int(STATE_EXPIRES.total_seconds()),
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        callback_options=AsyncCallbackOptions(success=_on_success, failure=_on_failure),
        logger=bolt_log,
    )
    settings.authorize = AsyncInstallationStoreAuthorize(
        logger=bolt_log, installation_store=installations, client_id=config.slack_client_id,
        client_secret=config.slack_client_secret, bot_only=True, cache_enabled=True, client=client,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
    )
    settings.authorize.token_rotator = TokenRotator(
        installations, client_id=config.slack_client_id, client_secret=config.slack_client_secret, client=client)
    return settings
