"""The Slack web process as `sellerbot slack --no-scheduler` runs it (`serve_http`: Bolt on aiohttp,
INFO logs, secrets scrubbed), bound to 127.0.0.1 only: the benchmark's load never leaves loopback.

    python -m bench.slack_server PORT      # reads SLACK_* and SELLERBOT_* like the real process
"""

from __future__ import annotations

import asyncio
import sys

from adapters.slack.server import serve_http
from bot.config import Config
from bot.logs import setup_logging


def main(port: int) -> int:
    config = Config().model_copy(update={"scheduler": "off"})
    setup_logging(config.log_level or "INFO", config.log_format,
                  secrets=[config.slack_bot_token, config.slack_signing_secret])
    return asyncio.run(serve_http(config, port, host="127.0.0.1"))


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
