"""Issue 12, done when: through the console, a case starts its appeal from its own choice, the
dialogue does not ask what the case knows, the draft names the case and offers "Mark appeal sent",
and pressing it gives the case its follow-up deadline 7 days later. An appeal finished without a
case offers to open one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.test_appeal_console import Console

NOTICE_DAY = date.today() - timedelta(days=1)
TYPED = {
    "notice_date": NOTICE_DAY.isoformat(),
    "notice_text": "We have received reports that you contacted buyers outside Buyer-Seller Messaging.",
    "conversation_orders": "113-4567890-1234567",
    "actions_date": NOTICE_DAY.isoformat(),
    "store_name": "Harbour Lights Home",
    "login_email": "ops@harbourlights-home.example",
}


def answer(console: Console, prompt: dict, asked: list[str]) -> dict:
    """Answer every step from the prompt alone (first choice, first suggestion then Done, typed facts)."""
    picked: set[str] = set()
    for _ in range(40):
        if prompt["kind"] != "dialog":
            return prompt
        assert "error" not in prompt, prompt
        step, kind = prompt["step"], prompt["answer_type"]
        values = [c["value"] for c in prompt.get("choices", [])]
        if step not in asked:
            asked.append(step)
        if kind == "multi":
            line = "!choice " + (values[0] if step not in picked else next(v for v in values if v.endswith("/done")))
            picked.add(step)
        elif kind in ("choice", "review"):
            line = "!choice " + values[0]
        elif step in TYPED:
            line = TYPED[step]
        else:
            line = "!choice " + next(v for v in values if v.endswith("/skip"))
        prompt = console.send(line)
    raise AssertionError(f"the dialogue never ended: {asked}")


def choice(response: dict, label: str) -> str:
    [value] = [c["value"] for c in response["choices"] if c["label"] == label]
    return value


def test_a_case_drafts_its_appeal_and_records_it_sent(new_db):
    console = Console(new_db("case.db"))
    opened = console.send(f"/seller case open messaging-warning received {NOTICE_DAY.isoformat()} 09:00 "
                          "marketplace us store Anker")
    assert opened["kind"] == "case" and opened["case_id"] == 1
    assert {d["id"]: d["source"] for d in opened["deadlines"]}["appeal-due"] == "seller-code-of-conduct-messaging"
    draft_it = choice(opened, "Draft the appeal")
    assert draft_it == "cmd:appeal start case 1"

    asked: list[str] = []
    draft = answer(console, console.send(f"!choice {draft_it}"), asked)
    assert draft["kind"] == "draft" and draft["case_id"] == 1
    # the case knows the marketplace, the type, the notice date and what the notice did (a warning)
    assert not {"marketplace", "violation", "notice_date", "notice_effect"} & set(asked), asked
    assert draft["marketplace"] == "amazon-us"
    assert f"{NOTICE_DAY.day} {NOTICE_DAY.strftime('%B %Y')}" in draft["text"]
    assert "remove the warning" in draft["text"]  # the request fits a warning

    sent = console.send("!choice " + choice(draft, "Mark appeal sent"))
    assert sent["kind"] == "case" and sent["case_id"] == 1
    sent_at = datetime.fromisoformat(sent["events"]["appeal-sent"])
    follow_up = next(d for d in sent["deadlines"] if d["id"] == "follow-up")
    assert datetime.fromisoformat(follow_up["due"]) - sent_at == timedelta(days=7)
    assert follow_up["source"] == "appeal-timing-and-followup"
    assert next(d for d in sent["deadlines"] if d["id"] == "appeal-due")["met"] is True
    shown_again = console.send("/seller appeal show AP-1")
    assert "Mark appeal sent" not in [c["label"] for c in shown_again["choices"]]  # it is recorded
    # the case names its draft rather than offering to draft the same appeal again
    case = console.send("/seller case show 1")
    labels = [c["label"] for c in case["choices"]]
    assert "Draft the appeal" not in labels and "Show AP-1" in labels
    assert "Appeal drafted for this case: AP-1 (@u-li)." in case["context"]
    assert console.close() == 0


def test_a_cdiscount_case_asks_none_of_the_facts_it_knows(new_db):
    console = Console(new_db("cd.db"))
    opened = console.send(f"/seller case open cdiscount-formal-notice received {NOTICE_DAY.isoformat()} 10:00")
    asked: list[str] = []
    draft = answer(console, console.send("!choice " + choice(opened, "Draft the appeal")), asked)
    assert draft["kind"] == "draft" and draft["case_id"] == 1 and draft["marketplace"] == "cdiscount-fr"
    assert not {"marketplace", "violation", "notice_date", "notice_effect"} & set(asked), asked
    assert console.close() == 0


def test_an_appeal_without_a_case_offers_to_open_one(new_db):
    console = Console(new_db("none.db"))
    asked: list[str] = []
    draft = answer(console, console.send("/seller appeal start messaging"), asked)
    assert draft["case_id"] is None
    track = choice(draft, "Open a case to track it")
    assert track == "cmd:appeal track AP-1"
    case = console.send(f"!choice {track}")
    assert case["kind"] == "case" and case["type"] == "messaging-warning"
    assert case["events"]["received"].startswith(NOTICE_DAY.isoformat())
    # the dialogue asked the notice's day, not its hour: the reply says what it assumed and how to correct it
    assert case["received_assumed"] is True
    assert any(f"{NOTICE_DAY.isoformat()} 00:00" in line and "case update 1 received" in line for line in case["context"])
    again = console.send("/seller appeal show AP-1")
    assert again["case_id"] == case["case_id"] and "Mark appeal sent" in [c["label"] for c in again["choices"]]
    pressed_again = console.send(f"!choice {track}")
    assert pressed_again["case_id"] == case["case_id"] and pressed_again["received_assumed"] is False  # one case
    assert console.close() == 0
