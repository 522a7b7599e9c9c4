"""Fixtures for the Discord tests: the mock REST API, a logged-in client (throwaway commands,
listeners and suggesters come from tests/conftest.py).

Import them into a test module with `from tests.mocks.discord_fixtures import *`.
"""

from __future__ import annotations

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from adapters.discord.client import SellerClient, point_at
from tests.mocks.discord_api import GUILD_ID, MockDiscordAPI

__all__ = ["discord_api", "make_bot", "bot", "interact"]


@pytest.fixture
async def discord_api(services):
    """The mock REST API, with discord.py pointed at it through DISCORD_API_URL as in production."""
    api = await MockDiscordAPI().start()
    saved = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    services.config.discord_api_url = api.base
    services.config.discord_guild_id = GUILD_ID
    point_at(services.config)
    yield api
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved
    await api.close()


@pytest.fixture
async def make_bot(services, discord_api):
    """Builds and logs in a SellerClient (several for a "restart"); closes them all at the end."""
    clients: list[SellerClient] = []

    async def build(**kwargs) -> SellerClient:
        kwargs.setdefault("sync", "guild")
        client = SellerClient(services, **kwargs)
        await client.login("test-token")
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.close()


@pytest.fixture
async def bot(make_bot):
    return await make_bot()


async def interact(bot: SellerClient, api: MockDiscordAPI, payload: dict, *, followups: int = 0) -> list[dict]:
    """Hand an INTERACTION_CREATE payload to discord.py and wait for the bot's callback (and
    `followups` follow-up messages); returns the callbacks of that interaction."""
    bot._connection.parse_interaction_create(payload)
    await api.wait_for(lambda: api.callbacks(int(payload["id"])))
    if followups:
        await api.wait_for(lambda: len(api.followups(payload["token"])) >= followups)
    return api.callbacks(int(payload["id"]))
