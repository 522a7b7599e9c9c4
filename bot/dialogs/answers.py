"""Validation of one answer per answer type: what is accepted, and why the rest is refused.

Each parser returns the value to store or raises `Invalid` with the reason in English and Chinese,
so the engine can refuse the answer and ask the step again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from bot.dialogs.flow import Localized, Step

ID_PATTERNS: dict[str, re.Pattern[str]] = {
    "order": re.compile(r"^\d{3}-\d{7}-\d{7}$"),
    "asin": re.compile(r"^B0[A-Z0-9]{8}$"),
    # Cdiscount order references start with the order's date and time in digits (yymmddhhmm…)
    # followed by letters and digits, e.g. 2011051803T1VLZ.
    "cdiscount_order": re.compile(r"^\d{6,12}[A-Z0-9]{2,10}$"),
}
ID_EXAMPLES = {
    "order": "113-4567890-1234567",
    "asin": "B0ABC12345",
    "cdiscount_order": "2011051803T1VLZ",
}
ID_NAMES = {
    "order": ("an Amazon order ID (NNN-NNNNNNN-NNNNNNN)", "亚马逊订单号（NNN-NNNNNNN-NNNNNNN）"),
    "asin": ("an ASIN (B0 + 8 letters or digits)", "ASIN（B0 加 8 位字母或数字）"),
    "cdiscount_order": ("a Cdiscount order reference (digits then letters, e.g. 2011051803T1VLZ)", "Cdiscount 订单号（数字开头，如 2011051803T1VLZ）"),
}
_SEPARATORS = re.compile(r"[\s,;，；、]+")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$")
_ZH_MONTH_DAY = re.compile(r"^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$")
_ZH_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ZH_COUNT_AGO = re.compile(r"^([一二两三四五六七八九十])\s*(天|周|个月)前$")


class Invalid(ValueError):
    """An answer that cannot be accepted; `en`/`zh` say why."""

    def __init__(self, en: str, zh: str):
        super().__init__(en)
        self.en = en
        self.zh = zh

    def reason(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def parse_text(step: Step, text: str) -> str:
    text = text.strip()
    if step.type == "text":
        text = re.sub(r"\s+", " ", text)
    if len(text) < step.min_chars:
        raise Invalid(
            f"That is too short: at least {step.min_chars} characters, please.",
            f"太短了：至少需要 {step.min_chars} 个字符。",
        )
    if len(text) > step.max_chars:
        raise Invalid(
            f"That is too long ({len(text):,} characters; at most {step.max_chars:,}).",
            f"太长了（{len(text):,} 个字符，上限 {step.max_chars:,}）。",
        )
    return text


def parse_ids(step: Step, text: str) -> list[str]:
    """A list of order IDs / ASINs / Cdiscount references, separated by spaces, commas or lines."""
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    if not tokens:
        raise Invalid("Please give at least one ID.", "请至少输入一个编号。")
    found: list[str] = []
    bad: list[str] = []
    for token in tokens:
        candidate = token.strip(".()[]<>\"'“”")
        upper = candidate.upper()
        if any(ID_PATTERNS[kind].match(upper) for kind in step.id_kinds):
            if upper not in found:
                found.append(upper)
        else:
            bad.append(token)
    if bad:
        wanted_en = " or ".join(ID_NAMES[k][0] for k in step.id_kinds)
        wanted_zh = "或".join(ID_NAMES[k][1] for k in step.id_kinds)
        example = ", ".join(ID_EXAMPLES[k] for k in step.id_kinds)
        shown = ", ".join(bad[:5]) + (" …" if len(bad) > 5 else "")
        raise Invalid(
            f"Not a valid ID: {shown}. Each must be {wanted_en}, e.g. {example}.",
            f"编号格式不对：{shown}。每个编号应为{wanted_zh}，例如 {example}。",
        )
    if len(found) > step.max_items:
        raise Invalid(
            f"Too many IDs ({len(found)}); list at most {step.max_items} and keep the rest for the evidence file.",
            f"编号太多（{len(found)} 个）；最多列出 {step.max_items} 个，其余放在证据附件中。",
        )
    return found


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


LETTER_LANGUAGE = {"en": ("English", "英文"), "fr": ("French", "法文")}
"""A letter language's name in (en, zh): the dialogue's refusals and the linter say it the same way."""


def typed_chinese(step: Step, text: str) -> bool:
    """Chinese typed into a step whose words go into the letter verbatim: the marketplace reads
    the letter in its language (English, or French for a French Cdiscount letter), and a
    translation is the agent's to make, not ours to guess."""
    return step.english and bool(_CJK.search(text))


