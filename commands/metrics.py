"""`/seller metrics odr|lsr|cancel|vtr <bad> <total> [marketplace]`: a rate against its target.

Says the rate, the marketplace's target (knowledge/targets.yaml), whether it is met, and when it is
not, how many more clean orders (or validly tracked shipments) bring it strictly within target.
Arithmetic is exact (fractions); numbers are formatted for the user's locale with babel.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from bot import marketplaces
from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.knowledge.metrics import METRICS, Outcome, TargetsError, evaluate, load_targets
from bot.marketplaces import find as resolve_marketplace
from bot.model import Response, error
from bot.spec import Command, Option, Param

if TYPE_CHECKING:
    from bot.app import App

LOCALES = {"en": "en_US", "zh": "zh_Hans_CN"}
MAX_DIGITS = 15
"""Counts longer than this are refused as typos rather than computed."""

NAMES = {
    "odr": ("order defect rate", "订单缺陷率"),
    "lsr": ("late shipment rate", "迟发率"),
    "cancel": ("pre-fulfilment cancel rate", "配送前取消率"),
    "vtr": ("valid tracking rate", "有效追踪率"),
}
UNITS = {
    # what <bad> counts, what <total> counts, what a clean one is: (singular, plural) in English
    "odr": ((("order with a defect", "orders with a defect"), ("order", "orders"), ("order without a defect", "orders without a defect")),
            ("个缺陷订单", "个订单", "个无缺陷订单")),
    "lsr": ((("late shipment", "late shipments"), ("shipment", "shipments"), ("on-time shipment", "on-time shipments")),
            ("个迟发订单", "个订单", "个按时发货的订单")),
    "cancel": ((("cancelled order", "cancelled orders"), ("order", "orders"), ("order shipped without cancelling", "orders shipped without cancelling")),
               ("个取消订单", "个订单", "个未取消的订单")),
    "vtr": ((("shipment without valid tracking", "shipments without valid tracking"), ("shipment", "shipments"),
             ("shipment with valid tracking", "shipments with valid tracking")),
            ("个无有效追踪的包裹", "个包裹", "个有有效追踪的包裹")),
}


def _unit(metric: str, which: int, count: int, lang: str) -> str:
    en, zh = UNITS[metric]
    return zh[which] if lang == "zh" else en[which][0 if count == 1 else 1]


METRIC = Param("metric", Text("metric", "指标"), Text("Which rate", "哪个指标"), required=True, choices=(
    Option("odr", Text("ODR (order defect rate)", "ODR 订单缺陷率"), ("订单缺陷率",)),
    Option("lsr", Text("LSR (late shipment rate)", "LSR 迟发率"), ("迟发率",)),
    Option("cancel", Text("cancellation rate", "取消率"), ("取消率", "配送前取消率")),
    Option("vtr", Text("VTR (valid tracking rate)", "VTR 有效追踪率"), ("有效追踪率",)),
))

metrics_command = Command(
    "metrics",
    Text("Compute ODR, LSR, cancel or valid tracking rate from counts and compare it with the target",
         "根据订单数计算 ODR、迟发率、取消率或有效追踪率，并与目标比较"),
    params=(
        METRIC,
        Param("bad", Text("bad", "不达标数"), Text("Orders with a defect (or late, cancelled, untracked)", "有问题的订单数"),
              kind="int", required=True),
        Param("total", Text("total", "总数"), Text("All orders in the window", "统计周期内的订单总数"), kind="int", required=True),
        Param("marketplace", Text("marketplace", "站点"), Text("Marketplace, e.g. amazon-uk", "站点，如 amazon-uk")),
    ),
    words=("指标",),
    examples=(Text("metrics odr 2 126", "指标 订单缺陷率 2 126"), Text("metrics lsr 9 180 amazon-uk", "指标 迟发率 9 180 amazon-uk"),
              Text("metrics vtr 12 200", "指标 有效追踪率 12 200")),
)


def setup(app: "App") -> None:
    app.add(metrics_command)


@metrics_command
async def metrics(ctx: Context) -> Response:
    words = ctx.argv
    if not words:
        raise UsageError(ctx.pick(en=f"Name a metric: {', '.join(METRICS)}.", zh=f"请指定指标：{', '.join(METRICS)}。"))
    metric = next((o.value for o in METRIC.choices if o.matches(words[0])), words[0].lower())
    if metric not in METRICS:
        raise UsageError(ctx.pick(en=f"Unknown metric `{words[0]}`; use one of {', '.join(METRICS)}.",
                                  zh=f"未知指标 `{words[0]}`，可用：{', '.join(METRICS)}。"))
    if len(words) not in (3, 4):
        raise UsageError(ctx.pick(en=f"`metrics {metric}` needs two counts: <bad> <total>, then optionally a marketplace.",
                                  zh=f"{NAMES[metric][1]}需要两个数：<不达标数> <总数>，可再加站点。"))
    bad = _count(ctx, words[1], ctx.pick(en="<bad>", zh="<不达标数>"))
    total = _count(ctx, words[2], ctx.pick(en="<total>", zh="<总数>"))
    if total == 0:
        raise UsageError(ctx.pick(en="<total> is 0: there is no rate without orders.", zh="<总数> 为 0：没有订单就没有比率。"))
    if bad > total:
        raise UsageError(ctx.pick(en=f"<bad> ({bad}) cannot be more than <total> ({total}).",
                                  zh=f"<不达标数>（{bad}）不能大于 <总数>（{total}）。"))
    try:
        targets = load_targets(ctx.svc.config.knowledge_dir / "targets.yaml")
    except TargetsError as exc:
        return error(ctx.pick(en=f"The targets file is broken: {exc}", zh=f"目标文件有误：{exc}"))
    marketplace = None
    if len(words) == 4:
        marketplace = resolve_marketplace(words[3], {code: code for code in targets.by_marketplace})
        if marketplace is None:
            known = ", ".join(sorted(targets.by_marketplace))
            raise UsageError(ctx.pick(en=f"Unknown marketplace `{words[3]}`; known: {known}.",
                                      zh=f"未知站点 `{words[3]}`，可用：{known}。"))
    try:
        target = targets.get(metric, marketplace)
    except KeyError:
        raise UsageError(ctx.pick(en=f"No {metric} target is kept for {marketplace or targets.default}.",
                                  zh=f"{marketplace or targets.default} 没有{NAMES[metric][1]}的目标。")) from None
    return _render(ctx, evaluate(target, bad, total))


def _count(ctx: Context, raw: str, name: str) -> int:
    text = raw.replace(",", "").replace("_", "")
    if text.startswith("-") and text[1:].isdigit():
        raise UsageError(ctx.pick(en=f"{name} cannot be negative (got {raw}).", zh=f"{name} 不能是负数（输入为 {raw}）。"))
    if not text.isascii() or not text.isdigit():
        raise UsageError(ctx.pick(en=f"{name} must be a whole number of orders, not `{raw}`.",
                                  zh=f"{name} 必须是整数订单数，不能是 `{raw}`。"))
    if len(text.lstrip("0")) > MAX_DIGITS:
        raise UsageError(ctx.pick(en=f"{name} is too large ({len(text)} digits).", zh=f"{name} 太大（{len(text)} 位数）。"))
    return int(text)


def _exact(value: Fraction) -> Decimal:
    """A Decimal for babel to format (28 significant digits; the comparison stays on fractions)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def _decimal(value: Fraction, places: int) -> Decimal:
    """The fraction as a Decimal rounded to `places` decimals of a percent (display only)."""
    return _exact(value).quantize(Decimal(1).scaleb(-(places + 2)), rounding=ROUND_HALF_EVEN)


