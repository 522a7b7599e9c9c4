"""The reference deployment (Dockerfile, docker-compose.yml, .env.example, Procfile) says what the
README says: postgres gates every other process through its health check, two web processes and
two clocks share the one SELLERBOT_DB, one Discord gateway, every command is one the real CLI
accepts, and no secret is written in the repository. There is no Docker here, so the files are
read as Compose reads them: YAML (anchors and merge keys included), then `${…}` interpolation."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from bot.cli import build_parser
from tests.conftest import ROOT

SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD")
TOKEN_SHAPES = re.compile(r"xox[abpr]-[0-9A-Za-z-]{10,}|xapp-[0-9A-Za-z-]{10,}|[MN][A-Za-z\d]{23}\.[\w-]{6}\.[\w-]{27}")
INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


class Unset(Exception):
    pass


def interpolate(value, env: dict[str, str]):
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and `$$`, through nested data."""
    if isinstance(value, dict):
        return {k: interpolate(v, env) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env) for v in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.groups()
        current = env.get(name)
        empty = current is None or (op is not None and op.startswith(":") and current == "")
        if op and op.endswith("?") and empty:
            raise Unset(f"{name}: {arg}")
        if op and op.endswith("-") and empty:
            return arg
        return current or ""

    return INTERPOLATION.sub(one, value)


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def compose_raw() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def compose(**overrides: str) -> dict:
    """The compose file as `docker compose config` would see it with .env.example filled in."""
    env = {**env_example(), "POSTGRES_PASSWORD": "pw-for-the-test", **overrides}
    return interpolate(compose_raw(), env)


def entrypoint() -> list[str]:
    lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("ENTRYPOINT")]
    assert len(lines) == 1, lines
    return json.loads(lines[0].split(None, 1)[1])


def replicas(service: dict) -> int:
    return int((service.get("deploy") or {}).get("replicas", 1))


def sellerbot_args(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def processes() -> dict[str, list[str]]:
    """Service name -> the process (`slack`, `clock`, `discord`) its command runs."""
    return {name: sellerbot_args(s)[0] for name, s in compose()["services"].items() if name != "postgres"}


def test_the_services_and_how_many_processes_each_runs():
    services = compose()["services"]
    assert set(services) == {"postgres", "web-1", "web-2", "clock", "discord"}
    counted: dict[str, int] = {}
    for name, process in processes().items():
        counted[process] = counted.get(process, 0) + replicas(services[name])
    assert counted == {"slack": 2, "clock": 2, "discord": 1}
    assert replicas(services["postgres"]) == 1


@pytest.mark.parametrize("name", ["web-1", "web-2", "clock", "discord"])
def test_each_command_is_one_the_cli_accepts_and_leaves_reminders_to_the_clocks(name):
    service = compose()["services"][name]
    assert entrypoint() == ["sellerbot"]
    args = build_parser().parse_args(sellerbot_args(service))  # exits (fails the test) on an unknown flag
    if args.process == "clock":
        assert args.seconds is None  # runs until stopped
    else:
        assert args.no_scheduler, f"{name} would deliver reminders beside the clocks"
    assert "db" not in vars(args) or args.db is None  # the database comes from SELLERBOT_DB, shared


def test_every_process_uses_the_same_database_the_postgres_service_creates():
    services = compose()["services"]
    pg = services["postgres"]["environment"]
    urls = {name: s["environment"]["SELLERBOT_DB"] for name, s in services.items() if name != "postgres"}
    assert len(set(urls.values())) == 1, urls
    url = urlsplit(next(iter(urls.values())))
    assert url.scheme == "postgresql" and url.hostname == "postgres" and (url.port or 5432) == 5432
    assert (unquote(url.username), unquote(url.password), url.path.lstrip("/")) == (
        pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"], pg["POSTGRES_DB"])
    assert "pgdata" in compose()["volumes"] and any(v.startswith("pgdata:/var/lib/postgresql/data")
                                                    for v in services["postgres"]["volumes"])


def test_postgres_health_gates_every_other_process():
    services = compose()["services"]
    check = services["postgres"]["healthcheck"]["test"]
    assert "pg_isready" in " ".join(check)
    for name, service in services.items():
        if name != "postgres":
            assert service["depends_on"] == {"postgres": {"condition": "service_healthy"}}, name


def test_the_web_processes_listen_where_they_are_published():
    services = compose()["services"]
    host_ports = []
    for name in ("web-1", "web-2"):
        args = build_parser().parse_args(sellerbot_args(services[name]))
        [mapping] = services[name]["ports"]
        host, container = str(mapping).rsplit(":", 1)
        assert int(container) == args.port, name
        assert f":{args.port}/health" in " ".join(services[name]["healthcheck"]["test"])
        host_ports.append(int(host))
    assert len(set(host_ports)) == 2
    assert "ports" not in services["postgres"] and "ports" not in services["clock"]


def test_no_password_no_start_and_no_secret_in_the_repository():
    with pytest.raises(Unset, match="POSTGRES_PASSWORD"):
        compose(POSTGRES_PASSWORD="")  # no default password to fall back on
    example = env_example()
    secrets = [key for key in example if any(word in key for word in SECRET_WORDS)]
    assert {"POSTGRES_PASSWORD", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCORD_TOKEN"} <= set(secrets)
    assert {key: example[key] for key in secrets if example[key]} == {}
    raw = compose_raw()
    for name, service in raw["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in SECRET_WORDS):
                assert re.fullmatch(r"\$\{[A-Z_]+(:\?[^}]*)?\}", str(value)), (name, key, value)
    referenced = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", (ROOT / "docker-compose.yml").read_text()))
    assert referenced <= set(example), f"not in .env.example: {referenced - set(example)}"
    for path in ("docker-compose.yml", ".env.example", "Dockerfile", "Procfile"):
        assert not TOKEN_SHAPES.search((ROOT / path).read_text()), path
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT)
    assert ignored.returncode == 0, ".env is not git-ignored"
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_the_image_installs_the_package_and_runs_it_unprivileged():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    assert re.fullmatch(r"FROM python:3\.1[1-9]-slim", lines[0]), lines[0]
    assert any(re.match(r"RUN pip install \.(\s|$)", line) for line in lines)
    users = [line.split(None, 1)[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts[entrypoint()[0]] == "bot.cli:main"


def test_procfile_commands_are_ones_the_cli_accepts():
    found = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip():
            name, command = line.split(":", 1)
            words = shlex.split(command.replace("$PORT", "5000"))
            assert words[0] == "sellerbot", line
            found[name] = build_parser().parse_args(words[1:])
    assert set(found) == {"web", "discord", "clock"}
    assert found["web"].process == "slack" and found["web"].no_scheduler and found["web"].port == 5000
    assert found["discord"].process == "discord" and found["discord"].no_scheduler
    assert found["clock"].process == "clock"
