"""150 cases (or reminders) in one channel, as a busy team has them, and what a reader of a list
page sees: the ids on its lines and its count. Shared by the paging tests of every platform."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

COUNT = 150
MARKETS = ("amazon-us", "amazon-de", "amazon-uk", "amazon-jp")
LONG_NOTE = "Buyer claims the parcel never arrived; carrier scan shows delivery at the front desk. " * 6


@dataclass
class Seeded:
    case_id: int
    due: datetime
    """The next deadline, computed here from the rule (72 hours or 30 days after receipt)."""


def seed_cases(services, *, platform: str, channel: str, workspace: str, owner: str, count: int = COUNT) -> list[Seeded]:
    """`count` open cases received at shuffled times over the last 71 hours (so their ids are not
    in deadline order), every third one a Cdiscount notice (30 days); the longest store names and
    notes a case may have, so a page is as long as pages get. One transaction: quick to set up."""
    cases = services.cases
    rules = cases.rules
    now = services.clock.now()
    seeded = []
    with services.store.write():
        for i in range(count):
            kind = "cdiscount-formal-notice" if i % 3 == 0 else "messaging-warning"
            received = now - timedelta(minutes=(i * 7919) % (60 * 71))  # 7919 is prime to 4260: all distinct
            store = (f"Store {i:03d} Harbour Lights Home & Garden Europe Direct Outlet " * 2)[:80]
            opened = cases.open(rules.types[kind], platform=platform, channel=channel, opened_by=owner, owner=owner,
                                at=received, workspace=workspace, store=store,
                                marketplace="cdiscount-fr" if kind.startswith("cdiscount") else MARKETS[i % 4],
                                note=LONG_NOTE[:500])
            after = timedelta(days=30) if kind.startswith("cdiscount") else timedelta(hours=72)
            seeded.append(Seeded(opened.id, received + after))
    return sorted(seeded, key=lambda s: s.due)


def seed_reminders(services, *, platform: str, channel: str, workspace: str, user: str, count: int = COUNT) -> list[int]:
    """`count` one-off reminders, due at shuffled times over the next days; their ids, soonest first."""
    now = services.clock.now()
    made = []
    with services.store.write():
        for i in range(count):
            due = now + timedelta(minutes=30 + (i * 7919) % 10000)
            reminder = services.reminders.create(platform=platform, channel=channel, workspace=workspace, user=user,
                                                 owner=user, text=f"Follow up shipment batch {i} " + "x" * 900, due=due,
                                                 notify=False)
            made.append((due, reminder.id))
    return [reminder_id for _, reminder_id in sorted(made)]


_LINE_ID = re.compile(r"^#(\d+) · ", re.MULTILINE)
_COUNT = re.compile(r"(\d+)–(\d+) of (\d+)")


def ids_on(text: str) -> list[int]:
    """The item ids a reader sees at the start of the list's lines."""
    return [int(found) for found in _LINE_ID.findall(text)]


def count_in(title: str) -> tuple[int, int, int]:
    """(first, last, total) from "Open cases · 21–40 of 150"."""
    match = _COUNT.search(title)
    assert match, f"no count in {title!r}"
    return int(match[1]), int(match[2]), int(match[3])


def expected_pages(ids: list[int], size: int = 20) -> list[list[int]]:
    return [ids[start:start + size] for start in range(0, len(ids), size)]
