"""One reading of a typed marketplace name, for every place that takes one (`case open`, `metrics`,
the appeal dialogue's marketplace step): `amazon-de`, `de`, `Amazon Germany`, `德国站`, `亚马逊德国站`,
`cdiscount`.

A leaf module: the caller gives the codes it knows (and their names), so cases read them from
`mailboxes.yaml`, metrics from `targets.yaml` and the dialogue from its step's choices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ZH_MARKETS = {"美国": "us", "美": "us", "英国": "uk", "英": "uk", "德国": "de", "德": "de", "法国": "fr", "法": "fr",
              "意大利": "it", "意": "it", "西班牙": "es", "西": "es", "日本": "jp", "日": "jp",
              "加拿大": "ca", "加": "ca", "墨西哥": "mx", "墨": "mx", "欧洲": "eu", "欧": "eu"}
"""Chinese names of the Amazon marketplaces (`美国站`, `亚马逊德国站`: the 站 and 亚马逊 are dropped first)."""

_CODE = re.compile(r"^(?:amazon|cdiscount)-[a-z]{2}$")


def is_code(value: str) -> bool:
    """Whether a value reads as a marketplace code (`amazon-us`, `cdiscount-fr`)."""
    return bool(_CODE.match(value))


def find(typed: str, names: Mapping[str, str]) -> str | None:
    """The code among `names` (code -> name) for what was typed, or None when it names none or
    several (`amazon` alone is ambiguous; `cdiscount` is one)."""
    wanted = "".join(typed.strip().lower().split())
    wanted = ZH_MARKETS.get(wanted.removeprefix("亚马逊").removesuffix("站"), wanted)
    for code, name in names.items():
        short = code.split("-", 1)[-1]
        if wanted in (code, "".join(name.lower().split())) or (code.startswith("amazon-") and wanted == short):
            return code
    matches = [code for code in names if code.split("-", 1)[0] == wanted]
    return matches[0] if len(matches) == 1 else None


_ZH_COUNTRY = {code: name for name, code in sorted(ZH_MARKETS.items(), key=lambda pair: len(pair[0]))}
"""Code -> its Chinese name, the full one of ZH_MARKETS (美国, not 美)."""
_PLATFORM = {"amazon": ("Amazon", "亚马逊"), "cdiscount": ("Cdiscount", "Cdiscount")}


def label(code: str, lang: str) -> str:
    """A marketplace code as people say it: `amazon-us` is 亚马逊美国站 on a Chinese screen and
    Amazon US on an English one; a code it does not know stays as it is."""
    platform, _, country = code.partition("-")
    names = _PLATFORM.get(platform)
    if not names or not country:
        return code
    if lang == "zh":
        return f"{names[1]}{_ZH_COUNTRY.get(country, country.upper())}站"
    return f"{names[0]} {country.upper()}"
