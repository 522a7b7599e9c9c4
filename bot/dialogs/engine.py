"""The dialogue engine: asks a flow's steps one at a time, validates, stores, navigates.

Platform-independent: it reads a `Context` (what the user typed or pressed) and answers with a
`Response(kind="dialog")` whose `choices` are buttons, so a program that reads only the prompts
and the choices can finish any flow. The state lives in SQLite (`bot.dialogs.store`), written
before each prompt, so a restart — or another process — continues where the user left off.

A flow's id is also the command that owns it (`/seller <flow id> resume` continues it), and its
`finish` name selects the finisher a feature added to the app (`app.on_finish`) that turns the
answers into a result.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot import marketplaces
from bot.dialogs.answers import (
    LETTER_LANGUAGE,
    Invalid,
    parse_counts,
    parse_date,
    parse_email,
    parse_ids,
    parse_notes,
    parse_text,
    refuse_intention,
    typed_chinese,
    wrong_language,
)
from bot.dialogs.flow import ChoiceDef, Flow, FlowRegistry, Step
from bot.dialogs.store import DialogState, DialogStore
from bot.i18n import pick
from bot.model import Choice, Input, Response

if TYPE_CHECKING:
    from bot.context import Context
    from bot.services import Services

Finisher = Callable[["Context", DialogState, Flow], Awaitable[Response]]

DONE, SKIP, KEEP, BACK, CANCEL = "done", "skip", "keep", "back", "cancel"
_WORDS = {
    DONE: {"done", "finish", "完成", "好了", "结束"},
    SKIP: {"skip", "跳过", "无", "没有"},
    KEEP: {"keep", "保留", "不变"},
    BACK: {"back", "返回", "上一步"},
    CANCEL: {"cancel", "取消"},
}
_EDIT = re.compile(r"^(?:edit|修改|编辑)\s*(.+)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)、．])\s*")
_STAMP = re.compile(r"^(?P<dialog>[A-Za-z]{1,4}-\d{1,9})/(?P<step>[a-z_]{1,40})/(?P<value>.+)$", re.S)
"""A button's value carries the dialogue and step it was drawn for (`AP-3/order_ids/skip`), so a
button pressed on an earlier prompt can be told apart from an answer to the current one."""
MAX_LABEL = 75
"""Buttons are short on every platform (Slack cuts at 75 characters)."""


def _word(text: str) -> str | None:
    lowered = text.strip().lower()
    for word, spellings in _WORDS.items():
        if lowered in spellings:
            return word
    return None


def _short(text: str, limit: int = MAX_LABEL) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_input(step: Step, lang: str, hint: str | None) -> Input | None:
    """A text box for the steps answered by typing (a modal field where the platform has one);
    long answers get several lines."""
    if step.type not in ("text", "long_text", "ids", "notes", "counts", "date", "email"):
        return None
    return Input(label=_short(step.name(lang), 45), long=step.long or step.type in ("long_text", "notes"),
                 placeholder=_short(hint, 100) if hint else None)


def _fate(flow: Flow, step: Step, answers: dict[str, Any], fates: dict[str, bool | None]) -> bool | None:
    """Whether `step` is asked, as far as `answers` decide it: True, False, or None (not known yet).
    A condition on a step that is itself never asked is decided (that step will have no answer)."""
    if step.id not in fates:
        fates[step.id] = None  # a cycle of conditions stays undecided
        gates = (_decide(step.when, answers, flow, fates, when=True), _decide(step.unless, answers, flow, fates, when=False))
        fates[step.id] = False if False in gates else None if None in gates else True
    return fates[step.id]


def _decide(condition: dict[str, Any] | None, answers: dict[str, Any], flow: Flow, fates: dict[str, bool | None], *, when: bool) -> bool | None:
    """Whether a `when` (or `unless`, when=False) lets the step be asked: True, False, or None."""
    if not condition:
        return True
    unknown = False
    for name, expected in condition.items():
        allowed = expected if isinstance(expected, list) else [expected]
        if name in answers:
            holds = answers[name] in allowed
        else:
            other = flow.step(name)
            if other is not None and _fate(flow, other, answers, fates) is not False:
                unknown = True  # to be asked (or perhaps): its answer is not known yet
                continue
            holds = False  # never asked: never answered, so the condition does not hold
        if not holds:
            return not when  # a `when` that fails excludes the step; an `unless` that fails lets it be
    if unknown:
        return None
    return when


class DialogEngine:
    def __init__(self, services: "Services", flows: FlowRegistry):
        self.svc = services
        self.flows = flows
        self.store = DialogStore(services.store)

    # ----- identities -------------------------------------------------------------------------
    def label(self, state: DialogState) -> str:
        flow = self.flows.get(state.flow)
        prefix = flow.extra.get("id_prefix", "D") if flow else "D"
        return f"{prefix}-{state.id}"

    @staticmethod
    def parse_label(text: str) -> int | None:
        """`AP-7`, `ap7`, `#7` or `7` -> 7."""
        match = re.fullmatch(r"\s*#?(?:[A-Za-z]{1,4}-?)?(\d{1,9})\s*", text or "")
        return int(match.group(1)) if match else None

    # ----- entry points -----------------------------------------------------------------------
    async def start(self, ctx: "Context", flow_id: str, prefill: dict[str, Any] | None = None) -> Response:
        flow = self._flow(flow_id)
        req = ctx.req
        state, paused = self.store.create(
            flow=flow_id, platform=req.platform, user=req.user, channel=req.channel, lang=req.lang,
            now=ctx.now, prefill=prefill, workspace=req.workspace,
        )
        notice = None
        if paused:
            resume = self._resume_line(state.lang, flow_id, self.label(paused))
            notice = pick(
                state.lang,
                en=f"{self.label(paused)} is paused; continue it later with {resume}.",
                zh=f"{self.label(paused)} 已暂停，稍后发送 {resume} 可接着填写。",
            )
        return await self._advance(ctx, state, flow, notice=notice)

    async def handle(self, ctx: "Context") -> Response | None:
        """An answer typed or pressed by a user: None unless that user has a dialogue active here."""
        req = ctx.req
        state = self.store.active(req.platform, req.user, req.channel, req.workspace)
        if state is None:
            return None
        flow = self.flows.get(state.flow)
        if flow is None:
            self.store.set_status(state.id, "cancelled", ctx.now)
            return Response(kind="error", text=pick(state.lang, en="This dialogue's flow no longer exists; it was closed.", zh="该对话的流程已不存在，已关闭。"))
        step = self.current_step(flow, state)
        if step is None:
            return await self._finish(ctx, state, flow)
        inputs = [v for v in req.values if v] if req.kind == "choice" else [req.text]
        if req.kind == "choice":
            inputs, stale = self._unstamp(state, step, inputs)
            if stale is not None:
                return self.prompt(state, flow, step, error=stale)
        if not inputs or not any(i.strip() for i in inputs):
            return self.prompt(state, flow, step, error=pick(state.lang, en="Please answer the question.", zh="请回答这个问题。"))
        single = inputs[0] if len(inputs) == 1 else None
        if single is not None:
            nav = await self._navigate(ctx, state, flow, step, single)
            if nav is not None:
                return nav
        try:
            if step.type == "multi":
                return await self._pick(ctx, state, flow, step, inputs, pressed=req.kind == "choice")
            value = self._parse(ctx, state, flow, step, single if single is not None else inputs[0])
        except Invalid as exc:
            return self.prompt(state, flow, step, error=exc.reason(state.lang))
        return await self._complete(ctx, state, flow, step, value)

    def stamp(self, state: DialogState, step: Step, value: str) -> str:
        return f"{self.label(state)}/{step.id}/{value}"

    def _unstamp(self, state: DialogState, step: Step, values: list[str]) -> tuple[list[str], str | None]:
        """The bare values of pressed buttons, or why they cannot act: a button drawn for another
        step (or another dialogue) was already answered, and must not answer the current step —
        "Skip" of the notice text must not skip the order IDs. Unstamped values (typed
        `!choice skip`) are answers to the current step, as before."""
        bare = []
        for value in values:
            match = _STAMP.match(value)
            if match is None:
                bare.append(value)
                continue
            if match.group("dialog") != self.label(state) or match.group("step") != step.id:
                flow = self.flows.get(state.flow)
                own = flow.step(match.group("step")) if flow else None
                name = own.name(state.lang) if own else match.group("step")
                return [], pick(
                    state.lang,
                    en=f"Already answered: that button belongs to an earlier question (“{name}”{'' if match.group('dialog') == self.label(state) else ' of ' + match.group('dialog')}); nothing changed. The current question is below.",
                    zh=f"已回答：这个按钮属于之前的问题（“{name}”{'' if match.group('dialog') == self.label(state) else '，' + match.group('dialog')}），未做任何更改。当前问题见下。",
                )
            bare.append(match.group("value"))
        return bare, None

    async def resume(self, ctx: "Context", state: DialogState) -> Response:
        """Continue `state` in this channel (pausing whatever was active here); a finished one reopens
        at its review step so an answer can be edited and the result produced again."""
        flow = self._flow(state.flow)
        if state.status == "done":
            review = next((s for s in flow.steps if s.type == "review"), None)
            if review is not None:
                self.store.reopen_step(state.id, review.id, ctx.now)
        paused = self.store.activate(state.id, ctx.req.channel, ctx.now)
        state = self.store.get(state.id)  # type: ignore[assignment]
        lines = [pick(state.lang, en=f"Resuming {self.label(state)}.", zh=f"继续 {self.label(state)}。")]
        if paused:
            lines.append(pick(state.lang, en=f"{self.label(paused)} is paused.", zh=f"{self.label(paused)} 已暂停。"))
        return await self._advance(ctx, state, flow, notice=" ".join(lines))

    def cancel(self, ctx: "Context", state: DialogState) -> None:
        self.store.set_status(state.id, "cancelled", ctx.now)

    # ----- the step machine -------------------------------------------------------------------
    def current_step(self, flow: Flow, state: DialogState) -> Step | None:
        """The first step that applies and has no complete answer."""
        done = state.completed()
        for step in flow.steps:
            if step.applies(done) and step.id not in state.complete:
                return step
        return None

    def applicable(self, flow: Flow, state: DialogState) -> list[Step]:
        done = state.completed()
        return [s for s in flow.steps if s.applies(done)]

    async def _advance(self, ctx: "Context", state: DialogState, flow: Flow, *, notice: str | None = None) -> Response:
        step = self.current_step(flow, state)
        if step is None:
            return await self._finish(ctx, state, flow)
        if state.current_step != step.id:
            self.store.set_current(state.id, step.id, ctx.now)
            state.current_step = step.id
        return self.prompt(state, flow, step, notice=notice)

    async def _finish(self, ctx: "Context", state: DialogState, flow: Flow) -> Response:
        finisher = ctx.app.finishers.get(flow.finish) if ctx.app is not None else None
        if finisher is None:
            raise RuntimeError(f"no finisher registered for {flow.finish!r}")
        response = await finisher(ctx, state, flow)
        self.store.set_status(state.id, "done", ctx.now)
        return response

    async def _navigate(self, ctx: "Context", state: DialogState, flow: Flow, step: Step, text: str) -> Response | None:
        word = _word(text)
        lang = state.lang
        if word == CANCEL:
            self.cancel(ctx, state)
            return Response(
                kind="info",
                text=pick(lang, en=f"{self.label(state)} is cancelled. Nothing more will be asked.", zh=f"{self.label(state)} 已取消，不会再提问。"),
                data={"dialog_id": self.label(state), "status": "cancelled"},
            )
        if word == BACK:
            done = state.completed()
            earlier = [s for s in flow.steps[: flow.steps.index(step)] if s.applies(done) and s.id in state.complete]
            if not earlier:
                return self.prompt(state, flow, step, error=pick(lang, en="This is the first question; there is nothing before it.", zh="这是第一个问题，没有上一步。"))
            self.store.reopen_step(state.id, earlier[-1].id, ctx.now)
            return await self._advance(ctx, self.store.get(state.id), flow)  # type: ignore[arg-type]
        match = _EDIT.match(text.strip())
        if match:
            target = flow.find_step(match.group(1), lang)
            done = state.completed()
            if target is None or target.type == "review" or not target.applies(done) or (target.id not in state.answers):
                names = ", ".join(s.id for s in self.applicable(flow, state) if s.id in state.complete)
                return self.prompt(state, flow, step, error=pick(
                    lang,
                    en=f"There is no answered step “{match.group(1)}” to edit. Steps you can edit: {names or 'none yet'}.",
                    zh=f"没有可修改的步骤“{match.group(1)}”。可修改的步骤：{names or '暂无'}。",
                ))
            self.store.reopen_step(state.id, target.id, ctx.now)
            return await self._advance(ctx, self.store.get(state.id), flow)  # type: ignore[arg-type]
        if word == KEEP and step.id in state.answers and step.type != "multi":
            kept = state.answers[step.id]
            if isinstance(kept, str):  # an answer kept from before a step refused Chinese is checked as if typed
                try:
                    self._require_letter_language(flow, step, state, kept)
                except Invalid as exc:
                    return self.prompt(state, flow, step, error=exc.reason(state.lang))
            return await self._complete(ctx, state, flow, step, kept)
        if word == SKIP and step.type not in ("multi", "review"):
            if step.optional:
                return await self._complete(ctx, state, flow, step, None)
            return self.prompt(state, flow, step, error=pick(lang, en="This question cannot be skipped.", zh="这个问题不能跳过。"))
        if step.type == "review":
            if word == DONE:
                return await self._finish(ctx, state, flow)
            return self.prompt(state, flow, step, error=pick(
                lang,
                en="Press “done” to write the result, or “edit <step>” to change an answer.",
                zh="请按“完成”生成结果，或用“修改 <步骤>”更改某个回答。",
            ))
        return None

    def _parse(self, ctx: "Context", state: DialogState, flow: Flow, step: Step, raw: str) -> Any:
        if step.type == "choice":
            choice = self._match_choice(flow, step, state, raw)
            if choice is None:
                offered = ", ".join(c.label.get(state.lang) for c in flow.choices_for(step, state.completed()))
                raise Invalid(f"“{_short(raw, 40)}” is not one of the choices: {offered}.", f"“{_short(raw, 40)}” 不是可选项。可选：{offered}。")
            return choice.value
        if step.type in ("text", "long_text", "notes"):
            self._require_letter_language(flow, step, state, raw)
        if step.type in ("text", "long_text"):
            refuse_intention(step, raw, self.letter_language(flow, state))
            return parse_text(step, raw)
        if step.type == "notes":
            return parse_notes(step, raw, list(state.completed().get(step.notes_for or "") or []))
        if step.type == "counts":
            return parse_counts(step, raw)
        if step.type == "ids":
            return parse_ids(step, raw)
        if step.type == "email":
            return parse_email(step, raw)
        if step.type == "date":
            zone = self.svc.channel_zone(state.platform, state.channel, state.workspace)
            bound = flow.step(step.not_before) if step.not_before else None
            earliest = state.completed().get(bound.id) if bound is not None else None
            return parse_date(step, raw, now=ctx.now, zone=zone,
                              earliest=(earliest, bound.label) if bound is not None and isinstance(earliest, str) else None)
        raise Invalid("This step cannot take an answer.", "此步骤不接受回答。")

    @staticmethod
    def letter_language(flow: Flow, state: DialogState) -> str:
        """The language of the document the answers go into: the `language` step's answer while that
        step applies (French or English on Cdiscount), else its default (English)."""
        step = flow.step("language")
        answers = state.completed()
        if step is not None and step.applies(answers) and answers.get("language"):
            return str(answers["language"])
        return str((step.default if step else None) or "en")

    def _require_letter_language(self, flow: Flow, step: Step, state: DialogState, raw: str) -> None:
        """Refuse Chinese typed into a letter step, naming the letter's language (English unless
        the dialogue chose another: French on Cdiscount) with the step's suggestions written in it
        (the user's language beside them) to pick instead."""
        if not typed_chinese(step, raw):
            return
        letter_lang = self.letter_language(flow, state)
        suggestions = []
        for choice in flow.choices_for(step, state.completed()):
            own = choice.label.get(state.lang)
            written = (choice.label.fr if letter_lang == "fr" else None) or choice.label.en
            suggestions.append(written + (f"（{own}）" if own != written else ""))
        raise wrong_language(letter_lang, suggestions, step)

    def _match_choice(self, flow: Flow, step: Step, state: DialogState, raw: str) -> ChoiceDef | None:
        offered = flow.choices_for(step, state.completed())
        wanted = raw.strip().lower().lstrip("✓ ").strip()
        for choice in offered:
            if wanted == choice.value.lower():
                return choice
        for choice in offered:
            labels = {x.lower() for x in (choice.label.en, choice.label.zh, choice.label.fr) if x}
            if wanted in labels or wanted in {_short(x).lower() for x in labels}:
                return choice
        if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(offered) and step.type == "choice":
            return offered[int(wanted) - 1]
        markets = {c.value: c.label.en for c in offered if marketplaces.is_code(c.value)}
        code = marketplaces.find(raw, markets) if markets else None  # `美国站`, `us`: as `case open` reads them
        return next((c for c in offered if c.value == code), None)

    async def _pick(self, ctx: "Context", state: DialogState, flow: Flow, step: Step, inputs: list[str], *, pressed: bool) -> Response:
        """Add (or, pressed again, remove) suggestions and free-text items; `done` ends the step."""
        picks: list[dict[str, str]] = list(state.answers.get(step.id) or [])
        finished = False
        added: list[str] = []
        for raw in inputs:
            if _word(raw) == DONE:
                finished = True
                continue
            choice = self._match_choice(flow, step, state, raw)
            if choice is not None:
                item = {"key": choice.value}
                if item in picks:
                    if len(inputs) == 1:
                        picks.remove(item)
                else:
                    picks.append(item)
                    added.append(choice.label.get(state.lang))
                continue
            if pressed and len(raw) <= 40 and " " not in raw.strip():
                raise Invalid(f"“{raw}” is not one of the choices.", f"“{raw}” 不是可选项。")
            self._require_letter_language(flow, step, state, raw)
            for line in raw.splitlines():
                text = _BULLET.sub("", line).strip()
                if not text:
                    continue
                refuse_intention(step, text, self.letter_language(flow, state))
                text = parse_text(step, text)
                if {"text": text} not in picks:
                    picks.append({"text": text})
                    added.append(text)
        if finished:
            if len(picks) < step.min_picks:
                self.store.save_answer(state.id, step.id, picks, complete=False, now=ctx.now)
                state.answers[step.id] = picks
                return self.prompt(state, flow, step, error=pick(
                    state.lang,
                    en=f"Pick at least {step.min_picks} item(s) or type your own before “done”.",
                    zh=f"请至少选择或输入 {step.min_picks} 项，再按“完成”。",
                ))
            return await self._complete(ctx, state, flow, step, picks)
        if len(picks) > step.max_items:
            raise Invalid(f"That is more than {step.max_items} items; keep the important ones.", f"超过 {step.max_items} 项，请保留最重要的。")
        self.store.save_answer(state.id, step.id, picks, complete=False, now=ctx.now)
        state.answers[step.id] = picks
        notice = pick(state.lang, en="Added: ", zh="已添加：") + "; ".join(_short(a, 60) for a in added) if added else None
        return self.prompt(state, flow, step, notice=notice)

    async def _complete(self, ctx: "Context", state: DialogState, flow: Flow, step: Step, value: Any) -> Response:
        """Store a finished answer (and drop later answers it made invalid), then ask what comes next."""
        answers = state.completed()
        answers[step.id] = value
        updates, drop = self._revalidate(flow, state, answers, changed=step.id)
        with self.svc.store.write():
            self.store.save_answer(state.id, step.id, value, complete=True, now=ctx.now, drop=drop)
            for other, new_value in updates.items():
                self.store.save_answer(state.id, other, new_value, complete=True, now=ctx.now, current_step=step.id)
        state = self.store.get(state.id)  # type: ignore[assignment]
        return await self._advance(ctx, state, flow)

    def _revalidate(self, flow: Flow, state: DialogState, answers: dict[str, Any], *, changed: str) -> tuple[dict[str, Any], list[str]]:
        """Answers to choice steps that are no longer offered after a change are dropped (asked again)."""
        updates: dict[str, Any] = {}
        drop: list[str] = []
        for other in flow.steps:
            if other.id == changed or other.id not in answers or other.type not in ("choice", "multi"):
                continue
            offered = {c.value for c in flow.choices_for(other, answers)}
            value = answers[other.id]
            if other.type == "choice":
                if value is not None and value not in offered:
                    drop.append(other.id)
                    answers.pop(other.id)
            else:
                kept = [p for p in value or [] if "text" in p or p.get("key") in offered]
                if kept != value:
                    if len(kept) < other.min_picks:
                        drop.append(other.id)
                        answers.pop(other.id)
                    else:
                        updates[other.id] = kept
                        answers[other.id] = kept
        return updates, drop

    # ----- rendering --------------------------------------------------------------------------
    def display(self, flow: Flow, step: Step, value: Any, state: DialogState) -> str:
        """An answer as the user would recognise it."""
        lang = state.lang
        if value is None:
            return "—"
        if step.type == "choice":
            pool = flow.choices_for(step, state.completed()) or step.choices
            return next((c.label.get(lang) for c in pool if c.value == value), str(value))
        if step.type == "multi":
            known = {c.value: c for c in flow.choices_for(step, state.completed())}
            items = [known[p["key"]].label.get(lang) if "key" in p and p["key"] in known else p.get("text", p.get("key", "")) for p in value]
            return "; ".join(items)
        if step.type == "counts" and isinstance(value, list) and len(value) == 2:
            return f"{value[0]} / {value[1]}"
        if isinstance(value, dict):
            return "; ".join(f"{key}: {text}" for key, text in value.items())
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return str(value)

    def prompt(self, state: DialogState, flow: Flow, step: Step, *, error: str | None = None, notice: str | None = None) -> Response:
        """A step's question with all that answering it takes: what went wrong or changed first, then
        the question, what its answer type offers, its hint, the answer already given, and a text
        box when the answer is typed. Every button is stamped with the dialogue and the step."""
        lang = state.lang
        steps = self.applicable(flow, state)
        index = next((i for i, s in enumerate(steps, 1) if s.id == step.id), len(steps))
        total = self.steps_total(flow, state)
        parts = [p for p in (error and f"⚠ {error}", notice) if p]
        where = f"{index}/{total}" if total else pick(lang, en=f"step {index}", zh=f"第 {index} 步")
        question, hint = step.question(lang, LETTER_LANGUAGE.get(self.letter_language(flow, state), LETTER_LANGUAGE["en"]))
        parts.append(f"({where}) {question}")
        offered, choices = self._offer(state, flow, step, steps)
        parts += offered
        if hint:
            parts.append(hint)
        given, keep = self._answer_given(state, flow, step)
        parts += given
        choices += keep
        if step.optional and step.type not in ("multi", "review"):
            choices.append(Choice(label=pick(lang, en="Skip", zh="跳过"), value=SKIP))
        return Response(
            kind="dialog",
            title=f"{flow.title.get(lang)} · {self.label(state)}",
            text="\n\n".join(parts),
            choices=[c.model_copy(update={"value": self.stamp(state, step, c.value)}) for c in choices],
            multi=step.type == "multi",
            input=_text_input(step, lang, hint),
            context=[pick(
                lang,
                en=f"Type back, edit <step>, cancel — or {self._resume_line(lang, flow.id)} later.",
                zh=f"可输入 返回、修改 <步骤>、取消；稍后发送 {self._resume_line(lang, flow.id)} 可接着填写。",
            )],
            data=self._prompt_data(state, flow, step, index, total, error),
        )

    def steps_total(self, flow: Flow, state: DialogState) -> int | None:
        """How many steps the dialogue has, once the answers so far decide it: None while whether
        some step is asked still hangs on an unanswered one (the marketplace, the type), since a
        total counted then would change as the user answers or goes back."""
        answers = state.completed()
        fates: dict[str, bool | None] = {}
        if any(_fate(flow, step, answers, fates) is None for step in flow.steps):
            return None
        return sum(1 for step in flow.steps if fates[step.id])

    def _offer(self, state: DialogState, flow: Flow, step: Step, steps: list[Step]) -> tuple[list[str], list[Choice]]:
        """What the step's answer type adds under the question: paragraphs and buttons (none for a
        typed answer, which gets a text box instead)."""
        if step.type == "review":
            return self._offer_review(state, flow, steps)
        if step.type == "multi":
            return self._offer_multi(state, flow, step)
        if step.type == "choice":
            return [], self._choice_buttons(state, flow, step, picked=set())
        return [], []

    def _offer_review(self, state: DialogState, flow: Flow, steps: list[Step]) -> tuple[list[str], list[Choice]]:
        """The summary of every answer, "done" to write the result, and a way back to each answered step."""
        lang = state.lang
        choices = [Choice(label=pick(lang, en="Done: write it", zh="完成：生成"), value=DONE, style="primary")]
        for other in steps:
            if other.id in state.complete and other.type != "review":
                choices.append(Choice(label=_short(pick(lang, en="Edit: ", zh="修改：") + other.name(lang)), value=f"edit {other.id}"))
        return [self.summary(flow, state)], choices

    def _offer_multi(self, state: DialogState, flow: Flow, step: Step) -> tuple[list[str], list[Choice]]:
        """A multi step is answered one pick or typed sentence at a time, so it shows what is picked
        so far (ticked on its button), how to go on, and "done" to end the list."""
        lang = state.lang
        items = state.answers.get(step.id) or []
        parts = []
        if items:
            parts.append(pick(lang, en="Selected so far:", zh="目前已选：") + "\n" + "\n".join(
                f"{i}. {self.display(flow, step, [item], state)}" for i, item in enumerate(items, 1)))
        parts.append(pick(
            lang,
            en="Press the suggestions that are true (one at a time), type your own in full sentences, then press “done”.",
            zh="逐个点选符合实际的建议，也可以直接输入自己的句子，完成后按“完成”。",
        ))
        choices = self._choice_buttons(state, flow, step, picked={item.get("key") for item in items})
        choices.append(Choice(label=pick(lang, en="Done", zh="完成"), value=DONE, style="primary"))
        return parts, choices

    @staticmethod
    def _choice_buttons(state: DialogState, flow: Flow, step: Step, *, picked: set[str | None]) -> list[Choice]:
        """A button per choice the earlier answers leave open; the ones already picked are ticked."""
        return [
            Choice(label=_short(("✓ " if choice.value in picked else "") + choice.label.get(state.lang)), value=choice.value)
            for choice in flow.choices_for(step, state.completed())
        ]

    def _answer_given(self, state: DialogState, flow: Flow, step: Step) -> tuple[list[str], list[Choice]]:
        """The answer to a step the user came back to (with `back` or `edit`), and for a typed answer
        a button that keeps it — a choice is kept by pressing it again. Multi and review steps show
        their answers themselves."""
        if step.id not in state.answers or step.id in state.complete or step.type in ("multi", "review"):
            return [], []
        lang = state.lang
        shown = self.display(flow, step, state.answers[step.id], state)
        keep = [] if step.type == "choice" else [Choice(label=_short(pick(lang, en="Keep: ", zh="保留：") + shown), value=KEEP)]
        return [pick(lang, en=f"Current answer: {shown}", zh=f"当前回答：{shown}")], keep

    def _prompt_data(self, state: DialogState, flow: Flow, step: Step, index: int, total: int | None, error: str | None) -> dict[str, Any]:
        """The console contract's fields of a prompt: a program reads where it is and what to answer."""
        data: dict[str, Any] = {
            "dialog_id": self.label(state),
            "flow": flow.id,
            "step": step.id,
            "step_index": index,
            "steps_total": total,
            "answer_type": step.type,
        }
        if error:
            data["error"] = error
        return data

    def summary(self, flow: Flow, state: DialogState) -> str:
        lang = state.lang
        lines = []
        for step in self.applicable(flow, state):
            if step.type == "review" or step.id not in state.complete:
                continue
            lines.append(f"• {step.name(lang)}: {_short(self.display(flow, step, state.answers[step.id], state), 300)}")
        return "\n".join(lines)

    # ----- helpers ----------------------------------------------------------------------------
    @property
    def _root(self) -> str:
        return self.svc.config.root_command

    def _resume_line(self, lang: str, flow_id: str, *label: str) -> str:
        """`/seller 申诉 继续` / `/seller appeal resume`: a flow's id is the command that owns it."""
        return self.svc.app.line(self._root, lang, flow_id, "resume", *label)

    def _flow(self, flow_id: str) -> Flow:
        flow = self.flows.get(flow_id)
        if flow is None:
            raise LookupError(f"unknown flow {flow_id!r}")
        return flow
