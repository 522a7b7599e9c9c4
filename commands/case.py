"""`/seller case`: tracked account-health cases whose deadlines and reminders follow rules kept as
data (`knowledge/deadlines.yaml`): `types`, `open`, `list`, `show`, `update`, `close`."""

import re
import shlex
from datetime import datetime
from itertools import takewhile
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import marketplaces, paging
from bot.appeals.store import DraftStore
from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text, first_chinese
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.cases import CaseFilter, CaseType
from bot.reminders.store import Case
from bot.reminders.views import case_response, item_id, mention, user_id
from bot.scope import reachable
from bot.spec import Command, Option, Param

if TYPE_CHECKING:
    from bot.app import App

OWNER_WORDS = ("owner", "负责人")
WHEN_WORDS = ("received", "on", "since", "at", "收到", "于")
STORE_WORDS = ("store", "shop", "店铺", "店名")
MARKET_WORDS = ("marketplace", "market", "站点", "市场")
NOTE_WORDS = ("note", "备注")
TYPE_WORDS = ("type", "类型")
STATES = {"open": ("open", "进行中", "未结"), "overdue": ("overdue", "逾期", "已逾期", "超期"),
          "closed": ("closed", "已关闭", "关闭的"), "all": ("all", "全部", "所有")}
MINE_WORDS = ("mine", "my", "我的")
MAX_STORE = 80
MAX_NOTE = 500
CLEAR = ("-", "none", "无")
"""`case update 3 note -` clears the note."""

CASE = Param("id", Text("id", "编号"), Text("Case number (for show, update, close)", "案件编号（查看、更新、关闭时填写）"),
             required=True, suggest="case", raw=True)
OWNER = Param("owner", Text("user", "用户"), Text("Who owns the case (mentioned in its reminders)", "负责人（提醒时会 @ 此人）"),
              kind="user", keyword="owner", keyword_zh=first_chinese(OWNER_WORDS, "owner"))
STORE = Param("store", Text("store", "店铺"), Text("The store (seller account) the notice is about", "通知涉及的店铺（卖家账号）"),
              raw=True, keyword="store", keyword_zh=first_chinese(STORE_WORDS, "store"))
MARKETPLACE = Param("marketplace", Text("marketplace", "站点"),
                    Text("Marketplace, e.g. amazon-us, amazon-de, cdiscount-fr", "站点，如 amazon-us、amazon-de、cdiscount-fr"),
                    raw=True, keyword="marketplace", keyword_zh=first_chinese(MARKET_WORDS, "marketplace"))
NOTE = Param("note", Text("note", "备注"), Text("A note to tell the case apart (the rest of the line)", "备注，便于区分案件（写在最后）"),
             rest=True, keyword="note", keyword_zh=first_chinese(NOTE_WORDS, "note"))

