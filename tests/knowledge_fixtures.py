"""A small knowledge folder written per test, so behaviour tests do not depend on the real
articles (which curators keep changing); the real articles have their own validation and eval."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from bot.clock import FakeClock
from bot.config import Config
from bot.services import Services
from tests.conftest import ROOT


def article(
    article_id: str,
    *,
    title_en: str,
    title_zh: str,
    sections: list[tuple[str, str, str, str]],
    aliases_en: str = "[]",
    aliases_zh: str = "[]",
    questions_en: str = "[]",
    questions_zh: str = "[]",
    related: str = "[]",
    verified_on: str = "2026-11-01",
    review_every: int = 180,
) -> str:
    """Markdown of one article; sections are (en title, en text, zh title, zh text)."""
    body = "\n".join(
        f"## [en] {en_title} {{#s{n}}}\n{en_text}\n\n## [zh] {zh_title}\n{zh_text}\n"
        for n, (en_title, en_text, zh_title, zh_text) in enumerate(sections, 1)
    )
    return textwrap.dedent(
        f"""\
        ---
        id: {article_id}
        title:
          en: "{title_en}"
          zh: "{title_zh}"
        marketplaces: [amazon-us]
        tags: [test]
        aliases:
          en: {aliases_en}
          zh: {aliases_zh}
        questions:
          en: {questions_en}
          zh: {questions_zh}
        related: {related}
        source: "test fixture"
        verified_on: {verified_on}
        review_every: {review_every}
        ---

        """
    ) + body


ODR = article(
    "order-defect-rate",
    title_en="Order defect rate (ODR)",
    title_zh="订单缺陷率（ODR）",
    aliases_en="[ODR, order defect rate]",
    aliases_zh="[订单缺陷率]",
    questions_en='["What is the maximum order defect rate?"]',
    questions_zh='["订单缺陷率的标准是多少?"]',
    related="[late-shipment-rate]",
    verified_on="2026-10-01",
    review_every=90,
    sections=[
        ("The ODR target is under 1%",
         "Amazon expects sellers to keep the order defect rate under 1% of orders over 60 days.",
         "订单缺陷率的标准：低于1%",
         "亚马逊要求卖家在60天内把订单缺陷率保持在1%以下。"),
        ("What counts as an order defect",
         "A defect is negative feedback, an A-to-z guarantee claim or a credit card chargeback.",
         "哪些算订单缺陷",
         "订单缺陷包括差评、A-to-z交易保障索赔和信用卡拒付。"),
    ],
)
LSR = article(
    "late-shipment-rate",
    title_en="Late shipment rate (LSR)",
    title_zh="迟发率（LSR）",
    aliases_en="[LSR, late shipment rate]",
    aliases_zh="[迟发率]",
    related="[order-defect-rate]",
    sections=[
        ("The LSR target is under 4%",
         "The late shipment rate must stay under 4% of seller-fulfilled orders over 10 and 30 days.",
         "迟发率的标准：低于4%",
         "自发货订单的迟发率在10天和30天内都要低于4%。"),
    ],
)
MESSAGING = article(
    "buyer-messaging",
    title_en="Buyer messaging warnings",
    title_zh="站内信违规警告",
    aliases_en="[messaging warning, WhatsApp]",
    aliases_zh="[站内信违规]",
    sections=[
        ("Appeal a messaging warning within 72 hours",
         "After a messaging warning the seller has 72 hours to appeal from Account Health.",
         "站内信警告后72小时内申诉",
         "收到站内信违规警告后，卖家需要在72小时内通过账户状况页面申诉。"),
        ("Asking buyers for WhatsApp breaks the rules",
         "Asking a buyer for WhatsApp or an e-mail address breaks the Seller Code of Conduct.",
         "向买家索要WhatsApp违反规定",
         "向买家索要WhatsApp或邮箱地址违反卖家行为准则。"),
    ],
)
ARTICLES = {"order-defect-rate": ODR, "late-shipment-rate": LSR, "buyer-messaging": MESSAGING}


def write_kb(folder: Path, articles: dict[str, str] | None = None) -> Path:
    """A knowledge folder with the given articles and the real synonyms and targets."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    for name, text in (ARTICLES if articles is None else articles).items():
        (folder / "articles" / f"{name}.md").write_text(text, encoding="utf-8")
    for data in ("synonyms.yaml", "intents.yaml", "targets.yaml"):
        shutil.copy(ROOT / "knowledge" / data, folder / data)
    return folder


def services_for(folder: Path, db: Path, clock: FakeClock) -> Services:
    return Services(Config(db=db, tz="UTC", knowledge_dir=folder), clock=clock)
