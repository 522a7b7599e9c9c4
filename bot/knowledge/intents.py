"""What a question asks for, and which sections answer that kind of question.

An article about the order defect rate has a section giving the 1% limit, one on how to lower it
and a worked example: the topic words of "ODR上限多少?" match all three, so the topic alone cannot
choose. Each section declares the kinds of question it answers (its intents, in the article's front
matter), and the question's intent is read from its wording with cue phrases kept as data
(`knowledge/intents.yaml`), so the limit question lands on the limit section.

This module is a leaf: the article loader validates intent names against `INTENTS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

INTENTS: dict[str, str] = {
    "definition": "what something is or what a notice means",
    "limit": "a threshold, target, maximum or figure",
    "components": "what counts, what something is made of",
    "time": "how long, when, a deadline or a time window",
    "consequence": "what happens, the risk, the penalty",
    "howto": "how to do, fix, prevent or improve something",
    "where": "where to send or ask: a mailbox, a form, a page, a team",
    "write": "what to write: the content or structure of an appeal or message",
    "example": "a real case or a worked example",
    "eligibility": "who may, conditions and requirements",
    "cost": "a fee, a price, money",
    "cause": "why it happens, what causes it",
    "choice": "which option to choose, a comparison",
    "evidence": "documents, proof or materials to gather, attach or submit",
}
"""The intents a section may declare (name -> what questions of that kind ask for)."""


@dataclass(frozen=True)
class IntentReader:
    """Reads a question's intents from cue phrases: a regular expression per intent and language."""

    cues: dict[str, re.Pattern]

    @classmethod
    def load(cls, path: Path) -> "IntentReader":
        """Cues from `intents.yaml` (intent -> list of patterns, any language); no file, no cues."""
        if not path.exists():
            return cls({})
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = sorted(set(data) - set(INTENTS))
        if unknown:
            raise ValueError(f"{path.name}: unknown intents {', '.join(unknown)} (known: {', '.join(INTENTS)})")
        cues = {}
        for intent, patterns in data.items():
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise ValueError(f"{path.name}: `{intent}` must be a list of patterns")
            try:
                cues[intent] = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"{path.name}: `{intent}` has a broken pattern ({exc})") from exc
        return cls(cues)

    def read(self, question: str) -> frozenset[str]:
        """The intents whose cues the question contains (none when it gives no cue)."""
        return frozenset(intent for intent, cue in self.cues.items() if cue.search(question))

    def asking(self, question: str) -> dict[str, list[str]]:
        """Per intent, the words of the question that ask for it ("which e-mail", 发到哪): a section
        answering that kind of question covers them, whether or not it repeats them."""
        return {
            intent: [m.group(0) for m in cue.finditer(question) if m.group(0).strip()]
            for intent, cue in self.cues.items()
            if cue.search(question)
        }
