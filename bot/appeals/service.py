"""The appeal service: turns a finished appeal dialogue into a saved, linted draft with a mailbox.

The dialogue itself is generic (`bot.dialogs`); this module knows what the appeal flow's answers
mean — the step ids below are the contract between `knowledge/appeals/flows.yaml` and the letters.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from bot.appeals import FLOW_ID
from bot.appeals.letters import LetterFacts, LetterRenderer, RenderedLetter, long_date, split_email
from bot.appeals.lint import lint
from bot.appeals.mailboxes import Mailboxes
from bot.appeals.store import DraftStore
from bot.dialogs import DialogState, Flow
from bot.dialogs.answers import typed_chinese
from bot.errors import UsageError
from bot.i18n import pick
from bot.model import Attachment, Choice, Response, Section

if TYPE_CHECKING:
    from bot.context import Context
    from bot.reminders.cases import Case
    from bot.services import Services

_LABEL_PARTS = re.compile(r"\s*[/／（）()]\s*")
"""What separates the names in a type's button label (`ODR 超标 / A-to-z / 拒付`, `站内信违规（行为准则）`)."""
_LEADING_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*[:：–—-]?\s*")
METRIC_WORDS = {
    # metric: (its name in the letter, what is counted, what the first count is)
    "odr": ("order defect rate", "orders", "with a defect"),
    "lsr": ("late shipment rate", "orders", "shipped late"),
    "vtr": ("valid tracking rate", "shipments", "without valid tracking"),
}


def _percent(rate: Fraction) -> str:
    """A rate as Seller Central shows it: a percentage with at most two decimals."""
    text = f"{float(rate * 100):.2f}".rstrip("0").rstrip(".")
    return f"{text}%"

ID_STEPS = {"order_ids": "order", "conversation_orders": "order", "asins": "asin", "cdiscount_orders": "cdiscount_order"}
ITEM_STEPS = ("root_causes", "actions", "prevention")
EVIDENCE_STEP = "evidence"


