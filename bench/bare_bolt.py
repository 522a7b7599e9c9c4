"""The baseline for Slack: what a user would start from, a bare Bolt `AsyncApp` whose `/seller`
listener only acknowledges, served by Bolt's own aiohttp web app on 127.0.0.1.

    python -m bench.bare_bolt PORT      # reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL

Same Bolt, same signature checks, same aiohttp as `sellerbot slack`; no inbox, no answers, no
knowledge index. `make bench` fires the same burst at both (bench/bench_slack.py).
"""

from __future__ import annotations

import os
import sys

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def main(port: int) -> int:
    client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ.get("SLACK_API_URL") or None)
    app = AsyncApp(signing_secret=os.environ["SLACK_SIGNING_SECRET"], client=client)

    @app.command("/seller")
    async def only_ack(ack) -> None:
        await ack()

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    web_app = app.web_app(path="/slack/events")
    web_app.router.add_get("/health", health)
    web.run_app(web_app, host="127.0.0.1", port=port, print=None, access_log=None)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
