"""A linter for appeal letters: the reasons reviewers reject a Plan of Action, caught before sending.

Each finding is `{rule, message, fix}` (plus `excerpt` where a passage is at fault), in the
agent's language. The rules follow Amazon's published advice on a Plan of Action — root causes,
actions taken, preventive steps; specific, factual, one issue per plan, no pleading or blaming —
and the rejection reasons it lists. The notice quoted in the letter (lines starting with `>`) is
Amazon's text, not ours, and is left out of every check but one: it must not be Chinese either.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from bot.dialogs.answers import INTENTION, LETTER_LANGUAGE  # the names and the pattern the dialogue's refusals use
from bot.i18n import pick

MIN_WORDS = 150
MAX_WORDS = 1000


@dataclass
class Finding:
    rule: str
    message: str
    fix: str
    excerpt: str | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Letter:
    """A letter split into its parts: sections by heading, items by number or bullet."""

    text: str
    body: str = ""
    sections: dict[str, list[str]] = field(default_factory=dict)
    headings: dict[str, str] = field(default_factory=dict)


SECTION_PATTERNS = {
    "root": re.compile(r"root cause|\bcauses?\b", re.I),
    "actions": re.compile(r"actions? (taken|completed|réalisées|menées)|corrective actions?|actions we have", re.I),
    "prevention": re.compile(r"prevent|préventi", re.I),
    "ids": re.compile(r"orders?\b|asins?\b|commandes", re.I),
    "attached": re.compile(r"^\s*(attached|pièces jointes)\s*$", re.I),
}
_HEADING = re.compile(r"^\s*(#{1,6}\s*|\*\*)(?P<title>.+?)(\*\*)?\s*:?\s*$")
_COLON_HEADING = re.compile(r"^\s*(?:\d{1,2}[.)]\s*)?(?P<title>[A-Za-zÀ-ÿ ()'’/-]{3,60})\s*[:：]\s*$")
_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+(?P<text>.*)$")
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

PLACEHOLDERS = [
    (re.compile(r"\bX{3,}\b|\bx{3,}\b"), "XXX"),
    (re.compile(r"\b(TODO|TBD|FIXME)\b"), "TODO"),
    (re.compile(r"\[(?![xX ]\])[^\]\n]{1,60}\](?!\()"), "[…]"),
    (re.compile(r"<(?:store|name|order|asin|date|email|your|insert)[^>\n]{0,40}>", re.I), "<…>"),
    (re.compile(r"_{4,}"), "____"),
    (re.compile(r"\{\{|\}\}|\{%|%\}"), "{{ }}"),
    (re.compile(r"\b(?:order id|asin|order)s?\s*[:：]\s*(?:$|,|\.|\(\s*\)|and\b)", re.I | re.M), "empty ID"),
]

SYMPTOM = re.compile(
    r"order defect rate|\bodr\b|a-to-z|a-z claim|chargebacks?|late shipment rate|negative feedback|"
    r"complain|claims?\b|suspend|deactivat|polic(y|ies) violation|violat|exceed|above (the )?(target|limit)|"
    r"(too|was|were) (high|low)|infring|counterfeit|inauthentic|invalid tracking|tracking rate|"
    r"restricted products?|related accounts?|linked accounts?|received (a |an )?(notice|warning)",
    re.I,
)
CAUSE = re.compile(
    r"\b(because|due to|since|as a result|caused by|so that|which|when we|after|before|without|instead|"
    r"we (did not|didn't|had no|never|failed|used|shipped|listed|relied|copied|bought|confirmed|uploaded|"
    r"opened|kept|offered|added|set|chose|entered|typed|sent|took|forgot|missed|ran)|"
    r"nobody|no one|assigned|agent|employee|staff|supplier|wholesaler|carrier|forwarder|warehouse|training|trained|procedure|"
    r"process|handling time|stock|inventory|template|by hand|manual|software|erp|tool|network|device|computer|"
    r"car|parce que|en raison|faute de|transporteur|procédure|notre stock)\b",
    re.I,
)
_DAYS = r"day|working day|morning|evening|night|week|month|quarter|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
CONCRETE = re.compile(
    r"\d|\b(daily|weekly|monthly|quarterly|yearly|annually|hourly|twice|once a (day|week|month|year)|"
    rf"(every|each) (other )?({_DAYS})|within|before (each|every|any)|"
    r"two|three|four|five|six|seven|eight|nine|ten|twelve|"
    r"software|erp|tool|checklist|spreadsheet|report|dashboard|templates?|seller central|account health|alerts?|"
    r"registers?|written (policy|procedure|rules?)|rota|"
    r"manager|lead|supervisor|officer|director|owner|inspector|named|"
    r"chaque|toutes les|sous|quotidien\w*|hebdomadaire|mensuel\w*|logiciel|outil|procédure|responsable)\b",
    re.I,
)
BLAME = re.compile(
    r"\b(buyer|customer|client)s? (lied|lies|was lying|were lying|scammed|abused|cheated|tried to cheat|"
    r"made (a )?false|falsely|(was|were|is|are) (dishonest|wrong|lying|unreasonable|to blame))|"
    r"\b(dishonest|fraudulent|malicious|unreasonable|lying|crazy|bad) (buyers?|customers?|clients?)|"
    r"\b(buyer|customer)'?s fault|"
    r"\b(amazon|cdiscount|your (team|system|algorithm|bot|reviewer)s?|the (marketplace|platform|system|algorithm))('s)? "
    r"(made a mistake|is wrong|was wrong|got it wrong|error|mistake|fault|is unfair|was unfair)|"
    r"\bunfair(ly)?\b|\bwrongly (suspended|deactivated|flagged|accused)|\bnot our fault|\bno fault of (ours|our own)|"
    r"\bmistakenly (suspended|deactivated|flagged)|\bfalse (complaint|claim|accusation)s?\b",
    re.I,
)
PLEADING = re.compile(
    r"\b(please|kindly) (give us|grant us) (a|one more|another|a second) chance|\bgive us (a|one more|another) chance|"
    r"\b(please|kindly) (help us|forgive|have mercy)|\bbeg(ging)?\b|\bdesperate(ly)?\b|"
    r"\bour (family|families|children|employees|workers) (depend|will|would)|\bwe (will|would) (lose everything|go bankrupt)|"
    r"\bbankrupt(cy)?\b|\bhard-?won\b|\blast chance\b|\bmercy\b|\bheartbroken\b|"
    r"\b(very|extremely|deeply|terribly) (sorry|regret|upset|worried)|\bsincerely hope\b|!{2,}|"
    r"\bwe are (just )?(a )?(small|poor|new|tiny) (seller|business|company|team)\b|\bplease,? please\b",
    re.I,
)
ADMISSION = re.compile(
    # a reason that is a wish to look compliant: "to meet the handling time we uploaded…"
    r"\b(?:to|in order to|so as to) (?:meet|stay within|keep within|beat|avoid|hide|cover|show|make|look|appear)\b[^.;\n]{0,80}?"
    r"\bwe (?:uploaded|entered|confirmed|marked|added|created|used|typed|provided|sent)\b|"
    r"\bso that (?:the |our )?(?:orders?|shipments?|parcels?|account|metrics?)[^.;\n]{0,40}(?:appeared|looked|would (?:appear|look)|seemed)\b|"
    # tracking numbers that were not the parcel's own
    r"\b(?:tracking|tracking numbers?|numbers)\b[^.;\n]{0,40}\b(?:that|which) (?:did not|didn't|do not|never) (?:belong|correspond|relate)\b|"
    r"\b(?:fake|false|invented|made[- ]up|fabricated|falsified|borrowed|recycled|reused) (?:tracking|tracking numbers?|invoices?|documents?|orders?|reviews?)\b|"
    # a step taken before it could be true
    r"\bwe (?:uploaded|entered|provided|sent|added) (?:the )?tracking(?: numbers?)?\b[^.;\n]{0,60}\bbefore (?:the )?(?:carrier|parcels?|goods|items?|shipment)\b|"
    r"\b(?:deliberately|intentionally|on purpose|knowingly|wilfully|willfully)\b",
    re.I,
)
ISSUE_FAMILIES = {
    "performance": re.compile(r"order defect|a-to-z|chargeback|late shipment|late dispatch|valid tracking|tracking numbers?", re.I),
    "conduct": re.compile(r"code of conduct|whatsapp|messaging guidelines|communication guidelines|unsolicited", re.I),
    "accounts": re.compile(r"related accounts?|linked accounts?|multiple (seller )?accounts|second (seller )?account|another seller account", re.I),
    "restricted": re.compile(r"restricted products?|prohibited products?|dangerous goods|hazmat|pesticide", re.I),
    "authenticity": re.compile(r"inauthentic|counterfeit|not authentic", re.I),
    "ip": re.compile(r"trademark|patent|copyright|intellectual[- ]property|infring", re.I),
}
FAMILY_NAMES = {
    "performance": ("order performance (ODR, late shipment, tracking)", "订单绩效（ODR、迟发、追踪）"),
    "conduct": ("buyer messaging (Code of Conduct)", "站内信（行为准则）"),
    "accounts": ("related accounts", "账户关联"),
    "restricted": ("restricted products", "禁限售商品"),
    "authenticity": ("inauthentic items", "假货"),
    "ip": ("intellectual property", "知识产权"),
}


def parse(text: str) -> Letter:
    """Split a letter into sections and items; quoted lines (the notice) are left out.

    A heading is a Markdown heading, a bold line, or a short line ending with a colon that names a
    section ("Root cause:"). Items are numbered or bulleted lines; a section without any takes its
    paragraphs as items; indented lines continue the item above.
    """
    letter = Letter(text=text)
    body_lines: list[str] = []
    current: str | None = None
    numbered = False
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            continue
        body_lines.append(line)
        section = _section_of(line)
        if section is not None:
            current, numbered = section, False
            if current not in letter.sections:
                letter.sections[current] = []
                letter.headings[current] = line.strip()
            continue
        if current is None or not line.strip():
            continue
        items = letter.sections[current]
        item = _ITEM.match(line)
        if item:
            if not numbered:
                items.clear()  # paragraphs before the list were its introduction
            numbered = True
            items.append(item.group("text").strip())
        elif line.startswith((" ", "\t")) and items:
            items[-1] += " " + line.strip()
        elif not numbered and not line.rstrip().endswith(":") and current != "ids":
            items.append(line.strip())
    letter.body = "\n".join(body_lines)
    return letter


def _section_of(line: str) -> str | None:
    heading = _HEADING.match(line) or _COLON_HEADING.match(line)
    if not heading or len(heading.group("title")) > 80:
        return None
    return next((key for key, pattern in SECTION_PATTERNS.items() if pattern.search(heading.group("title"))), None)


def lint(text: str, *, lang: str = "en", letter_lang: str = "en") -> list[dict]:
    """Every finding for `text`, in the order a reviewer would read them."""
    letter = parse(text)
    findings: list[Finding] = []
    findings += _missing_sections(letter, lang)
    findings += _placeholders(letter, lang)
    findings += _symptoms(letter, lang)
    findings += _intentions(letter, lang)
    findings += _vague_prevention(letter, lang)
    findings += _matches(letter, lang, "blame", BLAME,
                         en=("The letter blames the buyer or the marketplace", "Take responsibility: describe what *you* did wrong and changed; leave out judgements about buyers or Amazon."),
                         zh=("信中把责任推给了买家或平台", "承担责任：只写自己哪里做错了、改了什么，不要评价买家或平台。"))
    findings += _matches(letter, lang, "pleading", PLEADING,
                         en=("Emotional pleading", "Remove appeals to sympathy; reviewers decide on facts. State the facts and the measures."),
                         zh=("信中有情绪化的恳求", "删除博同情的语句，审核只看事实；写清事实和措施即可。"))
    findings += _matches(letter, lang, "admission", ADMISSION,
                         en=("A sentence admits intent or falsification", "State the process fault and its fix (when the software sent the number, who matched it by hand) — never that something was done to look compliant, or that numbers, invoices or orders were not genuine. Reviewers treat such a sentence as deliberate manipulation, which is rarely reinstated."),
                         zh=("有句子承认了故意或造假", "只写流程上的错误和改正（系统在什么时候回传单号、谁手工匹配出了错），不要写“为了看起来合规而……”或单号、发票、订单不真实。审核会把这类句子当作故意操纵，几乎无法恢复。"))
    findings += _lumped(letter, lang)
    findings += _length(letter, lang)
    findings += _chinese(letter, lang, letter_lang)
    return [f.as_dict() for f in findings]


def _chinese(letter: Letter, lang: str, letter_lang: str) -> list[Finding]:
    """Chinese in an English or French letter, the quoted notice included: the reviewer reads
    neither. A quoted notice in Chinese is the copy Seller Central shows in Chinese; the
    marketplace's own text is what to quote."""
    if letter_lang not in LETTER_LANGUAGE:
        return []
    en, zh = LETTER_LANGUAGE[letter_lang]
    quoted = "\n".join(line for line in letter.text.splitlines() if line.lstrip().startswith(">"))
    out = []
    in_quote = _CJK.search(quoted)
    if in_quote:
        out.append(Finding(
            "wrong-language",
            pick(lang, en=f"The quoted notice is in Chinese, in a letter in {en}", zh=f"引用的通知原文是中文，而申诉信是{zh}的"),
            pick(lang, en="Quote the notice as the marketplace sent it (Amazon: set Seller Central to English and copy it again; "
                          "Cdiscount: the French text), or remove the quote.",
                 zh="请引用平台发出的原文（亚马逊：把卖家后台语言切换为英文后重新复制；Cdiscount：法文原文），或删掉这段引用。"),
            _around(quoted, in_quote),
        ))
    match = _CJK.search(letter.body)
    if match:
        out.append(Finding(
            "wrong-language",
            pick(lang, en=f"The letter contains Chinese text; the letter is in {en}", zh=f"信中含有中文，而申诉信是{zh}的"),
            pick(lang, en=f"Write this passage in {en}: the reviewer reads {en} only.",
                 zh=f"请把这段改用{zh}书写：审核人员只读{zh}。"),
            _around(letter.body, match),
        ))
    return out


