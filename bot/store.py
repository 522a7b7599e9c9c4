"""Storage: one interface, two engines. SQLite through sqlite-utils (one file, WAL, a busy timeout;
the embedded default) or PostgreSQL through psycopg 3 (bot/store_pg.py: many processes on many
hosts), chosen by `SELLERBOT_DB`: a path, or a `postgresql://` URL.

Features speak to the database only through the narrow interface both engines implement — `execute`
and `query` with `?` placeholders, `insert` (returns the new id), `upsert`, `update`, and `write()`
for a transaction that must not interleave with another process — in SQL both engines understand
(`INSERT … ON CONFLICT`, `RETURNING`, `"user"` quoted: it is a reserved word in PostgreSQL). The few
differences live here, never in a feature: `skip_locked` (rows another process is claiming are passed
over on PostgreSQL; SQLite has a single writer anyway) and `data_version()`.

Each feature keeps its own SQLite migration set (`sqlite_utils.Migrations("sellerbot.<feature>")`) in its
own module and hands it to `Store.open` (the services do, for the core features) or to
`Store.migrate` (each adapter, for its own tables); whatever is pending is applied, so an old
database is brought up to date when the bot starts. Storage names no feature and no adapter. Its
PostgreSQL twin is plain SQL declared beside it with `postgres(migrations, m001_name="CREATE …")`,
under the same names: PostgreSQL refuses to start while a SQLite migration has no twin.

Storage faults are told as they are: a database that cannot be used at start is
`StorageUnavailable` (the CLI prints it on one line and exits 2); at run time, a fault of either
engine is a `StoreError` (the adapters and the dispatcher catch that, never an engine's own error),
and a write transaction that failed is its kind `WriteFailed` (the dispatcher answers "not saved —
try again"), while reads go on working.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations
from sqlite_utils.utils import dedupe_keys

BUSY_TIMEOUT_S = 30
"""A second process waits this long for the write lock instead of failing at once."""

migrations = Migrations("sellerbot.core")

POSTGRES_MIGRATIONS: dict[str, dict[str, str]] = {}
"""SQLite migration set name -> {migration name: PostgreSQL SQL}, filled by `postgres()`."""


def postgres(feature: Migrations, **sql: str) -> dict[str, str]:
    """Declare the PostgreSQL twin of a feature's SQLite migrations: plain SQL, one string per
    migration, under the SQLite migration's name and in the same order (an empty string when the
    SQLite step has nothing to do on PostgreSQL). Applied in order and recorded by bot/store_pg.py."""
    POSTGRES_MIGRATIONS.setdefault(feature.name, {}).update(sql)
    return POSTGRES_MIGRATIONS[feature.name]


def is_url(target: str | Path) -> bool:
    """Whether `SELLERBOT_DB` names a PostgreSQL server rather than a SQLite file."""
    return str(target).startswith(("postgresql://", "postgres://"))


def redacted(target: str | Path) -> str:
    """The database as it may be logged: a URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", str(target))


