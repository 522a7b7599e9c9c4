"""`/seller appeal`: a guided dialogue that drafts a Plan of Action, lints it and says where to send it.

`appeal` or `appeal start [TYPE]` begins; the answers are plain messages or button presses routed
by the dialogue engine; the last answer produces a `draft` response (letter inline and as a file).
"""

from __future__ import annotations

import re

from bot.appeals.service import FLOW_ID
from bot.dialogs import DialogState
from bot.dispatcher import Context, UsageError, command, suggests
from bot.model import Choice, Response, Section

ACTIONS = ("start", "resume", "list", "show", "cancel")
_CASE = re.compile(r"^(?:case|案件)\s*#?\s*([0-9]{1,12})$", re.IGNORECASE)

appeal = command(
    "appeal",
    summary_en="Draft an appeal (Plan of Action) step by step, check it, and see where to send it",
    summary_zh="分步起草申诉信（行动计划），自动检查并给出提交渠道",
    usage="appeal [start [TYPE] | resume [ID] | list | show ID | cancel [ID]]",
    examples=["appeal", "appeal start messaging", "appeal resume", "appeal list", "appeal show AP-3", "appeal cancel AP-3"],
)(None)


@appeal.sub("start", usage="appeal start [TYPE]", summary="start a new appeal, optionally of one type")
async def start(ctx: Context) -> Response:
    return await _start(ctx, ctx.args)


async def _start(ctx: Context, word: str) -> Response:
    prefill: dict[str, str | int] = {}
    word = word.strip()
    service = ctx.svc.appeals
    linked = _CASE.match(word)
    if linked:
        prefill = service.prefill_from_case(ctx, int(linked.group(1)))
    elif word:
        code = service.resolve_type(word)
        if code is None:
            types = ", ".join(c.value for c in service.type_choices())
            raise UsageError(ctx.pick(
                en=f"Unknown appeal type or action `{word}`. Types: {types}. Actions: {', '.join(ACTIONS)}.",
                zh=f"未知的申诉类型或操作 `{word}`。类型：{types}。操作：{', '.join(ACTIONS)}。",
            ), example=f"/{ctx.svc.config.root_command} appeal start odr")
        prefill["violation"] = code
        markets = service.flow.choices_for(service.flow.step("marketplace"), prefill)
        if len(markets) == 1:
            prefill["marketplace"] = markets[0].value
    return await ctx.svc.dialogs.start(ctx, FLOW_ID, prefill)


async def _bare(ctx: Context) -> Response:
    """`/seller appeal` alone starts one; `/seller appeal odr` starts one of that type;
    `/seller appeal start case 3` (a case's "Draft the appeal" button) one for that case."""
    return await _start(ctx, ctx.args)


appeal.handler = _bare


@appeal.sub("resume", usage="appeal resume [ID]", summary="continue an unfinished appeal (or reopen a draft to edit it)")
async def resume(ctx: Context) -> Response:
    engine = ctx.svc.dialogs
    req = ctx.req
    if ctx.args.strip():
        state = _owned(ctx, ctx.args)
        if state.status == "cancelled":
            raise UsageError(ctx.pick(en=f"{engine.label(state)} was cancelled; start a new appeal instead.",
                                      zh=f"{engine.label(state)} 已取消，请重新开始一份申诉。"))
    else:
        state = engine.store.active(req.platform, req.user, req.channel)
        if state is None or state.flow != FLOW_ID:
            state = engine.store.latest_unfinished(req.platform, req.user, FLOW_ID)
        if state is None:
            raise UsageError(ctx.pick(
                en="You have no unfinished appeal to resume. Start one with /seller appeal, or reopen a draft with /seller appeal resume ID.",
                zh="没有未完成的申诉可以继续。用 /seller appeal 开始，或用 /seller appeal resume ID 重新打开草稿。",
            ))
    return await engine.resume(ctx, state)


@appeal.sub("list", usage="appeal list", summary="your appeals in progress and your drafts")
async def list_appeals(ctx: Context) -> Response:
    engine = ctx.svc.dialogs
    service = ctx.svc.appeals
    states = engine.store.list_for(ctx.req.platform, ctx.req.user, flow=FLOW_ID)
    if not states:
        return Response(kind="list", text=ctx.pick(en="You have no appeals yet. Start one with /seller appeal.",
                                                   zh="你还没有申诉。用 /seller appeal 开始。"), data={"items": []}, ephemeral=True)
    lines, items, choices = [], [], []
    for state in states:
        label = engine.label(state)
        answers = state.completed()
        violation = answers.get("violation")
        title = service.type_title(violation, ctx.lang) if violation else ctx.pick(en="(type not chosen yet)", zh="（尚未选择类型）")
        draft = service.drafts.get(state.id) if state.status == "done" else None
        if draft:
            status = ctx.pick(en=f"draft v{draft['version']}, {len(draft['lint'])} check(s)", zh=f"草稿第 {draft['version']} 版，{len(draft['lint'])} 项检查")
            choices.append(Choice(label=ctx.pick(en=f"Show {label}", zh=f"查看 {label}"), value=f"cmd:appeal show {label}"))
        else:
            status = ctx.pick(en=f"in progress ({state.status}) at “{state.current_step or '-'}”", zh=f"进行中（{state.status}），当前步骤“{state.current_step or '-'}”")
            choices.append(Choice(label=ctx.pick(en=f"Resume {label}", zh=f"继续 {label}"), value=f"cmd:appeal resume {label}"))
        store = answers.get("store_name") or "—"
        market = answers.get("marketplace") or "—"
        lines.append(f"{label} · {title} · {market} · {store} · {status} · {state.updated_at[:10]}")
        items.append({"id": label, "status": "draft" if draft else state.status, "violation": violation,
                      "marketplace": answers.get("marketplace"), "store_name": answers.get("store_name"),
                      "updated_at": state.updated_at})
    return Response(kind="list", title=ctx.pick(en="Your appeals", zh="你的申诉"), text="\n".join(lines),
                    choices=choices[:5], data={"items": items}, ephemeral=True)


