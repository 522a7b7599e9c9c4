"""The appeal service: turns a finished appeal dialogue into a saved, linted draft with a mailbox.

The dialogue itself is generic (`bot.dialogs`); this module knows what the appeal flow's answers
mean — the step ids below are the contract between `knowledge/appeals/flows.yaml` and the letters.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.appeals.letters import LetterFacts, LetterRenderer
from bot.appeals.lint import lint
from bot.appeals.mailboxes import Mailboxes
from bot.appeals.store import DraftStore
from bot.dialogs import DialogState, Flow
from bot.i18n import pick
from bot.model import Attachment, Choice, Response, Section

if TYPE_CHECKING:
    from bot.context import Context
    from bot.services import Services

FLOW_ID = "appeal"
ID_STEPS = {"order_ids": "order", "conversation_orders": "order", "asins": "asin", "cdiscount_orders": "cdiscount_order"}
ITEM_STEPS = ("root_causes", "actions", "prevention")


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

    def resolve_type(self, word: str) -> str | None:
        """A violation type from its code or its button label in either language (case-insensitive)."""
        wanted = word.strip().lower()
        for choice in self.type_choices():
            names = {choice.value, choice.label.en.lower(), (choice.label.zh or "").lower()}
            if wanted in names:
                return choice.value
        return None

    def type_title(self, violation: str, lang: str) -> str:
        title = (self.types.get(violation) or {}).get("title") or {}
        return title.get(lang) or title.get("en") or violation

    def mailboxes(self) -> Mailboxes:
        return Mailboxes.load(self.mailboxes_path)

    # ----- from answers to a letter ---------------------------------------------------------------
    def facts(self, state: DialogState, flow: Flow) -> LetterFacts:
        answers = state.completed()
        applicable = {s.id for s in flow.steps if s.applies(answers)}
        language = answers.get("language") if "language" in applicable else None
        language = language or (flow.step("language").default if flow.step("language") else None) or "en"
        violation = answers["violation"]
        marketplace = answers["marketplace"]
        ids: list[str] = []
        id_kind = None
        for step_id, kind in ID_STEPS.items():
            if step_id in applicable and answers.get(step_id):
                ids, id_kind = list(answers[step_id]), kind
                break
        items = {key: self._items(flow, violation, key, answers.get(key) or [], language) for key in ITEM_STEPS}
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
            notice_text=answers.get("notice_text") if "notice_text" in applicable else None,
            complaint_ref=answers.get("complaint_ref") if "complaint_ref" in applicable else None,
            related_account=answers.get("related_account") if "related_account" in applicable else None,
            **items,
        )

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
        return self.renderer.render(facts)

    # ----- drafts ---------------------------------------------------------------------------------
    async def finish(self, ctx: "Context", state: DialogState, flow: Flow) -> Response:
        facts = self.facts(state, flow)
        letter = self.render(facts)
        findings = lint(letter, lang=state.lang, letter_lang=facts.language)
        purpose = (self.types.get(facts.violation) or {}).get("purpose", "performance")
        send_to = self.mailboxes().send_to(facts.marketplace, purpose, state.lang)
        draft = self.drafts.save(
            dialog_id=state.id, platform=state.platform, user=state.user, channel=ctx.req.channel,
            marketplace=facts.marketplace, violation=facts.violation, language=facts.language,
            store_name=facts.store_name, text=letter, lint=findings, send_to=send_to, now=ctx.now,
            workspace=state.workspace,
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
        evidence = ((self.types.get(draft["violation"]) or {}).get("evidence") or {})
        evidence_items = evidence.get(lang) or evidence.get("en") or []
        sections = [
            Section(title=pick(lang, en=f"Checks ({len(findings)})", zh=f"检查（{len(findings)} 项）"), text=checks),
            Section(title=pick(lang, en="Where to send it", zh="发送到哪里"), text="\n".join(where)),
        ]
        if evidence_items:
            sections.append(Section(title=pick(lang, en="Attach before sending", zh="发送前请附上"),
                                    text="\n".join(f"• {item}" for item in evidence_items)))
        slug = re.sub(r"[^A-Za-z0-9]+", "-", draft["store_name"]).strip("-")[:40] or "store"
        return Response(
            kind="draft",
            title=pick(lang, en=f"Draft {label} — {self.type_title(draft['violation'], 'en')}",
                       zh=f"申诉草稿 {label} — {self.type_title(draft['violation'], 'zh')}"),
            text=draft["text"],
            sections=sections,
            files=[Attachment(filename=f"{label}-{draft['violation']}-{slug}.md", content=draft["text"])],
            choices=[
                Choice(label=pick(lang, en="Edit answers", zh="修改回答"), value=f"cmd:appeal resume {label}"),
                Choice(label=pick(lang, en="Cancel draft", zh="取消草稿"), value=f"cmd:appeal cancel {label}", style="danger"),
            ],
            context=[pick(lang, en=f"Saved as {label} (version {draft['version']}). /{root} appeal show {label} shows it again.",
                          zh=f"已保存为 {label}（第 {draft['version']} 版）。/{root} appeal show {label} 可再次查看。")],
            data={
                "draft_id": label,
                "text": draft["text"],
                "lint": findings,
                "send_to": send_to,
                "violation": draft["violation"],
                "marketplace": draft["marketplace"],
                "language": draft["language"],
                "version": draft["version"],
            },
        )


async def finish_appeal(ctx: "Context", state: DialogState, flow: Flow) -> Response:
    return await ctx.svc.appeals.finish(ctx, state, flow)
