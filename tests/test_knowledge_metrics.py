"""`/seller metrics`: exact rates, targets as data per marketplace, clean orders needed, errors."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.metrics import Target, TargetsError, evaluate, load_targets
from bot.model import Request
from commands.metrics import format_rate
from tests.conftest import ROOT
from tests.knowledge_fixtures import services_for, write_kb

ODR = Target("odr", "amazon-us", "max", Fraction(1))
VTR = Target("vtr", "amazon-us", "min", Fraction(95))


def test_two_defects_in_126_orders_need_75_more_clean_orders():
    outcome = evaluate(ODR, 2, 126)
    assert outcome.rate == Fraction(2, 126) and not outcome.meets
    assert outcome.more_clean == 75 and outcome.rate_after == Fraction(2, 201)


def test_targets_are_strict_limits():
    exactly_one_percent = evaluate(ODR, 1, 100)
    assert not exactly_one_percent.meets and exactly_one_percent.more_clean == 1
    assert evaluate(ODR, 1, 101).meets
    assert not evaluate(VTR, 5, 100).meets  # exactly 95% valid is not above 95%
    assert evaluate(VTR, 5, 101).meets


def test_valid_tracking_is_a_minimum_counted_from_untracked_shipments():
    outcome = evaluate(VTR, 10, 100)
    assert outcome.rate == Fraction(90, 100) and not outcome.meets
    assert outcome.more_clean == 101 and outcome.rate_after == Fraction(191, 201)


@given(bad=st.integers(0, 5_000), extra=st.integers(0, 100_000), percent=st.sampled_from(["1", "2.5", "4", "0.5"]))
def test_more_clean_is_the_smallest_count_that_meets_the_target(bad, extra, percent):
    target = Target("odr", "amazon-us", "max", Fraction(percent))
    total = max(bad, 1) + extra
    outcome = evaluate(target, bad, total)
    if outcome.meets:
        assert outcome.more_clean == 0 and Fraction(bad, total) < target.limit
    else:
        n = outcome.more_clean
        assert Fraction(bad, total + n) < target.limit <= Fraction(bad, total + n - 1)


def test_a_zero_target_cannot_be_reached_by_clean_orders():
    outcome = evaluate(Target("odr", "x", "max", Fraction(0)), 1, 10)
    assert not outcome.meets and outcome.more_clean is None


def test_targets_file_holds_the_documented_targets():
    targets = load_targets(ROOT / "knowledge" / "targets.yaml")
    assert targets.default == "amazon-us"
    us = {m: (t.direction, t.percent) for m, t in targets.by_marketplace["amazon-us"].items()}
    assert us == {"odr": ("max", 1), "lsr": ("max", 4), "cancel": ("max", Fraction(5, 2)), "vtr": ("min", 95)}


def test_a_malformed_targets_file_is_named_in_the_error(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("marketplaces:\n  amazon-us:\n    odr: {max: lots}\n")
    with pytest.raises(TargetsError, match=r"targets.yaml: amazon-us.odr: 'lots' is not a number"):
        load_targets(path)
    path.write_text("marketplaces:\n  amazon-us:\n    odr: {under: 1}\n")
    with pytest.raises(TargetsError, match="max: N"):
        load_targets(path)


def test_rates_show_enough_decimals_to_tell_the_side_of_the_target():
    assert format_rate(Fraction(2, 126), Fraction(1, 100), "en_US") == "1.59%"
    assert format_rate(Fraction(2, 201), Fraction(1, 100), "en_US") == "0.995%"
    assert format_rate(Fraction(1, 100), Fraction(1, 100), "en_US") == "1.00%"
    assert format_rate(Fraction(25, 1001), Fraction(25, 1000), "en_US") == "2.498%"


async def test_metrics_command_reports_rate_target_verdict_and_fix(ask):
    response = await ask("metrics odr 2 126")
    assert response.kind == "metrics"
    assert response.data["rate"] == "1.59%" and response.data["target"] == "1%"
    assert response.data["meets_target"] is False and response.data["more_clean"] == 75
    assert response.data["rate_after"] == "0.995%"
    assert "Over target" in response.text and "75 more orders without a defect" in response.text
    assert "2/201" in response.text


async def test_metrics_for_another_marketplace_and_in_chinese(ask):
    uk = await ask("metrics lsr 9 180 amazon-uk")
    assert uk.data["marketplace"] == "amazon-uk" and uk.data["rate"] == "5.00%" and uk.data["more_clean"] == 46
    zh = await ask("metrics cancel 1 1000", lang="zh")
    assert "达标" in zh.text and zh.data["meets_target"] is True


async def test_large_counts_are_grouped_for_the_locale(ask):
    response = await ask("metrics odr 1,234 100000")
    assert "1,234" in response.text and "100,000" in response.text and response.data["bad"] == 1234


async def test_valid_tracking_rate_speaks_of_tracked_shipments(ask):
    response = await ask("metrics vtr 10 100")
    assert response.data["rate"] == "90.00%" and response.data["direction"] == "min"
    assert "Under target" in response.text and "101 more shipments with valid tracking" in response.text


@pytest.mark.parametrize(
    "args, message",
    [
        ("", "Name a metric"),
        ("odr", "needs two counts"),
        ("odr 2", "needs two counts"),
        ("roas 2 100", "Unknown metric `roas`"),
        ("odr 2.5 100", "whole number"),
        ("odr two 100", "whole number"),
        ("odr -1 100", "cannot be negative"),
        ("odr 1 -100", "cannot be negative"),
        ("odr 5 4", "cannot be more than"),
        ("odr 0 0", "<total> is 0"),
        ("odr 1 100 ebay-us", "Unknown marketplace `ebay-us`"),
        ("odr 1 1" + "0" * 40, "too large"),
        ("odr 1 100 amazon-us extra", "needs two counts"),
    ],
)
async def test_misuse_gets_a_clear_error_with_usage(ask, args, message):
    response = await ask(f"metrics {args}")
    assert response.kind == "error" and message in response.text
    assert any(line.startswith("Usage: /seller metrics") for line in response.context)


@pytest.mark.parametrize("line, lang, title, text", [
    ("metrics odr 2 126", "en", "Order defect rate",
     "Order defect rate: 1.59% (2 orders with a defect in 126 orders).\nTarget on Amazon US: under 1%.\nOver target.\n"
     "75 more orders without a defect bring it to 0.995% (2/201), under 1%."),
    ("metrics odr 2 126", "zh", "订单缺陷率",
     "订单缺陷率：1.59%（126个订单中有 2个缺陷订单）。\n亚马逊美国站的目标：低于 1%。\n超标。\n"
     "再增加 75个无缺陷订单即可降到 0.995%（2/201），低于 1%。"),
    ("metrics odr 1 100", "en", "Order defect rate",
     "Order defect rate: 1.00% (1 order with a defect in 100 orders).\nTarget on Amazon US: under 1%.\nOver target.\n"
     "1 more order without a defect brings it to 0.99% (1/101), under 1%."),
    ("metrics vtr 10 100", "en", "Valid tracking rate",
     "Valid tracking rate: 90.00% (90 of 100 shipments with valid tracking).\nTarget on Amazon US: above 95%.\n"
     "Under target.\n101 more shipments with valid tracking bring it to 95.02% (191/201), above 95%."),
    ("metrics vtr 10 100", "zh", "有效追踪率",
     "有效追踪率：90.00%（100 个包裹中 90 个有有效追踪）。\n亚马逊美国站的目标：高于 95%。\n未达标。\n"
     "再增加 101个有有效追踪的包裹即可升到 95.02%（191/201），高于 95%。"),
    ("metrics cancel 1 1000", "en", "Pre-fulfilment cancel rate",
     "Pre-fulfilment cancel rate: 0.10% (1 cancelled order in 1,000 orders).\nTarget on Amazon US: under 2.5%.\nWithin target."),
    ("metrics lsr 1234 100000 amazon-jp", "zh", "迟发率",
     "迟发率：1.23%（100,000个订单中有 1,234个迟发订单）。\n亚马逊日本站的目标：低于 4%。\n达标。"),
])
async def test_the_whole_answer_in_each_language(ask, line, lang, title, text):
    response = await ask(line, lang=lang)
    assert (response.kind, response.title, response.text) == ("metrics", title, text)


async def test_a_zero_target_says_no_clean_orders_can_meet_it_in_both_languages(tmp_path, clock, new_db):
    folder = write_kb(tmp_path / "kb", articles={})
    (folder / "targets.yaml").write_text("default: strict\nmarketplaces:\n  strict:\n    odr: {max: 0}\n")
    svc = services_for(folder, new_db("bot.db"), clock)
    try:
        en, zh = [await svc.dispatcher.handle(Request(kind="command", text="metrics odr 1 10", lang=lang)) for lang in ("en", "zh")]
    finally:
        svc.store.close()
    assert en.text == ("Order defect rate: 10.00% (1 order with a defect in 10 orders).\nTarget on strict: under 0%.\n"
                       "Over target.\nNo number of clean orders can meet a 0% target.")
    assert zh.text == "订单缺陷率：10.00%（10个订单中有 1个缺陷订单）。\nstrict的目标：低于 0%。\n超标。\n目标为 0% 时，增加订单也无法达标。"
    assert en.data == {"metric": "odr", "marketplace": "strict", "bad": 1, "total": 10, "rate": "10.00%",
                       "rate_fraction": "1/10", "target": "0%", "direction": "max", "meets_target": False,
                       "more_clean": None, "rate_after": None}
    assert zh.data == en.data


async def test_the_data_of_an_answer_over_target(ask):
    response = await ask("metrics odr 2 126", lang="zh")
    assert response.data == {"metric": "odr", "marketplace": "amazon-us", "bad": 2, "total": 126, "rate": "1.59%",
                             "rate_fraction": "1/63", "target": "1%", "direction": "max", "meets_target": False,
                             "more_clean": 75, "rate_after": "0.995%"}