@appeal.sub("show", usage="appeal show ID", summary="show a draft again (letter, checks, mailbox) or an appeal's answers so far")
async def show(ctx: Context) -> Response:
    if not ctx.args.strip():
        raise UsageError(ctx.pick(en="Which appeal? Give its ID, e.g. AP-3 (see /seller appeal list).",
                                  zh="请指定申诉编号，例如 AP-3（见 /seller appeal list）。"))
    state = _owned(ctx, ctx.args)
    engine = ctx.svc.dialogs
    service = ctx.svc.appeals
    draft = service.drafts.get(state.id)
    if state.status == "done" and draft and draft["status"] == "open":
        return service.draft_response(draft, ctx.lang)
    label = engine.label(state)
    flow = service.flow
    status = {"active": ctx.pick(en="in progress", zh="进行中"), "paused": ctx.pick(en="paused", zh="已暂停"),
              "cancelled": ctx.pick(en="cancelled", zh="已取消"), "done": ctx.pick(en="done", zh="已完成")}.get(state.status, state.status)
    choices = [] if state.status == "cancelled" else [Choice(label=ctx.pick(en=f"Resume {label}", zh=f"继续 {label}"), value=f"cmd:appeal resume {label}")]
    return Response(
        kind="info",
        title=f"{flow.title.get(ctx.lang)} · {label}",
        text=ctx.pick(en=f"{label} is {status}; answers so far:", zh=f"{label} {status}；目前的回答："),
        sections=[Section(text=engine.summary(flow, state) or "—")],
        choices=choices,
        data={"dialog_id": label, "status": state.status},
        ephemeral=True,
    )


@appeal.sub("cancel", usage="appeal cancel [ID]", summary="cancel the appeal in progress here, or the one with that ID")
async def cancel(ctx: Context) -> Response:
    engine = ctx.svc.dialogs
    req = ctx.req
    if ctx.args.strip():
        state = _owned(ctx, ctx.args)
    else:
        state = engine.store.active(req.platform, req.user, req.channel)
        if state is None or state.flow != FLOW_ID:
            raise UsageError(ctx.pick(en="No appeal is in progress here. Give an ID to cancel a saved one (see /seller appeal list).",
                                      zh="这里没有进行中的申诉。要取消已保存的申诉，请给出编号（见 /seller appeal list）。"))
    label = engine.label(state)
    if state.status == "cancelled":
        return Response(kind="info", text=ctx.pick(en=f"{label} was already cancelled.", zh=f"{label} 之前已取消。"),
                        data={"dialog_id": label, "status": "cancelled"}, ephemeral=True)
    engine.cancel(ctx, state)
    if ctx.svc.appeals.drafts.get(state.id):
        ctx.svc.appeals.drafts.cancel(state.id, ctx.now)
    return Response(kind="info", text=ctx.pick(en=f"{label} is cancelled.", zh=f"{label} 已取消。"),
                    data={"dialog_id": label, "status": "cancelled"}, ephemeral=True)


def _owned(ctx: Context, text: str) -> DialogState:
    """The appeal named by `text`, if it exists and the user owns it (curators may see any)."""
    engine = ctx.svc.dialogs
    dialog_id = engine.parse_label(text.split()[0] if text.split() else "")
    state = engine.store.get(dialog_id) if dialog_id is not None else None
    mine = state is not None and state.flow == FLOW_ID and state.platform == ctx.req.platform and (
        state.user == ctx.req.user or ctx.svc.auth.is_curator(ctx.req))
    if not mine:
        raise UsageError(ctx.pick(en=f"No appeal of yours has the ID `{text.strip()[:40]}`. See /seller appeal list.",
                                  zh=f"你没有编号为 `{text.strip()[:40]}` 的申诉。请查看 /seller appeal list。"))
    return state  # type: ignore[return-value]


@suggests("draft")
async def suggest_drafts(ctx: Context, prefix: str) -> list[Choice]:
    """The user's drafts and unfinished appeals, for autocomplete of `show`, `resume` and `cancel`."""
    engine = ctx.svc.dialogs
    service = ctx.svc.appeals
    wanted = prefix.strip().lower()
    out = []
    for state in engine.store.list_for(ctx.req.platform, ctx.req.user, flow=FLOW_ID):
        label = engine.label(state)
        answers = state.completed()
        violation = answers.get("violation")
        title = service.type_title(violation, ctx.lang) if violation else ""
        name = f"{label} · {title} · {answers.get('store_name') or ''}".strip(" ·")[:100]
        if not wanted or wanted in name.lower():
            out.append(Choice(label=name, value=label))
    return out


@suggests("appeal_type")
async def suggest_types(ctx: Context, prefix: str) -> list[Choice]:
    """The violation types an appeal can be drafted for, matched on code or label in either language."""
    wanted = prefix.strip().lower()
    out = []
    for choice in ctx.svc.appeals.type_choices():
        label = choice.label.zh if ctx.lang == "zh" and choice.label.zh else choice.label.en
        if not wanted or wanted in f"{choice.value} {choice.label.en} {choice.label.zh or ''}".lower():
            out.append(Choice(label=label[:100], value=choice.value))
    return out