def quote(name: str) -> str:
    """An identifier quoted for both engines (`user` is reserved in PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


@functools.lru_cache(maxsize=64)
def insert_sql(table: str, columns: tuple[str, ...], returning: str | None) -> str:
    cols = ", ".join(quote(c) for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {quote(table)} ({cols}) VALUES ({marks})" + (f" RETURNING {quote(returning)}" if returning else "")


@functools.lru_cache(maxsize=64)
def upsert_sql(table: str, columns: tuple[str, ...], pk: tuple[str, ...]) -> str:
    others = [c for c in columns if c not in pk]
    action = ("DO UPDATE SET " + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in others)) if others else "DO NOTHING"
    return insert_sql(table, columns, None) + f" ON CONFLICT ({', '.join(quote(c) for c in pk)}) {action}"


class Queries:
    """The narrow interface every feature uses, written once over `execute` (each engine supplies
    `execute` and `write`): `?` placeholders, rows as dicts, portable SQL."""

    dialect = ""
    skip_locked = ""
    """Appended to a `SELECT … FOR UPDATE`-able query that claims rows: on PostgreSQL rows another
    transaction has locked are passed over (` FOR UPDATE SKIP LOCKED`); SQLite has one writer."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:  # pragma: no cover - engines
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:  # pragma: no cover
        raise NotImplementedError

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        """The first row of a query, or None."""
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def insert(self, table: str, row: dict[str, Any], *, returning: str | None = "id") -> Any:
        """Insert one row; returns its `returning` column (the new id), or None."""
        result = self.execute(insert_sql(table, tuple(row), returning), list(row.values()))
        return result.fetchone()[0] if returning else None

    def upsert(self, table: str, row: dict[str, Any], pk: str | tuple[str, ...]) -> None:
        """Insert the row, or update the given columns of the row with the same primary key."""
        pk = (pk,) if isinstance(pk, str) else tuple(pk)
        self.execute(upsert_sql(table, tuple(row), pk), list(row.values()))

    def update(self, table: str, key: Any, fields: dict[str, Any], *, pk: str = "id") -> int:
        """Set `fields` on the row whose `pk` is `key`; returns the number of rows changed."""
        assignments = ", ".join(f"{quote(c)} = ?" for c in fields)
        return self.execute(f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = ?",
                            [*fields.values(), key]).rowcount

    def data_version(self) -> object:  # pragma: no cover - engines
        raise NotImplementedError

    def write(self, *, exclusive: bool = True) -> Any:  # pragma: no cover - engines
        raise NotImplementedError

    def get_setting(self, platform: str, channel: str, key: str, workspace: str = "") -> str | None:
        """The channel's setting in `workspace`, else one saved before workspaces were recorded."""
        row = self.one(
            "SELECT value FROM channel_settings WHERE platform = ? AND channel = ? AND key = ?"
            " AND workspace IN (?, '') ORDER BY workspace DESC LIMIT 1",
            [platform, channel, key, workspace or ""],
        )
        return row["value"] if row else None

    def set_setting(self, platform: str, channel: str, key: str, value: str, at: str, workspace: str = "") -> None:
        with self.write() as db:
            db.upsert(
                "channel_settings",
                {"platform": platform, "workspace": workspace or "", "channel": channel, "key": key,
                 "value": value, "updated_at": at},
                pk=("platform", "workspace", "channel", "key"),
            )

    def get_user_setting(self, platform: str, user: str, key: str) -> str | None:
        row = self.one('SELECT value FROM user_settings WHERE platform = ? AND "user" = ? AND key = ?',
                       [platform, user, key])
        return row["value"] if row else None

    def set_user_setting(self, platform: str, user: str, key: str, value: str, at: str) -> None:
        with self.write() as db:
            db.upsert(
                "user_settings",
                {"platform": platform, "user": user, "key": key, "value": value, "updated_at": at},
                pk=("platform", "user", "key"),
            )

_REASONS = {
    # sqlite3.Error.sqlite_errorname prefix -> why, in words a user can act on
    "SQLITE_FULL": ("the disk is full", "磁盘已满"),
    "SQLITE_READONLY": ("the database file is read-only", "数据库文件只读"),
    "SQLITE_BUSY": ("the database is busy with another process", "数据库正被其他进程占用"),
    "SQLITE_LOCKED": ("the database is busy with another process", "数据库正被其他进程占用"),
    "SQLITE_IOERR": ("the disk could not be written or read", "磁盘读写出错"),
    "SQLITE_CORRUPT": ("the database file is damaged", "数据库文件已损坏"),
    "SQLITE_NOTADB": ("the file is not a SQLite database (damaged, or another file)", "该文件不是 SQLite 数据库（已损坏或是其他文件）"),
    "SQLITE_CANTOPEN": ("the file cannot be opened (missing folder or no permission)", "无法打开该文件（目录不存在或没有权限）"),
    "SQLITE_PERM": ("no permission to use the file", "没有使用该文件的权限"),
}


