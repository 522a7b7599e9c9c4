"""Property tests over the appeal dialogue and its letters.

- A started dialogue driven with arbitrary text, arbitrary button values and the offered buttons:
  never a crash; every refusal says why and leaves the dialogue where it was; free text is saved as
  typed (after the dispatcher's normalisation: NFC, no control characters, no edge spaces).
- Letters: arbitrary strings in every field a user types are printed literally; Jinja syntax
  among them stays text.
"""

from __future__ import annotations

import asyncio
import re

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.config import Config
from bot.dispatcher import clean_text
from bot.model import Request
from bot.services import Services
from tests.appeal_helpers import fixed_answers, state_with

JINJA = ["{{7*7}}", "{{ ''.__class__.__mro__ }}", "{% for x in range(3) %}X{% endfor %}", "{#", "#}", "{%", "%}",
         "{{", "}}", "{% raw %}", "{{ store_name }}", "{% include 'base.md.j2' %}", "${x}", "<%= x %>"]
NASTY = ["'; DROP TABLE dialogs; --", "Robert'); DELETE FROM reminders;--", "\x00\x07\x1b[31m", "\u202eevil",
         "订单缺陷率 ODR 1.59% العربية Ελληνικά 😀", "\u200b\ufeff", "back", "cancel", "skip", "done", "edit store_name",
         "返回", "取消", "!choice", "cmd:help", "cmd:appeal cancel", "2026-11-20", "113-4567890-1234567", "a" * 5000]
TEXT = st.one_of(
    st.sampled_from(JINJA + NASTY),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.lists(st.sampled_from(JINJA + NASTY[:6]) | st.text(max_size=8), max_size=5).map("".join),
)
LINE_SAFE = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85")
FIELD = st.one_of(
    st.sampled_from(JINJA),
    st.lists(st.sampled_from(JINJA) | st.text(LINE_SAFE, max_size=10), min_size=1, max_size=5).map("".join),
).map(str.strip).filter(bool)

VALID = {"notice_date": "2026-11-20", "order_ids": "113-4567890-1234567", "conversation_orders": "113-4567890-1234567",
         "asins": "B0C1234567", "cdiscount_orders": "2011051803T1VLZ", "login_email": "ops@example.com"}
"""Answers that move a step on, so the fuzzing reaches the free-text steps."""
FREE_TEXT = ("notice_text", "store_name", "complaint_ref", "related_account")

_services: dict = {}


def _shared_services(shared_db) -> Services:
    if "svc" not in _services:
        _services["svc"] = Services(Config(db=shared_db("fuzz-appeal.db"), tz="UTC"), clock=FakeClock())
    return _services["svc"]


def _crashed(response) -> bool:
    return response is not None and response.kind == "error" and "Reference:" in response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_a_dialogue_driven_with_anything_never_crashes_and_every_refusal_has_a_reason(shared_db, data):
    services = _shared_services(shared_db)
    flow = services.dialogs.flows.get("appeal")
    user = f"fuzz-{data.draw(st.integers(0, 10**9), label='user')}"
    base = {"user": user, "channel": "c-fuzz", "platform": "console"}

    last_before: list = [None]

    def handle(kind: str, text: str = "", values: list[str] | None = None):
        """One request; `last_before[0]` keeps the dialogue's state just before it."""
        last_before[0] = current()
        lang = data.draw(st.sampled_from(["en", "zh"]), label="lang")
        request = Request(kind=kind, text=text, values=values or [], lang=lang, **base)
        return asyncio.run(services.dispatcher.handle(request))

    def current():
        return services.dialogs.store.active("console", user, "c-fuzz")

    response = handle("command", "appeal start")
    assert response.kind == "dialog"
    for _ in range(data.draw(st.integers(1, 16), label="turns")):
        if current() is None:
            break
        offered = [c.value for c in response.choices] if response is not None else []
        step = (response.data.get("step") if response is not None else None) or ""
        how = data.draw(st.sampled_from(["valid", "valid", "offered", "text", "value", "several"]), label="how")
        if how == "valid" and step in VALID:
            typed, response = None, handle("message", VALID[step])
        elif how == "valid" and step in FREE_TEXT:  # anything at all is a fair answer here
            typed = data.draw(TEXT, label="free text")
            response = handle("message", typed)
        elif how == "valid" and offered:
            typed, response = None, handle("choice", values=[offered[0]])
            if response is not None and response.data.get("answer_type") == "multi" and response.data.get("step") == step:
                response = handle("choice", values=["done"])
        elif how in ("valid", "offered") and offered:
            typed, response = None, handle("choice", values=[data.draw(st.sampled_from(offered), label="press")])
        elif how == "several" and offered:
            presses = data.draw(st.lists(st.sampled_from(offered) | TEXT, min_size=2, max_size=4), label="presses")
            typed, response = None, handle("choice", values=presses)
        elif how == "value":
            typed, response = None, handle("choice", values=[data.draw(TEXT, label="value")])
        else:
            typed = data.draw(TEXT, label="text")
            response = handle("message", typed)
        assert response is not None, "an active dialogue always answers"
        assert not _crashed(response), response.text
        assert "Traceback" not in response.text
        after, before = current(), last_before[0]
        refused = response.kind == "error" or "error" in response.data
        if refused:
            event("refused")
            reason = response.data.get("error") or response.text
            assert len(reason.strip()) >= 6, response  # says what was wrong (请回答这个问题。), not just "no"
            if after is not None and before is not None and before.current_step:
                assert after.current_step == before.current_step  # a refusal does not move the dialogue
                step_id = before.current_step  # (an untouched multi step may go from None to [])
                assert (after.answers.get(step_id) or None) == (before.answers.get(step_id) or None)
        elif typed is not None and after is not None and before is not None and before.current_step in after.answers:
            saved = after.answers[before.current_step]
            if isinstance(saved, str) and before.current_step in FREE_TEXT:
                event("free text saved")
                expected = clean_text(typed)
                if flow.step(before.current_step).type == "text":  # a one-line field: runs of spaces become one
                    expected = re.sub(r"\s+", " ", expected)
                assert saved == expected  # stored literally
    if current() is not None:
        handle("command", "appeal cancel")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(violation=st.sampled_from(["odr", "messaging", "ip-infringement", "linked-accounts", "cdiscount-formal-notice"]),
       language=st.sampled_from(["en", "fr"]), store=FIELD, email=FIELD, notice=FIELD, ref=FIELD, related=FIELD,
       typed=st.lists(FIELD, min_size=3, max_size=3))
def test_whatever_a_user_types_is_printed_literally_in_the_letter(services, violation, language, store, email, notice,
                                                                  ref, related, typed):
    appeals = services.appeals
    answers = fixed_answers(appeals.flow, violation, language=language if violation.startswith("cdiscount") else "en",
                            picks=1)
    answers.update(store_name=store, login_email=email, notice_text=notice)
    if violation == "ip-infringement":
        answers["complaint_ref"] = ref
    if violation == "linked-accounts":
        answers["related_account"] = related
    for key, text in zip(("root_causes", "actions", "prevention"), typed):
        answers[key].append({"text": text})
    letter = appeals.render(appeals.facts(state_with(answers), appeals.flow))
    expected = [store, email, notice, *typed]
    if violation == "ip-infringement":
        expected.append(ref)
    if violation == "linked-accounts":
        expected.append(related)
    for value in expected:
        assert value in letter, (value, letter)
    assert "<class" not in letter