def format_rate(value: Fraction, limit: Fraction, locale: str) -> str:
    """A percentage with two decimals, or more when two would hide which side of the target it is
    on (2/201 is 0.995%, not "1.00%")."""
    from babel.numbers import format_percent  # loaded by `metrics`, not by every process that registers it

    side = (value > limit) - (value < limit)
    for places in range(2, 7):
        shown = _decimal(value, places)
        shown_fraction = Fraction(shown)
        if (shown_fraction > limit) - (shown_fraction < limit) == side:
            break
    pattern = "#,##0." + "0" * 2 + "#" * (places - 2) + "%"
    return format_percent(shown, format=pattern, locale=locale, decimal_quantization=False)


def _render(ctx: Context, outcome: Outcome) -> Response:
    """The rate and what it counts, the marketplace's target, the verdict and, when the target is
    missed, how many more clean orders meet it."""
    locale = LOCALES.get(ctx.lang, "en_US")
    target = outcome.target
    name = NAMES[target.metric][1 if ctx.lang == "zh" else 0]
    rate = format_rate(outcome.rate, target.limit, locale)
    limit = _format_target(target.limit, locale)
    comparison = ctx.pick(en="under" if target.direction == "max" else "above", zh="低于" if target.direction == "max" else "高于")
    counted = _counted(ctx, outcome, locale)
    lines = [
        ctx.pick(en=f"{name.capitalize()}: {rate} ({counted}).", zh=f"{name}：{rate}（{counted}）。"),
        ctx.pick(en=f"Target on {marketplaces.label(target.marketplace, 'en')}: {comparison} {limit}.",
                 zh=f"{marketplaces.label(target.marketplace, 'zh')}的目标：{comparison} {limit}。"),
        _verdict(ctx, outcome),
        *_remedy(ctx, outcome, locale, f"{comparison} {limit}"),
    ]
    return Response(
        kind="metrics",
        title=ctx.pick(en=name.capitalize(), zh=name),
        text="\n".join(lines),
        data={
            "metric": target.metric,
            "marketplace": target.marketplace,
            "bad": outcome.bad,
            "total": outcome.total,
            "rate": rate,
            "rate_fraction": f"{outcome.rate.numerator}/{outcome.rate.denominator}",
            "target": limit,
            "direction": target.direction,
            "meets_target": outcome.meets,
            "more_clean": outcome.more_clean,
            "rate_after": format_rate(outcome.rate_after, target.limit, locale) if outcome.rate_after is not None else None,
        },
    )