def wrong_language(letter_lang: str, suggestions: list[str], step: Step | None = None) -> Invalid:
    """The refusal of `typed_chinese`: it names the letter's language and offers suggestions, or
    says what the step asks for instead (`chinese_hint`: a store name as the marketplace shows it)."""
    en, zh = LETTER_LANGUAGE.get(letter_lang, LETTER_LANGUAGE["en"])
    if step is not None and step.chinese_hint is not None:
        return Invalid(
            f"The letter is in {en} and this goes into it as typed: {step.chinese_hint.en}",
            f"申诉信是{zh}的，这里输入的文字会原样写进信里：{step.chinese_hint.get('zh')}",
        )
    listed = "\n".join(f"• {s}" for s in suggestions[:6])
    return Invalid(
        f"The letter is in {en}: type this in {en}" + (", or pick one of these suggestions:\n" + listed if listed else "."),
        f"申诉信是{zh}的，这里输入的文字会原样写进信里：请用{zh}输入" + (f"，或点选下面的{zh}建议：\n" + listed if listed else "。"),
    )


INTENTION = re.compile(
    r"\b(we will|we'll|we are going to|we're going to|we plan|we intend|we shall|we hope to|we promise|"
    r"we are planning|we would like to|will be (done|implemented|completed|set up|introduced)|going to)\b|"
    r"\bnous (allons|ferons|mettrons|prévoyons|comptons|souhaitons)\b|\bsera (mis|mise|fait|faite)\b|"
    r"将会|将要|计划|打算",
    re.I,
)
"""An action written as an intention, not as done: refused at a `past_tense` step, and flagged by
the letter's checks (bot/appeals/lint.py) in whatever reached the letter another way."""
DONE_EXAMPLE = {"en": "We retrained all agents on 21 November.", "fr": "Nous avons formé tous les agents le 21 novembre."}


def refuse_intention(step: Step, text: str, letter_lang: str) -> None:
    """Refuse a sentence typed into a `past_tense` step that says what will be done: the actions
    taken are what the reviewer weighs, and a plan there reads as nothing done yet."""
    found = INTENTION.search(text) if step.past_tense else None
    if found is None:
        return
    example = DONE_EXAMPLE.get(letter_lang, DONE_EXAMPLE["en"])
    raise Invalid(
        f"“{found.group(0)}” says what will be done; this step lists actions already taken. Write what was done, "
        f"in the past tense, with when: e.g. “{example}” A plan belongs to the preventive measures.",
        f"“{found.group(0)}”写的是打算，而这一步只列已经完成的措施。请用过去时写出做了什么、何时做的，"
        f"例如“{example}”；今后的安排请写到“预防措施”一步。",
    )


def parse_counts(step: Step, text: str) -> list[int]:
    """`2 126` or `2/126`: the defects and the total the metric counts, as Account Health shows them."""
    numbers = re.findall(r"\d+", text.replace(",", ""))
    if len(numbers) != 2 or re.search(r"[.%]", text):
        raise Invalid(
            "Give two numbers: the defects and the total, e.g. “2 126” (2 defective orders out of 126).",
            "请写两个数字：缺陷数和总数，例如“2 126”（126 个订单中 2 个有缺陷）。",
        )
    bad, total = int(numbers[0]), int(numbers[1])
    if total <= 0 or bad > total:
        raise Invalid(f"{bad} out of {total} is not possible: the defects cannot exceed the total.",
                      f"{total} 个中有 {bad} 个不成立：缺陷数不能大于总数。")
    return [bad, total]


