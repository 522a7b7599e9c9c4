"""Answer validation of the dialogue engine (dates in English and Chinese, IDs, e-mails) and flow loading."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.dialogs.answers import Invalid, parse_date, parse_email, parse_ids, parse_text
from bot.dialogs.flow import Flow, Step

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
UTC = ZoneInfo("UTC")


def step(**kw) -> Step:
    return Step(id="s", prompt={"en": "?", "zh": "？"}, **{"type": "text", **kw})


@pytest.mark.parametrize("typed,expected", [
    ("2026-11-20", "2026-11-20"),
    ("Nov 20", "2026-11-20"),
    ("20 November 2026", "2026-11-20"),
    ("yesterday", "2026-11-23"),
    ("3 days ago", "2026-11-21"),
    ("today", "2026-11-24"),
    ("2026年11月20日", "2026-11-20"),
    ("11月20日", "2026-11-20"),
    ("11月20号", "2026-11-20"),
    ("昨天", "2026-11-23"),
    ("前天", "2026-11-22"),
    ("三天前", "2026-11-21"),
    ("12月30日", "2025-12-30"),
])
def test_dates_in_english_and_chinese(typed, expected):
    assert parse_date(step(type="date"), typed, now=NOW, zone=UTC) == expected


def test_today_is_read_in_the_channels_time_zone():
    late_evening_utc = datetime(2026, 11, 24, 20, 0, tzinfo=timezone.utc)  # already the 25th in Shanghai
    assert parse_date(step(type="date"), "today", now=late_evening_utc, zone=ZoneInfo("Asia/Shanghai")) == "2026-11-25"
    assert parse_date(step(type="date"), "2026-11-25", now=late_evening_utc, zone=ZoneInfo("Asia/Shanghai")) == "2026-11-25"
    with pytest.raises(Invalid, match="future"):
        parse_date(step(type="date"), "2026-11-25", now=late_evening_utc, zone=UTC)


@pytest.mark.parametrize("typed,reason", [("tomorrow", "future"), ("明天", "future"), ("2/30", "read"), ("2020-01-01", "730 days")])
def test_bad_dates_are_refused_with_a_reason(typed, reason):
    with pytest.raises(Invalid, match=reason) as info:
        parse_date(step(type="date"), typed, now=NOW, zone=UTC)
    assert info.value.zh


def test_order_ids_and_asins_and_cdiscount_refs():
    orders = step(type="ids", id_kinds=["order"])
    assert parse_ids(orders, "113-4567890-1234567，114-2345678-7654321\n113-4567890-1234567") == [
        "113-4567890-1234567", "114-2345678-7654321"]
    with pytest.raises(Invalid, match="113-4567890-123456"):
        parse_ids(orders, "113-4567890-123456")
    asins = step(type="ids", id_kinds=["asin"])
    assert parse_ids(asins, "b0abc12345") == ["B0ABC12345"]
    for bad in ("B1ABC12345", "B0ABC1234", "0123456789"):
        with pytest.raises(Invalid):
            parse_ids(asins, bad)
    cd = step(type="ids", id_kinds=["cdiscount_order"])
    assert parse_ids(cd, "2011051803T1VLZ") == ["2011051803T1VLZ"]
    with pytest.raises(Invalid):
        parse_ids(cd, "ABC")
    with pytest.raises(Invalid, match="at most"):
        parse_ids(step(type="ids", id_kinds=["asin"], max_items=2), "B0ABC12345 B0ABC12346 B0ABC12347")


def test_emails_and_text_lengths():
    assert parse_email(step(type="email"), "Ops.Team@Example.COM") == "Ops.Team@example.com"
    for bad in ("ops@", "ops example.com", "a@b", "x" * 250 + "@example.com"):
        with pytest.raises(Invalid):
            parse_email(step(type="email"), bad)
    assert parse_text(step(min_chars=2, max_chars=10), "  Shop   Name ") == "Shop Name"
    with pytest.raises(Invalid, match="too long"):
        parse_text(step(max_chars=5), "too long a name")


def test_flows_are_checked_when_loaded():
    with pytest.raises(ValidationError, match="unknown step"):
        Flow(id="f", finish="x", title={"en": "F"}, steps=[step(when={"nothing": "x"})])
    with pytest.raises(ValidationError, match="needs id_kinds"):
        Flow(id="f", finish="x", title={"en": "F"}, steps=[step(type="ids")])
    with pytest.raises(ValidationError, match="unique"):
        Flow(id="f", finish="x", title={"en": "F"}, steps=[step(), step()])