def _grouped(count: int, locale: str) -> str:
    """A count with the locale's digit grouping (1,234)."""
    from babel.numbers import format_decimal

    return format_decimal(count, locale=locale)


def _format_target(limit: Fraction, locale: str) -> str:
    """The target as curators wrote it: no decimals it does not have (1%, 2.5%)."""
    from babel.numbers import format_percent

    return format_percent(_exact(limit), format="#,##0.##%", locale=locale, decimal_quantization=False)


def _counted(ctx: Context, outcome: Outcome, locale: str) -> str:
    """What the rate was computed from, in the metric's own words; valid tracking counts the good
    shipments, since its rate is of those."""
    metric, lang = outcome.target.metric, ctx.lang
    bad, total = _grouped(outcome.bad, locale), _grouped(outcome.total, locale)
    if metric == "vtr":
        tracked = _grouped(outcome.total - outcome.bad, locale)
        return ctx.pick(en=f"{tracked} of {total} shipments with valid tracking", zh=f"{total} 个包裹中 {tracked} 个有有效追踪")
    return ctx.pick(
        en=f"{bad} {_unit(metric, 0, outcome.bad, lang)} in {total} {_unit(metric, 1, outcome.total, lang)}",
        zh=f"{total}{_unit(metric, 1, outcome.total, lang)}中有 {bad}{_unit(metric, 0, outcome.bad, lang)}",
    )


def _verdict(ctx: Context, outcome: Outcome) -> str:
    """Met, or missed on the side the target guards (over a maximum, under a minimum)."""
    if outcome.meets:
        return ctx.pick(en="Within target.", zh="达标。")
    maximum = outcome.target.direction == "max"
    return ctx.pick(en=("Over" if maximum else "Under") + " target.", zh="超标。" if maximum else "未达标。")


def _remedy(ctx: Context, outcome: Outcome, locale: str, goal: str) -> list[str]:
    """When the target is missed, how many more clean orders meet it and the rate they bring
    (`goal` is the target's side and value, "under 1%"); a 0% maximum cannot be met that way."""
    if outcome.meets:
        return []
    if outcome.more_clean is None:
        return [ctx.pick(en="No number of clean orders can meet a 0% target.", zh="目标为 0% 时，增加订单也无法达标。")]
    if outcome.rate_after is None:
        return []
    target, more = outcome.target, outcome.more_clean
    shown_after = format_rate(outcome.rate_after, target.limit, locale)
    new_total = outcome.total + more
    shown_count = outcome.bad if target.direction == "max" else new_total - outcome.bad
    clean_word = _unit(target.metric, 2, more, ctx.lang)
    moves = ctx.pick(en="brings it to" if more == 1 else "bring it to", zh="即可降到" if target.direction == "max" else "即可升到")
    ratio = f"{_grouped(shown_count, locale)}/{_grouped(new_total, locale)}"
    return [ctx.pick(
        en=f"{_grouped(more, locale)} more {clean_word} {moves} {shown_after} ({ratio}), {goal}.",
        zh=f"再增加 {_grouped(more, locale)}{clean_word}{moves} {shown_after}（{ratio}），{goal}。",
    )]
