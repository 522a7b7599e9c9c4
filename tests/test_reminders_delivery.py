"""Exactly-once delivery with an injected clock: claim, send, mark; late, in-doubt, retries, load."""

import random
from datetime import timedelta

import pytest

from bot.reminders.delivery import PassReport
from bot.reminders.lease import Lease
from bot.reminders.store import to_iso
from bot.sender import DeliveryFailed, RetryLater
from bot.services import Services
from tests.reminder_fakes import DedupingPlatform, RecordingSender, delivery_for

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL


def add(services, seconds: float, text: str = "ping", channel: str = "C1", platform: str = "console"):
    return services.reminders.create(
        platform=platform, channel=channel, user="U1", text=text,
        due=services.clock.now() + timedelta(seconds=seconds),
    )


def state(services, reminder_id):
    return services.reminders.get(reminder_id)


async def test_a_due_reminder_is_sent_once_and_marked(services, clock):
    sender = RecordingSender()
    delivery = delivery_for(services, sender)
    reminder = add(services, 60, "send the appeal")
    assert (await delivery.run_due()).sent == []  # not due yet
    clock.advance(seconds=60)
    report = await delivery.run_due()
    assert report.sent == [reminder.id]
    assert (await delivery.run_due()).sent == []
    [message] = sender.sent
    assert message.key == reminder.key and message.channel == "C1" and message.mentions == ["U1"]
    assert message.response.kind == "reminder" and message.response.text == "send the appeal"
    assert message.response.data["late"] is False  # the lease was held when it fell due
    row = state(services, reminder.id)
    assert row.state == "sent" and row.attempts == 1 and not row.late


async def test_a_reminder_due_while_nothing_ran_is_delivered_late_at_the_next_start(services, clock):
    reminder = add(services, 5)
    clock.advance(hours=2)  # nobody held the lease meanwhile
    sender = RecordingSender()
    report = await delivery_for(services, sender).run_due()
    assert report.sent == [reminder.id]
    assert sender.sent[0].response.data["late"] is True
    assert "Late" in sender.sent[0].response.context[-1]
    assert state(services, reminder.id).late


async def test_the_due_time_is_shown_in_the_channel_zone(services, clock, ask):
    await ask("settings tz Asia/Shanghai", platform="console", channel="C1")
    add(services, 1)
    clock.advance(seconds=1)
    sender = RecordingSender()
    await delivery_for(services, sender).run_due()
    assert sender.sent[0].response.data["due"] == "2026-11-24T17:00:01+08:00"


async def test_crash_after_claim_next_owner_delivers_once_with_the_same_key(config, clock):
    first = Services(config, clock=clock)
    reminder = add(first, 1)
    clock.advance(seconds=1)
    dead = delivery_for(first, RecordingSender(), owner="dies")
    assert dead.lease.acquire()
    [claimed] = dead.claim()  # ...and the process dies before sending or marking
    assert state(first, reminder.id).state == "sending"

    second = Services(config, clock=clock)
    sender = RecordingSender()
    survivor = delivery_for(second, sender, owner="survivor")
    assert (await survivor.run_due()).sent == []  # the dead owner's lease has not expired yet
    clock.advance(seconds=11)
    report = await survivor.run_due()
    assert report.sent == [reminder.id] and report.in_doubt == [reminder.id]
    assert [m.key for m in sender.sent] == [reminder.key]
    assert sender.sent[0].response.data["late"] is True
    assert (await survivor.run_due()).sent == []
    # the stopped owner cannot mark a row that has been taken over
    late_report = PassReport()
    dead._unmarked.append((claimed, False, None, to_iso(clock.now())))
    dead._mark_sent(late_report)
    assert late_report.sent == []
    assert state(second, reminder.id).state == "sent"
    first.store.close()
    second.store.close()


async def test_crash_after_the_post_is_deduped_by_key_on_a_platform_that_can(config, clock):
    platform = DedupingPlatform()
    first = Services(config, clock=clock)
    reminder = add(first, 1)
    clock.advance(seconds=1)
    dead = delivery_for(first, platform, owner="dies")
    dead.lease.acquire()
    [claimed] = dead.claim()
    await platform.send(dead_message(dead, claimed))  # posted; then the process dies before the mark
    second = Services(config, clock=clock)
    clock.advance(seconds=11)
    report = await delivery_for(second, platform, owner="survivor").run_due()
    assert report.sent == [reminder.id]
    assert len(platform.sent) == 1  # the platform saw the same key again and did not post twice
    first.store.close()
    second.store.close()


