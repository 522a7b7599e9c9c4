"""Bad input never crashes a command: property-based tests over every command word (English and Chinese).

Whatever a user types — control characters, mixed scripts, SQL, template syntax, huge messages —
the answer is a normal response or a clear error, never the "something went wrong" of a crash.
"""

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_app
from bot.clock import FakeClock
from bot.config import Config
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
@given(name=st.sampled_from(sorted(build_app().commands)), words=st.lists(WORDS, max_size=4))
def test_no_command_crashes_on_any_arguments(shared_db, name, words):
    services = _services(shared_db)
    text = " ".join([name, *words])
    for kind in ("command", "message", "choice"):
        request = Request(kind=kind, text=text, values=[" ".join(words)], lang="zh" if "订" in text else "en")
        response = asyncio.run(services.dispatcher.handle(request))
        assert not crashed(response), (kind, text, response)


_cache: dict = {}


def _services(shared_db) -> Services:
    if "svc" not in _cache:
        _cache["svc"] = Services(Config(db=shared_db("fuzz.db")), clock=FakeClock())
    return _cache["svc"]


def test_a_100kb_message_gets_a_clear_error(services):
    response = asyncio.run(services.dispatcher.handle(Request(text="ask " + "很长的问题" * 20_000)))
    assert response.kind == "error" and "too long" in response.text.lower()


def test_100kb_in_every_kind_of_request_is_refused_or_cut_never_a_crash(services):
    huge = "订单缺陷率 ODR {{7*7}} '; DROP TABLE reminders; -- \x00\u202e " * 2_000  # about 100 KB
    assert len(huge.encode()) > 100_000
    start = asyncio.run(services.dispatcher.handle(Request(text="appeal start", user="u-big", channel="c-big")))
    assert start.kind == "dialog"
    for request in (Request(kind="message", text=huge, user="u-big", channel="c-big"),
                    Request(kind="choice", values=[huge], user="u-big", channel="c-big"),
                    Request(kind="command", text="remind in 2 hours " + huge, user="u-big", channel="c-big")):
        response = asyncio.run(services.dispatcher.handle(request))
        assert not crashed(response), response
        assert response.kind == "error" or "error" in response.data, response.text[:200]
        reason = response.data.get("error") or response.text
        assert "too long" in reason or "is not one of the choices" in reason, reason[:400]
        assert len(reason) < 400  # the refusal quotes a bit of it, not 100 KB
    state = services.dialogs.store.active("console", "u-big", "c-big")
    assert state.current_step == "marketplace" and not state.answers.get("marketplace")


def test_hostile_lines_through_the_console_get_answers_and_are_stored_literally(new_db):
    from tests.conftest import json_lines, run_cli

    sql = "'; DROP TABLE reminders; -- 订单 العربية 😀 {{7*7}} <!channel>"
    lines = [
        "/seller ask " + "x" * 100_000,
        "/seller ask \x1b[31mwhat is ODR\x07",
        f"/seller remind in 2 hours {sql}",
        "/seller remind list",
        "/seller kb search \u202e\u200b%_*' OR 1=1 --",
        "/seller metrics odr 1e309 NaN",
        "/seller case open messaging-warning received '); DELETE FROM cases; --",
        "!choice " + "y" * 20_000,
    ]
    result = run_cli(["console", "--json", "--db", new_db("hostile.db"), "--channel", "C1"],
                     stdin="\n".join(lines) + "\n")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    answers = json_lines(result.stdout)
    assert len(answers) == len(lines)
    assert not any("Reference:" in a["text"] for a in answers)
    assert answers[0]["kind"] == "error" and "too long" in answers[0]["text"]
    assert answers[1]["kind"] == "answer"  # the escape codes were dropped, the question answered
    created, listed = answers[2], answers[3]
    assert created["kind"] == "reminder" and created["text"] == sql  # stored and shown literally
    assert [item["text"] for item in listed["items"]] == [sql]
