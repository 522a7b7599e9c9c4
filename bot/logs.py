"""Logging: one line per command, as text or JSON, with secrets scrubbed from every record.

`SELLERBOT_LOG_FORMAT=json` prints one JSON object per line (timestamp, level, logger, message and
the structured fields such as user, command, latency_ms, outcome) for a team's log shipper.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import datetime, timezone

log = logging.getLogger("sellerbot")
command_logger = logging.getLogger("sellerbot.commands")

_STRUCTURED = ("event", "platform", "user", "channel", "command", "outcome", "latency_ms", "reminder_id", "attempt")
_TOKEN_SHAPES = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]{6,}|xapp-[A-Za-z0-9-]{6,}|[MN][A-Za-z\d_-]{23,25}\.[\w-]{6}\.[\w-]{27,})"
)


class SecretFilter(logging.Filter):
    """Replaces configured secrets and anything shaped like a Slack or Discord token with ***."""

    def __init__(self, secrets: Iterable[str | None] = ()):
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return _TOKEN_SHAPES.sub("***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.scrub(message), ()
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in _STRUCTURED:
            if hasattr(record, key):
                data[key] = getattr(record, key)
        if record.exc_text:
            data["error"] = record.exc_text
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "text", secrets: Iterable[str | None] = (), stream=None) -> None:
    """Configure the `sellerbot` loggers once per process. Logs go to stderr, never to stdout,
    which belongs to the console contract."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(SecretFilter(secrets))
    handler.setFormatter(
        JsonFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_sellerbot", False):
            root.removeHandler(old)
    handler._sellerbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    log.setLevel(level.upper())