def _missing_sections(letter: Letter, lang: str) -> list[Finding]:
    names = {
        "root": ("root cause", "根本原因"),
        "actions": ("actions taken", "已采取的措施"),
        "prevention": ("preventive measures", "预防措施"),
    }
    out = []
    for key, (en, zh) in names.items():
        if key not in letter.sections:
            out.append(Finding("missing-section", pick(lang, en=f"No “{en}” section", zh=f"缺少“{zh}”部分"),
                               pick(lang, en=f"Add a heading “{en.capitalize()}” with numbered points.", zh=f"加上“{zh}”标题和编号条目。")))
        elif not letter.sections[key]:
            out.append(Finding("missing-section", pick(lang, en=f"The “{en}” section is empty", zh=f"“{zh}”部分是空的"),
                               pick(lang, en="Give at least one numbered, specific point.", zh="至少写一条具体的编号条目。")))
    tail = "\n".join(letter.body.strip().splitlines()[-6:])
    if not _EMAIL.search(tail):
        out.append(Finding("missing-section", pick(lang, en="No login e-mail at the end", zh="结尾缺少登录邮箱"),
                           pick(lang, en="Close with the store name and the e-mail address you log in to Seller Central with.",
                                zh="结尾写上店铺名和登录卖家后台的邮箱。")))
    return out


