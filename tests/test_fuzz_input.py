"""Bad input never crashes a command: property-based tests over every registered command.

Whatever a user types — control characters, mixed scripts, SQL, template syntax, huge messages —
the answer is a normal response or a clear error, never the "something went wrong" of a crash.
"""

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import commands  # noqa: F401  (registers every command, so the fuzzing covers them all)
from bot.clock import FakeClock
from bot.config import Config
from bot.dispatcher import COMMANDS
from bot.model import Request
from bot.services import Services

NASTY = st.sampled_from(
    [
        "'; DROP TABLE reminders; --",
        "{{7*7}}",
        "{% for x in range(10**9) %}x{% endfor %}",
        "${jndi:ldap://127.0.0.1/a}",
        "订单缺陷率 ODR 1% ✅ \u202e",
        "\x00\x1b[31m",
        "-1",
        "99999999999999999999999",
        "#99999999999999999999",
        "²",
        "2026-02-30",
        '"unbalanced',
        "@here <!channel>",
    ]
)
WORDS = st.one_of(NASTY, st.text(min_size=0, max_size=40))


def crashed(response) -> bool:
    return response is not None and response.kind == "error" and "Reference:" in response.text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(COMMANDS) or ["help"]), words=st.lists(WORDS, max_size=4))
def test_no_command_crashes_on_any_arguments(tmp_path_factory, name, words):
    services = _services(tmp_path_factory)
    text = " ".join([name, *words])
    for kind in ("command", "message", "choice"):
        request = Request(kind=kind, text=text, values=[" ".join(words)], lang="zh" if "订" in text else "en")
        response = asyncio.run(services.dispatcher.handle(request))
        assert not crashed(response), (kind, text, response)


_cache: dict = {}


def _services(tmp_path_factory) -> Services:
    if "svc" not in _cache:
        path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
        _cache["svc"] = Services(Config(db=path), clock=FakeClock())
    return _cache["svc"]


def test_a_100kb_message_gets_a_clear_error(services):
    response = asyncio.run(services.dispatcher.handle(Request(text="ask " + "很长的问题" * 20_000)))
    assert response.kind == "error" and "too long" in response.text.lower()
