"""Which `Sender` delivers to which platform in this process (the composition root of delivery).

A process posts to Slack when its bot token is set and to Discord when its token is set; with no
platform configured, everything is printed to stdout by the console sender (the contract of
`sellerbot clock`).
"""

from __future__ import annotations

from bot.config import Config
from bot.sender import Sender


def platform_senders(config: Config) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    if config.slack_bot_token:
        from adapters.slack.sender import build_sender as slack_sender

        senders["slack"] = slack_sender(config)
    if config.discord_token:
        from adapters.discord.sender import build_sender as discord_sender

        senders["discord"] = discord_sender(config)
    return senders
