"""`/seller case`: tracked account-health cases whose deadlines and reminders follow rules kept as
data (`knowledge/deadlines.yaml`): `types`, `open`, `list`, `show`, `update`, `close`."""

from typing import TYPE_CHECKING

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.cases import CaseType
from bot.reminders.views import case_response, item_id, mention, user_id
from bot.scope import reachable
from bot.spec import Command, Param

if TYPE_CHECKING:
    from bot.app import App

OWNER_WORDS = ("owner", "负责人")
WHEN_WORDS = ("received", "on", "since", "at", "收到", "于")

CASE = Param("id", Text("id", "编号"), Text("Case number (for show, update, close)", "案件编号（查看、更新、关闭时填写）"),
             required=True, suggest="case", raw=True)
OWNER = Param("owner", Text("user", "用户"), Text("Who owns the case (mentioned in its reminders)", "负责人（提醒时会 @ 此人）"),
              kind="user", keyword="owner")

case = Command(
    "case",
    Text("Track an account-health case: deadlines from policy rules, reminders in the channel",
         "跟踪账户健康案件：按政策规则计算截止时间，并在频道中提醒"),
    words=("案件",),
    examples=(
        Text("case open messaging-warning received 2026-11-20 09:00 owner @ana", "案件 新建 messaging-warning 收到 2026-11-20 09:00 负责人 @ana"),
        Text("case update 3 appeal sent", "案件 更新 3 appeal sent"),
        Text("case update 3 reply received yesterday 18:00", "案件 更新 3 reply received 昨天 18:00"),
        Text("case types", "案件 类型"),
        Text("case close 3", "案件 关闭 3"),
    ),
)


def setup(app: "App") -> None:
    app.add(case)
    app.suggests("case_type", suggest_case_types)
    app.suggests("case", suggest_cases)


def _with_appeal(ctx: Context, found, response: Response) -> Response:
    """An open case whose type is appealed (its rules say what the appeal knows) offers to draft
    that appeal: the button runs `appeal start case N`, which carries the case's facts over."""
    if found.state == "open" and ctx.svc.cases.case_type(found).appeal:
        response.choices.append(Choice(label=ctx.pick(en="Draft the appeal", zh="起草申诉"),
                                       value=f"cmd:appeal start case {found.id}", style="primary"))
    return response


def _type_names(ctx: Context) -> str:
    return ", ".join(ctx.svc.cases.rules.types)


@case.action("types", Text("list case types", "案件类型"),
             summary=Text("the case types and their deadlines", "案件类型及其截止时间"), words=("类型",))
async def types_(ctx: Context) -> Response:
    rules = ctx.svc.cases.rules
    items, lines = [], []
    for case_type in rules.types.values():
        deadlines = [
            {"id": d.id, "label": d.label.get(ctx.lang), "after": int(d.after.total_seconds()), "from": d.anchor,
             "remind_before": [int(b.total_seconds()) for b in d.remind_before]}
            for d in case_type.deadlines
        ]
        items.append({"type": case_type.id, "title": case_type.title.get(ctx.lang), "deadlines": deadlines,
                      "events": case_type.events})
        summary = "; ".join(
            f"{d.label.get(ctx.lang)} = {d.anchor} + {times.span(d.after, ctx.lang)}" for d in case_type.deadlines
        )
        lines.append(f"`{case_type.id}` — {case_type.title.get(ctx.lang)}: {summary}")
    return Response(kind="list", title=ctx.pick(en="Case types", zh="案件类型"), text="\n".join(lines),
                    ephemeral=True, data={"items": items})


def _split_owner(ctx: Context, words: list[str]) -> tuple[list[str], str | None]:
    """Take `owner @user` out of the words."""
    for i, word in enumerate(words):
        if word.lower() in OWNER_WORDS:
            if i + 1 >= len(words):
                raise UsageError(ctx.pick(en="Name the owner after `owner`, e.g. owner @ana.",
                                          zh="请在 `owner` 后写负责人，例如 owner @ana。"))
            return words[:i] + words[i + 2:], user_id(words[i + 1], ctx.lang)
    return words, None


