"""Shared helpers for the appeal tests: fixed answers per violation type, and a dialogue driver."""

from __future__ import annotations

from bot.dialogs import DialogState
from bot.model import Request

STORE = "Harbour Lights Home"
EMAIL = "ops@harbourlights-home.example"
IDS = {
    "order_ids": ["113-4567890-1234567", "114-2345678-7654321"],
    "conversation_orders": ["112-9876543-1112223"],
    "asins": ["B0C1234567", "B0D7654321"],
    "cdiscount_orders": ["2011051803T1VLZ", "2011061145K9QAB"],
}
MARKET = {"cdiscount-formal-notice": "cdiscount-fr"}
METRIC_COUNTS = {"odr": [2, 126], "late-shipment": [13, 250], "invalid-tracking": [17, 200]}
ORDER_NOTES = {
    "odr": {
        "113-4567890-1234567": "still in transit on day 18 when the buyer filed an A-to-z claim; refunded in full on 21 November 2026",
        "114-2345678-7654321": "the buyer asked twice where the parcel was and got no reply before filing a claim; reshipped by UPS on 21 November 2026 and delivered on 24 November",
    },
    "late-shipment": {
        "113-4567890-1234567": "confirmed 2 days after the expected ship date because the item was out of stock; delivered on 19 November 2026",
        "114-2345678-7654321": "collected by the carrier one day late after a missed pick-up; delivered within the delivery estimate",
    },
    "invalid-tracking": {
        "113-4567890-1234567": "the tracking number was sent when the label was printed and the carrier collected the parcel two days later; corrected on 21 November 2026",
        "114-2345678-7654321": "the wrong carrier name was selected; corrected to USPS on 21 November 2026",
    },
}
EXTRA = {
    "ip-infringement": {"complaint_ref": "Complaint ID 8841920374, rights owner Nordlicht GmbH", "retraction": "not-retracted"},
    "linked-accounts": {"related_account": "Bright Path Trading, brightpath.seller@example.com"},
}
SNAPSHOT_PICKS = {
    # (root causes, actions, preventive measures): suggestions that make one coherent case per type
    "odr": ([0, 2], [0, 1, 4], [0, 1, 2]),
    "late-shipment": ([0, 3], [0, 1, 3], [0, 3]),
    "messaging": ([0, 5], [0, 1, 3], [0, 1, 2]),
    "linked-accounts": ([3], [2, 1], [3, 1]),
    "restricted-products": ([1], [0, 1, 3], [0, 2]),
    "inauthentic": ([0, 3], [0, 1, 2], [0, 1]),
    "ip-infringement": ([1], [0, 2, 4], [1, 0]),
    "invalid-tracking": ([0, 3], [0, 2, 3], [0, 2]),
    "cdiscount-formal-notice": ([0, 1], [0, 1, 3], [0, 1, 3]),
}
PATHS = {
    # (type, path): answers that take the type's letter down another path than EXTRA's, and the
    # picks among the suggestions offered on it; each has its own snapshot
    ("ip-infringement", "authorised"): (
        {"retraction": "authorised", "entitlement": "distributor-authorisation", "evidence": ["ip-ev-invoices"]},
        ([0, 1], [1, 2, 0], [4, 1]),
    ),
}


def fixed_answers(flow, violation: str, *, language: str = "en", picks: int | None = None,
                  effect: str = "privileges-removed", path: str | None = None, **given) -> dict:
    """Fixed facts plus suggestions offered for them: the curated snapshot picks (of the type, or of
    one of its PATHS), or the first `picks` of each list. `given` answers steps (`entitlement=…`)
    before the suggestions are picked, as the dialogue asks them first."""
    facts, curated = PATHS[(violation, path)] if path else ({}, SNAPSHOT_PICKS[violation])
    facts = {**facts, **given}
    answers = {
        "marketplace": MARKET.get(violation, "amazon-us"),
        "violation": violation,
        "notice_date": "2026-11-20",
        "notice_effect": effect,
        "notice_text": None,
        "actions_date": "2026-11-22",
        "store_name": STORE,
        "login_email": EMAIL,
        "language": language,
        **EXTRA.get(violation, {}),
        **{k: v for k, v in facts.items() if k != "evidence"},
    }
    for step in flow.steps:
        if step.type == "ids" and step.applies(answers):
            answers[step.id] = IDS[step.id]
    if violation in METRIC_COUNTS:
        answers["metric_counts"] = METRIC_COUNTS[violation]
        answers["order_notes"] = ORDER_NOTES[violation]
    evidence = facts.get("evidence") or [c.value for c in flow.choices_for(flow.step("evidence"), answers)[:2]]
    answers["evidence"] = [{"key": key} for key in evidence]
    for n, key in enumerate(("root_causes", "actions", "prevention")):
        pool = flow.choices_for(flow.step(key), answers)
        chosen = pool[:picks] if picks is not None else [pool[i] for i in curated[n]]
        answers[key] = [{"key": c.value} for c in chosen]
    return answers


def state_with(answers: dict, *, lang: str = "en", dialog_id: int = 7) -> DialogState:
    return DialogState(
        id=dialog_id, flow="appeal", platform="console", user="tester", channel="c1", lang=lang,
        status="active", current_step="review", created_at="2026-11-24T09:00:00+00:00",
        updated_at="2026-11-24T09:00:00+00:00", answers=dict(answers), complete=set(answers),
    )


def bare(value: str) -> str:
    """A dialogue button's value without the dialogue and step it is stamped with (`AP-1/marketplace/amazon-us`)."""
    return value.split("/", 2)[-1]


def violation_types(flow) -> list[str]:
    return [c.value for c in flow.step("violation").choices]


class Chat:
    """One user in one channel, talking to the real dispatcher."""

    def __init__(self, services, user: str = "agent-1", channel: str = "c1", lang: str = "en", platform: str = "console"):
        self.svc = services
        self.base = {"user": user, "channel": channel, "lang": lang, "platform": platform}

    async def cmd(self, text: str):
        return await self.svc.dispatcher.handle(Request(kind="command", text=text, **self.base))

    async def say(self, text: str):
        return await self.svc.dispatcher.handle(Request(kind="message", text=text, **self.base))

    async def press(self, *values: str):
        return await self.svc.dispatcher.handle(Request(kind="choice", values=list(values), **self.base))
