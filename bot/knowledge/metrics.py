"""Account-health rates from counts, compared with the marketplace's target, in exact arithmetic.

`2 defects in 126 orders` is the fraction 1/63, never a float, so "how many more clean orders
bring it strictly under 1%" is exact: the smallest n with 2 / (126 + n) < 1/100 is 75.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import yaml

METRICS = ("odr", "lsr", "cancel", "vtr")


class TargetsError(ValueError):
    """targets.yaml is missing or malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class Target:
    metric: str
    marketplace: str
    direction: str
    """`max`: the rate must stay strictly under `percent`; `min`: strictly above it."""
    percent: Fraction

    @property
    def limit(self) -> Fraction:
        return self.percent / 100


@dataclass(frozen=True)
class Targets:
    default: str
    by_marketplace: dict[str, dict[str, Target]]

    def get(self, metric: str, marketplace: str | None) -> Target:
        market = (marketplace or self.default).lower()
        if market not in self.by_marketplace:
            raise KeyError(market)
        return self.by_marketplace[market][metric]


def _percent(value: object, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TargetsError(f"{where}: a percentage is a number")
    try:
        percent = Fraction(str(value).strip().rstrip("%"))
    except (ValueError, ZeroDivisionError) as exc:
        raise TargetsError(f"{where}: {value!r} is not a number") from exc
    if not 0 <= percent <= 100:
        raise TargetsError(f"{where}: {value} is not between 0 and 100")
    return percent


def load_targets(path: Path) -> Targets:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise TargetsError(f"{path.name}: cannot be read ({str(exc).splitlines()[0]})") from exc
    markets = data.get("marketplaces") if isinstance(data, dict) else None
    if not isinstance(markets, dict) or not markets:
        raise TargetsError(f"{path.name}: needs a `marketplaces` mapping")
    by_marketplace: dict[str, dict[str, Target]] = {}
    for market, metrics in markets.items():
        if not isinstance(metrics, dict):
            raise TargetsError(f"{path.name}: {market}: expected metrics such as `odr: {{max: 1}}`")
        entries = {}
        for metric, rule in metrics.items():
            where = f"{path.name}: {market}.{metric}"
            if metric not in METRICS:
                raise TargetsError(f"{where}: unknown metric (known: {', '.join(METRICS)})")
            if not isinstance(rule, dict) or len(rule) != 1 or next(iter(rule)) not in ("max", "min"):
                raise TargetsError(f"{where}: expected `{{max: N}}` or `{{min: N}}`")
            direction, value = next(iter(rule.items()))
            entries[metric] = Target(metric, str(market).lower(), direction, _percent(value, where))
        by_marketplace[str(market).lower()] = entries
    default = str(data.get("default") or next(iter(by_marketplace))).lower()
    if default not in by_marketplace:
        raise TargetsError(f"{path.name}: default marketplace {default!r} is not listed")
    return Targets(default, by_marketplace)


@dataclass(frozen=True)
class Outcome:
    target: Target
    bad: int
    total: int
    rate: Fraction
    """The metric as a fraction of 1 (for vtr, the share WITH valid tracking)."""
    meets: bool
    more_clean: int | None
    """Clean orders (or validly tracked shipments) still needed to meet the target; 0 when it
    is met; None when no number of them can (a target of 0%)."""

    @property
    def rate_after(self) -> Fraction | None:
        if not self.more_clean:
            return None
        n = self.total + self.more_clean
        return Fraction(self.bad, n) if self.target.direction == "max" else Fraction(n - self.bad, n)


def evaluate(target: Target, bad: int, total: int) -> Outcome:
    """The rate for `bad` out of `total` against the target. Both limits are strict: a max of 1%
    is met by 0.99% and missed by 1%; a min of 95% is met by 95.01% and missed by 95%."""
    if total <= 0 or bad < 0 or bad > total:
        raise ValueError("need 0 <= bad <= total and total > 0")
    bad_share = Fraction(bad, total)
    if target.direction == "max":
        rate, bad_limit = bad_share, target.limit
        meets = rate < target.limit
    else:
        rate, bad_limit = 1 - bad_share, 1 - target.limit
        meets = rate > target.limit
    if meets:
        more = 0
    elif bad_limit == 0:
        more = None
    else:
        # smallest n with bad / (total + n) < bad_limit, i.e. total + n > bad / bad_limit
        more = bad // bad_limit + 1 - total
    return Outcome(target, bad, total, rate, meets, more)