def reason(exc: BaseException) -> tuple[str, str]:
    """Why a database operation failed, in English and Chinese (from SQLite's error name)."""
    if isinstance(exc, StoreError):
        exc = exc.cause
    if _from_psycopg(exc):
        return ("the database server cannot be reached or refused the request",
                "无法连接数据库服务器，或服务器拒绝了请求")
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, words in _REASONS.items():
        if name.startswith(prefix):
            return words
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        return text, text
    return str(exc) or type(exc).__name__, str(exc) or type(exc).__name__


def _from_psycopg(exc: BaseException) -> bool:
    return type(exc).__module__.startswith(("psycopg", "psycopg_pool"))


def is_storage_fault(exc: BaseException) -> bool:
    """A fault of the database or its disk (full, read-only, busy, damaged), as opposed to a bug such
    as a broken constraint or bad SQL, which stays a crash with a reference."""
    if isinstance(exc, StoreError):
        return True
    if _from_psycopg(exc):
        from bot.store_pg import is_fault

        return is_fault(exc)
    return isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError
    ) and any((getattr(exc, "sqlite_errorname", "") or "").startswith(p) for p in _REASONS)


class StorageUnavailable(Exception):
    """The database cannot be used at all (at start): names the file and the cause."""

    def __init__(self, path: str, cause: BaseException):
        super().__init__(path, cause)
        self.path = path
        self.cause = cause

    def __str__(self) -> str:
        detail = str(self.cause).strip()
        why = reason(self.cause)[0]
        return f"cannot use the database {self.path}: {why}" + (f" ({detail})" if detail and detail != why else "")


