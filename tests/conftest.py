"""Shared fixtures: a real database (SQLite in a temp folder; PostgreSQL too for the modules marked
`both_engines`), a fake clock, the real dispatcher."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Config
from bot.i18n import Text
from bot.model import Request
from bot.services import Services
from bot.spec import Command

ROOT = Path(__file__).resolve().parent.parent

os.environ["SELLERBOT_STRICT_CONTRACT"] = "1"  # a response off the console contract fails the test (and its subprocesses)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "both_engines: run the module's tests on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc) -> None:
    """Tests of a module marked `both_engines` run once per engine (the `engine` fixture)."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ["sqlite", "postgresql"])


@pytest.fixture
def engine() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def pg_server():
    """A throwaway PostgreSQL server for the session (tests/pg_server.py); skips without one, but
    fails under CI=1, where PostgreSQL must be there."""
    from tests.pg_server import PgServer, PgUnavailable

    try:
        server = PgServer.start()
    except PgUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and could not be started: {exc}")
        pytest.skip(f"PostgreSQL not available here ({exc}); CI runs these tests")
    yield server
    server.stop()


@pytest.fixture
def db_target(engine: str, tmp_path: Path, request):
    """What SELLERBOT_DB says for this test: a SQLite file, or a URL naming a fresh PostgreSQL
    schema (dropped afterwards)."""
    if engine == "sqlite":
        yield str(tmp_path / "sellerbot.db")
        return
    server = request.getfixturevalue("pg_server")
    url = server.new_schema()
    yield url
    server.drop_schema(url)


@pytest.fixture
def config(db_target: str) -> Config:
    return Config(db=db_target, tz="UTC")


@pytest.fixture
def services(config: Config, clock: FakeClock):
    svc = Services(config, clock=clock)
    yield svc
    svc.store.close()


@pytest.fixture
def ask(services: Services):
    """Send one command line (without the root) as a user would and get the Response."""

    async def send(text: str, **fields):
        return await services.dispatcher.handle(Request(kind="command", text=text, **fields))

    return send


@pytest.fixture
def temporary_command(services):
    """Declares a throwaway command on this test's application object (before building a bot)."""

    def declare(name: str, handler=None, **kwargs) -> Command:
        fields = dict(summary=Text(f"test {name}", f"测试 {name}"), examples=(Text(f"{name} x", f"{name} x"),))
        return services.app.add(Command(name, handler=handler, **{**fields, **kwargs}))

    return declare


@pytest.fixture
def temporary_listener(services):
    """Adds a message listener in front of the others, on this test's application object."""

    def register(fn):
        return services.app.on_message(fn, first=True)

    return register


@pytest.fixture
def temporary_suggester(services):
    def register(field_name: str):
        def decorate(fn):
            services.app.suggests(field_name, fn)
            return fn

        return decorate

    return register


def run_cli(args: list[str], stdin: str = "", env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real `sellerbot` entry point in a fresh process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env=full_env,
    )


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]
