"""The scheduler's lookups stay index searches on the state index, whatever platforms a process
delivers for: `make bench` found one walking every row of a platform (5 ms a poke at 100,000
reminders, 2,000 due reminders posted 10 s late). Checked on the SQL the delivery code really runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.reminder_fakes import RecordingSender, delivery_for

STATE_INDEX = "idx_reminders_state_next_attempt_at"


@pytest.mark.sqlite_only("reads SQLite's query plans (EXPLAIN QUERY PLAN) of the statements its trace callback saw")
@pytest.mark.parametrize("senders", ["slack", "*"])
def test_next_due_and_claim_search_the_state_index(services, clock, senders):
    for i in range(50):
        services.reminders.create(platform="slack" if i % 2 else "discord", channel=f"C{i % 5}", user="U1",
                                  text=f"r{i}", due=clock.now() + timedelta(minutes=i))
    delivery = delivery_for(services, RecordingSender(), platform=senders)
    conn = services.store.db.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        delivery.next_due()
        assert delivery.lease.acquire()
        delivery.claim()
    finally:
        conn.set_trace_callback(None)
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM reminders" in s]
    assert len(lookups) >= 4  # next_due: in doubt, next pending; claim: in doubt, due
    for sql in lookups:
        plan = " ".join(str(row[3]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        assert STATE_INDEX in plan and "SCAN" not in plan, (sql, plan)
