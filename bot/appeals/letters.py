"""Appeal letters from Jinja2 templates in `knowledge/appeals/`, rendered in a sandbox, as plain text.

Account Health's appeal form takes plain text in separate boxes (root cause, actions taken,
preventive measures), so a draft is one `.txt` document: those three blocks, ready to paste, then
the same plan as an e-mail for the routes that take one. Only the e-mail comes from a template (its
opening and request differ per type); the blocks are the same numbered items.

What users typed reaches the templates only as values of variables: it is never compiled as
template code, so `{{7*7}}` typed as a store name is printed as `{{7*7}}`. The sandbox also keeps
a curator's template from reaching Python internals. Autoescaping is off because the output is
plain text, not HTML.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path

LETTER_LANGS = ("en", "fr")
_END_PUNCTUATION = ".!?。！？:;…)\"'”’»"
RULE = "=" * 60
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


@dataclass
class LetterFacts:
    """Everything a letter says, already resolved to the letter's language."""

    violation: str
    violation_title: str
    marketplace: str
    marketplace_name: str
    language: str
    notice_date: date
    store_name: str
    login_email: str
    root_causes: list[str]
    actions: list[str]
    """Each already dated ("21 November 2026: We refunded…")."""
    prevention: list[str]
    ids: list[str] = field(default_factory=list)
    id_kind: str | None = None
    notice_text: str | None = None
    complaint_ref: str | None = None
    related_account: str | None = None
    notice_effect: str = "warning"
    effect_sentence: str = ""
    """What the notice did, as the letter states it ("Our selling privileges were removed.")."""
    request: str = ""
    """What the letter asks for, which follows from what the notice did."""
    metric_sentence: str = ""
    """The metric as Account Health showed it, when the agent gave its counts."""
    order_notes: dict[str, str] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)
    retraction_date: date | None = None
    entitlement: str = ""
    """The seller's right to sell what an IP complaint names, stated in place of an admission of fault."""
    form: bool = True
    """Whether the marketplace takes the plan in Account Health's form (Amazon) or only as a message."""


@dataclass
class RenderedLetter:
    email: str
    """The letter as one message (the e-mail version; for Cdiscount, the whole draft)."""
    form: dict[str, str]
    """The three boxes of Account Health's form: root_cause, actions_taken, preventive_measures."""
    text: str
    """The `.txt` document: the form's blocks, then the e-mail version."""


def sentence(text: str) -> str:
    """The user's words unchanged, with a full stop added when the item has no final punctuation."""
    text = text.strip()
    return text if not text or text[-1] in _END_PUNCTUATION else text + "."


def long_date(value: date, lang: str = "en") -> str:
    from babel.dates import format_date  # loaded with the first letter, as Jinja2 is

    return format_date(value, format="d MMMM y", locale=_locale(lang))


def _locale(lang: str) -> str:
    return "fr_FR" if lang == "fr" else "en_GB"


@cache
def _months(lang: str) -> tuple[str, ...]:
    """babel's month names in the letter's language, full ("December") first, then short ("Dec")."""
    from babel.dates import get_month_names

    wide = [str(n) for n in get_month_names("wide", locale=_locale(lang)).values()]
    short = [str(n).rstrip(".") for n in get_month_names("abbreviated", locale=_locale(lang)).values()]
    return tuple(dict.fromkeys(wide + short + ([] if lang == "fr" else ["Sept"])))


@cache
def _date_phrase(lang: str) -> re.Pattern[str]:
    """A calendar date as an agent types one in the letter's language: `2026-12-05`, `5 Dec`,
    `Dec 5th, 2026`, `5 décembre`. Numeric `12/5` is left alone: it reads as May in France and
    December in China."""
    month = "(?:" + "|".join(sorted(map(re.escape, _months(lang)), key=len, reverse=True)) + r")\.?"
    day = r"\d{1,2}(?:st|nd|rd|th|er)?"
    year = r"(?:,?\s+\d{4})?"
    return re.compile(rf"\b(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|{day}\s+(?:of\s+)?{month}{year}|{month}\s+{day}\b{year})(?!\w)", re.I)


def _written_as_the_letter_writes(phrase: str, lang: str) -> bool:
    """`21 November` or `21 November 2026`: already the letter's own form (babel's `d MMMM y`)."""
    return bool(re.fullmatch(r"\d{1,2} (?:" + "|".join(_months(lang)[:12]) + r")(?: \d{4})?", phrase))


