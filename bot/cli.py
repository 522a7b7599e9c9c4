"""The `sellerbot` command: console, one-shot ask, the clock process and the platform adapters."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys

from pydantic import ValidationError

from bot.config import Config
from bot.logs import setup_logging

PLATFORM_RUNNERS = {
    # process -> module with `main(args, config) -> int`
    "slack": "adapters.slack.server",
    "discord": "adapters.discord.client",
    "clock": "adapters.clock",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sellerbot",
        description="Account-health chat-ops bot. With no subcommand: Slack if its tokens are set, "
        "else Discord if its token is set, else the interactive console.",
    )
    sub = parser.add_subparsers(dest="process")

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", help="SQLite database file or postgresql:// URL (default: $SELLERBOT_DB or ./sellerbot.db)")
        return p

    console = with_db(sub.add_parser("console", help="chat with the bot in the terminal (or drive it from a program)"))
    console.add_argument("--json", action="store_true", help="one JSON object per response and line")
    console.add_argument("--user", default="console-user")
    console.add_argument("--channel", default="console")
    console.add_argument("--workspace", default="", help="the workspace the user types in (scopes what they can reach)")
    console.add_argument("--lang", choices=["zh", "en"], default="en", help="interface language")

    ask = with_db(sub.add_parser("ask", help="ask one question and exit"))
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")

    clock = with_db(sub.add_parser("clock", help="run the reminder scheduler alone (the Procfile's clock process)"))
    clock.add_argument("--for", dest="seconds", type=float, help="stop after this many seconds")
    clock.add_argument("--json", action="store_true")

    slack = with_db(sub.add_parser("slack", help="serve the Slack app (Bolt) over HTTP or Socket Mode"))
    slack.add_argument("--port", type=int, help="HTTP port (default: $PORT or 3000)")
    slack.add_argument("--socket", action="store_true", help="use Socket Mode (needs SLACK_APP_TOKEN)")
    slack.add_argument("--no-scheduler", action="store_true", help="leave reminders to the clock process")

    discord = with_db(sub.add_parser("discord", help="run the Discord bot"))
    discord.add_argument("--no-scheduler", action="store_true", help="leave reminders to the clock process")
    discord.add_argument("--sync", choices=["guild", "global", "none"], default=None,
                         help="where to sync slash commands (default: guild when DISCORD_GUILD_ID is set, else global)")
    return parser


def load_config(args: argparse.Namespace) -> Config:
    config = Config()
    if getattr(args, "db", None):
        config = config.model_copy(update={"db": args.db})
    if getattr(args, "no_scheduler", False):
        config = config.model_copy(update={"scheduler": "off"})
    return config


def main(argv: list[str] | None = None) -> int:
    """Run a process; a database it cannot use stops it with one line naming the file and the
    cause, and exit code 2 (like a bad configuration), not a traceback."""
    from bot.store import StorageUnavailable

    try:
        return _main(argv)
    except StorageUnavailable as exc:
        print(f"sellerbot: {exc}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'setting'}: {e['msg']}" for e in exc.errors())
        print(f"sellerbot: bad configuration: {problems}", file=sys.stderr)
        return 2
    quiet = args.process in (None, "console", "ask")
    setup_logging(
        config.log_level or ("WARNING" if quiet else "INFO"),
        config.log_format,
        secrets=[config.slack_bot_token, config.slack_signing_secret, config.slack_app_token, config.slack_client_secret,
                 config.discord_token],
    )
    process = args.process
    if process is None:
        if (config.slack_bot_token or config.slack_oauth) and config.slack_signing_secret:
            process, args = "slack", build_parser().parse_args(["slack"])
        elif config.discord_token:
            process, args = "discord", build_parser().parse_args(["discord"])
        else:
            process, args = "console", build_parser().parse_args(["console"])
    if process == "console":
        return _run_console(args, config)
    if process == "ask":
        return _run_ask(args, config)
    module = importlib.import_module(PLATFORM_RUNNERS[process])
    return module.main(args, config)


def _run_console(args: argparse.Namespace, config: Config) -> int:
    from adapters.console import run_console
    from bot.services import Services

    services = Services(config)
    return asyncio.run(
        run_console(services, json_mode=args.json, user=args.user, channel=args.channel, lang=args.lang,
                    workspace=args.workspace)
    )


def _run_ask(args: argparse.Namespace, config: Config) -> int:
    import io

    from adapters.console import run_console
    from bot.services import Services

    root = config.root_command
    services = Services(config.model_copy(update={"scheduler": "off"}))
    # argv holds undecodable bytes as lone surrogates: as U+FFFD they can be stored and printed.
    question = args.question.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    line = f"/{root} ask {question}\n"
    return asyncio.run(run_console(services, json_mode=args.json, stdin=io.StringIO(line)))


if __name__ == "__main__":
    sys.exit(main())
