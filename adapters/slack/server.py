"""`sellerbot slack`: the Bolt app over HTTP (aiohttp) at `/slack/events`, or over Socket Mode.

HTTP is the Procfile's `web` process: `POST /slack/events` for commands, buttons and events, and
`GET /health` for the platform's health check. `--socket` connects out to Slack instead (no public
URL needed; needs `SLACK_APP_TOKEN`). Either way the core's services start with a Slack sender, so
the in-process scheduler (unless `--no-scheduler`) posts reminders into Slack.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from argparse import Namespace

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.slack.app import create_app
from adapters.slack.client import make_client
from adapters.slack.sender import build_sender
from adapters.slack.store import SlackState
from bot.config import Config
from bot.services import Services

log = logging.getLogger("sellerbot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"
DEFAULT_PORT = 3000
BOLT_APP = web.AppKey("bolt_app", AsyncApp)
SERVICES = web.AppKey("services", Services)

_WHY = {
    "SLACK_BOT_TOKEN": "the bot token (xoxb-…) from OAuth & Permissions",
    "SLACK_SIGNING_SECRET": "the signing secret from Basic Information",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with connections:write, for Socket Mode",
}


def missing_variables(config: Config, *, socket: bool) -> list[str]:
    needed = {"SLACK_BOT_TOKEN": config.slack_bot_token}
    if socket:
        needed["SLACK_APP_TOKEN"] = config.slack_app_token
    else:
        needed["SLACK_SIGNING_SECRET"] = config.slack_signing_secret
    return [name for name, value in needed.items() if not value]


def build_web_app(services: Services, config: Config | None = None, *, manage_services: bool = True) -> web.Application:
    """The aiohttp application: Bolt at `/slack/events`, a health check, and the services'
    start and stop tied to the server's own start-up and clean-up."""
    config = config or services.config
    bolt = create_app(services, config)
    state = SlackState(services)
    sender = build_sender(config, shorten=state.shorten)

    async def events(request: web.Request) -> web.Response:
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "platform": "slack"})

    web_app = web.Application()
    web_app[BOLT_APP] = bolt
    web_app[SERVICES] = services
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get(HEALTH_PATH, health)
    if manage_services:

        async def start(_: web.Application) -> None:
            await services.start({"slack": sender})

        async def stop(_: web.Application) -> None:
            await services.stop()

        web_app.on_startup.append(start)
        web_app.on_cleanup.append(stop)
    return web_app


async def _token_refused(config: Config) -> str | None:
    """Slack's answer when it refuses the bot token at start (better than failing on every request)."""
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


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or not a Unix loop
            pass
    return stop


async def serve_http(config: Config, port: int, host: str = "0.0.0.0") -> int:
    refused = await _token_refused(config)
    if refused:
        print(f"sellerbot slack: Slack refused SLACK_BOT_TOKEN ({refused}).", file=sys.stderr)
        return 1
    services = Services(config)
    runner = web.AppRunner(build_web_app(services, config), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host=host, port=port)
        await site.start()
        log.info("Slack app listening on http://%s:%s%s (health: %s)", host, port, EVENTS_PATH, HEALTH_PATH)
        await _stop_event().wait()
    finally:
        await runner.cleanup()
    return 0


async def serve_socket(config: Config) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    refused = await _token_refused(config)
    if refused:
        print(f"sellerbot slack: Slack refused SLACK_BOT_TOKEN ({refused}).", file=sys.stderr)
        return 1
    services = Services(config)
    bolt = create_app(services, config, socket=True)
    handler = AsyncSocketModeHandler(bolt, config.slack_app_token)
    await services.start({"slack": build_sender(config, shorten=SlackState(services).shorten)})
    try:
        await handler.connect_async()
        log.info("Slack app connected over Socket Mode")
        await _stop_event().wait()
    finally:
        await handler.close_async()
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
