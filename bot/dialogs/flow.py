"""Dialogue flows declared as data: steps, answer types, choices and conditions.

A flow is a YAML mapping (for appeals, `knowledge/appeals/flows.yaml`) that curators can change
without touching code. The engine only understands what is declared here; what a finished flow
*means* (an appeal letter, say) belongs to the finisher registered for its `finish` name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, model_validator

StepType = Literal["choice", "multi", "text", "long_text", "ids", "notes", "counts", "date", "email", "review"]
IdKind = Literal["order", "asin", "cdiscount_order"]


class Localized(BaseModel):
    """A string in English and Chinese (French where a letter needs it)."""

    en: str
    zh: str | None = None
    fr: str | None = None

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.en


Condition = dict[str, Any]
"""`{step_id: value}` or `{step_id: [values]}`: true when every named step's answer is one of them."""


def condition_holds(condition: Condition | None, answers: dict[str, Any], *, lenient: bool = False) -> bool:
    """Evaluate `when`/`unless` against the answers so far.

    Strict (for steps): a step that has no answer does not match. Lenient (for the choices of a
    step): a step that has no answer yet excludes nothing, so `start odr` can preselect the type
    before the marketplace is known.
    """
    if not condition:
        return True
    for step_id, expected in condition.items():
        if step_id not in answers:
            if lenient:
                continue
            return False
        allowed = expected if isinstance(expected, list) else [expected]
        if answers[step_id] not in allowed:
            return False
    return True


class ChoiceDef(BaseModel):
    value: str
    label: Localized
    text: Localized | None = None
    """What the choice says in a document built from the answers (a letter), when it differs from the label."""
    when: Condition | None = None
    unless: Condition | None = None

    def offered(self, answers: dict[str, Any]) -> bool:
        if not condition_holds(self.when, answers, lenient=True):
            return False
        return not (self.unless and _matches_known(self.unless, answers))


def _matches_known(condition: Condition, answers: dict[str, Any]) -> bool:
    known = {k: v for k, v in condition.items() if k in answers}
    return bool(known) and condition_holds(known, answers)


class ChoicesFrom(BaseModel):
    """Choices looked up in the flow's catalog by an earlier answer: `catalog[answers[step]][key]`."""

    step: str
    key: str


class Step(BaseModel):
    id: str
    type: StepType
    prompt: Localized
    label: Localized | None = None
    """Short name of the step, for summaries and `edit` buttons."""
    hint: Localized | None = None
    optional: bool = False
    choices: list[ChoiceDef] = Field(default_factory=list)
    choices_from: ChoicesFrom | None = None
    when: Condition | None = None
    unless: Condition | None = None
    default: Any = None
    """The answer assumed when the step does not apply (e.g. the letter's language outside Cdiscount)."""
    id_kinds: list[IdKind] = Field(default_factory=list)
    min_chars: int = 1
    max_chars: int = 2000
    max_items: int = 50
    max_age_days: int = 730
    not_before: str | None = None
    """For a `date` step: the date step it cannot be earlier than (actions are completed after the
    notice that asked for them, not before)."""
    min_picks: int = 1
    long: bool = False
    english: bool = False
    """What is typed here goes into an English letter word for word: Chinese is refused (with the
    step's English suggestions to pick instead)."""
    chinese_hint: Localized | None = None
    """What the refusal of Chinese asks for instead of "type it in the letter's language", where
    that would be wrong: a store name is typed as the marketplace shows it, in any letter."""
    past_tense: bool = False
    """What is typed here reports what was already done: a sentence written as an intention
    ("we will…") is refused at the step, with how to write it, instead of only by the final checks."""
    notes_for: str | None = None
    """For a `notes` step: the ids step whose IDs each line must start with."""

    @model_validator(mode="after")
    def _consistent(self) -> "Step":
        if self.type == "ids" and not self.id_kinds:
            raise ValueError(f"step {self.id}: an ids step needs id_kinds")
        if self.type == "choice" and not (self.choices or self.choices_from):
            raise ValueError(f"step {self.id}: a choice step needs choices")
        return self

    def applies(self, answers: dict[str, Any]) -> bool:
        if not condition_holds(self.when, answers):
            return False
        return not (self.unless and condition_holds(self.unless, answers))

    def name(self, lang: str) -> str:
        return (self.label or self.prompt).get(lang)

    def question(self, lang: str, letter_language: tuple[str, str]) -> tuple[str, str | None]:
        """The prompt and the hint with `{language}` replaced by the letter's language, named in the
        user's language (`letter_language` is its (en, zh) name), so a prompt never names a language
        the letter is not written in."""
        name = letter_language[1] if lang == "zh" else letter_language[0]
        hint = self.hint.get(lang).replace("{language}", name) if self.hint else None
        return self.prompt.get(lang).replace("{language}", name), hint