case = Command(
    "case",
    Text("Track an account-health case: deadlines from policy rules, reminders in the channel",
         "跟踪账户健康案件：按政策规则计算截止时间，并在频道中提醒"),
    words=("案件",),
    examples=(
        Text("case open messaging-warning received 2026-11-20 09:00 owner @ana", "案件 新建 messaging-warning 收到 2026-11-20 09:00 负责人 @ana"),
        Text("case update 3 appeal sent", "案件 更新 3 已申诉"),
        Text("case update 3 reply received yesterday 18:00", "案件 更新 3 收到回复 昨天 18:00"),
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
    that appeal: the button runs `appeal start case N`, which carries the case's facts over. Once
    a draft is written for the case, the case names it instead (its author gets a button to show
    it; drafts are personal), so nobody drafts the same appeal twice by accident."""
    case_type = ctx.svc.cases.case_type(found)
    if found.state != "open" or not case_type.appeal or any(e in found.events for e in case_type.resolved_by):
        return response
    drafts = DraftStore(ctx.svc.store).for_case(found.id)
    if not drafts:
        response.choices.append(Choice(label=ctx.pick(en="Draft the appeal", zh="起草申诉"),
                                       value=f"cmd:appeal start case {found.id}", style="primary"))
        return response
    labels = [(ctx.svc.appeals.label(d["dialog_id"]), d["user"]) for d in drafts]
    written = ", ".join(f"{label} ({mention(user)})" for label, user in labels)
    response.context.append(ctx.pick(en=f"Appeal drafted for this case: {written}.", zh=f"此案件的申诉草稿：{written}。"))
    for label, user in labels:
        if user == ctx.req.user:
            response.choices.append(Choice(label=ctx.pick(en=f"Show {label}", zh=f"查看 {label}"),
                                           value=f"cmd:appeal show {label}"))
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
        summary = ctx.pick(en="; ", zh="；").join(
            ctx.pick(en=f"{d.label.get('en')}: {times.span(d.after, 'en')} after {rules.event_label(d.anchor, 'en')}",
                     zh=f"{d.label.get('zh')}：{rules.event_label(d.anchor, 'zh')}后{times.span(d.after, 'zh')}")
            for d in case_type.deadlines
        )
        words = [a for a in case_type.aliases if ctx.lang != "zh" or not a.isascii()][:2]
        called = ctx.pick(en=f" ({', '.join(words)})", zh=f"（{'、'.join(words)}）") if words else ""
        lines.append(f"`{case_type.id}`{called} — {case_type.title.get(ctx.lang)}: {summary}")
    return Response(kind="list", title=ctx.pick(en="Case types", zh="案件类型"), text="\n".join(lines),
                    ephemeral=True, data={"items": items})


def _split_owner(ctx: Context, words: list[str]) -> tuple[list[str], str | None]:
    """Take `owner @user` out of the words."""
    for i, word in enumerate(words):
        if word.lower() in OWNER_WORDS:
            if i + 1 >= len(words):
                raise UsageError(ctx.pick(en=f"Name the owner after `{word}`, e.g. {word} @ana.",
                                          zh=f"请在 `{word}` 后写负责人的 @用户名，例如 {word} @ana。"))
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
    summary=Text("open a case; deadlines count from when the notice was received (default: now, and the reply says so)",
                 "新建案件；截止时间从收到通知的时间算起（默认：现在，回复中会注明）"),
    params=(Param("type", Text("type", "类型"), Text("Notice type (for open)", "通知类型（新建时填写）"), required=True,
                  suggest="case_type", raw=True),
            Param("received", Text("when", "时间"), Text("When the notice arrived (for open), e.g. 2026-11-20 09:00",
                                                         "收到通知的时间（新建时填写），如 2026-11-20 09:00"), raw=True, keyword="received",
                  keyword_zh=first_chinese(WHEN_WORDS, "received")),
            STORE, MARKETPLACE, OWNER, NOTE),
    words=("新建", "开始", "打开"),
)
async def open_(ctx: Context) -> Response:
    head, note = _split_note(ctx, ctx.args)
    lead, found = _segments(ctx, _words(ctx, head), {**_keys(OWNER_WORDS, "owner"), **_keys(STORE_WORDS, "store"),
                                                    **_keys(MARKET_WORDS, "marketplace"),
                                                    **_keys(("received", "收到"), "received")})
    if not lead:
        raise UsageError(ctx.pick(en=f"Which case type? Types: {_type_names(ctx)}.",
                                  zh=f"请指定案件类型。可用类型：{_type_names(ctx)}。"))
    case_type = _find_type(ctx, lead[0])
    rest = lead[1:] + found.get("received", [])
    rules = ctx.svc.cases.rules
    keywords = {w.lower() for w in (*WHEN_WORDS, *rules.aliases(case_type.opens_with)) if " " not in w}
    if rest and rest[0].lower() in keywords:
        rest = rest[1:]
    details = _details(ctx, found, note)
    owner = _owner(ctx, found)
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    at = times.parse_past(" ".join(rest), now=ctx.now, zone=zone, lang=ctx.lang) if rest else ctx.now
    req = ctx.req
    opened = ctx.svc.cases.open(
        case_type, platform=req.platform, channel=req.channel, thread=req.thread, opened_by=req.user,
        owner=owner or req.user, at=at, lang=ctx.lang, workspace=req.workspace, **details,
    )
    response = _with_appeal(ctx, opened, case_response(ctx, opened, title_en=f"Case #{opened.id} opened",
                                                       title_zh=f"已创建案件 #{opened.id}"))
    if not rest:
        # Opening a case is one line in every platform, scripts included: rather than a second
        # question, the reply names the moment used and how to correct it (reminders follow).
        clock = times.short(at, zone, ctx.lang, now=ctx.now)
        root = ctx.svc.config.root_command
        response.context.insert(0, ctx.pick(
            en=f"⏱ Counted from now, {clock} ({times.zone_label(zone)}) — add `received <when>` if the notice came earlier: "
               f"/{root} case update {opened.id} received 2026-11-20 09:00",
            zh=f"⏱ 从现在（{clock}，{times.zone_label(zone)}）开始计算——如果通知更早收到，请补充收到时间："
               f"/{root} 案件 更新 {opened.id} 收到 昨天 18:00"))
    response.data["received_assumed"] = not rest
    return response


def _keys(words: tuple[str, ...], name: str) -> dict[str, str]:
    return {w.lower(): name for w in words}


_NOTE = re.compile(r"(?:^|\s)(?:note|备注)(?:\s*[:：]\s*|\s+|$)", re.IGNORECASE)


def _split_note(ctx: Context, args: str) -> tuple[str, str | None]:
    """`… note <text>`: the note is the rest of the line as typed (apostrophes, quotes and all)."""
    match = _NOTE.search(args)
    if match is None:
        return args, None
    return args[:match.start()], args[match.end():].strip()


_GLUED = re.compile(r"^(store|shop|店铺|店名|marketplace|market|站点|市场|type|类型|owner|负责人|page|页)[:：=](.+)$",
                    re.IGNORECASE)


def _words(ctx: Context, text: str) -> list[str]:
    """Words as a shell reads them ("Anker EU" in quotes is one); `店铺：Anker` is two."""
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    out: list[str] = []
    for word in words:
        glued = _GLUED.match(word)
        out.extend(glued.groups() if glued else (word,))
    return out


def _segments(ctx: Context, words: list[str], keywords: dict[str, str], *,
              single: frozenset[str] = frozenset({"owner", "type", "page"}),
              stops: frozenset[str] = frozenset()) -> tuple[list[str], dict[str, list[str]]]:
    """The words before any keyword, and the words after each keyword up to the next one. A
    keyword of `single` takes one word (an owner is one mention); what follows it, or a word of
    `stops`, goes back to the leading words."""
    lead: list[str] = []
    found: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    current, current_name = lead, None
    for at, word in enumerate(words):
        name = keywords.get(word.lower())
        if name is not None:
            if name in found:
                raise _twice(ctx, word, typed.get(current_name or ""), current + _until_other(words[at:], keywords, name))
            current, current_name = found.setdefault(name, []), name
            typed[name] = word
            continue
        if word.lower() in stops or (current_name in single and current):
            current, current_name = lead, None
        current.append(word)
    for name, values in found.items():
        if not values:
            raise UsageError(ctx.pick(en=f"Write a value after `{typed[name]}`.", zh=f"`{typed[name]}` 后面缺少内容。"))
    return lead, found


def _until_other(words: list[str], keywords: dict[str, str], name: str) -> list[str]:
    """The words up to the next keyword of another name."""
    return list(takewhile(lambda w: keywords.get(w.lower()) in (None, name), words))


def _twice(ctx: Context, word: str, keyword: str | None, value: list[str]) -> UsageError:
    """`store Anker Official Store`: a keyword inside a name; the error shows the name quoted."""
    if keyword is None:
        return UsageError(ctx.pick(en=f"`{word}` is given twice.", zh=f"`{word}` 重复出现。"))
    quoted = f'{keyword} "{" ".join(value)}"'
    return UsageError(ctx.pick(en=f"`{word}` is given twice. If it is part of a name, put the name in quotes: `{quoted}`.",
                               zh=f"`{word}` 重复出现。如果它是名称的一部分，请给名称加上引号：`{quoted}`。"))


def _owner(ctx: Context, found: dict[str, list[str]]) -> str | None:
    if "owner" not in found:
        return None
    return user_id(found["owner"][0], ctx.lang)


def _details(ctx: Context, found: dict[str, list[str]], note: str | None) -> dict[str, str | None]:
    """The store, marketplace and note given, checked; `-` clears one (in `update`)."""
    details: dict[str, str | None] = {}
    if "store" in found:
        store = " ".join(found["store"]).strip()
        if len(store) > MAX_STORE:
            raise UsageError(ctx.pick(en=f"The store name is too long (at most {MAX_STORE} characters).",
                                      zh=f"店铺名太长（最多 {MAX_STORE} 个字符）。"))
        details["store"] = None if store.lower() in CLEAR else store
    if "marketplace" in found:
        typed = " ".join(found["marketplace"])
        if typed.lower() in CLEAR:
            details["marketplace"] = None
        else:
            code = ctx.svc.cases.find_marketplace(typed)
            if code is None:
                codes = ", ".join(ctx.svc.cases.marketplaces)
                raise UsageError(ctx.pick(en=f"Unknown marketplace `{typed}`. Marketplaces: {codes}.",
                                          zh=f"未知站点 `{typed}`。可用站点：{codes}。"))
            details["marketplace"] = code
    if note is not None:
        if not note:
            raise UsageError(ctx.pick(en="Write the note after `note`.", zh="请在 `备注` 后面写上内容。"))
        if len(note) > MAX_NOTE:
            raise UsageError(ctx.pick(en=f"The note is too long (at most {MAX_NOTE} characters).",
                                      zh=f"备注太长（最多 {MAX_NOTE} 个字符）。"))
        details["note"] = None if note.lower() in CLEAR else note
    return details


def _case(ctx: Context, token: str | None):
    case_id = item_id(ctx, token, "case", "案件")
    found = ctx.svc.cases.get(case_id)
    # Another channel's or workspace's case is "not found", in the words of a missing one (no probing).
    if found is None or not reachable(ctx.svc, ctx.req, platform=found.platform, workspace=found.workspace,
                                      channel=found.channel):
        raise UsageError(ctx.pick(en=f"There is no case #{case_id}.", zh=f"没有编号为 #{case_id} 的案件。"))
    return found


FILTERS = tuple(Option(state, Text(state, words[1]), words[1:]) for state, words in STATES.items()) + (
    Option("mine", Text("mine", "我的"), MINE_WORDS[1:]),)


@case.action(
    "list", Text("list cases", "案件列表"),
    summary=Text("cases of this channel, next deadline first, 20 a page: open (default), overdue, closed or all; "
                 "mine; type, store, marketplace, owner",
                 "本频道的案件，按最近截止时间排序，每页 20 条：进行中（默认）、逾期、已关闭或全部；我的；类型、店铺、站点、负责人"),
    params=(Param("filter", Text("filter", "筛选"), Text("open, overdue, closed, all, or mine (typed: several, e.g. mine overdue)",
                                                       "进行中、逾期、已关闭、全部或我的（可组合，如 我的 逾期）"), choices=FILTERS),
            Param("type", Text("type", "类型"), Text("Notice type (for open)", "通知类型（新建时填写）"), suggest="case_type",
                  keyword="type", keyword_zh=first_chinese(TYPE_WORDS, "type")),
            STORE, MARKETPLACE, OWNER,
            Param("page", Text("page", "页码"), Text("Page of a list", "列表页码"), kind="int", keyword="page",
                  keyword_zh=first_chinese(paging.PAGE_WORDS, "page"))),
    words=("列表",),
)
async def list_(ctx: Context) -> Response:
    svc = ctx.svc
    req = ctx.req
    wanted, number = _list_filter(ctx)
    zone = svc.channel_zone(req.platform, req.channel, req.workspace)
    found = svc.cases.find(req.platform, req.channel, req.workspace, wanted)
    page = paging.page_of(found, number, ctx.lang)
    items, lines = [], []
    for item in page.items:
        line, data = _list_line(ctx, item, zone)
        lines.append(line)
        items.append(data)
    title = ctx.pick(en=_LIST_TITLES[wanted.state][0], zh=_LIST_TITLES[wanted.state][1])
    if not found:
        text = ctx.pick(en="No cases match in this channel.", zh="本频道没有符合条件的案件。") if _narrowed(wanted) \
            else ctx.pick(en="No open cases in this channel.", zh="本频道没有进行中的案件。")
    else:
        text = "\n".join(lines)
    root = svc.config.root_command
    context = [ctx.pick(en=f"Next deadline first; times in {times.zone_label(zone)}. Details: /{root} case show <id>",
                        zh=f"按最近截止时间排序；时间为 {times.zone_label(zone)}。详情：/{root} 案件 查看 <编号>")]
    if page.pages > 1:
        context.insert(0, ctx.pick(en=f"Page {page.number} of {page.pages}", zh=f"第 {page.number}/{page.pages} 页"))
    return Response(kind="list", title=f"{title} · {page.count(ctx.lang)}", text=text, ephemeral=True,
                    context=context, choices=page.choices(ctx.lang, _list_command(wanted, req.user)),
                    data={"items": items, **page.data(), "filter": _filter_data(wanted)})


_LIST_TITLES = {"open": ("Open cases", "进行中的案件"), "overdue": ("Overdue cases", "逾期案件"),
                "closed": ("Closed cases", "已关闭的案件"), "all": ("All cases", "全部案件")}
_PAGE = re.compile(r"^(?:第\s*(\d+)\s*页|p(\d+))$", re.IGNORECASE)


def _list_filter(ctx: Context) -> tuple[CaseFilter, int]:
    """`mine overdue type messaging-warning store "Anker EU" page 2`, or in Chinese words
    (`我的 逾期 类型 messaging-warning 店铺 Anker 第2页`)."""
    states = {w.lower(): state for state, words in STATES.items() for w in words}
    stops = frozenset([*states, *(w.lower() for w in MINE_WORDS)])
    keywords = {**_keys(TYPE_WORDS, "type"), **_keys(STORE_WORDS, "store"), **_keys(MARKET_WORDS, "marketplace"),
                **_keys(OWNER_WORDS, "owner"), **_keys(paging.PAGE_WORDS, "page")}
    lead, found = _segments(ctx, _words(ctx, ctx.args), keywords, stops=stops)
    state, owner, number = "open", None, 1
    for word in lead:
        lowered = word.lower()
        page = _PAGE.match(word)
        if lowered in states:
            state = states[lowered]
        elif lowered in (w.lower() for w in MINE_WORDS):
            owner = ctx.req.user
        elif page:
            number = int(page.group(1) or page.group(2))
        else:
            raise UsageError(ctx.pick(
                en=f"`{word}` is not a filter. Filters: open, overdue, closed, all, mine, type <type>, store <name>, "
                   "marketplace <code>, owner @user, page <n>.",
                zh=f"`{word}` 不是筛选条件。可用：进行中、逾期、已关闭、全部、我的、类型 <类型>、店铺 <名称>、站点 <代码>、"
                   "负责人 @用户、页 <页码>。"))
    if "owner" in found:
        owner = _owner(ctx, found)
    case_type = _find_type(ctx, found["type"][0]).id if "type" in found else None
    details = _details(ctx, found, None)
    if "page" in found:
        number = paging.page_number(found["page"][0], ctx.lang)
    return CaseFilter(state=state, owner=owner, type=case_type, store=details.get("store"),
                      marketplace=details.get("marketplace")), number


def _narrowed(wanted: CaseFilter) -> bool:
    return wanted != CaseFilter()


def _filter_data(wanted: CaseFilter) -> dict:
    return {"state": wanted.state, "owner": wanted.owner, "type": wanted.type, "store": wanted.store,
            "marketplace": wanted.marketplace}


def _list_command(wanted: CaseFilter, me: str) -> str:
    """The same list as a command line (for the page buttons), in its English words."""
    owner = None if wanted.owner in (None, me) else ("owner", f"<@{wanted.owner}>")
    return paging.command_line(
        "case", "list", wanted.state if wanted.state != "open" else None, "mine" if wanted.owner == me else None,
        *(owner or ()), *(("type", wanted.type) if wanted.type else ()), *(("store", wanted.store) if wanted.store else ()),
        *(("marketplace", wanted.marketplace) if wanted.marketplace else ()),
    )


def _type_name(ctx: Context, type_id: str) -> str:
    """A case type in a list line: its id in English (what `case list type …` takes), its Chinese
    name on a Chinese screen, without the platform in brackets (站内信 lines need no "（亚马逊）")."""
    case_type = ctx.svc.cases.rules.types.get(type_id)
    if ctx.lang != "zh" or case_type is None:
        return type_id
    return re.sub(r"[（(][^（）()]*[）)]$", "", case_type.title.get("zh")).strip() or type_id


def _list_line(ctx: Context, found: Case, zone) -> tuple[str, dict]:
    """`#12 · Anker EU · Amazon DE · messaging-warning · @ana · Appeal due: Fri, Nov 27 09:00 (in 3 days) — note`
    (`#12 · Anker EU · 亚马逊德国站 · 买家-卖家消息违规警告 · …` on a Chinese screen)."""
    svc = ctx.svc
    following = svc.cases.next_deadline(found)
    item = {"case_id": found.id, "type": found.type, "owner": found.owner, "state": found.state, "store": found.store,
            "marketplace": found.marketplace, "note": found.note, "next": None}
    parts = [f"#{found.id}"]
    if found.store:
        parts.append(paging.clip(found.store, 40))
    if found.marketplace:
        parts.append(marketplaces.label(found.marketplace, ctx.lang))
    parts += [_type_name(ctx, found.type), mention(found.owner)]
    if found.state == "closed":
        parts.append(ctx.pick(en="closed", zh="已关闭"))
    elif following is not None:
        label = following.rule.label.get(ctx.lang)
        overdue = following.due <= ctx.now
        item["next"] = {"id": following.rule.id, "label": label, "due": times.local_iso(following.due, zone),
                        "overdue": overdue}
        when = f"{times.short(following.due, zone, ctx.lang, now=ctx.now)} ({times.relative(following.due, ctx.now, ctx.lang)})"
        parts.append(("⚠️ " if overdue else "") + f"{label}: {when}")
    line = " · ".join(parts)
    if found.note:
        line += f" — {paging.clip(found.note, 60)}"
    return paging.line(line), item


@case.action("show", Text("show a case", "查看案件"),
             summary=Text("a case with its deadlines and planned reminders", "案件及其截止时间和计划提醒"), params=(CASE,),
             words=("查看",))
async def show(ctx: Context) -> Response:
    argv = ctx.argv
    found = _case(ctx, argv[0] if argv else None)
    return _with_appeal(ctx, found, case_response(ctx, found))


@case.action(
    "update", Text("record what happened", "记录进展"),
    summary=Text("record what happened (appeal sent, reply received, received WHEN…), a new owner (its owner, opener or "
                 "a curator), store, marketplace or note; reminders follow",
                 "记录进展（已申诉、收到回复、收到时间…），或更换负责人（限负责人、创建人或管理员）、店铺、站点、备注；提醒随之调整"),
    params=(CASE, Param("event", Text("event", "事件"), Text("What happened (for update), e.g. appeal sent, reply received yesterday",
                                                           "发生了什么（更新时填写），如 已申诉、收到回复 昨天"), raw=True),
            OWNER, STORE, MARKETPLACE, NOTE),
    words=("更新",),
)
async def update(ctx: Context) -> Response:
    head, note = _split_note(ctx, ctx.args)
    words = _words(ctx, head)
    found = _case(ctx, words[0] if words else None)
    if found.state != "open":
        raise UsageError(ctx.pick(en=f"Case #{found.id} is closed.", zh=f"案件 #{found.id} 已关闭。"))
    rest = words[1:]
    rest, owner = _split_owner(ctx, rest)
    rest, given = _segments(ctx, rest, {**_keys(STORE_WORDS, "store"), **_keys(MARKET_WORDS, "marketplace")})
    details = _details(ctx, given, note)
    if owner:  # checked before anything is saved, so a refused line changes nothing
        _require_owner_opener_or_curator(ctx, found, en=f"change the owner of case #{found.id}",
                                         zh=f"更换案件 #{found.id} 的负责人")
    if details:
        found = ctx.svc.cases.set_details(found, **details)
    if owner:
        found = ctx.svc.cases.set_owner(found, owner)
    if (owner or details) and not rest:
        return case_response(ctx, found, title_en=f"Case #{found.id} updated", title_zh=f"案件 #{found.id} 已更新")
    rules = ctx.svc.cases.rules
    case_type = ctx.svc.cases.case_type(found)
    allowed = ", ".join(f"`{rules.event_label(e, ctx.lang)}`" for e in case_type.events)
    matched = rules.match_event(" ".join(rest), case_type.events) if rest else None
    if matched is None:
        keywords = ctx.pick(en=", ", zh="、").join(p.usage(ctx.lang).strip("[]") for p in (OWNER, STORE, MARKETPLACE, NOTE))
        raise UsageError(ctx.pick(
            en=f"What happened? For this case ({case_type.id}): {allowed} (optionally followed by when), or {keywords}.",
            zh=f"发生了什么？该类型案件可记录：{allowed}（可在后面写时间），或 {keywords}。",
        ))
    event, when = matched
    for word in WHEN_WORDS:
        if when.lower().startswith(word + " "):
            when = when[len(word):].strip()
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    at = times.parse_past(when, now=ctx.now, zone=zone, lang=ctx.lang) if when else ctx.now
    _check_order(ctx, found, case_type, event, at, zone)
    found = ctx.svc.cases.record(found, event, at)
    return _with_appeal(ctx, found, case_response(ctx, found, title_en=f"Case #{found.id} updated",
                                                  title_zh=f"案件 #{found.id} 已更新"))


def _check_order(ctx: Context, found: Case, case_type: CaseType, event: str, at: datetime, zone: ZoneInfo) -> None:
    """Nothing on a case happens before its notice: an event dated before the opening event (the
    notice received), or an opening event moved after an event already recorded, is a typo (1971
    for 2026) that would silently mark deadlines met or overdue. (A time ahead of now is refused
    by times.parse_past.)"""
    rules = ctx.svc.cases.rules
    opening = case_type.opens_with
    if event == opening:
        later = [(e, t) for e, t in found.events.items() if e != opening and t < at]
        if not later:
            return
        other, other_at = min(later, key=lambda pair: pair[1])
        raise UsageError(ctx.pick(
            en=f"Case #{found.id}: `{rules.event_label(event, 'en')}` cannot be {times.human(at, zone, 'en')}, after "
               f"`{rules.event_label(other, 'en')}` ({times.human(other_at, zone, 'en')}). Check the date.",
            zh=f"案件 #{found.id}：`{rules.event_label(event, 'zh')}` 不能晚于已记录的 `{rules.event_label(other, 'zh')}`"
               f"（{times.human(other_at, zone, 'zh')}），你填写的是 {times.human(at, zone, 'zh')}。请检查日期。"))
    start = found.events.get(opening)
    if start is not None and at < start:
        raise UsageError(ctx.pick(
            en=f"Case #{found.id}: `{rules.event_label(event, 'en')}` cannot be {times.human(at, zone, 'en')}, before "
               f"`{rules.event_label(opening, 'en')}` ({times.human(start, zone, 'en')}). Check the date.",
            zh=f"案件 #{found.id}：`{rules.event_label(event, 'zh')}` 不能早于 `{rules.event_label(opening, 'zh')}`"
               f"（{times.human(start, zone, 'zh')}），你填写的是 {times.human(at, zone, 'zh')}。请检查日期。"))


def _require_owner_opener_or_curator(ctx: Context, found: Case, *, en: str, zh: str) -> None:
    """Anyone in the channel may record what happened on a case, but closing it and handing it to
    someone else are for its owner, its opener or a curator: were the owner free for all, anyone
    could make themselves owner and then close the case."""
    people = ", ".join(dict.fromkeys(mention(p) for p in (found.owner, found.opened_by) if p))
    ctx.require_one_of((found.owner, found.opened_by), en=(
        f"Only the case's owner or opener ({people}) or a curator can {en}."),
        zh=f"只有案件负责人或创建人（{people}）或管理员可以{zh}。")


@case.action("close", Text("close a case", "关闭案件"),
             summary=Text("close a case and cancel its reminders (its owner, its opener or a curator)",
                          "关闭案件并取消其提醒（限负责人、创建人或管理员）"),
             params=(CASE,), words=("关闭",))
async def close(ctx: Context) -> Response:
    argv = ctx.argv
    found = _case(ctx, argv[0] if argv else None)
    _require_owner_opener_or_curator(ctx, found, en=f"close case #{found.id}", zh=f"关闭案件 #{found.id}")
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
        Choice(label=" ".join(filter(None, (f"#{c.id}", c.store, c.marketplace, c.type, f"({mention(c.owner)})")))[:100],
               value=str(c.id))
        for c in ctx.svc.cases.list_open(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
        if not wanted or str(c.id).startswith(wanted) or wanted in c.type or (c.store and wanted in c.store.lower())
    ]