def _find_type(ctx: Context, name: str) -> CaseType:
    case_type = ctx.svc.cases.rules.find_type(name)
    if case_type is None:
        raise UsageError(ctx.pick(en=f"Unknown case type `{name}`. Types: {_type_names(ctx)}.",
                                  zh=f"未知案件类型 `{name}`。可用类型：{_type_names(ctx)}。"))
    return case_type


@case.action(
    "open", Text("open a case", "新建案件"),
    summary=Text("open a case; deadlines count from when the notice was received (default: now)",
                 "新建案件；截止时间从收到通知的时间算起（默认：现在）"),
    params=(Param("type", Text("type", "类型"), Text("Notice type (for open)", "通知类型（新建时填写）"), required=True,
                  suggest="case_type", raw=True),
            Param("received", Text("when", "时间"), Text("When the notice arrived (for open), e.g. 2026-11-20 09:00",
                                                         "收到通知的时间（新建时填写），如 2026-11-20 09:00"), raw=True, keyword="received"),
            OWNER),
    words=("新建", "开始", "打开"),
)
async def open_(ctx: Context) -> Response:
    words, owner = _split_owner(ctx, ctx.args.split())
    if not words:
        raise UsageError(ctx.pick(en=f"Which case type? Types: {_type_names(ctx)}.",
                                  zh=f"请指定案件类型。可用类型：{_type_names(ctx)}。"))
    case_type = _find_type(ctx, words[0])
    rest = words[1:]
    rules = ctx.svc.cases.rules
    keywords = {w.lower() for w in (*WHEN_WORDS, *rules.aliases(case_type.opens_with)) if " " not in w}
    if rest and rest[0].lower() in keywords:
        rest = rest[1:]
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    at = times.parse_past(" ".join(rest), now=ctx.now, zone=zone, lang=ctx.lang) if rest else ctx.now
    req = ctx.req
    opened = ctx.svc.cases.open(
        case_type, platform=req.platform, channel=req.channel, thread=req.thread, opened_by=req.user,
        owner=owner or req.user, at=at, lang=ctx.lang, workspace=req.workspace,
    )
    return _with_appeal(ctx, opened, case_response(ctx, opened, title_en=f"Case #{opened.id} opened",
                                                   title_zh=f"已创建案件 #{opened.id}"))


def _case(ctx: Context, token: str | None):
    case_id = item_id(ctx, token, "case", "案件")
    found = ctx.svc.cases.get(case_id)
    # Another channel's or workspace's case is "not found", in the words of a missing one (no probing).
    if found is None or not reachable(ctx.svc, ctx.req, platform=found.platform, workspace=found.workspace,
                                      channel=found.channel):
        raise UsageError(ctx.pick(en=f"There is no case #{case_id}.", zh=f"没有编号为 #{case_id} 的案件。"))
    return found


@case.action("list", Text("list cases", "案件列表"), summary=Text("open cases in this channel", "本频道进行中的案件"),
             words=("列表",))
async def list_(ctx: Context) -> Response:
    svc = ctx.svc
    zone = svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    items, lines = [], []
    for found in svc.cases.list_open(ctx.req.platform, ctx.req.channel, ctx.req.workspace):
        upcoming = [d for d in svc.cases.deadlines(found) if not d.met and d.due > ctx.now]
        following = upcoming[0] if upcoming else None
        item = {"case_id": found.id, "type": found.type, "owner": found.owner, "next": None}
        line = f"#{found.id} · {svc.cases.case_type(found).title.get(ctx.lang)} · {mention(found.owner)}"
        if following:
            label = following.rule.label.get(ctx.lang)
            item["next"] = {"label": label, "due": times.local_iso(following.due, zone)}
            line += f" · {label}: {times.human(following.due, zone, ctx.lang)}"
        items.append(item)
        lines.append(line)
    text = "\n".join(lines) or ctx.pick(en="No open cases in this channel.", zh="本频道没有进行中的案件。")
    return Response(kind="list", title=ctx.pick(en="Open cases", zh="进行中的案件"), text=text, ephemeral=True,
                    data={"items": items})


