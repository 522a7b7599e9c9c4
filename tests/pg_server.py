"""A throwaway PostgreSQL server for the tests: `initdb` into a temp folder and `pg_ctl start`
listening on 127.0.0.1 on a free port, durability off (fsync), one database per test.

A test's database is a copy of a template migrated once per session (`CREATE DATABASE … TEMPLATE`,
~25 ms) rather than an empty schema migrated by the bot (~150 ms of DDL each): the whole suite on
PostgreSQL would otherwise spend minutes creating tables. Tests of the migrations themselves ask for
an empty schema (`new_schema`).

initdb refuses to run as root: as root, the server runs as the `postgres` user when it exists (or
one created with `useradd`). Its binaries are found on PATH, else under /usr/lib/postgresql/*/bin
(Debian's `postgresql` package, which `.ci/run` installs when initdb is missing).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

USER = "postgres"


class PgUnavailable(Exception):
    pass


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True):
        return candidate
    raise PgUnavailable(f"{name} not found on PATH or under /usr/lib/postgresql/*/bin")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", USER], check=True, capture_output=True)
    return ["runuser", "-u", USER, "--", *cmd]


class PgServer:
    def __init__(self, folder: Path, port: int):
        self.folder = folder
        self.port = port
        self.base = f"postgresql://{USER}@127.0.0.1:{port}/postgres"
        self._template: str | None = None

    @classmethod
    def start(cls) -> "PgServer":
        """In a folder of its own (pytest's temp folders are closed to other users)."""
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        folder = Path(tempfile.mkdtemp(prefix="sellerbot-pg-"))
        data = folder / "data"
        if os.geteuid() == 0:
            _as_user(["true"])  # creates the user if needed
            shutil.chown(folder, USER)
        port = _free_port()
        steps = [
            [initdb, "-D", str(data), "-A", "trust", "-U", USER, "--no-locale", "-E", "UTF8"],
            [pg_ctl, "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "start",
             "-o", f"-h 127.0.0.1 -p {port} -k {folder} -F -c synchronous_commit=off -c full_page_writes=off"],
        ]
        for step in steps:
            done = subprocess.run(_as_user(step), capture_output=True, text=True)
            if done.returncode != 0:
                log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
                raise PgUnavailable(f"{Path(step[0]).name} failed: {done.stderr.strip() or done.stdout.strip()} {log[-500:]}")
        server = cls(folder, port)
        server.pg_ctl = pg_ctl
        return server

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.base, autocommit=True) as conn:
            conn.execute(statement)

    def new_schema(self) -> str:
        """A URL whose connections use a fresh, empty schema (search_path), as a fresh database."""
        name = "t_" + uuid.uuid4().hex[:12]
        self._sql(f"CREATE SCHEMA {name}")
        return f"{self.base}?options={quote(f'-csearch_path={name}')}"

    def drop_schema(self, url: str) -> None:
        name = url.rsplit("%3D", 1)[-1]
        self._sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def _database_url(self, name: str) -> str:
        return self.base.rsplit("/", 1)[0] + "/" + name

    def new_database(self) -> str:
        """A URL naming a fresh database with every migration of the bot and its adapters applied
        (a copy of the session's template; the bot finds nothing to migrate)."""
        if self._template is None:
            self._template = self._make_template()
        name = "t_" + uuid.uuid4().hex[:12]
        self._sql(f"CREATE DATABASE {name} TEMPLATE {self._template}")
        return self._database_url(name)

    def drop_database(self, url: str) -> None:
        """FORCE: a test that left its store open (a process it killed) does not keep it alive."""
        self._sql(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[-1]} WITH (FORCE)")

    def _make_template(self) -> str:
        from adapters.discord.store import migrations as discord
        from adapters.slack.store import migrations as slack
        from bot.services import feature_migrations
        from bot.store import Store

        name = "sellerbot_template"
        self._sql(f"CREATE DATABASE {name}")
        Store.open(self._database_url(name), (*feature_migrations(), slack, discord)).close()
        return name

    def drop_connections(self) -> int:
        """End every other client connection, as a server restart or a fail-over does: the pools
        of the processes under test hold dead connections until they next use them."""
        import psycopg

        with psycopg.connect(self.base, autocommit=True) as conn:
            return len(conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()").fetchall())

    def stop(self) -> None:
        subprocess.run(_as_user([self.pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)
