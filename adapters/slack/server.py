"""`sellerbot slack`: the Bolt app over HTTP (aiohttp) at `/slack/events`, or over Socket Mode.

HTTP is the Procfile's `web` process: `POST /slack/events` for commands, buttons and events, and
`GET /health` for the platform's health check; with many workspaces (SLACK_CLIENT_ID and
SLACK_CLIENT_SECRET instead of SLACK_BOT_TOKEN) also Bolt's OAuth pages, `GET /slack/install` and
`GET /slack/oauth_redirect` (adapters/slack/oauth.py). `--socket` connects out to Slack instead (no public
URL needed; needs `SLACK_APP_TOKEN`). Either way the core's services start with a Slack sender, so
the in-process scheduler (unless `--no-scheduler`) posts reminders into Slack.

Stopping (SIGTERM, SIGINT): new requests get 503 (and `/health` too, so the host routes elsewhere),
the work already acknowledged is finished for up to DRAIN_S seconds, then the process exits 0; what
is left is finished by the next start (adapters/slack/intake.py, bot/inbox.py). A request that is
not signed, or whose body cannot be read, is refused with 401 or 400 and one log line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from argparse import Namespace

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier

from adapters.slack.client import make_client
from adapters.slack.intake import DRAIN_S, Intake, create_intake
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH, SlackInstallations, failure_page
from adapters.slack.people import lang_of_locale
from adapters.slack.sender import build_sender
from adapters.slack.store import SlackState
from adapters.toolkit.signals import stop_event
from bot.config import Config
from bot.services import Services

log = logging.getLogger("sellerbot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
DEFAULT_PORT = 3000
BOLT_APP = web.AppKey("bolt_app", AsyncApp)
SERVICES = web.AppKey("services", Services)
INTAKE = web.AppKey("intake", Intake)

_WHY = {
    "SLACK_BOT_TOKEN": "the bot token (xoxb-…) from OAuth & Permissions; or, over HTTP, SLACK_CLIENT_ID and "
                       "SLACK_CLIENT_SECRET to install into many workspaces",
    "SLACK_SIGNING_SECRET": "the signing secret from Basic Information",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, for Socket Mode",
    "SLACK_CLIENT_SECRET": "the client secret from Basic Information, with SLACK_CLIENT_ID (many workspaces)",
}


def missing_variables(config: Config, *, socket: bool) -> list[str]:
    """The variables a start needs and lacks: one workspace (SLACK_BOT_TOKEN), or many through the
    OAuth flow (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET; over HTTP only, for its install pages)."""
    if config.slack_client_id and not config.slack_bot_token and not socket:
        needed = {"SLACK_CLIENT_SECRET": config.slack_client_secret}
    else:
        needed = {"SLACK_BOT_TOKEN": config.slack_bot_token}
    if socket:
        needed["SLACK_APP_TOKEN"] = config.slack_app_token
    else:
        needed["SLACK_SIGNING_SECRET"] = config.slack_signing_secret
    return [name for name, value in needed.items() if not value]


def build_web_app(services: Services, config: Config | None = None, *, manage_services: bool = True) -> web.Application:
    """The aiohttp application: Bolt at `/slack/events`, a health check, and the start and stop of
    the intake's worker (and, with `manage_services`, of the services) tied to the server's own
    start-up and clean-up."""
    config = config or services.config
    intake = create_intake(services, config)
    bolt = intake.app
    state = SlackState(services)
    installations = SlackInstallations(services.store, config.slack_client_id or "") if config.slack_oauth else None
    sender = build_sender(config, shorten=state.shorten, installations=installations)
    verifier = SignatureVerifier(config.slack_signing_secret or "")

    async def events(request: web.Request) -> web.Response:
        if not intake.accepting:
            return web.json_response({"ok": False, "error": "shutting down"}, status=503)
        body = await request.read()
        refused = _refusal(verifier, body, request.headers)
        if refused:
            status, reason = refused
            log.warning("refused a Slack request (%d): %s", status, reason)
            return web.Response(status=status, text=reason)
        try:
            bolt_request = await to_bolt_request(request)
        except Exception as exc:  # signed, yet not JSON nor a form Bolt can read
            log.warning("refused a signed Slack request (400): unreadable body (%s)", type(exc).__name__)
            return web.Response(status=400, text="unreadable body")
        bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def oauth(request: web.Request) -> web.Response:
        """Bolt's OAuth flow: the install page (a `state` issued, its cookie set) and Slack's
        redirect back (state checked and used up, `oauth.v2.access`, the installation saved)."""
        flow = bolt.oauth_flow
        assert flow is not None
        lang = lang_of_locale(request.headers.get("Accept-Language"))
        if not intake.accepting:
            return web.Response(status=503, text=failure_page("shutting_down", lang), content_type="text/html")
        try:
            bolt_request = await to_bolt_request(request)
            if request.path == flow.install_path:
                bolt_response = await flow.handle_installation(bolt_request)
            else:
                bolt_response = await flow.handle_callback(bolt_request)
        except Exception as exc:  # the database refused (the flow's own failures come back as pages)
            log.error("Slack install page failed: %s", type(exc).__name__, exc_info=exc)
            return web.Response(status=503, text=failure_page("storage_error", lang), content_type="text/html")
        return await to_aiohttp_response(bolt_response)

    async def health(request: web.Request) -> web.Response:
        if not intake.accepting:
            return web.json_response({"ok": False, "platform": "slack", "draining": True}, status=503)
        return web.json_response({"ok": True, "platform": "slack"})

    web_app = web.Application()
    web_app[BOLT_APP] = bolt
    web_app[SERVICES] = services
    web_app[INTAKE] = intake
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    if bolt.oauth_flow is not None:
        web_app.router.add_get(INSTALL_PATH, oauth)
        web_app.router.add_get(REDIRECT_PATH, oauth)

    async def start(_: web.Application) -> None:
        if manage_services:
            await services.start({"slack": sender})
        await intake.start()

    async def stop(_: web.Application) -> None:
        await intake.stop()
        if manage_services:
            await services.stop()

    web_app.on_startup.append(start)
    web_app.on_cleanup.append(stop)
    return web_app


def _refusal(verifier: SignatureVerifier, body: bytes, headers) -> tuple[int, str] | None:
    """Why a request is refused before Bolt reads it (Bolt would raise on some of these and
    answer 500 with a traceback): 401 when it is not signed by Slack, 400 when its body is not text."""
    timestamp = headers.get("X-Slack-Request-Timestamp") or ""
    signature = headers.get("X-Slack-Signature") or ""
    if not timestamp or not signature:
        return 401, "not signed"
    if not timestamp.isascii() or not timestamp.isdigit():
        return 401, "X-Slack-Request-Timestamp is not a number"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, "body is not UTF-8"
    if not verifier.is_valid(text, timestamp, signature):
        return 401, "bad signature or stale timestamp"
    return None


async def _token_refused(config: Config) -> str | None:
    """Slack's answer when it refuses the bot token at start (better than failing on every request).
    With many workspaces there is no token to check: each is checked when its requests come."""
    if config.slack_oauth:
        return None
    try:
        await make_client(config, wait_on_rate_limit=False).auth_test()
    except SlackApiError as exc:
        code = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        if code in ("invalid_auth", "not_authed", "token_revoked", "account_inactive", "token_expired"):
            return code
        log.warning("auth.test failed at start (%s); going on", code or exc)
    except Exception as exc:  # Slack unreachable right now: serve anyway, Bolt retries per request
        log.warning("could not reach Slack at start (%s); going on", exc)
    return None


async def serve_http(config: Config, port: int, host: str = "0.0.0.0") -> int:
    refused = await _token_refused(config)
    if refused:
        print(f"sellerbot slack: Slack refused SLACK_BOT_TOKEN ({refused}).", file=sys.stderr)
        return 1
    stop = stop_event()  # from here on: a SIGTERM during start-up still ends in a clean stop
    services = Services(config)
    web_app = build_web_app(services, config)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()  # starts the worker: the knowledge index is built before we listen
    try:
        site = web.TCPSite(runner, host=host, port=port)
        await site.start()
        log.info("Slack app listening on http://%s:%s%s (health: %s)", host, port, EVENTS_PATH, HEALTH_PATH)
        if config.slack_oauth:
            log.info("many workspaces: install the app into one at http://%s:%s%s", host, port, INSTALL_PATH)
        await stop.wait()
        log.info("stopping: new requests get 503; finishing the work acknowledged (at most %.0f s)", DRAIN_S)
        await web_app[INTAKE].drain(DRAIN_S)
    finally:
        await runner.cleanup()
    return 0


async def serve_socket(config: Config) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    refused = await _token_refused(config)
    if refused:
        print(f"sellerbot slack: Slack refused SLACK_BOT_TOKEN ({refused}).", file=sys.stderr)
        return 1
    stop = stop_event()
    services = Services(config)
    intake = create_intake(services, config, socket=True)
    handler = AsyncSocketModeHandler(intake.app, config.slack_app_token)
    await services.start({"slack": build_sender(config, shorten=SlackState(services).shorten)})
    await intake.start()
    try:
        await handler.connect_async()
        log.info("Slack app connected over Socket Mode")
        await stop.wait()
        intake.accepting = False
        await handler.close_async()  # Slack sends the next requests to another connection
        await intake.drain(DRAIN_S)
    finally:
        await handler.close_async()
        await intake.stop()
        await services.stop()
    return 0


def main(args: Namespace, config: Config) -> int:
    socket = bool(getattr(args, "socket", False))
    missing = missing_variables(config, socket=socket)
    if missing:
        for name in missing:
            print(f"sellerbot slack: {name} is not set ({_WHY[name]}).", file=sys.stderr)
        print("See the README's Slack section for where to find them.", file=sys.stderr)
        return 2
    port = getattr(args, "port", None) or int(os.environ.get("PORT") or DEFAULT_PORT)
    try:
        return asyncio.run(serve_socket(config) if socket else serve_http(config, port))
    except KeyboardInterrupt:
        return 0