def _placeholders(letter: Letter, lang: str) -> list[Finding]:
    out = []
    for pattern, shown in PLACEHOLDERS:
        match = pattern.search(letter.body)
        if match:
            out.append(Finding("placeholder", pick(lang, en=f"A placeholder is left in the letter ({shown})", zh=f"信中还有占位符（{shown}）"),
                               pick(lang, en="Replace it with the real detail, or delete the sentence.", zh="换成真实信息，或删掉这一句。"),
                               _around(letter.body, match)))
    if "ids" in letter.sections and not letter.sections["ids"]:
        out.append(Finding("placeholder", pick(lang, en="The list of order IDs / ASINs is empty", zh="订单号 / ASIN 列表是空的"),
                           pick(lang, en="List every order ID or ASIN the notice names, or remove the heading.", zh="列出通知中的每个订单号或 ASIN，或删除该标题。")))
    return out


def _symptoms(letter: Letter, lang: str) -> list[Finding]:
    out = []
    for item in letter.sections.get("root", []):
        words = len(_WORD.findall(item))
        if words < 6 or (SYMPTOM.search(item) and not CAUSE.search(item)):
            out.append(Finding("symptom-as-cause",
                               pick(lang, en="This root cause only restates the problem", zh="这条根本原因只是在复述问题"),
                               pick(lang, en="Say *why* it happened: which process, person, tool or supplier failed, and how.",
                                    zh="写出为什么发生：哪个流程、人员、工具或供应商出了什么问题。"),
                               item[:160]))
    return out


