"""SQLite storage through sqlite-utils: one file, WAL, a busy timeout, migrations at start.

Each feature keeps its own migration set (`sqlite_utils.Migrations("sellerbot.<feature>")`) in its
own module and hands it to `Store.open` (the services do, for the core features) or to
`Store.migrate` (each adapter, for its own tables); whatever is pending is applied, so an old
database is brought up to date when the bot starts. Storage names no feature and no adapter.

Storage faults are told as they are: a database that cannot be used at start is
`StorageUnavailable` (the CLI prints it on one line and exits 2); a write that fails at run time is
`WriteFailed` (the dispatcher answers "not saved — try again"), while reads go on working.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

BUSY_TIMEOUT_S = 30
"""A second process waits this long for the write lock instead of failing at once."""

migrations = Migrations("sellerbot.core")

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
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, words in _REASONS.items():
        if name.startswith(prefix):
            return words
    if isinstance(exc, OSError):
        text = exc.strerror or str(exc)
        return text, text
    return str(exc) or type(exc).__name__, str(exc) or type(exc).__name__


def is_storage_fault(exc: BaseException) -> bool:
    """A fault of the database or its disk (full, read-only, busy, damaged), as opposed to a bug such
    as a broken constraint or bad SQL, which stays a crash with a reference."""
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


class WriteFailed(sqlite3.OperationalError):
    """A write did not happen (disk full, read-only file, lock held too long): nothing was saved.
    Still a sqlite3.OperationalError, so code that catches SQLite's own errors keeps working."""

    def __init__(self, cause: BaseException):
        super().__init__(str(cause))
        self.cause = cause
        self.sqlite_errorcode = getattr(cause, "sqlite_errorcode", None)
        self.sqlite_errorname = getattr(cause, "sqlite_errorname", None)

    def reason(self, lang: str) -> str:
        en, zh = reason(self.cause)
        return zh if lang == "zh" else en


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    db["channel_settings"].create(
        {"platform": str, "channel": str, "key": str, "value": str, "updated_at": str},
        pk=("platform", "channel", "key"),
        if_not_exists=True,
    )


@migrations()
def m002_user_settings(db: sqlite_utils.Database) -> None:
    db["user_settings"].create(
        {"platform": str, "user": str, "key": str, "value": str, "updated_at": str},
        pk=("platform", "user", "key"),
        if_not_exists=True,
    )


@migrations()
def m003_settings_workspace(db: sqlite_utils.Database) -> None:
    """Channel settings belong to a workspace too (one channel id can be shared between Slack
    workspaces); settings saved before have the workspace "" and apply until one is saved."""
    db["channel_settings"].add_column("workspace", str, not_null_default="")
    db["channel_settings"].transform(pk=("platform", "workspace", "channel", "key"))


class Store:
    """The database handle every service shares (one connection per process)."""

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
    def open(cls, path: str | Path, features: Iterable[Migrations] = ()) -> "Store":
        """Open and migrate the database (the core's migrations and the given features'); raises
        StorageUnavailable when it cannot be used (a read-only, damaged or unreachable file), so a
        process stops with the file and the cause, not a trace."""
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
        applied = []
        for feature_migrations in dict.fromkeys((migrations, *features)):
            pending = [m.name for m in feature_migrations.pending(self.db)]
            feature_migrations.apply(self.db)
            applied.extend(f"{feature_migrations.name}:{name}" for name in pending)
        return applied

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A short write transaction that takes the write lock first (BEGIN IMMEDIATE).

        Use it for read-then-write steps that must not interleave with another process,
        such as claiming a reminder for delivery.
        """
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if is_storage_fault(exc):
                raise WriteFailed(exc) from exc
            raise

    def get_setting(self, platform: str, channel: str, key: str, workspace: str = "") -> str | None:
        """The channel's setting in `workspace`, else one saved before workspaces were recorded."""
        rows = list(
            self.db["channel_settings"].rows_where(
                "platform = ? and channel = ? and key = ? and workspace in (?, '')",
                [platform, channel, key, workspace or ""],
                order_by="workspace desc",
                limit=1,
            )
        )
        return rows[0]["value"] if rows else None

    def set_setting(self, platform: str, channel: str, key: str, value: str, at: str, workspace: str = "") -> None:
        with self.write() as db:
            db["channel_settings"].upsert(
                {"platform": platform, "workspace": workspace or "", "channel": channel, "key": key,
                 "value": value, "updated_at": at},
                pk=("platform", "workspace", "channel", "key"),
            )

    def get_user_setting(self, platform: str, user: str, key: str) -> str | None:
        rows = list(self.db["user_settings"].rows_where("platform = ? and user = ? and key = ?", [platform, user, key]))
        return rows[0]["value"] if rows else None

    def set_user_setting(self, platform: str, user: str, key: str, value: str, at: str) -> None:
        with self.write() as db:
            db["user_settings"].upsert(
                {"platform": platform, "user": user, "key": key, "value": value, "updated_at": at},
                pk=("platform", "user", "key"),
            )

    def close(self) -> None:
        self.db.conn.close()
