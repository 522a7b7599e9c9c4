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
from datetime import date
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

    return format_date(value, format="d MMMM y", locale="fr_FR" if lang == "fr" else "en_GB")


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
