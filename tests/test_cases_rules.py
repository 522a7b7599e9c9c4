"""The deadline rules are data: validated when loaded, re-read when curators change them."""

import os
from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from bot.config import Config
from bot.model import Request
from bot.reminders.cases import Rules
from bot.services import Services
from tests.conftest import ROOT

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL

RULES = """
events:
  received: {en: [received], zh: [收到]}
  appeal-sent: {en: [appeal sent], zh: [已申诉]}
types:
  test-warning:
    title: {en: Test warning, zh: 测试警告}
    events: [received, appeal-sent]
    deadlines:
      - id: answer
        label: {en: Answer due, zh: 答复截止}
        from: received
        after: AFTER
        remind_before: [1 hours]
        until: [appeal-sent]
"""


def test_the_shipped_rules_load_and_say_what_the_design_says():
    rules = Rules.load(ROOT / "knowledge" / "deadlines.yaml")
    messaging = rules.types["messaging-warning"]
    appeal = next(d for d in messaging.deadlines if d.id == "appeal-due")
    assert appeal.after == timedelta(hours=72)
    assert appeal.remind_before == [timedelta(hours=48), timedelta(hours=24), timedelta(hours=4)]
    follow = next(d for d in messaging.deadlines if d.id == "follow-up")
    assert (follow.anchor, follow.after, follow.until) == ("appeal-sent", timedelta(days=7), ["reply-received"])
    funds = {d.id: d.after for d in rules.types["failed-appeal"].deadlines}
    assert funds == {"funds-appeal": timedelta(days=60), "funds-release": timedelta(days=90)}
    assert rules.types["cdiscount-formal-notice"].deadlines[0].after == timedelta(days=30)
    assert rules.types["csba-trial"].deadlines[0].after == timedelta(days=30)


def test_an_unknown_event_or_duration_is_refused_when_loading(tmp_path):
    path = tmp_path / "deadlines.yaml"
    path.write_text(RULES.replace("AFTER", "soonish"), encoding="utf-8")
    with pytest.raises(ValidationError, match="not a length of time"):
        Rules.load(path)
    path.write_text(RULES.replace("AFTER", "2 hours").replace("until: [appeal-sent]", "until: [nothing]"))
    with pytest.raises(ValidationError, match="unknown events"):
        Rules.load(path)


def test_event_phrases_match_the_longest_alias_at_a_word_boundary():
    rules = Rules.load(ROOT / "knowledge" / "deadlines.yaml")
    events = ["received", "appeal-sent", "reply-received"]
    assert rules.match_event("appeal sent yesterday 18:00", events) == ("appeal-sent", "yesterday 18:00")
    assert rules.match_event("已申诉 昨天", events) == ("appeal-sent", "昨天")
    assert rules.match_event("sentence", events) is None
    assert rules.match_event("reply received", events) == ("reply-received", "")


async def test_changed_rules_apply_to_cases_opened_afterwards(tmp_path, new_db):
    path = tmp_path / "deadlines.yaml"
    path.write_text(RULES.replace("AFTER", "2 hours"), encoding="utf-8")
    config = Config(db=new_db("s.db"), knowledge_dir=tmp_path)
    services = Services(config)
    try:
        first = await services.dispatcher.handle(Request(text="case open test-warning"))
        assert first.data["reminders"] and len(first.data["deadlines"]) == 1
        path.write_text(RULES.replace("AFTER", "5 hours"), encoding="utf-8")
        os.utime(path, (path.stat().st_mtime + 5, path.stat().st_mtime + 5))
        second = await services.dispatcher.handle(Request(text="case open test-warning"))
        due = [d["due"] for d in (first.data["deadlines"] + second.data["deadlines"])]
        assert datetime.fromisoformat(due[1]) - datetime.fromisoformat(due[0]) >= timedelta(hours=3)
    finally:
        services.store.close()



def test_every_case_type_opens_with_deadlines_each_citing_an_existing_article():
    """Issue 12: a deactivation case opened with no deadline; a deadline now says which article gives it."""
    rules = Rules.load(ROOT / "knowledge" / "deadlines.yaml")
    articles = {p.stem for p in (ROOT / "knowledge" / "articles").glob("*.md")}
    for case_type in rules.types.values():
        opening = [d for d in case_type.deadlines if d.anchor == case_type.opens_with]
        assert opening, f"{case_type.id} opens with no deadline"
        for rule in case_type.deadlines:
            assert rule.source in articles, (case_type.id, rule.id, rule.source)


async def test_a_case_shows_the_source_of_each_deadline(new_db):
    services = Services(Config(db=new_db("s.db")))
    try:
        shown = await services.dispatcher.handle(Request(kind="command", text="case open account-deactivation",
                                                         user="u", channel="c", platform="console"))
        assert "[funds-and-inventory-after-suspension]" in shown.text + "".join(s.text for s in shown.sections)
        assert {d["source"] for d in shown.data["deadlines"]} == {"funds-and-inventory-after-suspension"}
    finally:
        services.store.close()
