"""`/seller case`: tracked account-health cases whose deadlines and reminders follow rules kept as
data (`knowledge/deadlines.yaml`): `types`, `open`, `list`, `show`, `update`, `close`."""

from bot.dispatcher import Context, UsageError, command, suggests
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.cases import CaseType
from bot.reminders.views import case_response, item_id, mention, user_id

OWNER_WORDS = ("owner", "负责人")
WHEN_WORDS = ("received", "on", "since", "at", "收到", "于")

case = command(
    "case",
    summary_en="Track an account-health case: deadlines from policy rules, reminders in the channel",
    summary_zh="跟踪账户健康案件：按政策规则计算截止时间，并在频道中提醒",
    usage="case <types|open|list|show|update|close> …",
    examples=[
        "case open messaging-warning received 2026-11-20 09:00 owner @ana",
        "case update 3 appeal sent",
        "case update 3 reply received yesterday 18:00",
        "case types",
        "case close 3",
    ],
)(None)


def _with_appeal(ctx: Context, found, response: Response) -> Response:
    """An open case whose type is appealed (its rules say what the appeal knows) offers to draft
    that appeal: the button runs `appeal start case N`, which carries the case's facts over."""
    if found.state == "open" and ctx.svc.cases.case_type(found).appeal:
        response.choices.append(Choice(label=ctx.pick(en="Draft the appeal", zh="起草申诉"),
                                       value=f"cmd:appeal start case {found.id}", style="primary"))
    return response


def _type_names(ctx: Context) -> str:
    return ", ".join(ctx.svc.cases.rules.types)


@case.sub("types", usage="case types", summary="the case types and their deadlines")
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


@case.sub("open", usage="case open <type> [received <when>] [owner @user]",
          summary="open a case; deadlines count from when the notice was received (default: now)")
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
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel)
    at = times.parse_past(" ".join(rest), now=ctx.now, zone=zone, lang=ctx.lang) if rest else ctx.now
    req = ctx.req
    opened = ctx.svc.cases.open(
        case_type, platform=req.platform, channel=req.channel, thread=req.thread, opened_by=req.user,
        owner=owner or req.user, at=at, lang=ctx.lang,
    )
    return _with_appeal(ctx, opened, case_response(ctx, opened, title_en=f"Case #{opened.id} opened",
                                                   title_zh=f"已创建案件 #{opened.id}"))


def _case(ctx: Context, token: str | None):
    case_id = item_id(ctx, token, "case", "案件")
    found = ctx.svc.cases.get(case_id)
    if found is None or found.platform != ctx.req.platform:
        raise UsageError(ctx.pick(en=f"There is no case #{case_id}.", zh=f"没有编号为 #{case_id} 的案件。"))
    return found


@case.sub("list", usage="case list", summary="open cases in this channel")
async def list_(ctx: Context) -> Response:
    svc = ctx.svc
    zone = svc.channel_zone(ctx.req.platform, ctx.req.channel)
    items, lines = [], []
    for found in svc.cases.list_open(ctx.req.platform, ctx.req.channel):
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


@case.sub("show", usage="case show <id>", summary="a case with its deadlines and planned reminders")
async def show(ctx: Context) -> Response:
    argv = ctx.argv
    found = _case(ctx, argv[0] if argv else None)
    return _with_appeal(ctx, found, case_response(ctx, found))


@case.sub("update", usage="case update <id> <event> [when] | case update <id> owner @user",
          summary="record what happened (appeal sent, reply received, received WHEN…); reminders follow")
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
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel)
    at = times.parse_past(when, now=ctx.now, zone=zone, lang=ctx.lang) if when else ctx.now
    found = ctx.svc.cases.record(found, event, at)
    return _with_appeal(ctx, found, case_response(ctx, found, title_en=f"Case #{found.id} updated",
                                                  title_zh=f"案件 #{found.id} 已更新"))


@case.sub("close", usage="case close <id>", summary="close a case and cancel its reminders (someone else's: curators)")
async def close(ctx: Context) -> Response:
    argv = ctx.argv
    found = _case(ctx, argv[0] if argv else None)
    if ctx.req.user not in (found.owner, found.opened_by):
        ctx.require_curator()
    if found.state == "closed":
        raise UsageError(ctx.pick(en=f"Case #{found.id} is already closed.", zh=f"案件 #{found.id} 已经关闭。"))
    closed = ctx.svc.cases.close(found)
    return case_response(ctx, closed, title_en=f"Case #{closed.id} closed", title_zh=f"案件 #{closed.id} 已关闭")


@suggests("case_type")
async def suggest_case_types(ctx: Context, prefix: str) -> list[Choice]:
    wanted = prefix.lower()
    return [
        Choice(label=f"{t.id} — {t.title.get(ctx.lang)}"[:100], value=t.id)
        for t in ctx.svc.cases.rules.types.values()
        if not wanted or wanted in t.id or any(wanted in a.lower() for a in t.aliases)
        or wanted in t.title.get(ctx.lang).lower()
    ]


@suggests("case")
async def suggest_cases(ctx: Context, prefix: str) -> list[Choice]:
    """Open cases of the channel, for `show`, `update` and `close`."""
    wanted = prefix.lstrip("#").lower()
    return [
        Choice(label=f"#{c.id} {c.type} ({mention(c.owner)})"[:100], value=str(c.id))
        for c in ctx.svc.cases.list_open(ctx.req.platform, ctx.req.channel)
        if not wanted or str(c.id).startswith(wanted) or wanted in c.type
    ]