class AppealService:
    def __init__(self, services: "Services"):
        self.svc = services
        appeals_dir = services.config.knowledge_dir / "appeals"
        self.renderer = LetterRenderer(appeals_dir)
        self.drafts = DraftStore(services.store)
        self.mailboxes_path = services.config.knowledge_dir / "mailboxes.yaml"

    # ----- the flow and its types ---------------------------------------------------------------
    @property
    def flow(self) -> Flow:
        flow = self.svc.dialogs.flows.get(FLOW_ID)
        if flow is None:
            raise LookupError("knowledge/appeals/flows.yaml defines no `appeal` flow")
        return flow

    @property
    def types(self) -> dict[str, dict[str, Any]]:
        return self.flow.extra.get("types", {})

    def type_choices(self):
        step = self.flow.step("violation")
        return step.choices if step else []

    def type_names(self, code: str) -> list[str]:
        """Every name a violation type goes by, the first part of its Chinese button label first:
        the parts of its button labels (`站内信违规（行为准则）` is `站内信违规` and `行为准则`), the labels
        and its title in each language, its id, and the aliases of the case types whose appeal is of
        this type (knowledge/deadlines.yaml `appeal: {violation: …}`: `消息违规`), so that a type is
        named the same way in `case open` and `appeal start`."""
        choice = next((c for c in self.type_choices() if c.value == code), None)
        labels = [x for x in (choice.label.zh, choice.label.en) if x] if choice else []
        title = (self.types.get(code) or {}).get("title") or {}
        names = [part for label in labels for part in _LABEL_PARTS.split(label)] + labels
        names += [x for x in (title.get("zh"), title.get("en"), code) if x]
        names += [a for t in self.svc.cases.rules.types.values() if t.appeal.get("violation") == code for a in t.aliases]
        return list(dict.fromkeys(n.strip() for n in names if n.strip()))

    def type_word(self, code: str, lang: str) -> str:
        """The short name of a type to show and type: `站内信违规` in Chinese, its id otherwise."""
        return self.type_names(code)[0] if lang == "zh" else code

    def resolve_type(self, word: str) -> str | None:
        """A violation type from any of its names (`type_names`, case-insensitive), or from the
        beginning of a Chinese name that no other type's names share (`站内信` for `站内信违规`):
        Chinese names are typed short."""
        wanted = word.strip().lower()
        names = {c.value: [n.lower() for n in self.type_names(c.value)] for c in self.type_choices()}
        exact = next((code for code, known in names.items() if wanted in known), None)
        if exact is not None or len(wanted) < 2 or wanted.isascii():
            return exact
        begun = [code for code, known in names.items() if any(n.startswith(wanted) for n in known)]
        return begun[0] if len(begun) == 1 else None

    def type_title(self, violation: str, lang: str) -> str:
        title = (self.types.get(violation) or {}).get("title") or {}
        return title.get(lang) or title.get("en") or violation

    def mailboxes(self) -> Mailboxes:
        return Mailboxes.load(self.mailboxes_path)

    # ----- cases ----------------------------------------------------------------------------------
    def prefill_from_case(self, ctx: "Context", case: Any, violation: str | None = None) -> dict[str, Any]:
        """The answers a case already gives an appeal, so the dialogue does not ask them again: the
        notice's date (the case's anchor event, in the channel's zone), and what its type's rules say
        (violation, marketplace, what the notice did). `violation` is the type typed with the command
        (`appeal start odr case 3`), for a case whose type does not say it (a deactivation)."""
        if case.state != "open":
            raise UsageError(pick(ctx.lang, en=f"Case #{case.id} is closed.", zh=f"案件 #{case.id} 已关闭。"))
        case_type = self.svc.cases.case_type(case)
        if not case_type.appeal:
            raise UsageError(pick(ctx.lang, en=f"A {case_type.id} case has no appeal to draft.",
                                  zh=f"{case_type.id} 类型的案件不需要起草申诉。"))
        prefill: dict[str, Any] = {"case_id": case.id}
        known = {**case_type.appeal}
        if violation:
            known.setdefault("violation", violation)
        # a case's own marketplace and store, once cases record them (branch `lists`, m004_case_details)
        if getattr(case, "marketplace", None):
            known.setdefault("marketplace", case.marketplace)
        flow = self.flow
        for step_id in ("violation", "marketplace", "notice_effect"):
            step = flow.step(step_id)
            value = known.get(step_id)
            if step is None:
                continue
            offered = [c.value for c in flow.choices_for(step, prefill)]
            if value and value in offered:
                prefill[step_id] = value
            elif step_id == "marketplace" and len(offered) == 1:
                prefill[step_id] = offered[0]
        store_step = flow.step("store_name")
        if getattr(case, "store", None) and store_step is not None and not typed_chinese(store_step, case.store):
            prefill["store_name"] = case.store  # a case's Chinese store name is asked again, as the letter needs it
        anchor = case.events.get(case_type.opens_with)
        if anchor is not None:
            zone = self.svc.channel_zone(case.platform, case.channel, case.workspace)
            prefill["notice_date"] = anchor.astimezone(zone).date().isoformat()
        return prefill

    def case_of(self, case_id: int | None) -> "Case | None":
        return self.svc.cases.get(case_id) if case_id else None

    def case_type_for(self, violation: str, effect: str | None) -> str:
        """The case type that tracks an appeal without a case: the notice's own type when the rules
        have one (a messaging warning, a deactivation, a Cdiscount notice), else a follow-up case."""
        types = self.svc.cases.rules.types
        for case_type in types.values():
            appeal = case_type.appeal
            if appeal and appeal.get("violation", violation) == violation and appeal.get("notice_effect") == effect:
                return case_type.id
        if effect in ("privileges-removed", "account-deactivated", "funds-held") and "account-deactivation" in types:
            return "account-deactivation"
        return "appeal-follow-up"

    def _answers(self, draft: dict[str, Any]) -> dict[str, Any]:
        """The answers the draft was written from (drafts saved before they were kept: the dialogue's)."""
        if draft.get("answers"):
            return draft["answers"]
        state = self.svc.dialogs.store.get(draft["dialog_id"])
        return state.completed() if state else {}

    def track(self, ctx: "Context", state: DialogState) -> tuple[Case, str | None]:
        """Open the case that tracks a finished draft (once; pressed again, the same case) and link
        them, so the draft offers "Mark appeal sent". The case carries the draft's store and
        marketplace. A notice's case counts from the start of the notice day in the channel's zone
        (the hour is not asked: earlier, never later, than the truth), and the second value is that
        day, for the reply to offer the correction; a follow-up case starts now, since it is opened
        when the appeal is sent. A draft reopened for editing is tracked as last finished."""
        draft = self.drafts.get(state.id)
        if draft is None or draft["status"] != "open":
            raise UsageError(pick(ctx.lang, en=f"{self.label(state.id)} has no finished draft to track yet.",
                                  zh=f"{self.label(state.id)} 还没有完成的草稿，无法跟进。"))
        linked = self.case_of(draft.get("case_id"))
        if linked is not None:
            return linked, None
        answers = self._answers(draft)  # the finished version's, even while a new one is being edited
        case_type = self.svc.cases.rules.types[self.case_type_for(draft["violation"], answers.get("notice_effect"))]
        at = ctx.now
        day_start = case_type.opens_with == "received" and bool(answers.get("notice_date"))
        if day_start:
            zone = self.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
            at = datetime.combine(date.fromisoformat(answers["notice_date"]), time(0, 0), tzinfo=zone)
        req = ctx.req
        case = self.svc.cases.open(case_type, platform=req.platform, channel=req.channel, thread=req.thread,
                                   opened_by=req.user, owner=req.user, at=at, lang=ctx.lang, workspace=req.workspace,
                                   store=draft["store_name"] or None, marketplace=draft["marketplace"] or None)
        self.drafts.link_case(state.id, case.id, ctx.now)
        return case, answers["notice_date"] if day_start else None

    # ----- from answers to a letter ---------------------------------------------------------------
    def facts(self, state: DialogState, flow: Flow) -> LetterFacts:
        answers = state.completed()
        applicable = {s.id for s in flow.steps if s.applies(answers)}

        def answer(step_id: str) -> Any:
            if step_id in applicable:
                return answers.get(step_id)
            step = flow.step(step_id)
            return step.default if step else None

        language = answer("language") or "en"
        violation = answers["violation"]
        marketplace = answers["marketplace"]
        ids: list[str] = []
        id_kind = None
        for step_id, kind in ID_STEPS.items():
            if step_id in applicable and answers.get(step_id):
                ids, id_kind = list(answers[step_id]), kind
                break
        items = {key: self._items(flow, violation, key, answers.get(key) or [], language) for key in ITEM_STEPS}
        done_on = date.fromisoformat(answers["actions_date"]) if answers.get("actions_date") else None
        items["actions"] = [self._dated(text, done_on, language) for text in items["actions"]]
        effect = answer("notice_effect") or "warning"
        wording = (flow.extra.get("effects") or {}).get(effect) or {}
        attached = self._items(flow, violation, "evidence", answers.get("evidence") or [], language)
        retraction_date = date.fromisoformat(answers["retraction_date"]) if answer("retraction_date") else None
        if retraction_date and not any("retraction" in item.lower() for item in attached):
            attached.append("the rights owner's retraction of the complaint")
        right = (flow.extra.get("entitlements") or {}).get(answer("entitlement")) or {}
        proof = self._items(flow, violation, "evidence", [{"key": right.get("proof")}], language)
        attached = proof + [item for item in attached if item not in proof]  # the right to sell comes with its proof, first
        notes = answer("order_notes") or {}
        return LetterFacts(
            violation=violation,
            violation_title=self.type_title(violation, language),
            marketplace=marketplace,
            marketplace_name=self._marketplace_name(flow, marketplace),
            language=language,
            notice_date=date.fromisoformat(answers["notice_date"]),
            store_name=answers["store_name"],
            login_email=answers["login_email"],
            ids=ids,
            id_kind=id_kind,
            notice_text=answer("notice_text"),
            complaint_ref=answer("complaint_ref"),
            related_account=answer("related_account"),
            notice_effect=effect,
            effect_sentence=wording.get("sentence", ""),
            request=self._request(wording, answers.get("actions") or []),
            metric_sentence=self._metric_sentence(violation, marketplace, answer("metric_counts")),
            order_notes={k: v for k, v in notes.items() if k in ids},
            attached=attached,
            retraction_date=retraction_date,
            entitlement=right.get("sentence", ""),
            form=marketplace.startswith("amazon-"),
            **items,
        )

    @staticmethod
    def _dated(text: str, done_on: date | None, language: str) -> str:
        """An action with the date it was completed: its own leading date when typed with one
        (`2026-11-21: We refunded…`), else the date given for the actions picked."""
        match = _LEADING_DATE.match(text)
        if match:
            try:
                when: date | None = date.fromisoformat(match.group(1))
                text = text[match.end():]
            except ValueError:
                when = done_on
        else:
            when = done_on
        if when is None:
            return text
        return f"{long_date(when, language)}: {text}"  # what was typed is printed as typed

    def _metric_sentence(self, violation: str, marketplace: str, counts: list[int] | None) -> str:
        """The metric as Account Health showed it, computed exactly from the counts the agent gave,
        with the marketplace's target (`knowledge/targets.yaml`); nothing when no counts were given."""
        metric = (self.types.get(violation) or {}).get("metric")
        if not metric or not counts:
            return ""
        reading = self.svc.metric(metric, marketplace, *counts)
        if reading is None:
            return ""
        target, outcome = reading
        bad, total = counts
        _, unit, counted = METRIC_WORDS[metric]
        side = "under" if target.direction == "max" else "above"
        return (f"It stood at {_percent(outcome.rate)} ({bad} of {total} {unit} {counted}); "
                f"Amazon's target is {side} {_percent(target.percent / 100)}.")

    @staticmethod
    def _request(wording: dict, actions: list[dict]) -> str:
        """What the letter asks for, from what the notice did; when the actions picked withdrew
        the listings for good (`withdrawn_by`), it does not ask to have them reinstated."""
        picked = {a.get("key") for a in actions}
        if picked & set(wording.get("withdrawn_by") or ()) and wording.get("request_withdrawn"):
            return wording["request_withdrawn"]
        return wording.get("request", "")

    def _items(self, flow: Flow, violation: str, key: str, picks: list[dict], language: str) -> list[str]:
        catalog = {c.value: c for c in flow.catalog.get(violation, {}).get(key, [])}
        out = []
        for pick_ in picks:
            if "text" in pick_:
                out.append(pick_["text"])
            elif pick_.get("key") in catalog:
                choice = catalog[pick_["key"]]
                out.append((choice.text or choice.label).get(language))
        return out

    def _marketplace_name(self, flow: Flow, code: str) -> str:
        known = self.mailboxes().marketplaces.get(code) or {}
        if known.get("name"):
            return known["name"]
        step = flow.step("marketplace")
        for choice in step.choices if step else []:
            if choice.value == code:
                return choice.label.en
        return code

    def render(self, facts: LetterFacts) -> str:
        """The `.txt` draft: the form's blocks (Amazon), then the e-mail version."""
        return self.renderer.render(facts).text

    def render_letter(self, facts: LetterFacts) -> RenderedLetter:
        return self.renderer.render(facts)

    # ----- drafts ---------------------------------------------------------------------------------
    async def finish(self, ctx: "Context", state: DialogState, flow: Flow) -> Response:
        facts = self.facts(state, flow)
        rendered = self.render_letter(facts)
        letter = rendered.text
        findings = lint(rendered.email, lang=state.lang, letter_lang=facts.language)
        case_id = state.answers.get("case_id")
        purpose = (self.types.get(facts.violation) or {}).get("purpose", "performance")
        send_to = self.mailboxes().send_to(facts.marketplace, purpose, state.lang)
        draft = self.drafts.save(
            dialog_id=state.id, platform=state.platform, user=state.user, channel=ctx.req.channel,
            marketplace=facts.marketplace, violation=facts.violation, language=facts.language,
            store_name=facts.store_name, text=letter, lint=findings, send_to=send_to, now=ctx.now,
            workspace=state.workspace, case_id=case_id, form=rendered.form, attached=facts.attached,
            answers=state.completed(),
        )
        return self.draft_response(draft, state.lang)

    def label(self, dialog_id: int) -> str:
        return f"{self.flow.extra.get('id_prefix', 'AP')}-{dialog_id}"

    @staticmethod
    def _where(send_to: dict[str, Any], lang: str) -> list[str]:
        """The channel first (Account Health path or mailbox, as the knowledge base says), then the warning."""
        path = send_to.get("path") or "—"
        email = send_to.get("email")
        also = ", ".join(send_to.get("also") or [])
        if send_to.get("primary") == "email" and email:
            lines = [pick(lang, en=f"E-mail: {email}", zh=f"邮箱：{email}"), pick(lang, en=f"Or: {path}", zh=f"或：{path}")]
        else:
            lines = [pick(lang, en=f"Path: {path}", zh=f"路径：{path}")]
            lines.append(pick(lang, en=f"E-mail (fallback): {email}", zh=f"邮箱（备用）：{email}") if email
                         else pick(lang, en="E-mail: none known for this case — use the path above.", zh="邮箱：暂无，请走上面的路径。"))
        if also:
            lines.append(pick(lang, en=f"Also listed: {also}", zh=f"其他地址：{also}"))
        if send_to.get("route_note"):
            lines.append(send_to["route_note"])
        lines.append("⚠ " + send_to.get("note", ""))
        if send_to.get("verified_on"):
            lines.append(pick(lang, en=f"Verified on {send_to['verified_on']}.", zh=f"核实日期：{send_to['verified_on']}。"))
        return lines

    def draft_response(self, draft: dict[str, Any], lang: str) -> Response:
        label = self.label(draft["dialog_id"])
        root = self.svc.config.root_command
        findings = draft["lint"]
        send_to = draft["send_to"]
        if findings:
            checks = "\n".join(f"• {f['message']}" + (f" — “{f['excerpt']}”" if f.get("excerpt") else "") + f"\n  → {f['fix']}" for f in findings)
        else:
            checks = pick(lang, en="No problems found by the checks.", zh="检查未发现问题。")
        where = self._where(send_to, lang)
        sections = [
            Section(title=pick(lang, en="Where to send it", zh="发送到哪里"), text="\n".join(where)),
            Section(title=pick(lang, en=f"Checks ({len(findings)})", zh=f"检查（{len(findings)} 项）"), text=checks),
        ]
        if draft.get("attached"):
            sections.append(Section(title=pick(lang, en="The letter says these are attached", zh="信中写明附上以下文件"),
                                    text="\n".join(f"• {item}" for item in draft["attached"])))
        slug = re.sub(r"[^A-Za-z0-9]+", "-", draft["store_name"]).strip("-")[:40] or "store"
        choices = [
            Choice(label=pick(lang, en="Edit answers", zh="修改回答"), value=f"cmd:appeal resume {label}"),
            Choice(label=pick(lang, en="Cancel draft", zh="取消草稿"), value=f"cmd:appeal cancel {label}", style="danger"),
        ]
        choices[:0] = self._case_choices(draft, lang)
        context = [pick(lang, en=f"Saved as {label} (version {draft['version']}). /{root} appeal show {label} shows it again.",
                        zh=f"已保存为 {label}（第 {draft['version']} 版）。/{root} 申诉 查看 {label} 可再次查看。")]
        if draft["language"] == "en" and lang == "zh":
            context.append("申诉信为英文（亚马逊按英文审核）；中文说明只在这里显示。")
        elif draft["language"] == "fr" and lang == "zh":
            context.append("申诉信为法文（Cdiscount 以法文处理）；中文说明只在这里显示。")
        data: dict[str, Any] = {
            "draft_id": label,
            "case_id": draft.get("case_id"),
            "text": draft["text"],
            "email": split_email(draft["text"]),
            "form": draft.get("form") or {},
            "attached": draft.get("attached") or [],
            "lint": findings,
            "send_to": send_to,
            "violation": draft["violation"],
            "marketplace": draft["marketplace"],
            "language": draft["language"],
            "version": draft["version"],
        }
        return Response(
            kind="draft",
            title=pick(lang, en=f"Draft {label} — {self.type_title(draft['violation'], 'en')}",
                       zh=f"申诉草稿 {label} — {self.type_title(draft['violation'], 'zh')}"),
            text=draft["text"],
            sections=sections,
            files=[Attachment(filename=f"{label}-{draft['violation']}-{slug}.txt", content=draft["text"])],
            choices=choices,
            context=context,
            data=data,
            ephemeral=True,  # a draft is personal (the seller's login e-mail, its facts): its owner sees it
        )

    def _case_choices(self, draft: dict[str, Any], lang: str) -> list[Choice]:
        """A draft for a case offers to record "appeal sent" (which starts the 7-day follow-up)
        when the case's type knows that event; a draft without a case offers to open one."""
        case = self.case_of(draft.get("case_id"))
        if case is not None:
            case_type = self.svc.cases.rules.types.get(case.type)
            if case.state == "open" and case_type is not None and "appeal-sent" in case_type.events \
                    and "appeal-sent" not in case.events:
                return [Choice(label=pick(lang, en="Mark appeal sent", zh="标记已申诉"),
                               value=f"cmd:case update {case.id} appeal sent", style="primary")]
            return []
        if draft.get("case_id"):
            return []
        type_id = self.case_type_for(draft["violation"], self._answers(draft).get("notice_effect"))
        case_type = self.svc.cases.rules.types.get(type_id)
        if case_type is None:
            return []
        label = self.label(draft["dialog_id"])
        if case_type.opens_with == "appeal-sent":  # nothing to track before it is sent
            return [Choice(label=pick(lang, en="Sent: track the reply", zh="已发送：跟进回复"),
                           value=f"cmd:appeal track {label}")]
        return [Choice(label=pick(lang, en="Open a case to track it", zh="建立案件以便跟进"),
                       value=f"cmd:appeal track {label}")]


async def finish_appeal(ctx: "Context", state: DialogState, flow: Flow) -> Response:
    return await ctx.svc.appeals.finish(ctx, state, flow)
