"""`/seller appeal`: a guided dialogue that drafts a Plan of Action, lints it and says where to send it.

`appeal` or `appeal start [TYPE]` begins; the answers are plain messages or button presses routed
by the dialogue engine; the last answer produces a `draft` response (letter inline and as a file).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import marketplaces
from bot.appeals import FLOW_ID
from bot.context import Context
from bot.dialogs.store import DialogState
from bot.errors import UsageError
from bot.i18n import Text, status_label
from bot.model import Choice, Response, Section
from bot.scope import reachable, same_workspace
from bot.spec import Command, Param

if TYPE_CHECKING:
    from bot.app import App

_CASE = re.compile(r"(?:^|\s)(?:case|案件)\s*#?\s*([0-9]{1,12})(?=\s|$)", re.IGNORECASE)

DRAFT = Param("draft", Text("ID", "编号"), Text("Draft ID (for resume, show, cancel)", "草稿编号（继续、查看、取消时填写）"), suggest="draft")

appeal = Command(
    "appeal",
    Text("Draft an appeal (Plan of Action) step by step, check it, and see where to send it", "分步起草申诉信（行动计划），自动检查并给出提交渠道"),
    words=("申诉",),
    examples=(Text("appeal", "申诉"), Text("appeal start messaging", "申诉 开始 messaging"), Text("appeal resume", "申诉 继续"),
              Text("appeal list", "申诉 列表"), Text("appeal show AP-3", "申诉 查看 AP-3"), Text("appeal cancel AP-3", "申诉 取消 AP-3")),
)


def setup(app: "App") -> None:
    app.add(appeal)
    app.suggests("draft", suggest_drafts)
    app.suggests("appeal_type", suggest_types)


@appeal.action(
    "start", Text("start a new appeal", "开始新的申诉"),
    summary=Text("start a new appeal, optionally of one type, or for a case (its type, marketplace and notice date are not asked again)",
                 "开始新的申诉，可指定违规类型，或为某个案件起草（不再询问类型、站点和通知日期）"),
    params=(Param("type", Text("TYPE", "类型"), Text("Violation type (for start)", "违规类型（开始时填写）"), suggest="appeal_type",
                  raw=True),
            Param("case", Text("case", "案件"), Text("The case this appeal answers (for start)", "这份申诉对应的案件（开始时填写）"),
                  kind="int", keyword="case", keyword_zh="案件", suggest="case")),
    words=("开始", "新建"), implicit=True,
)
async def start(ctx: Context) -> Response:
    return await _start(ctx, ctx.args)


def _split_case(ctx: Context, words: str) -> tuple[str, int | None]:
    """`odr case 3` → ("odr", 3): the type (if any) and the case named after `case`/`案件` (if any)."""
    match = _CASE.search(words)
    if not match:
        if re.search(r"(?:^|\s)(?:case|案件)(?:\s|$)", words, re.IGNORECASE):
            raise UsageError(ctx.pick(en="Name the case by its number after `case`, e.g. case 3.",
                                      zh="请在 `案件` 后写案件编号，例如 案件 3。"),
                             example=f"/{ctx.svc.config.root_command} appeal start case 3")
        return words.strip(), None
    return (words[:match.start()] + words[match.end():]).strip(), int(match.group(1))


async def _start(ctx: Context, words: str) -> Response:
    prefill: dict[str, str | int] = {}
    word, case_id = _split_case(ctx, words)
    service = ctx.svc.appeals
    if case_id is not None:
        prefill = service.prefill_from_case(ctx, _case(ctx, case_id), _type(ctx, word) if word else None)
    elif word:
        code = _type(ctx, word)
        prefill["violation"] = code
        markets = service.flow.choices_for(service.flow.step("marketplace"), prefill)
        if len(markets) == 1:
            prefill["marketplace"] = markets[0].value
    return await ctx.svc.dialogs.start(ctx, FLOW_ID, prefill)


def _case(ctx: Context, case_id: int):
    """The case, if this request may reach it (bot/scope.py); otherwise the words of a missing one."""
    found = ctx.svc.cases.get(case_id)
    if found is None or not reachable(ctx.svc, ctx.req, platform=found.platform, workspace=found.workspace,
                                      channel=found.channel):
        raise UsageError(ctx.pick(en=f"There is no case #{case_id}.", zh=f"没有编号为 #{case_id} 的案件。"))
    return found


def _type(ctx: Context, word: str) -> str:
    service = ctx.svc.appeals
    code = service.resolve_type(word)
    if code is None:
        codes = [c.value for c in service.type_choices()]
        named = "、".join(f"{service.type_word(code, 'zh')}（{code}）" for code in codes)
        actions = [appeal.typed(ctx.lang, name).split()[-1] for name in appeal.actions]
        raise UsageError(ctx.pick(
            en=f"Unknown appeal type or action `{word}`. Types: {', '.join(codes)}. Actions: {', '.join(actions)}.",
            zh=f"未知的申诉类型或操作 `{word}`。类型：{named}。操作：{'、'.join(actions)}。",
        ), example=ctx.line("appeal", "start", service.type_word(codes[0], ctx.lang)))
    return code


@appeal.action("resume", Text("resume a draft", "继续草稿"),
               summary=Text("continue an unfinished appeal (or reopen a draft to edit it)", "继续未完成的申诉（或重新打开草稿修改）"),
               params=(DRAFT,), words=("继续", "恢复"))
async def resume(ctx: Context) -> Response:
    engine = ctx.svc.dialogs
    req = ctx.req
    if ctx.args.strip():
        state = _owned(ctx, ctx.args)
        if state.status == "cancelled":
            raise UsageError(ctx.pick(en=f"{engine.label(state)} was cancelled; start a new appeal instead.",
                                      zh=f"{engine.label(state)} 已取消，请重新开始一份申诉。"))
        _refuse_anothers(ctx, state)
    else:
        state = engine.store.active(req.platform, req.user, req.channel, req.workspace)
        if state is None or state.flow != FLOW_ID:
            state = engine.store.latest_unfinished(req.platform, req.user, FLOW_ID, workspace=req.workspace)
        if state is None:
            raise UsageError(ctx.pick(
                en=f"You have no unfinished appeal to resume. Start one with {ctx.line('appeal')}, or reopen a draft with "
                   f"{ctx.line('appeal', 'resume', 'ID')}.",
                zh=f"没有未完成的申诉可以继续。用 {ctx.line('appeal')} 开始，或用 {ctx.line('appeal', 'resume', '<编号>')} 重新打开草稿。",
            ))
    return await engine.resume(ctx, state)


@appeal.action("track", Text("track a draft in a case", "建案跟进草稿"),
               summary=Text("open the case that tracks a finished draft (deadlines, reminders, Mark appeal sent)",
                            "为已完成的草稿建立案件（截止时间、提醒、标记已申诉）"),
               params=(replace(DRAFT, required=True),), words=("跟进", "建案"))
async def track(ctx: Context) -> Response:
    state = _owned(ctx, ctx.args)
    from bot.reminders.views import case_response  # the reminder views load with the first tracked draft

    case, notice_day = ctx.svc.appeals.track(ctx, state)
    label = ctx.svc.dialogs.label(state)
    response = case_response(ctx, case, title_en=f"Case #{case.id} tracks {label}", title_zh=f"案件 #{case.id} 跟进 {label}")
    root = ctx.svc.config.root_command
    if notice_day:  # the dialogue asked the notice's day, not its hour: say what was assumed
        response.context.insert(0, ctx.pick(
            en=f"⏱ Counted from the start of the notice day, {notice_day} 00:00 — if you know the hour it arrived: "
               f"/{root} case update {case.id} received {notice_day} 09:00",
            zh=f"⏱ 从通知当天 {notice_day} 00:00 开始计算——如果知道具体收到时间，请补充："
               f"/{root} 案件 更新 {case.id} 收到 {notice_day} 09:00"))
    if state.status != "done":  # reopened for editing: the case tracks the version that was finished
        version = ctx.svc.appeals.drafts.get(state.id)["version"]  # type: ignore[index]
        response.context.insert(0, ctx.pick(
            en=f"{label} is being edited; the case tracks version {version}, the last finished one. "
               f"Finish the edit ({ctx.line('appeal', 'resume', label)}) for a new version.",
            zh=f"{label} 正在修改；案件跟进的是最后完成的第 {version} 版。"
               f"修改完成（{ctx.line('appeal', 'resume', label)}）后会生成新版本。"))
    response.data["received_assumed"] = notice_day is not None
    if "appeal-sent" in ctx.svc.cases.case_type(case).events and "appeal-sent" not in case.events:
        response.choices.insert(0, Choice(label=ctx.pick(en="Mark appeal sent", zh="标记已申诉"),
                                          value=f"cmd:case update {case.id} appeal sent", style="primary"))
    return response


@appeal.action("list", Text("list my drafts", "我的草稿"),
               summary=Text("your appeals in progress and your drafts", "你进行中的申诉和草稿"), words=("列表",))
async def list_appeals(ctx: Context) -> Response:
    engine = ctx.svc.dialogs
    service = ctx.svc.appeals
    states = engine.store.list_for(ctx.req.platform, ctx.req.user, flow=FLOW_ID, workspace=ctx.req.workspace)
    if not states:
        return Response(kind="list", text=ctx.pick(en=f"You have no appeals yet. Start one with {ctx.line('appeal')}.",
                                                   zh=f"你还没有申诉。用 {ctx.line('appeal')} 开始。"), data={"items": []}, ephemeral=True)
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
            step = service.flow.step(state.current_step or "")
            at = step.name(ctx.lang) if step else "-"
            status = ctx.pick(en=f"{status_label(state.status, 'en')} at “{at}”", zh=f"{status_label(state.status, 'zh')}，当前步骤“{at}”")
            choices.append(Choice(label=ctx.pick(en=f"Resume {label}", zh=f"继续 {label}"), value=f"cmd:appeal resume {label}"))
        store = answers.get("store_name") or "—"
        market = marketplaces.label(answers["marketplace"], ctx.lang) if answers.get("marketplace") else "—"
        lines.append(f"{label} · {title} · {market} · {store} · {status} · {state.updated_at[:10]}")
        items.append({"id": label, "status": "draft" if draft else state.status, "violation": violation,
                      "marketplace": answers.get("marketplace"), "store_name": answers.get("store_name"),
                      "updated_at": state.updated_at})
    return Response(kind="list", title=ctx.pick(en="Your appeals", zh="你的申诉"), text="\n".join(lines),
                    choices=choices[:5], data={"items": items}, ephemeral=True)


@appeal.action("show", Text("show a draft", "查看草稿"),
               summary=Text("show a draft again (letter, checks, mailbox) or an appeal's answers so far",
                            "再次查看草稿（信件、检查结果、提交邮箱）或申诉目前的回答"),
               params=(replace(DRAFT, required=True),), words=("查看",))
async def show(ctx: Context) -> Response:
    if not ctx.args.strip():
        raise UsageError(ctx.pick(en=f"Which appeal? Give its ID, e.g. AP-3 (see {ctx.line('appeal', 'list')}).",
                                  zh=f"请指定申诉编号，例如 AP-3（见 {ctx.line('appeal', 'list')}）。"))
    state = _owned(ctx, ctx.args)
    engine = ctx.svc.dialogs
    service = ctx.svc.appeals
    draft = service.drafts.get(state.id)
    if draft and draft["status"] == "open" and state.status != "cancelled":
        return _finished_version(ctx, state, draft)
    label = engine.label(state)
    flow = service.flow
    status = status_label(state.status, ctx.lang)
    resumable = state.status != "cancelled" and state.user == ctx.req.user  # a curator looking on does not resume
    choices = [] if not resumable else [Choice(label=ctx.pick(en=f"Resume {label}", zh=f"继续 {label}"), value=f"cmd:appeal resume {label}")]
    return Response(
        kind="info",
        title=f"{flow.title.get(ctx.lang)} · {label}",
        text=ctx.pick(en=f"{label} is {status}; answers so far:", zh=f"{label} {status}；目前的回答："),
        sections=[Section(text=engine.summary(flow, state) or "—")],
        choices=choices,
        data={"dialog_id": label, "status": state.status},
        ephemeral=True,
    )


def _finished_version(ctx: Context, state: DialogState, draft: dict) -> Response:
    """A draft as last finished; when its dialogue was reopened, the reply says which steps are being
    edited (their new answers are not in this version) and offers to go on editing."""
    response = ctx.svc.appeals.draft_response(draft, ctx.lang)
    if state.status == "done":
        return response
    engine = ctx.svc.dialogs
    flow = ctx.svc.appeals.flow
    label = engine.label(state)
    editing = [s for s in engine.applicable(flow, state) if s.id not in state.complete and s.type != "review"]
    named = ("、" if ctx.lang == "zh" else ", ").join(s.name(ctx.lang) for s in editing) or "—"
    response.context.insert(0, ctx.pick(
        en=f"✎ {label} is being edited (being edited: {named}); shown is version {draft['version']}, the last finished one.",
        zh=f"✎ {label} 正在修改（修改中：{named}）；下面是最后完成的第 {draft['version']} 版。"))
    if state.user == ctx.req.user:
        response.choices.insert(0, Choice(label=ctx.pick(en=f"Resume {label}", zh=f"继续 {label}"), value=f"cmd:appeal resume {label}",
                                          style="primary"))
    response.data["editing"] = [s.id for s in editing]
    return response


@appeal.action("cancel", Text("cancel a draft", "取消草稿"),
               summary=Text("cancel the appeal in progress here, or the one with that ID", "取消这里进行中的申诉，或指定编号的申诉"),
               params=(DRAFT,), words=("取消",))
async def cancel(ctx: Context) -> Response:
    engine = ctx.svc.dialogs
    req = ctx.req
    if ctx.args.strip():
        state = _owned(ctx, ctx.args)
    else:
        state = engine.store.active(req.platform, req.user, req.channel, req.workspace)
        if state is None or state.flow != FLOW_ID:
            raise UsageError(ctx.pick(en=f"No appeal is in progress here. Give an ID to cancel a saved one (see {ctx.line('appeal', 'list')}).",
                                      zh=f"这里没有进行中的申诉。要取消已保存的申诉，请给出编号（见 {ctx.line('appeal', 'list')}）。"))
    label = engine.label(state)
    if state.status == "cancelled":
        return Response(kind="info", text=ctx.pick(en=f"{label} was already cancelled.", zh=f"{label} 之前已取消。"),
                        data={"dialog_id": label, "status": "cancelled"}, ephemeral=True)
    engine.cancel(ctx, state)
    if ctx.svc.appeals.drafts.get(state.id):
        ctx.svc.appeals.drafts.cancel(state.id, ctx.now)
    return Response(kind="info", text=ctx.pick(en=f"{label} is cancelled.", zh=f"{label} 已取消。"),
                    data={"dialog_id": label, "status": "cancelled"}, ephemeral=True)


def _refuse_anothers(ctx: Context, state: DialogState) -> None:
    """A curator may look at anyone's appeal (`show`), but resuming is answering as its owner: the
    dialogue would move to the curator's channel, and the owner's own next answer would be lost.
    So resume is refused with what can be done instead; nothing is changed."""
    if state.user == ctx.req.user:
        return
    label = ctx.svc.dialogs.label(state)
    root = ctx.svc.config.root_command
    raise UsageError(ctx.pick(
        en=f"{label} is @{state.user}'s appeal: only they can resume it (that would take their dialogue over). "
           f"You can see it with /{root} appeal show {label}, or start your own with /{root} appeal.",
        zh=f"{label} 是 @{state.user} 的申诉，只有本人可以继续（否则会接管对方的对话）。"
           f"可以用 /{root} 申诉 查看 {label} 查看，或用 /{root} 申诉 开始你自己的申诉。"))


def _owned(ctx: Context, text: str) -> DialogState:
    """The appeal named by `text`, if it exists in this workspace and the user owns it (curators of
    the workspace may see any). A draft is personal (it holds a login e-mail), so it is not shared
    with the channel; its owner may take it to another channel of the workspace (`resume`)."""
    engine = ctx.svc.dialogs
    dialog_id = engine.parse_label(text.split()[0] if text.split() else "")
    state = engine.store.get(dialog_id) if dialog_id is not None else None
    mine = state is not None and state.flow == FLOW_ID and same_workspace(ctx.req, state.platform, state.workspace) and (
        state.user == ctx.req.user or ctx.svc.auth.is_curator(ctx.req))
    if not mine:
        raise UsageError(ctx.pick(en=f"No appeal of yours has the ID `{text.strip()[:40]}`. See {ctx.line('appeal', 'list')}.",
                                  zh=f"你没有编号为 `{text.strip()[:40]}` 的申诉。请查看 {ctx.line('appeal', 'list')}。"))
    return state  # type: ignore[return-value]


async def suggest_drafts(ctx: Context, prefix: str) -> list[Choice]:
    """The user's drafts and unfinished appeals, for autocomplete of `show`, `resume` and `cancel`."""
    engine = ctx.svc.dialogs
    service = ctx.svc.appeals
    wanted = prefix.strip().lower()
    out = []
    for state in engine.store.list_for(ctx.req.platform, ctx.req.user, flow=FLOW_ID, workspace=ctx.req.workspace):
        label = engine.label(state)
        answers = state.completed()
        violation = answers.get("violation")
        title = service.type_title(violation, ctx.lang) if violation else ""
        name = f"{label} · {title} · {answers.get('store_name') or ''}".strip(" ·")[:100]
        if not wanted or wanted in name.lower():
            out.append(Choice(label=name, value=label))
    return out


async def suggest_types(ctx: Context, prefix: str) -> list[Choice]:
    """The violation types an appeal can be drafted for, matched on code or label in either language."""
    wanted = prefix.strip().lower()
    out = []
    for choice in ctx.svc.appeals.type_choices():
        label = choice.label.zh if ctx.lang == "zh" and choice.label.zh else choice.label.en
        if not wanted or wanted in f"{choice.value} {choice.label.en} {choice.label.zh or ''}".lower():
            out.append(Choice(label=label[:100], value=choice.value))
    return out
