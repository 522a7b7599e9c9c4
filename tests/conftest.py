"""Shared fixtures: a real database, a fake clock, the real dispatcher.

The database engine of a test is the `engine` fixture: SQLite (a file in the test's temp folder) by
default, PostgreSQL (a fresh database on a throwaway server, tests/pg_server.py) for every test when
`SELLERBOT_TEST_ENGINE=postgresql` (`make test-pg`). In the SQLite run, the modules marked
`both_engines` run on both engines, so the storage contract is checked on PostgreSQL by `make test`
alone. A test that builds a database asks for `db_target` (or `new_db` for several), never for a
SQLite path of its own; a test about SQLite itself (file permissions, a damaged file, a full disk,
SQLite's lock) is marked `sqlite_only` with the reason, and is skipped, visibly, in the PostgreSQL run.
"""

from __future__ import annotations

import contextlib
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
from bot.store import Store

ROOT = Path(__file__).resolve().parent.parent

os.environ["SELLERBOT_STRICT_CONTRACT"] = "1"  # a response off the console contract fails the test (and its subprocesses)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


ENGINES = ("sqlite", "postgresql")
ENGINE = os.environ.get("SELLERBOT_TEST_ENGINE", "sqlite").strip().lower() or "sqlite"
"""The engine of every test's database in this run (`SELLERBOT_TEST_ENGINE`)."""
if ENGINE not in ENGINES:
    raise pytest.UsageError(f"SELLERBOT_TEST_ENGINE={ENGINE!r}: expected one of {', '.join(ENGINES)}")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "both_engines: run the module's tests on SQLite and on PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only(reason): the test is about SQLite itself; skipped in the PostgreSQL run")


def pytest_generate_tests(metafunc) -> None:
    """In the SQLite run, tests of a module marked `both_engines` run once per engine (the `engine`
    fixture); the PostgreSQL run runs everything on PostgreSQL."""
    if (ENGINE == "sqlite" and "engine" in metafunc.fixturenames
            and metafunc.definition.get_closest_marker("both_engines")):
        metafunc.parametrize("engine", ENGINES)


def pytest_collection_modifyitems(config, items) -> None:
    """In the PostgreSQL run, a `sqlite_only` test is skipped with its reason (`-rs` lists them)."""
    if ENGINE == "sqlite":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            if not why:
                raise pytest.UsageError(f"{item.nodeid}: sqlite_only needs a reason")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))


@pytest.fixture
def engine() -> str:
    return ENGINE


@pytest.fixture(scope="session", autouse=True)
def _cache_home(tmp_path_factory):
    """The user's cache folder, where a process on PostgreSQL saves its knowledge index: a temp
    folder of the session (for subprocesses too), not the home of whoever runs the tests."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """In the PostgreSQL run, a test that left a SQLite database in its temp folder (in this process
    or a subprocess) built one it should have asked `db_target` for: it fails, so a hard-coded path
    cannot make a test pass on SQLite while the run says PostgreSQL."""
    result = yield
    folder = getattr(item, "funcargs", {}).get("tmp_path")
    if ENGINE == "postgresql" and folder is not None and not item.get_closest_marker("sqlite_only"):
        written = [str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and _is_sqlite_file(p)]
        if written:
            pytest.fail(f"SQLite database(s) written in the PostgreSQL run: {written}", pytrace=False)
    return result


def _is_sqlite_file(path: Path) -> bool:
    if path.name.endswith(("-wal", "-shm", "-journal")):
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


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


class Databases:
    """Fresh databases of one engine: SQLite files in a folder (empty), or PostgreSQL databases of the
    throwaway server (already migrated: tests/pg_server.py), each a URL usable as SELLERBOT_DB in this
    process or a subprocess, dropped by `drop_all`."""

    def __init__(self, engine: str, folder: Path, server=None):
        self.engine, self.folder, self.server = engine, folder, server
        self.made: list[str] = []

    def __call__(self, name: str = "sellerbot.db") -> str:
        if self.engine == "sqlite":
            return str(self.folder / name)
        url = self.server.new_database()
        self.made.append(url)
        return url

    def drop_all(self) -> None:
        for url in self.made:
            self.server.drop_database(url)
        self.made.clear()


def databases(engine: str, folder: Path, request) -> Databases:
    return Databases(engine, folder, request.getfixturevalue("pg_server") if engine == "postgresql" else None)


@pytest.fixture(scope="session")
def shared_db(tmp_path_factory, request):
    """Makes databases that outlive a test (a module's one database, kept across Hypothesis's
    examples); dropped at the end of the session."""
    made = databases(ENGINE, tmp_path_factory.mktemp("shared-db"), request)
    yield made
    made.drop_all()


@pytest.fixture
def new_db(engine: str, tmp_path: Path, request):
    """Makes fresh databases of this test's engine: `new_db()` or `new_db("name.db")` (the name is
    the SQLite file's; PostgreSQL gets a new database each call)."""
    made = databases(engine, tmp_path, request)
    yield made
    made.drop_all()


@pytest.fixture
def db_target(new_db: Databases) -> str:
    """What SELLERBOT_DB says for this test: a SQLite file, or a URL naming a fresh PostgreSQL
    database (dropped afterwards)."""
    return new_db()


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


@contextlib.contextmanager
def opened(target: str | Path):
    """The database another process uses, opened on its engine without migrating it, to look at or
    change rows behind the bot's back (`?` placeholders, as everywhere)."""
    store = Store.connect(target)
    try:
        yield store
    finally:
        store.close()


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