def _read_date(phrase: str, lang: str, near: date | None) -> date | None:
    """`phrase` as a date; a date typed without its year takes the year of `near` (the date the
    dialogue gave for the actions)."""
    import dateparser  # loaded with the first dated action, as babel is

    if lang != "fr" and re.fullmatch(r"may\b.*|.*\bmay", phrase):
        return None  # the verb, not the month
    base = datetime.combine(near, datetime.min.time()) if near else None
    settings = {"REQUIRE_PARTS": ["day", "month"], **({"RELATIVE_BASE": base} if base else {})}
    parsed = dateparser.parse(phrase, languages=[lang if lang == "fr" else "en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed else None


def one_date(action: str, lang: str) -> str:
    """An action with a single date, written as the letter writes dates (`long_date`).

    Every action arrives dated with the day the picked actions were completed
    ("6 December 2026: …"). An action typed with a date in its own words ("We refunded order … on
    Dec 5") keeps only its own date, so the letter never says "6 December 2026: … on Dec 5"; the
    typed date is rewritten in place in the letter's form ("on 5 December 2026") unless it is
    written that way already, since the agent's words are otherwise kept as typed. A date that
    cannot be read leaves the action as it came."""
    lead = re.match(r"^(?P<date>\d{1,2} \w+ \d{4}): ", action)
    near = _read_date(lead.group("date"), lang, None) if lead else None
    rest = action[lead.end():] if lead else action
    phrases = list(_date_phrase(lang).finditer(rest))
    if not phrases:
        return f"{lead.group('date')} : {rest}" if lead and lang == "fr" else action  # French puts a space before the colon
    out, last = [], 0
    for phrase in phrases:
        typed = phrase.group(0)
        when = _read_date(typed, lang, near)
        if when is None:
            return action
        out += [rest[last:phrase.start()], typed if _written_as_the_letter_writes(typed, lang) else long_date(when, lang)]
        last = phrase.end()
    return "".join(out) + rest[last:]


class LetterRenderer:
    def __init__(self, templates_dir: Path):
        # Jinja2 is loaded when the first letter is drafted, not by every process that registers `appeal`.
        from jinja2 import FileSystemLoader, StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        self.dir = Path(templates_dir)
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(self.dir)),
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["longdate"] = long_date
        self.env.filters["words"] = lambda n: NUMBER_WORDS.get(n, str(n))
        self.env.filters["quote"] = lambda text: "\n".join("> " + line if line.strip() else ">" for line in str(text).splitlines())

    def template_name(self, violation: str, language: str) -> str:
        """`<type>.fr.txt.j2` for a French letter when it exists, else `<type>.txt.j2`."""
        if language != "en" and (self.dir / f"{violation}.{language}.txt.j2").exists():
            return f"{violation}.{language}.txt.j2"
        return f"{violation}.txt.j2"

    def has_template(self, violation: str) -> bool:
        return (self.dir / f"{violation}.txt.j2").exists()

    def render(self, facts: LetterFacts) -> RenderedLetter:
        template = self.env.get_template(self.template_name(facts.violation, facts.language))
        context = asdict(facts)
        context["actions"] = [one_date(item, facts.language) for item in context["actions"]]
        for key in ("root_causes", "actions", "prevention"):
            context[key] = [sentence(item) for item in context[key]]
        context["order_notes"] = {k: sentence(v) for k, v in facts.order_notes.items()}
        email = _tidy(template.render(**context))
        form: dict[str, str] = {}
        if facts.form:
            form = {
                "root_cause": _tidy("\n".join(self._ids_lines(facts, context) + [""] + _numbered(context["root_causes"]))),
                "actions_taken": _tidy("\n".join(_numbered(context["actions"]))),
                "preventive_measures": _tidy("\n".join(_numbered(context["prevention"]))),
            }
        return RenderedLetter(email=email, form=form, text=self.document(facts, email, form))

    @staticmethod
    def _ids_lines(facts: LetterFacts, context: dict) -> list[str]:
        if not facts.ids:
            return []
        heading = {"asin": "ASINs concerned:", "order": "Orders concerned:"}.get(facts.id_kind or "", "Orders concerned:")
        notes = context["order_notes"]
        return [heading] + [f"- {id_}: {notes[id_]}" if id_ in notes else f"- {id_}" for id_ in facts.ids]

    @staticmethod
    def document(facts: LetterFacts, email: str, form: dict[str, str]) -> str:
        """The `.txt` a user copies from: the form's three boxes first (Amazon), then the e-mail."""
        if not form:
            return email
        parts = [
            f"Plan of Action – {facts.violation_title} – {facts.store_name}",
            "",
            "ACCOUNT HEALTH APPEAL FORM: paste each block into its box (Performance > Account Health).",
            "",
            "--- Root cause ---",
            form["root_cause"].rstrip("\n"),
            "",
            "--- Actions taken ---",
            form["actions_taken"].rstrip("\n"),
            "",
            "--- Preventive measures ---",
            form["preventive_measures"].rstrip("\n"),
            "",
        ]
        if facts.attached:
            parts += ["--- Attach to the form ---", *[f"- {item}" for item in facts.attached], ""]
        parts += [RULE, "E-MAIL VERSION (for the routes that take an e-mail)", RULE, "", email.rstrip("\n")]
        return "\n".join(parts) + "\n"


def _numbered(items: list[str]) -> list[str]:
    return [f"{i}. {item}" for i, item in enumerate(items, 1)]


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def split_email(document: str) -> str:
    """The e-mail version of a `.txt` draft (the whole draft when it has no form blocks)."""
    marker = f"{RULE}\n\n"
    return document.rsplit(marker, 1)[-1] if marker in document else document