def dead_message(delivery, reminder):
    from bot.sender import Outgoing

    return Outgoing(platform=reminder.platform, channel=reminder.channel, key=reminder.key,
                    response=delivery.render(reminder, late=False))


async def test_rate_limit_is_retried_after_retry_after_never_dropped(services, clock):
    sender = RecordingSender([RetryLater(30, "429")])
    delivery = delivery_for(services, sender)
    reminder = add(services, 0.5)
    clock.advance(seconds=1)
    report = await delivery.run_due()
    assert report.retried == [reminder.id] and sender.sent == []
    row = state(services, reminder.id)
    assert row.state == "pending" and row.next_attempt_at == clock.now() + timedelta(seconds=30)
    assert "429" in row.last_error
    clock.advance(seconds=29)
    assert (await delivery.run_due()).sent == []
    clock.advance(seconds=1)
    assert (await delivery.run_due()).sent == [reminder.id]
    assert state(services, reminder.id).attempts == 2 and len(sender.sent) == 1
    assert delivery.next_due() is None


async def test_server_errors_back_off_exponentially_and_still_deliver(services, clock):
    sender = RecordingSender([RetryLater(0, "502")] * 6)
    delivery = delivery_for(services, sender)
    reminder = add(services, 0.5)
    clock.advance(seconds=1)
    waits = []
    for _ in range(6):
        before = clock.now()
        assert (await delivery.run_due()).retried == [reminder.id]
        waits.append((state(services, reminder.id).next_attempt_at - before).total_seconds())
        clock.set(state(services, reminder.id).next_attempt_at)
    assert waits == [1, 2, 4, 8, 16, 32]
    assert (await delivery.run_due()).sent == [reminder.id]


async def test_a_paused_channel_keeps_its_order_and_other_channels_go_on(services, clock):
    sender = RecordingSender([RetryLater(10)])
    delivery = delivery_for(services, sender)
    first = add(services, 1, "first", channel="C1")
    second = add(services, 2, "second", channel="C1")
    elsewhere = add(services, 3, "elsewhere", channel="C2")
    clock.advance(seconds=5)
    report = await delivery.run_due()
    assert report.sent == [elsewhere.id] and report.retried == [first.id]
    assert state(services, second.id).attempts == 0  # given back untried
    clock.advance(seconds=10)
    await delivery.run_due()
    assert [m.response.text for m in sender.sent] == ["elsewhere", "first", "second"]


async def test_a_refusal_for_good_marks_the_reminder_failed(services, clock, caplog):
    sender = RecordingSender([DeliveryFailed("channel_not_found")])
    reminder = add(services, 1)
    clock.advance(seconds=1)
    report = await delivery_for(services, sender).run_due()
    assert report.failed == [reminder.id]
    row = state(services, reminder.id)
    assert row.state == "failed" and row.last_error == "channel_not_found"
    assert "channel_not_found" in caplog.text


async def test_rows_of_a_platform_without_a_sender_wait_for_a_process_that_has_one(services, clock):
    slack = add(services, 1, platform="slack")
    console = add(services, 1, platform="console")
    clock.advance(seconds=2)
    sender = RecordingSender()
    delivery = delivery_for(services, sender, platform="console")
    assert (await delivery.run_due()).sent == [console.id]
    assert state(services, slack.id).state == "pending"


async def test_a_thousand_reminders_due_in_the_same_second_all_go_in_due_order_none_twice(services, clock):
    base = clock.now() + timedelta(seconds=10)
    offsets = list(range(1000))
    random.Random(4).shuffle(offsets)
    for i in offsets:  # created in random order, due within one second
        services.reminders.create(platform="console", channel=f"C{i % 7}", user="U1", text=f"r{i}",
                                  due=base + timedelta(microseconds=i * 997))
    clock.set(base + timedelta(seconds=1))
    sender = RecordingSender()
    report = await delivery_for(services, sender).run_due()
    assert len(report.sent) == 1000
    assert [m.response.text for m in sender.sent] == [f"r{i}" for i in range(1000)]
    assert len({m.key for m in sender.sent}) == 1000
    assert (await delivery_for(services, sender).run_due()).sent == []
    assert services.store.execute("SELECT count(*) FROM reminders WHERE state = 'sent'").fetchone()[0] == 1000