def _intentions(letter: Letter, lang: str) -> list[Finding]:
    out = []
    for item in letter.sections.get("actions", []):
        if INTENTION.search(item):
            out.append(Finding("intention-not-action",
                               pick(lang, en="An action is written as an intention, not as done", zh="已采取的措施写成了打算"),
                               pick(lang, en="List only what is already finished, in the past tense (“we replaced…”); move plans to preventive measures.",
                                    zh="只写已经完成的事，用过去时（“we replaced…”）；计划放到预防措施里。"),
                               item[:160]))
    return out


def _vague_prevention(letter: Letter, lang: str) -> list[Finding]:
    out = []
    for item in letter.sections.get("prevention", []):
        if not CONCRETE.search(item):
            out.append(Finding("vague-prevention",
                               pick(lang, en="A preventive measure has no concrete step", zh="预防措施不具体"),
                               pick(lang, en="Say who does what, how often, with which tool or to which number (e.g. “the warehouse lead checks … every day at 16:00”).",
                                    zh="写明谁、做什么、多久一次、用什么工具或达到什么数字（如“仓库主管每天 16:00 检查……”）。"),
                               item[:160]))
    return out


def _matches(letter: Letter, lang: str, rule: str, pattern: re.Pattern[str], *, en: tuple[str, str], zh: tuple[str, str]) -> list[Finding]:
    match = pattern.search(letter.body)
    if not match:
        return []
    message, fix = zh if lang == "zh" else en
    return [Finding(rule, message, fix, _around(letter.body, match))]


