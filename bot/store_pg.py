"""PostgreSQL storage through psycopg 3 and a connection pool: the engine for many processes on
many hosts (several web processes behind a load balancer, several clocks).

The same interface as the SQLite `Store` (bot/store.py), so features do not know which engine they
speak to:

- `?` placeholders are translated to psycopg's `%s` (a literal `%` is escaped), outside quotes;
- a statement outside `write()` borrows a pooled connection in autocommit mode;
- `write()` is one transaction on one connection; every call made inside it, by any code of the
  same thread or task, runs on that connection (a context variable holds it). By default it first
  takes a transaction-level advisory lock, the PostgreSQL counterpart of SQLite's BEGIN IMMEDIATE:
  read-then-write steps written for one writer stay correct with many processes.
  `write(exclusive=False)` skips it, for statements that lock their own rows (claiming reminders
  with `FOR UPDATE SKIP LOCKED`, so several clocks share the work);
- migrations are the plain SQL declared beside each feature's SQLite migrations
  (`bot.store.postgres`), applied in order under an advisory lock (processes starting together
  apply each once) and recorded in `sellerbot_migrations`.

Faults: a server that cannot be reached at start is `StorageUnavailable`; at run time a statement
that fails because the connection or the server failed raises `StoreError`, and a write transaction
that fails so is `WriteFailed`, as on SQLite.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from sqlite_utils import Migrations

from bot.store import POSTGRES_MIGRATIONS, Queries, StorageUnavailable, StoreError, WriteFailed, migrations, redacted

POOL_MAX = 8
"""Connections per process: a web process answers a few requests at once, a clock needs two."""
POOL_TIMEOUT_S = 30
"""How long a call waits for a free pooled connection (or a server that restarts) before failing,
as long as SQLite's busy timeout."""
START_TIMEOUT_S = 5
"""How long a starting process waits for the server to accept its first connection."""
LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema()))"
"""The one write lock of a database (of a schema: tests keep one schema per test)."""


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """`?` placeholders to `%s`, `%` to `%%`, leaving quoted strings and identifiers alone."""
    out, quote_char = [], ""
    for ch in sql:
        if quote_char:
            if ch == quote_char:
                quote_char = ""
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote_char = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


def is_fault(exc: BaseException) -> bool:
    """A fault of the server or the connection (unreachable, restarted, pool exhausted, a standby
    that takes no writes after a fail-over), as opposed to a bug (bad SQL, a broken constraint),
    which stays a crash with a reference."""
    from psycopg_pool import PoolTimeout

    return (isinstance(exc, psycopg.OperationalError | PoolTimeout | psycopg.errors.ReadOnlySqlTransaction)
            and not isinstance(exc, psycopg.errors.SyntaxError))


class MissingTwin(Exception):
    """A feature's SQLite migration has no PostgreSQL counterpart: the schemas would drift."""


class Result:
    """What `execute` returns: the rows fetched at once (the connection goes back to the pool)."""

    def __init__(self, cursor: psycopg.Cursor):
        self.rowcount = cursor.rowcount
        self.rows = cursor.fetchall() if cursor.description else []

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[tuple]:
        return list(self.rows)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)


