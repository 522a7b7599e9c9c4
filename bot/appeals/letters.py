"""Appeal letters from Jinja2 templates in `knowledge/appeals/`, rendered in a sandbox.

What users typed reaches the templates only as values of variables: it is never compiled as
template code, so `{{7*7}}` typed as a store name is printed as `{{7*7}}`. The sandbox also keeps
a curator's template from reaching Python internals. Autoescaping is off because the output is
Markdown/plain text, not HTML.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

LETTER_LANGS = ("en", "fr")
_END_PUNCTUATION = ".!?。！？:;…)\"'”’»"


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
    prevention: list[str]
    ids: list[str] = field(default_factory=list)
    id_kind: str | None = None
    notice_text: str | None = None
    complaint_ref: str | None = None
    related_account: str | None = None


def sentence(text: str) -> str:
    """The user's words unchanged, with a full stop added when the item has no final punctuation."""
    text = text.strip()
    return text if not text or text[-1] in _END_PUNCTUATION else text + "."


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
        self.env.filters["longdate"] = self._long_date
        self.env.filters["quote"] = lambda text: "\n".join("> " + line if line.strip() else ">" for line in str(text).splitlines())

    @staticmethod
    def _long_date(value: date, lang: str = "en") -> str:
        from babel.dates import format_date

        return format_date(value, format="d MMMM y", locale="fr_FR" if lang == "fr" else "en_GB")

    def template_name(self, violation: str, language: str) -> str:
        """`<type>.fr.md.j2` for a French letter when it exists, else `<type>.md.j2`."""
        if language != "en" and (self.dir / f"{violation}.{language}.md.j2").exists():
            return f"{violation}.{language}.md.j2"
        return f"{violation}.md.j2"

    def has_template(self, violation: str) -> bool:
        return (self.dir / f"{violation}.md.j2").exists()

    def render(self, facts: LetterFacts) -> str:
        template = self.env.get_template(self.template_name(facts.violation, facts.language))
        context = asdict(facts)
        for key in ("root_causes", "actions", "prevention"):
            context[key] = [sentence(item) for item in context[key]]
        text = template.render(**context)
        text = re.sub(r"[ \t]+\n", "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip() + "\n"