@case.action("show", Text("show a case", "查看案件"),
             summary=Text("a case with its deadlines and planned reminders", "案件及其截止时间和计划提醒"), params=(CASE,),
             words=("查看",))
async def show(ctx: Context) -> Response:
    argv = ctx.argv
    found = _case(ctx, argv[0] if argv else None)
    return _with_appeal(ctx, found, case_response(ctx, found))


@case.action(
    "update", Text("record what happened", "记录进展"),
    summary=Text("record what happened (appeal sent, reply received, received WHEN…), or a new owner; reminders follow",
                 "记录进展（已申诉、收到回复、收到时间…）或更换负责人；提醒随之调整"),
    params=(CASE, Param("event", Text("event", "事件"), Text("What happened (for update), e.g. appeal sent, reply received yesterday",
                                                           "发生了什么（更新时填写），如 appeal sent、reply received yesterday"), raw=True),
            OWNER),
    words=("更新",),
)
async def update(ctx: Context) -> Response:
    words = ctx.args.split()
    found = _case(ctx, words[0] if words else None)
    if found.state != "open":
        raise UsageError(ctx.pick(en=f"Case #{found.id} is closed.", zh=f"案件 #{found.id} 已关闭。"))
    rest = words[1:]
    rest, owner = _split_owner(ctx, rest)
    if owner:
        found = ctx.svc.cases.set_owner(found, owner)
        if not rest:
            return case_response(ctx, found)
    rules = ctx.svc.cases.rules
    case_type = ctx.svc.cases.case_type(found)
    allowed = ", ".join(f"`{rules.event_label(e, ctx.lang)}`" for e in case_type.events)
    matched = rules.match_event(" ".join(rest), case_type.events) if rest else None
    if matched is None:
        raise UsageError(ctx.pick(
            en=f"What happened? For this case ({case_type.id}): {allowed} (optionally followed by when), or owner @user.",
            zh=f"发生了什么？该类型案件可记录：{allowed}（可在后面写时间），或 owner @用户。",
        ))
    event, when = matched
    for word in WHEN_WORDS:
        if when.lower().startswith(word + " "):
            when = when[len(word):].strip()
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    at = times.parse_past(when, now=ctx.now, zone=zone, lang=ctx.lang) if when else ctx.now
    found = ctx.svc.cases.record(found, event, at)
    return _with_appeal(ctx, found, case_response(ctx, found, title_en=f"Case #{found.id} updated",
                                                  title_zh=f"案件 #{found.id} 已更新"))


@case.action("close", Text("close a case", "关闭案件"),
             summary=Text("close a case and cancel its reminders (someone else's: curators)", "关闭案件并取消其提醒（他人的案件需管理员）"),
             params=(CASE,), words=("关闭",))
async def close(ctx: Context) -> Response:
    argv = ctx.argv
    found = _case(ctx, argv[0] if argv else None)
    if ctx.req.user not in (found.owner, found.opened_by):
        ctx.require_curator()
    if found.state == "closed":
        raise UsageError(ctx.pick(en=f"Case #{found.id} is already closed.", zh=f"案件 #{found.id} 已经关闭。"))
    closed = ctx.svc.cases.close(found)
    return case_response(ctx, closed, title_en=f"Case #{closed.id} closed", title_zh=f"案件 #{closed.id} 已关闭")


async def suggest_case_types(ctx: Context, prefix: str) -> list[Choice]:
    wanted = prefix.lower()
    return [
        Choice(label=f"{t.id} — {t.title.get(ctx.lang)}"[:100], value=t.id)
        for t in ctx.svc.cases.rules.types.values()
        if not wanted or wanted in t.id or any(wanted in a.lower() for a in t.aliases)
        or wanted in t.title.get(ctx.lang).lower()
    ]


async def suggest_cases(ctx: Context, prefix: str) -> list[Choice]:
    """Open cases of the channel, for `show`, `update` and `close`."""
    wanted = prefix.lstrip("#").lower()
    return [
        Choice(label=f"#{c.id} {c.type} ({mention(c.owner)})"[:100], value=str(c.id))
        for c in ctx.svc.cases.list_open(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
        if not wanted or str(c.id).startswith(wanted) or wanted in c.type
    ]