class PgStore(Queries):
    dialect = "postgresql"
    skip_locked = " FOR UPDATE SKIP LOCKED"

    def __init__(self, url: str, *, max_size: int = POOL_MAX):
        self.path = redacted(url)
        self.url = url
        self.pool = ConnectionPool(
            url, min_size=1, max_size=max_size, timeout=POOL_TIMEOUT_S, open=False,
            kwargs={"autocommit": True}, name="sellerbot",
        )
        self.pool.open(wait=True, timeout=POOL_TIMEOUT_S)
        self._conn: contextvars.ContextVar[psycopg.Connection | None] = contextvars.ContextVar(
            f"sellerbot-pg-{id(self)}", default=None
        )
        self._lock_timeout_ms: int | None = None  # None: the server's (no limit)

    @classmethod
    def connect(cls, url: str) -> "PgStore":
        """The store, after one direct connection proves the server answers: a wrong host, port,
        password or database name fails in seconds with the server's own reason, instead of the
        pool retrying in the background for POOL_TIMEOUT_S and ending on a timeout."""
        try:
            psycopg.connect(url, connect_timeout=START_TIMEOUT_S).close()
            return cls(url)
        except Exception as exc:
            raise StorageUnavailable(redacted(url), exc) from exc

    @classmethod
    def open(cls, url: str, features: Iterable[Migrations] = ()) -> "PgStore":
        store = cls.connect(url)
        try:
            store.migrate(*features)
        except (psycopg.Error, OSError, MissingTwin) as exc:
            store.close()
            raise StorageUnavailable(redacted(url), exc) from exc
        return store

    # --- statements -----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        conn = self._conn.get()
        if conn is not None:
            yield conn
            return
        with self.pool.connection() as conn:
            yield conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        try:
            with self._connection() as conn, conn.cursor() as cursor:
                cursor.execute(translate(sql), list(params))
                return Result(cursor)
        except Exception as exc:
            raise self._fault(exc) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        try:
            with self._connection() as conn, conn.cursor(row_factory=dict_row) as cursor:
                cursor.execute(translate(sql), list(params))
                return cursor.fetchall() if cursor.description else []
        except Exception as exc:
            raise self._fault(exc) from exc

    def data_version(self) -> object:
        """Always "changed": PostgreSQL has no cheap counter of other sessions' commits, and the
        question it answers (is there something new to schedule?) is two index lookups."""
        return time.monotonic_ns()

    def busy_timeout(self, ms: int) -> None:
        """How long this store's exclusive writes wait for the database's write lock (the advisory
        lock another process holds), as SQLite's busy timeout: past it the write fails as
        `WriteFailed` (PostgreSQL's `lock_timeout`), rather than go on waiting after its caller gave
        up and saving what the user was told was not saved."""
        self._lock_timeout_ms = max(1, int(ms))  # 0 would mean "no limit" to PostgreSQL

    @contextlib.contextmanager
    def write(self, *, exclusive: bool = True) -> Iterator["PgStore"]:
        """One transaction; with `exclusive`, serialised with every other exclusive write of the
        database (see the module's docstring). Nested calls join the outer transaction."""
        outer = self._conn.get()
        if outer is not None:
            with outer.transaction():
                yield self
            return
        try:
            with self.pool.connection() as conn:
                token = self._conn.set(conn)
                try:
                    with conn.transaction():
                        if exclusive:
                            if self._lock_timeout_ms is not None:
                                conn.execute(f"SET LOCAL lock_timeout = {self._lock_timeout_ms}")
                            conn.execute(LOCK_SQL)
                        yield self
                finally:
                    self._conn.reset(token)
        except Exception as exc:
            if isinstance(exc, WriteFailed):
                raise
            cause = exc.cause if isinstance(exc, StoreError) else exc
            if is_fault(cause):
                self._fault(cause)
                raise WriteFailed(cause) from exc
            raise

    def _fault(self, exc: BaseException) -> BaseException:
        """The store's error for a fault (`StoreError`, what adapters catch on both engines; a bug
        stays psycopg's own error). A connection the server dropped (a restart, a fail-over) is
        rarely alone: the pool's idle ones are checked now and replaced, so the user hears "try
        again" once, not once per pooled connection."""
        if isinstance(exc, StoreError) or not is_fault(exc):
            return exc
        if isinstance(exc, psycopg.OperationalError) and self._conn.get() is None:
            with contextlib.suppress(Exception):  # the server may be gone for good: the next call says so
                self.pool.check()
        return StoreError(exc)

    # --- migrations -----------------------------------------------------------------------------
    def migrate(self, *features: Migrations) -> list[str]:
        """Apply the pending PostgreSQL twins of the core's and the given features' migrations, each
        in its own transaction with its record; returns the names applied."""
        sets = list(dict.fromkeys((migrations, *features)))
        missing = [f"{feature.name}:{m.name}" for feature in sets for m in feature._migrations  # type: ignore[attr-defined]
                   if m.name not in POSTGRES_MIGRATIONS.get(feature.name, {})]
        if missing:  # checked before anything is applied
            raise MissingTwin(
                f"SQLite migration(s) {', '.join(missing)} have no PostgreSQL twin;"
                " declare them with bot.store.postgres(...) beside the SQLite ones"
            )
        if self._recorded() >= {(feature.name, m.name) for feature in sets for m in feature._migrations}:  # type: ignore[attr-defined]
            return []
        applied = []
        with self.pool.connection() as conn:
            with conn.transaction():  # under the lock: CREATE … IF NOT EXISTS is not safe against a race
                conn.execute(LOCK_SQL)
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS sellerbot_migrations (migration_set text NOT NULL, name text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (migration_set, name))"
                )
            for feature in sets:
                twins = POSTGRES_MIGRATIONS[feature.name] if feature._migrations else {}  # type: ignore[attr-defined]
                for name in (m.name for m in feature._migrations):  # type: ignore[attr-defined]
                    sql = twins[name]
                    with conn.transaction():
                        conn.execute(LOCK_SQL)
                        done = conn.execute(
                            "SELECT 1 FROM sellerbot_migrations WHERE migration_set = %s AND name = %s",
                            [feature.name, name],
                        ).fetchone()
                        if done:
                            continue
                        if sql.strip():
                            conn.execute(sql)  # several statements: sent without parameters
                        conn.execute("INSERT INTO sellerbot_migrations (migration_set, name) VALUES (%s, %s)",
                                     [feature.name, name])
                    applied.append(f"{feature.name}:{name}")
        return applied

    def _recorded(self) -> set[tuple[str, str]]:
        """The migrations already applied, read without the write lock: a process starting over an
        up-to-date database does not wait for another process's long write (SQLite's start reads
        its migrations without a lock too)."""
        with self.pool.connection() as conn:
            try:
                return {tuple(row) for row in conn.execute("SELECT migration_set, name FROM sellerbot_migrations")}
            except psycopg.errors.UndefinedTable:  # a new database: nothing applied yet
                return set()

    def close(self) -> None:
        self.pool.close()
