"""Fixtures for the Slack tests: the real Bolt app served over HTTP on a local port, with the Web
API and `response_url` pointed at `MockSlack`. Import the fixtures into a test module by name."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from adapters.slack.server import EVENTS_PATH, build_web_app
from bot.clock import FakeClock
from bot.config import Config
from bot.i18n import Text
from bot.services import Services
from bot.spec import Command
from tests.mocks.slack_api import MockSlack, SlackDriver

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@dataclass
class SlackBed:
    mock: MockSlack
    driver: SlackDriver
    services: Services
    config: Config
    base_url: str

    @property
    def events_url(self) -> str:
        return self.base_url + EVENTS_PATH


def slack_config(db: str, mock: MockSlack, **extra) -> Config:
    """`db`: the test's database (the `db_target` fixture), on the run's engine."""
    return Config(
        db=db, tz="UTC", scheduler="off",
        slack_bot_token="xoxb-0000-test", slack_signing_secret=SECRET, slack_api_url=mock.api_url, **extra,
    )


@pytest.fixture
async def mock_slack():
    mock = await MockSlack().start()
    yield mock
    await mock.close()


@contextlib.asynccontextmanager
async def served(services: Services, config: Config) -> AsyncIterator[str]:
    """The real web app (`build_web_app`: Bolt, the inbox worker, the OAuth pages when configured)
    listening on a free local port; its base URL."""
    runner = web.AppRunner(build_web_app(services, config), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def slack_bed(db_target, mock_slack: MockSlack, clock: FakeClock):
    """A running Slack app (real Bolt, real aiohttp, the real database) and a driver that signs like Slack."""
    config = slack_config(db_target, mock_slack)
    services = Services(config, clock=clock)
    async with served(services, config) as base_url:
        driver = SlackDriver(base_url + EVENTS_PATH, SECRET, mock_slack)
        yield SlackBed(mock_slack, driver, services, config, base_url)
        await mock_slack.settle(0.05)
        await driver.close()


@pytest.fixture
def scratch_commands(slack_bed):
    """Throwaway commands and message listeners on the Slack bed's application object."""
    app = slack_bed.services.app

    def declare(name: str, **kwargs) -> Command:
        fields = dict(summary=Text("test", "测试"), examples=(Text(f"{name} x", f"{name} x"),))
        return app.add(Command(name, **{**fields, **kwargs}))

    def listen(handler):
        return app.on_message(handler, first=True)

    declare.listen = listen  # type: ignore[attr-defined]
    return declare
