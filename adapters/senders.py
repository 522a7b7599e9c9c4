"""Which `Sender` delivers to which platform in this process (the composition root of delivery).

A process posts to Slack when its bot token is set, or, with the OAuth flow (SLACK_CLIENT_ID and
SLACK_CLIENT_SECRET), with the token each workspace's installation left in the database; to Discord
when its token is set. With no platform configured, everything is printed to stdout by the console
sender (the contract of `sellerbot clock`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import Config
from bot.sender import Sender

if TYPE_CHECKING:
    from bot.store import Store


def platform_senders(config: Config, store: "Store | None" = None) -> dict[str, Sender]:
    """`store` is the process's database, where the OAuth flow keeps each workspace's token."""
    senders: dict[str, Sender] = {}
    if config.slack_bot_token:
        from adapters.slack.sender import build_sender as slack_sender

        senders["slack"] = slack_sender(config)
    elif config.slack_oauth and store is not None:
        from adapters.slack.oauth import SlackInstallations
        from adapters.slack.sender import build_sender as slack_sender

        assert config.slack_client_id
        senders["slack"] = slack_sender(config, installations=SlackInstallations(store, config.slack_client_id))
    if config.discord_token:
        from adapters.discord.sender import build_sender as discord_sender

        senders["discord"] = discord_sender(config)
    return senders