async def test_lease_one_holder_at_a_time_and_takeover_after_expiry(config, clock, engine):
    a, b = Services(config, clock=clock), Services(config, clock=clock)
    lease_a = Lease(a.store, clock, "a")
    lease_b = Lease(b.store, clock, "b")
    if engine == "postgresql":  # every clock holds a lease of its own; they share the rows
        assert lease_a.acquire() and lease_b.acquire() and lease_a.name != lease_b.name
        clock.advance(seconds=11)  # a stopped renewing (died)
        assert lease_b.acquire() and not lease_a.held() and lease_b.since() == lease_b.acquired_at
        a.store.close()
        b.store.close()
        return
    assert lease_a.acquire() and not lease_b.acquire()
    clock.advance(seconds=5)
    assert lease_a.acquire() and not lease_b.acquire()  # renewed
    clock.advance(seconds=11)  # a stopped renewing (died)
    assert not lease_a.held()
    assert lease_b.acquire() and not lease_a.acquire()
    lease_b.release()
    assert lease_a.acquire()
    a.store.close()
    b.store.close()


async def test_two_deliverers_on_one_database_never_double_deliver(config, clock):
    a, b = Services(config, clock=clock), Services(config, clock=clock)
    for i in range(300):
        add(a, 1 + i / 1000, f"r{i}")
    clock.advance(seconds=2)
    shared: list = []
    da = delivery_for(a, RecordingSender(shared=shared, yield_each=True), owner="a")
    db_ = delivery_for(b, RecordingSender(shared=shared, yield_each=True), owner="b")
    import asyncio

    reports = await asyncio.gather(da.run_due(), db_.run_due(), da.run_due(), db_.run_due())
    assert sorted(m.response.text for m in shared) == sorted(f"r{i}" for i in range(300))
    assert sum(len(r.sent) for r in reports) == 300
    a.store.close()
    b.store.close()


async def test_cancelled_reminders_are_never_sent(services, clock):
    reminder = add(services, 1)
    services.reminders.cancel(reminder.id)
    clock.advance(seconds=5)
    sender = RecordingSender()
    assert (await delivery_for(services, sender).run_due()).sent == []
    assert sender.sent == []


@pytest.mark.parametrize("attempts, retry_after, expected", [(1, 0, 1), (3, 0, 4), (2, 30, 30), (20, 0, 900)])
def test_backoff(attempts, retry_after, expected):
    from bot.reminders.delivery import backoff

    assert backoff(attempts, retry_after).total_seconds() == expected


async def test_a_slow_send_is_marked_before_the_next_one_starts(services, clock):
    """Group commit never widens the in-doubt window beyond one post for real (HTTP-speed) senders."""
    import asyncio

    seen_states = []

    class SlowPlatform(RecordingSender):
        async def send(self, message):
            seen_states.append([r.state for r in (services.reminders.get(i) for i in ids)])
            await asyncio.sleep(0.03)
            return await super().send(message)

    ids = [add(services, 1, "a").id, add(services, 2, "b").id]
    clock.advance(seconds=3)
    await delivery_for(services, SlowPlatform()).run_due()
    assert seen_states == [["sending", "sending"], ["sent", "sending"]]


async def test_clocks_sharing_rows_claim_a_small_share_of_a_backlog(services, clock, engine):
    """On PostgreSQL every clock delivers: each claims SHARED_BATCH rows at a time, so a backlog is
    split between the clocks instead of waiting behind one of them; alone on SQLite, BATCH."""
    from bot.reminders.delivery import BATCH, SHARED_BATCH

    for i in range(BATCH + 10):
        add(services, 1, text=f"r{i}", channel=f"C{i}")
    clock.advance(seconds=1)
    delivery = delivery_for(services, RecordingSender())
    assert delivery.lease.acquire()
    first = delivery.claim()
    assert len(first) == (SHARED_BATCH if engine == "postgresql" else BATCH)
    assert [r.text for r in first] == [f"r{i}" for i in range(len(first))]  # in due order (ids on ties)