def _lumped(letter: Letter, lang: str) -> list[Finding]:
    found = [name for name, pattern in ISSUE_FAMILIES.items() if pattern.search(letter.body)]
    if len(found) < 2:
        return []
    names = [FAMILY_NAMES[f][1 if lang == "zh" else 0] for f in found]
    return [Finding("lumped-issues",
                    pick(lang, en="Several issues are lumped together: " + ", ".join(names), zh="多个问题混在一封信里：" + "、".join(names)),
                    pick(lang, en="Write one plan per notice and issue; answer only the issue this notice names.",
                         zh="一个通知、一个问题写一封信；只回应本通知涉及的问题。"))]


def _length(letter: Letter, lang: str) -> list[Finding]:
    words = len(_WORD.findall(letter.body))
    if words < MIN_WORDS:
        return [Finding("too-short", pick(lang, en=f"The letter is too short ({words} words)", zh=f"信太短（{words} 个词）"),
                        pick(lang, en=f"Reviewers expect specifics: aim for at least {MIN_WORDS} words with concrete causes, actions and measures.",
                             zh=f"审核需要具体内容：至少约 {MIN_WORDS} 个词，写清原因、措施和预防。"))]
    if words > MAX_WORDS:
        return [Finding("too-long", pick(lang, en=f"The letter is too long ({words} words)", zh=f"信太长（{words} 个词）"),
                        pick(lang, en=f"Keep it under {MAX_WORDS} words: one point per cause, action and measure; put evidence in attachments.",
                             zh=f"控制在 {MAX_WORDS} 个词以内：每条原因、措施一句话，证据放附件。"))]
    return []


def _around(text: str, match: re.Match[str], width: int = 40) -> str:
    start = max(0, match.start() - width)
    return " ".join(text[start:match.end() + width].split())