class StoreError(Exception):
    """A fault of the database, its disk or its server, on either engine (full, read-only, busy,
    damaged, unreachable, restarted): the one type adapters and the dispatcher catch to say "the
    database failed — try again", whichever engine runs. Each engine raises it (or `WriteFailed`)
    in place of its own error for a fault, with that error as `cause`; a bug (bad SQL, a broken
    constraint) is not one and stays the engine's own error, a crash with a reference."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause

    def reason(self, lang: str) -> str:
        en, zh = reason(self.cause)
        return zh if lang == "zh" else en


class WriteFailed(StoreError):
    """A write transaction did not happen (disk full, read-only file, lock held too long, server
    gone): it was rolled back, nothing of it was saved."""


def fault(exc: BaseException) -> BaseException:
    """The store's error for an engine's error: a fault becomes `StoreError`, a bug stays itself."""
    if isinstance(exc, StoreError) or not is_storage_fault(exc):
        return exc
    return StoreError(exc)


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db.table("channel_settings").create(
        {"platform": str, "channel": str, "key": str, "value": str, "updated_at": str},
        pk=("platform", "channel", "key"),
        if_not_exists=True,
    )


@migrations()
def m002_user_settings(db: sqlite_utils.Database) -> None:
    db.table("user_settings").create(
        {"platform": str, "user": str, "key": str, "value": str, "updated_at": str},
        pk=("platform", "user", "key"),
        if_not_exists=True,
    )


@migrations()
def m003_settings_workspace(db: sqlite_utils.Database) -> None:
    """Channel settings belong to a workspace too (one channel id can be shared between Slack
    workspaces); settings saved before have the workspace "" and apply until one is saved."""
    db.table("channel_settings").add_column("workspace", str, not_null_default="")
    db.table("channel_settings").transform(pk=("platform", "workspace", "channel", "key"))


postgres(
    migrations,
    # No PostgreSQL database predates workspaces: the first step creates today's shape.
    m001_core="""
        CREATE TABLE channel_settings (
            platform text NOT NULL, workspace text NOT NULL DEFAULT '', channel text NOT NULL,
            key text NOT NULL, value text, updated_at text COLLATE "C",
            PRIMARY KEY (platform, workspace, channel, key));
    """,
    m002_user_settings="""
        CREATE TABLE user_settings (
            platform text NOT NULL, "user" text NOT NULL, key text NOT NULL, value text,
            updated_at text COLLATE "C", PRIMARY KEY (platform, "user", key));
    """,
    m003_settings_workspace="",
)


class Store(Queries):
    """The SQLite database every service of a process shares (one connection per process).

    `Store.open`/`Store.connect` given a `postgresql://` URL return a `PgStore` (bot/store_pg.py)
    instead, with the same interface."""

    dialect = "sqlite"

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        self.db = sqlite_utils.Database(conn)
        if self.path != ":memory:":
            self.db.enable_wal()
            # With WAL, NORMAL loses nothing when a process crashes (only on power loss, the last
            # commits), and saves a disk sync per commit.
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        conn.execute("PRAGMA foreign_keys = ON")

    @classmethod
    def connect(cls, target: str | Path) -> "Store":
        """A handle on the database without migrating it (a second connection of a process)."""
        if is_url(target):
            from bot.store_pg import PgStore

            return PgStore.connect(str(target))  # type: ignore[return-value]
        return cls(target)

    @classmethod
    def open(cls, path: str | Path, features: Iterable[Migrations] = ()) -> "Store":
        """Open and migrate the database (the core's migrations and the given features'); raises
        StorageUnavailable when it cannot be used (a read-only, damaged or unreachable file), so a
        process stops with the file and the cause, not a trace."""
        if is_url(path):
            from bot.store_pg import PgStore

            return PgStore.open(str(path), features)  # type: ignore[return-value]
        store = None
        try:
            store = cls(path)
            store.migrate(*features)
            if store.path != ":memory:":
                store.probe_write()
        except (sqlite3.Error, OSError) as exc:
            if store is not None:
                with contextlib.suppress(sqlite3.Error):
                    store.close()
            raise StorageUnavailable(str(path), exc) from exc
        return store

    def probe_write(self) -> None:
        """Write once and roll it back: a read-only file opens, reads and needs no migration, and
        would otherwise only fail at the first user's write."""
        conn = self.db.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("PRAGMA busy_timeout = 0")  # another process writing now proves the file writable
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(f"PRAGMA user_version = {int(version)}")
            finally:
                conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if not (getattr(exc, "sqlite_errorname", "") or "").startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")

    def migrate(self, *features: Migrations) -> list[str]:
        """Apply the pending migrations of the core and of the given features; returns the names
        applied."""
        applied: list[str] = []
        for feature_migrations in dict.fromkeys((migrations, *features)):
            pending = [m.name for m in feature_migrations.pending(self.db)]
            feature_migrations.apply(self.db)
            applied.extend(f"{feature_migrations.name}:{name}" for name in pending)
        return applied

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise fault(exc) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts. A plain SELECT runs as one statement: sqlite-utils' `query` wraps each in a
        SAVEPOINT and a RELEASE (three statements, a transaction begun and ended) to roll back a
        statement that turns out to write and return no rows, which a SELECT never does; every
        other statement (`UPDATE … RETURNING`, PRAGMA) still goes through it."""
        try:
            if sql.lstrip()[:6].lower() == "select":
                cursor = self.db.conn.execute(sql, params)
                keys = dedupe_keys(column[0] for column in cursor.description)
                return [dict(zip(keys, row)) for row in cursor.fetchall()]
            return list(self.db.query(sql, params))
        except sqlite3.Error as exc:
            raise fault(exc) from exc

    def data_version(self) -> object:
        """Changes when another connection commits (the scheduler polls it to notice new rows)."""
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def busy_timeout(self, ms: int) -> None:
        """How long this connection waits for another process's write lock."""
        self.db.conn.execute(f"PRAGMA busy_timeout = {int(ms)}")

    @contextlib.contextmanager
    def write(self, *, exclusive: bool = True) -> Iterator["Store"]:
        """A short write transaction that takes the write lock first (BEGIN IMMEDIATE).

        Use it for read-then-write steps that must not interleave with another process. SQLite has
        one writer, so `exclusive` changes nothing here (on PostgreSQL, False leaves the locking to
        the statements: `skip_locked`). Yields the store: every call inside is in the transaction.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
        except (sqlite3.Error, StoreError) as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, WriteFailed):
                raise
            if is_storage_fault(exc):
                cause = exc.cause if isinstance(exc, StoreError) else exc
                raise WriteFailed(cause) from exc
            raise

    def close(self) -> None:
        self.db.conn.close()