class Flow(BaseModel):
    id: str
    finish: str
    """The name of the finisher that turns the answers into a result (`appeal`)."""
    title: Localized
    steps: list[Step]
    catalog: dict[str, dict[str, list[ChoiceDef]]] = Field(default_factory=dict)
    extra: dict[str, Any] = Field(default_factory=dict)
    """Anything else the finisher needs (e.g. per-type letter settings), kept as data."""

    @model_validator(mode="after")
    def _unique_steps(self) -> "Flow":
        ids = [s.id for s in self.steps]
        if len(ids) != len(set(ids)):
            raise ValueError(f"flow {self.id}: step ids must be unique")
        known = set(ids)
        for step in self.steps:
            for cond in (step.when, step.unless):
                for ref in (cond or {}):
                    if ref not in known:
                        raise ValueError(f"flow {self.id}: step {step.id} refers to unknown step {ref}")
            bound = self.step(step.not_before) if step.not_before else None
            if step.not_before and (bound is None or bound.type != "date" or step.type != "date"):
                raise ValueError(f"flow {self.id}: step {step.id}: not_before must name another date step")
        return self

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def find_step(self, word: str, lang: str) -> Step | None:
        """A step by id, by its label in any language, or by its 1-based number."""
        word = word.strip().lower()
        for step in self.steps:
            names = {step.id.lower(), step.id.replace("_", " ").lower()}
            for loc in (step.label, step.prompt):
                if loc:
                    names.update(x.lower() for x in (loc.en, loc.zh, loc.fr) if x)
            if word in names:
                return step
        if word.isascii() and word.isdigit() and 1 <= int(word) <= len(self.steps):
            return self.steps[int(word) - 1]
        return None

    def choices_for(self, step: Step, answers: dict[str, Any]) -> list[ChoiceDef]:
        """The choices offered at `step` given the answers so far."""
        if step.choices_from is not None:
            source = answers.get(step.choices_from.step)
            pool = self.catalog.get(str(source), {}).get(step.choices_from.key, [])
        else:
            pool = step.choices
        return [c for c in pool if c.offered(answers)]


class FlowRegistry:
    """Every flow found in the knowledge folder (`flows.yaml` files), reloadable without restart."""

    def __init__(self, flows: dict[str, Flow], files: list[Path] | None = None):
        self.flows = flows
        self.files = files or []
        self._stamps = self._mtimes()

    @classmethod
    def from_dir(cls, knowledge_dir: Path) -> "FlowRegistry":
        files = sorted(Path(knowledge_dir).glob("**/flows.yaml"))
        return cls(_load(files), files)

    def _mtimes(self) -> list[float]:
        return [f.stat().st_mtime if f.exists() else 0.0 for f in self.files]

    def get(self, flow_id: str) -> Flow | None:
        if self.files and self._mtimes() != self._stamps:
            self.flows, self._stamps = _load(self.files), self._mtimes()
        return self.flows.get(flow_id)


def _load(files: list[Path]) -> dict[str, Flow]:
    flows: dict[str, Flow] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow_id, body in (data.get("flows") or {}).items():
            flows[flow_id] = Flow(id=flow_id, **body)
    return flows
