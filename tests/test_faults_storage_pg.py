"""PostgreSQL's faults told as SQLite's are (tests/test_faults_storage.py): the server drops the
bot's connections (a restart, a fail-over) under a running process. The command that meets the dead
connection is answered "the database failed — try again", never a crash with a reference; no
engine error leaks past the store (`bot.store.StoreError` is what adapters catch); the next command
works on a new connection, and the pool's other dead connections are replaced at once (one
"try again", not one per pooled connection)."""

from __future__ import annotations

import psycopg
import pytest

from bot.config import Config
from bot.model import Request
from bot.services import Services
from bot.store import StoreError, WriteFailed


@pytest.fixture
def engine() -> str:
    """PostgreSQL in both runs (`make test` too: a throwaway server, as for `both_engines`)."""
    return "postgresql"


async def test_a_dropped_connection_is_told_as_try_again_and_the_next_command_works(db_target, pg_server, clock):
    services = Services(Config(db=db_target, tz="UTC"), clock=clock)
    try:
        async def send(text: str):
            return await services.dispatcher.handle(Request(kind="command", text=text, channel="C1"))

        assert (await send("case open messaging-warning")).kind == "case"
        assert pg_server.drop_connections() >= 1
        failed = await send("case open messaging-warning")
        assert failed.kind == "error", failed
        assert "Try again in a moment." in failed.text and "Reference" not in failed.text, failed.text
        assert "the database server cannot be reached or refused the request" in failed.text
        listed = await send("case list")  # a new connection: reads and writes work again
        assert listed.kind == "list"
        assert (await send("case open messaging-warning")).kind == "case"
        assert len((await send("case list")).data["items"]) == len(listed.data["items"]) + 1
    finally:
        services.store.close()


def test_a_dropped_connection_raises_the_stores_error_for_reads_and_writes(db_target, pg_server):
    services = Services(Config(db=db_target, tz="UTC"))
    store = services.store
    try:
        store.one("SELECT 1 AS one")
        pg_server.drop_connections()
        with pytest.raises(StoreError) as read:
            store.one("SELECT 1 AS one")
        assert isinstance(read.value.cause, psycopg.OperationalError) and not isinstance(read.value, WriteFailed)
        store.one("SELECT 1 AS one")
        pg_server.drop_connections()
        with pytest.raises(WriteFailed) as write, store.write() as db:
            db.set_setting("slack", "C1", "tz", "UTC", "2026-12-01T00:00:00+00:00")
        assert "cannot be reached" in write.value.reason("en") and "数据库服务器" in write.value.reason("zh")
        assert store.get_setting("slack", "C1", "tz") is None  # nothing of the failed write was kept
    finally:
        store.close()

