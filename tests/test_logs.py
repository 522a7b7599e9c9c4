"""Logs: one structured line per command, and secrets never written."""

import io
import json
import logging

from bot.logs import setup_logging
from bot.model import Request

SECRET = "xoxb-1234567890-abcdefghijkl"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"


async def test_one_json_line_per_command_with_user_command_latency_and_outcome(services):
    stream = io.StringIO()
    setup_logging("INFO", "json", stream=stream)
    try:
        await services.dispatcher.handle(Request(text="help", user="U42", channel="C7", platform="slack"))
        await services.dispatcher.handle(Request(text="nope", user="U42", channel="C7", platform="slack"))
    finally:
        setup_logging("WARNING", "text")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    commands = [line for line in lines if line.get("event") == "command"]
    assert [(c["command"], c["outcome"]) for c in commands] == [("help", "ok"), ("nope", "usage")]
    assert all(c["user"] == "U42" and c["channel"] == "C7" and c["latency_ms"] >= 0 for c in commands)


def test_secrets_are_scrubbed_from_messages_arguments_and_tracebacks():
    stream = io.StringIO()
    setup_logging("INFO", "text", secrets=[SIGNING], stream=stream)
    logger = logging.getLogger("sellerbot.test")
    try:
        logger.warning("token is %s and secret %s", SECRET, SIGNING)
        try:
            raise ValueError(f"bad signature with {SIGNING}")
        except ValueError:
            logger.exception("failed")
        logging.getLogger("slack_bolt.App").warning("Authorization: Bearer %s", SECRET)
    finally:
        setup_logging("WARNING", "text")
    text = stream.getvalue()
    assert SECRET not in text and SIGNING not in text
    assert text.count("***") >= 4 and "ValueError" in text
