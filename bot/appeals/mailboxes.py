"""Where to send an appeal: mailbox and Seller Central path per marketplace and purpose.

Read from `knowledge/mailboxes.yaml` (curated in the knowledge base). Every answer carries the
file's "verify before use" note: addresses change, and several were restored from garbled sources.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.i18n import pick

FALLBACK_PURPOSE = "performance"


def in_lang(text: str | dict[str, str], lang: str) -> str:
    """A note or purpose of the file in the user's language: `{en, zh}`, or one string kept as written
    (English falls back when a curator wrote only `en`)."""
    if isinstance(text, dict):
        return str(text.get(lang) or text.get("en") or next(iter(text.values()), ""))
    return str(text)


class Mailboxes:
    def __init__(self, data: dict[str, Any] | None = None, path: Path | None = None):
        data = data or {}
        self.path = path
        self.verified_on = str(data["verified_on"]) if data.get("verified_on") else None
        self.note: dict[str, str] = data.get("note") or {}
        self.marketplaces: dict[str, dict] = data.get("marketplaces") or {}
        self.purposes: dict[str, Any] = data.get("purposes") or {}
        self.routes: list[dict] = data.get("routes") or []

    @classmethod
    def load(cls, path: Path) -> "Mailboxes":
        """The mailboxes in `path`; an empty directory when the file does not exist yet."""
        path = Path(path)
        if not path.exists():
            return cls(path=path)
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, path)

    def route(self, marketplace: str, purpose: str) -> dict | None:
        for wanted in (purpose, FALLBACK_PURPOSE):
            for route in self.routes:
                if route.get("marketplace") == marketplace and route.get("purpose") == wanted:
                    return route
        return None

    def send_to(self, marketplace: str, purpose: str, lang: str = "en") -> dict[str, Any]:
        """`{email, path, note, …}` for an appeal of `purpose` on `marketplace`, flagged "verify before use"."""
        route = self.route(marketplace, purpose) or {}
        market = self.marketplaces.get(marketplace) or {}
        verify = self.note.get(lang) or self.note.get("en") or pick(
            lang,
            en="Verify before use: mailboxes and paths change; Amazon now expects most appeals through Account Health.",
            zh="使用前请核实：邮箱和路径会变化；亚马逊目前要求大多数申诉通过“账户状况”提交。",
        )
        out: dict[str, Any] = {
            "email": route.get("email"),
            "path": route.get("path") or market.get("default_path"),
            "primary": route.get("primary") or ("email" if route.get("email") and not route.get("path") else "path"),
            "note": verify,
            "verify_before_use": True,
            "marketplace": marketplace,
            "purpose": route.get("purpose", purpose),
        }
        if route.get("also"):
            out["also"] = list(route["also"])
        if route.get("note"):
            out["route_note"] = in_lang(route["note"], lang)
        if route and route.get("purpose") != purpose:
            named = in_lang(self.purposes.get(purpose) or purpose, lang)
            out["note"] += " " + pick(
                lang,
                en=f"(No mailbox is listed for “{named}” here; this is the general performance route.)",
                zh=f"（此站点没有“{named}”专用邮箱，以下为通用绩效申诉渠道。）",
            )
        if not route and not market:
            out["note"] += " " + pick(
                lang,
                en="No mailbox is known for this marketplace: appeal from the seller back-office and ask support where to write.",
                zh="暂无该站点的申诉邮箱：请在卖家后台提交申诉，并向客服确认渠道。",
            )
        if route.get("source"):
            out["source"] = route["source"]
        if self.verified_on:
            out["verified_on"] = self.verified_on
        return out