def parse_notes(step: Step, text: str, ids: list[str]) -> dict[str, str]:
    """One line per order: `ORDER-ID: what happened; what we did`. Every line must name one of
    the orders already listed, so the letter never describes an order it does not list."""
    notes: dict[str, str] = {}
    bad: list[str] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if not line:
            continue
        match = re.match(r"^([0-9A-Za-z-]{6,30})\s*[:：–—-]?\s+(.+)$", line)
        if not match or match.group(1).upper() not in ids:
            bad.append(line[:40])
            continue
        notes[match.group(1).upper()] = parse_text(step, match.group(2))
    if bad or not notes:
        listed = ", ".join(ids[:5])
        raise Invalid(
            f"Each line starts with one of the orders listed ({listed}), then what happened and what you did, "
            f"e.g. “{ids[0] if ids else '113-4567890-1234567'}: still in transit when the buyer claimed; refunded on 21 November”."
            + (f" Not understood: {'; '.join(bad[:3])}" if bad else ""),
            f"每行以已列出的订单号（{listed}）开头，后面写发生了什么、做了什么，"
            f"例如“{ids[0] if ids else '113-4567890-1234567'}: still in transit when the buyer claimed; refunded on 21 November”。"
            + (f" 无法识别：{'；'.join(bad[:3])}" if bad else ""),
        )
    return notes


def parse_email(step: Step, text: str) -> str:
    text = text.strip().strip("<>")
    if len(text) > 254 or not _EMAIL.match(text):
        raise Invalid(
            f"“{text[:80]}” is not an e-mail address (like seller@example.com).",
            f"“{text[:80]}” 不是有效的邮箱地址（例如 seller@example.com）。",
        )
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_date(step: Step, text: str, *, now: datetime, zone: tzinfo,
               earliest: "tuple[str, Localized | None] | None" = None) -> str:
    """A past or present date in English or Chinese, read in the channel's time zone; ISO back.
    `earliest`: (an ISO date, the label of the step that gave it) it may not come before."""
    today = now.astimezone(zone).date()
    when = _parse_day(text.strip(), now.astimezone(zone).replace(tzinfo=None), today)
    if when is None:
        raise Invalid(
            "I could not read that date. Try 2026-11-20, “Nov 20”, “yesterday”, “2026年11月20日” or “昨天”.",
            "无法识别这个日期。可以写 2026-11-20、“11月20日”、“昨天” 或 “Nov 20”。",
        )
    label = step.label or step.prompt
    if when > today:
        raise Invalid(
            f"{when.isoformat()} is in the future: give a date up to today ({label.get('en')}).",
            f"{when.isoformat()} 是将来的日期：请填写今天或之前的日期（{label.get('zh')}）。",
        )
    if earliest is not None and when < date.fromisoformat(earliest[0]):
        named = earliest[1] or Localized(en="the date before", zh="前面的日期")
        raise Invalid(
            f"{when.isoformat()} is before {named.get('en').lower()} ({earliest[0]}): check the year and the day.",
            f"{when.isoformat()} 早于{named.get('zh')}（{earliest[0]}）：请检查年份和日期。",
        )
    if when < today - timedelta(days=step.max_age_days):
        raise Invalid(
            f"{when.isoformat()} is more than {step.max_age_days} days ago; check the year.",
            f"{when.isoformat()} 距今超过 {step.max_age_days} 天，请检查年份。",
        )
    return when.isoformat()


def _parse_day(text: str, base: datetime, today: date) -> date | None:
    match = _ZH_MONTH_DAY.match(text)
    if match:
        year = int(match.group(1)) if match.group(1) else today.year
        try:
            day = date(year, int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
        if not match.group(1) and day > today:
            day = day.replace(year=year - 1)
        return day
    ago = _ZH_COUNT_AGO.match(text)
    if ago:
        unit = {"天": "days", "周": "weeks", "个月": "months"}[ago.group(2)]
        text = f"{_ZH_DIGITS[ago.group(1)]} {unit} ago"
    import dateparser  # loaded by the first date typed, not by every process that imports the dialogues

    parsed = dateparser.parse(
        text,
        languages=["en", "zh"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date() if parsed else None
