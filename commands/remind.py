"""`/seller remind [@someone] <when> <text>` (`list`, `cancel ID`, `done ID`, `snooze ID <duration|time>`):
free reminders in the channel, one-off or repeating, with times in English or Chinese read in the
channel's time zone."""

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import paging
from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text, first_chinese
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.views import item_id, mention, reminder_item, reminder_list, reminder_response, status_words, user_id
from bot.scope import reachable
from bot.spec import Command, Option, Param

if TYPE_CHECKING:
    from bot.app import App
    from bot.reminders.store import Reminder

MAX_TEXT = 1000

REMINDER = Param("id", Text("id", "编号"), Text("Reminder ID", "提醒编号"), required=True, suggest="reminder")

remind_command = Command(
    "remind",
    Text("Remind this channel at a time (English or Chinese), list, cancel or snooze reminders",
         "在指定时间提醒本频道（支持中英文时间），查看、取消或推迟提醒"),
    words=("提醒",),
    examples=(
        Text("remind tomorrow 9am send the ODR appeal", "提醒 明天上午9点 发送ODR申诉"),
        Text("remind 明天上午10点 提交申诉", "提醒 明天上午10点 提交申诉"),
        Text("remind in 2 hours check the A-to-z claims", "提醒 2小时后 检查交易保障索赔"),
        Text("remind 3天后 跟进申诉", "提醒 3天后 跟进申诉"),
        Text("remind every weekday 9am check the performance notifications", "提醒 每个工作日上午9点 查看绩效通知"),
        Text("remind every monday 10am send the weekly ODR report", "提醒 每周一上午10点 发送每周ODR报告"),
        Text("remind @ana tomorrow 9am resend the appeal", "提醒 @ana 明天上午9点 重新提交申诉"),
        Text("remind list", "提醒 列表"),
        Text("remind snooze 12 1h", "提醒 推迟 12 1小时"),
        Text("remind snooze 12 tomorrow 10am", "提醒 推迟 12 到明天上午10点"),
        Text("remind cancel 12", "提醒 取消 12"),
    ),
)


def setup(app: "App") -> None:
    app.add(remind_command)
    app.suggests("reminder", suggest_reminders)


@remind_command.action(
    "set", Text("Set a reminder in this channel", "在本频道设置提醒"),
    summary=Text("remind this channel (or @someone) at a time or every day/weekday/week, in English or Chinese",
                 "在指定时间或每天/每个工作日/每周提醒本频道（或 @某人），支持中英文时间"),
    params=(Param("when", Text("when", "时间"), Text("When, e.g. in 3 days, tomorrow 10am, 明天上午10点", "时间，如 明天上午10点、in 3 days"),
                  required=True),
            Param("text", Text("text", "内容"), Text("What to remind", "提醒内容"), required=True, rest=True)),
    words=("设置", "新建"), implicit=True,
)
async def remind(ctx: Context) -> Response:
    args = ctx.args.strip()
    if not args:
        raise UsageError(ctx.pick(en="Say when and what to remind.", zh="请写明提醒时间和内容。"))
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    mentions, args = _leading_mentions(ctx, args)
    repeat, assumed_year = None, False
    if args[:1] in ("\"", "'"):  # remind "next monday 10:00" resend the appeal
        argv = ctx.argv[len(mentions):]
        due = times.parse_future(argv[0], now=ctx.now, zone=zone, lang=ctx.lang)
        text = " ".join(argv[1:])
    else:
        reading = times.read_reminder(args, now=ctx.now, zone=zone, lang=ctx.lang)
        due, text, repeat, assumed_year = reading.due, reading.text, reading.repeat, reading.assumed_year
    text = text.strip()
    if not text:
        raise UsageError(ctx.pick(en="What should I remind you of? Add the text after the time.",
                                  zh="要提醒什么？请在时间后面写上提醒内容。"))
    if len(text) > MAX_TEXT:
        raise UsageError(ctx.pick(en=f"The text is too long (at most {MAX_TEXT} characters).",
                                  zh=f"提醒内容太长（最多 {MAX_TEXT} 个字符）。"))
    req = ctx.req
    _require_room(ctx)
    twins = ctx.svc.reminders.duplicates(req.platform, req.channel, text, due, req.workspace)
    reminder = ctx.svc.reminders.create(
        platform=req.platform, channel=req.channel, thread=req.thread, user=req.user,
        owner=mentions[0] if mentions else req.user, text=text, due=due, lang=ctx.lang, repeat=repeat,
        mentions=mentions, workspace=req.workspace,
    )
    response = reminder_response(ctx, reminder, title_en=f"⏰ Reminder #{reminder.id} set",
                                 title_zh=f"⏰ 已设置提醒 #{reminder.id}")
    if assumed_year:
        year = times.human(due, zone, ctx.lang)
        local = due.astimezone(zone)
        if (local.month, local.day) == (2, 29):
            response.context.insert(0, ctx.pick(
                en=f"No year was given: the next February 29 is in {local.year}, so it is set for {year}.",
                zh=f"没有写年份：下一个2月29日在 {local.year} 年，设为 {year}。"))
        else:
            response.context.insert(0, ctx.pick(en=f"No year was given and that date has passed this year: set for {year}.",
                                                zh=f"没有写年份，今年的这一天已经过去：设为 {year}。"))
    if twins:
        ids = ", ".join(f"#{twin.id}" for twin in twins)
        response.context.insert(0, ctx.pick(
            en=f"⚠️ Same text and time as reminder {ids} in this channel; cancel one if it was typed twice.",
            zh=f"⚠️ 与本频道的提醒 {ids} 内容和时间完全相同；如果是重复设置，请取消其中一个。"))
        response.data["duplicate_of"] = [twin.id for twin in twins]
    return response


def _require_room(ctx: Context) -> None:
    """Refuse a new reminder (set, or an occurrence snoozed into a one-off) past the caps of
    bot/reminders/service.py, saying which and how to make room."""
    req = ctx.req
    full = ctx.svc.reminders.full(req.platform, req.channel, req.workspace, req.user)
    if full is None:
        return
    root = ctx.svc.config.root_command
    which, limit = full
    if which == "user":
        raise UsageError(ctx.pick(
            en=f"You already have {limit} reminders waiting in this channel, the most one person may have. Nothing was "
               f"set; cancel some first (/{root} remind list mine).",
            zh=f"你在本频道已有 {limit} 条待发送的提醒，已达每人上限，本条未设置。请先取消一些（/{root} 提醒 列表 我的）。"))
    raise UsageError(ctx.pick(
        en=f"This channel already has {limit} reminders waiting, the most a channel may have. Nothing was set; cancel "
           f"some first (/{root} remind list).",
        zh=f"本频道已有 {limit} 条待发送的提醒，已达频道上限，本条未设置。请先取消一些（/{root} 提醒 列表）。"))


_MENTION_TOKEN = re.compile(r"^(?:<@[!&]?[A-Za-z0-9]+(?:\|[^>]*)?>|@[^\s@<>]+)(?=\s|$)")


def _leading_mentions(ctx: Context, args: str) -> tuple[list[str], str]:
    """`remind @ana <@U123> tomorrow 9am …`: the people to remind, as user ids where the platform
    gave one (Slack `<@U123>`, Discord `<@42>`) or names as typed, and what follows them."""
    mentions: list[str] = []
    while match := _MENTION_TOKEN.match(args):
        mention = user_id(match.group(0), ctx.lang)
        if mention not in mentions:
            mentions.append(mention)
        args = args[match.end():].strip()
    if mentions and not args:
        raise UsageError(ctx.pick(en="Say when and what to remind them of.", zh="请写明提醒时间和内容。"))
    return mentions, args


LIST_FILTERS = (Option("all", Text("all", "全部"), ("全部", "所有")), Option("mine", Text("mine", "我的"), ("my", "我的")))
_PAGE = re.compile(r"^(?:第\s*(\d+)\s*页|p(\d+))$", re.IGNORECASE)


@remind_command.action("list", Text("List the reminders of this channel", "查看本频道的提醒"),
                       summary=Text("reminders pending in this channel, soonest first, 20 a page (mine: those for or by you)",
                                    "本频道待发送的提醒，按时间排序，每页 20 条（我的：提醒我或由我设置的）"),
                       params=(Param("filter", Text("filter", "筛选"), Text("all, or mine", "全部，或我的"), choices=LIST_FILTERS),
                               Param("page", Text("page", "页码"), Text("Page of a list", "列表页码"), kind="int", keyword="page",
                                     keyword_zh=first_chinese(paging.PAGE_WORDS, "page"))),
                       words=("列表", "查看", "列", "列出"))
async def list_reminders(ctx: Context) -> Response:
    mine, number = False, 1
    words = ctx.argv
    while words:
        word = words.pop(0)
        page = _PAGE.match(word)
        if word.lower() in paging.PAGE_WORDS and words:
            number = paging.page_number(words.pop(0), ctx.lang)
        elif page:
            number = int(page.group(1) or page.group(2))
        elif any(o.value == "mine" and o.matches(word) for o in LIST_FILTERS):
            mine = True
        elif not any(o.matches(word) for o in LIST_FILTERS):
            raise UsageError(ctx.pick(en=f"`{word}` is not a filter of the list: mine, all, page <n>.",
                                      zh=f"`{word}` 不是列表的筛选条件：我的、全部、页 <页码>。"))
    req = ctx.req
    found = ctx.svc.reminders.pending(req.platform, req.channel, req.workspace)
    if mine:
        found = [r for r in found if req.user in (r.user, r.owner, *r.mentions)]
    return reminder_list(ctx, found, number=number, mine=mine)


def _own_reminder(ctx: Context, token: str | None):
    """The reminder named by the id: its author and the people it mentions may change it (they get
    its buttons); anyone else's, curators only. One of another channel or workspace is "not found"
    (the words of a missing id, so ids are not probed)."""
    reminder_id = item_id(ctx, token, "reminder", "提醒")
    reminder = ctx.svc.reminders.get(reminder_id)
    if reminder is None or not reachable(ctx.svc, ctx.req, platform=reminder.platform,
                                         workspace=reminder.workspace, channel=reminder.channel):
        raise UsageError(ctx.pick(en=f"There is no reminder #{reminder_id}.", zh=f"没有编号为 #{reminder_id} 的提醒。"))
    people = ", ".join(dict.fromkeys(mention(p) for p in (reminder.user, reminder.owner, *reminder.mentions) if p))
    ctx.require_one_of((reminder.user, reminder.owner, *reminder.mentions),
                       en=f"Only the reminder's author or the people it reminds ({people}) or a curator can change "
                          f"reminder #{reminder.id}.",
                       zh=f"只有提醒的设置人或被提醒人（{people}）或管理员可以更改提醒 #{reminder.id}。")
    return reminder


@remind_command.action("cancel", Text("Cancel a reminder", "取消提醒"),
                       summary=Text("cancel a reminder or a repeating series (its author, the people it reminds or a curator)",
                                    "取消提醒或整个重复提醒（限设置人、被提醒人或管理员）"),
                       params=(REMINDER,), words=("取消", "删除", "删"))
async def cancel(ctx: Context) -> Response:
    reminder = _own_reminder(ctx, _one_id(ctx, en="cancel", zh="取消"))
    snoozed = ctx.svc.reminders.snoozed_of(reminder.id)
    cancelled = ctx.svc.reminders.cancel(reminder.id)
    if cancelled is None:
        state = status_words(reminder, ctx.lang)
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is {state}; only pending ones can be cancelled.",
                                  zh=f"提醒 #{reminder.id} {state}，只能取消待发送的提醒。"))
    if reminder.repeat:
        text = ctx.pick(en=f"Repeating reminder #{reminder.id} cancelled ({times.rule_words(reminder.repeat, 'en')}): "
                           f"{reminder.text}",
                        zh=f"已取消重复提醒 #{reminder.id}（{times.rule_words(reminder.repeat, 'zh')}）：{reminder.text}")
        if snoozed:
            ids = ", ".join(f"#{i}" for i in snoozed)
            text += ctx.pick(en=f" (and its snoozed occurrence {ids})", zh=f"（连同推迟出来的 {ids}）")
    else:
        text = ctx.pick(en=f"Reminder #{reminder.id} cancelled: {reminder.text}",
                        zh=f"已取消提醒 #{reminder.id}：{reminder.text}")
    return Response(kind="info", text=text, data=reminder_item(ctx, cancelled))


@remind_command.action("done", Text("Mark a reminder done", "标记提醒已完成"),
                       summary=Text("mark a reminder done (its ✓ Done button)", "标记提醒已完成（即 ✓ 完成 按钮）"),
                       params=(REMINDER,), words=("完成",))
async def done(ctx: Context) -> Response:
    reminder = _own_reminder(ctx, _one_id(ctx, en="mark done", zh="标记完成"))
    zone = ctx.svc.channel_zone(reminder.platform, reminder.channel, reminder.workspace)
    if reminder.done_at is not None:  # this one-off, or the series' posted (or skipped) occurrence
        nxt = times.human(reminder.due, zone, ctx.lang) if reminder.repeat and reminder.state == "pending" else None
        settled = reminder.repeat is not None  # a series' post is settled by Done or by its Snooze
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is already done{' or snoozed' if settled else ''}: "
                                     f"{reminder.text}" + (f" (next time: {nxt})" if nxt else ""),
                                  zh=f"提醒 #{reminder.id} 已经完成{'或已推迟' if settled else ''}：{reminder.text}"
                                     + (f"（下次：{nxt}）" if nxt else "")))
    marked = ctx.svc.reminders.done(reminder.id)
    if marked is None:
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} was cancelled.", zh=f"提醒 #{reminder.id} 已取消。"))
    text = ctx.pick(en=f"✓ Done: {reminder.text}", zh=f"✓ 已完成：{reminder.text}")
    if marked.repeat and marked.state == "pending":
        nxt = times.human(marked.due, zone, ctx.lang)
        if marked.due != reminder.due:  # done before its post: the series skips that occurrence
            skipped = times.human(reminder.due, zone, ctx.lang)
            text += ctx.pick(en=f" (the occurrence due {skipped} is skipped; next time: {nxt})",
                             zh=f"（{skipped} 的这一次不再发送；下次：{nxt}）")
        else:
            text += ctx.pick(en=f" (next time: {nxt})", zh=f"（下次：{nxt}）")
    return Response(kind="info", text=text, data=reminder_item(ctx, marked))


def _one_id(ctx: Context, *, en: str, zh: str) -> str | None:
    """The one reminder number `cancel` and `done` take: a line naming several is refused whole
    (nothing changed), rather than acting on the first and dropping the others unsaid."""
    argv = ctx.argv
    if len(argv) > 1:
        rest = " ".join(argv[1:])[:60]
        name = ctx.action.name if ctx.action else None
        one = ctx.line("remind", name, argv[0])
        raise UsageError(ctx.pick(
            en=f"Nothing was changed: `remind {name}` takes one reminder number, and `{rest}` is extra. "
               f"To {en} several, send one line each ({one}, …).",
            zh=f"未做任何更改：一次只能{zh}一条提醒，`{rest}` 是多余的。多条请逐条发送（{one}，…）。"))
    return argv[0] if argv else None


_TO = re.compile(r"^(?:(?:改到|推迟到|推到|到|至)\s*|(?:until|till|to)\s+)", re.IGNORECASE)


@remind_command.action("snooze", Text("Snooze a reminder", "推迟提醒"),
                       summary=Text("move a reminder later (1h, 30 minutes, 2天) or to a time (tomorrow 9am, 到明天上午10点)",
                                    "把提醒往后推（1小时、30分钟、2天）或推到某个时间（到明天上午10点）"),
                       params=(REMINDER, Param("duration", Text("duration or time", "时长或时间"),
                                               Text("For how long or until when, e.g. 2h, tomorrow 9am", "推迟多久或推到何时，如 2小时、到明天上午10点"),
                                               required=True, rest=True)),
                       words=("推迟", "稍后", "延后", "延迟"))
async def snooze(ctx: Context) -> Response:
    argv = ctx.argv
    reminder = _own_reminder(ctx, argv[0] if argv else None)
    if len(argv) < 2:
        raise UsageError(ctx.pick(en="Say how long to snooze or until when, e.g. 1h or tomorrow 9am.",
                                  zh="请写明推迟多久或推迟到何时，例如 1小时 或 到明天上午10点。"))
    phrase = " ".join(argv[1:])
    zone = ctx.svc.channel_zone(reminder.platform, reminder.channel, reminder.workspace)
    _refuse_settled_post(ctx, reminder, zone)
    target = _snooze_target(ctx, phrase, zone)
    reminders = ctx.svc.reminders
    if isinstance(target, datetime):
        _refuse_earlier(ctx, reminder, phrase, target, zone)
    if reminder.repeat:
        return _snooze_series(ctx, reminder, target, zone)
    snoozed = reminders.snooze(reminder.id, target) if isinstance(target, timedelta) else \
        reminders.snooze_to(reminder.id, target)
    if snoozed is None:
        state = status_words(reminder, ctx.lang)
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is {state} and cannot be snoozed.",
                                  zh=f"提醒 #{reminder.id} {state}，无法推迟。"))
    return reminder_response(ctx, snoozed, title_en=f"⏰ Reminder #{reminder.id} snoozed",
                             title_zh=f"⏰ 提醒 #{reminder.id} 已推迟")


def _refuse_settled_post(ctx: Context, reminder: "Reminder", zone: ZoneInfo) -> None:
    """The Snooze button of a series' post acts on that post only while it is open: pressed again
    (or after Done) it would make a second one-off copy, or snooze the occurrence ahead, which its
    post never showed. Typed, `snooze` means what it says; a one-off is one row, so a second press
    only moves it again (a change of mind: 1 h, then tomorrow 9:00)."""
    reminders = ctx.svc.reminders
    if not ctx.req.from_button or reminder.repeat is None or reminders.posted_occurrence(reminder):
        return
    nxt = times.human(reminder.due, zone, ctx.lang) if reminder.state == "pending" else None
    raise UsageError(ctx.pick(
        en=f"Reminder #{reminder.id}'s post was already snoozed or done; nothing changed"
           + (f" (next time: {nxt})." if nxt else "."),
        zh=f"提醒 #{reminder.id} 的这条消息已经推迟或完成，未做更改" + (f"（下次：{nxt}）。" if nxt else "。")))


def _snooze_series(ctx: Context, series: "Reminder", target: timedelta | datetime, zone: ZoneInfo) -> Response:
    """One occurrence of a series comes back once as a one-off (service.snooze_occurrence says
    which one and from when); the reply names that occurrence and when the series goes on."""
    reminders = ctx.svc.reminders
    posted = reminders.posted_occurrence(series)
    _require_room(ctx)
    copy = reminders.snooze_occurrence(series, by=target if isinstance(target, timedelta) else None,
                                       to=target if isinstance(target, datetime) else None)
    if copy is None:
        state = status_words(series, ctx.lang)
        raise UsageError(ctx.pick(en=f"Reminder #{series.id} is {state} and cannot be snoozed.",
                                  zh=f"提醒 #{series.id} {state}，无法推迟。"))
    after = reminders.require(series.id)
    which = times.human(series.sent_at if posted and series.sent_at else series.due, zone, ctx.lang)
    response = reminder_response(ctx, copy, title_en=f"⏰ Reminder #{series.id} snoozed",
                                 title_zh=f"⏰ 提醒 #{series.id} 已推迟")
    nxt = times.human(after.due, zone, ctx.lang)
    response.context.insert(0, ctx.pick(
        en=f"The occurrence {'posted' if posted else 'due'} {which} comes back once as reminder #{copy.id}; "
           f"the series #{series.id} goes on at {nxt}.",
        zh=f"{which}{'已发出' if posted else '到期'}的这一次改为一次性提醒 #{copy.id}；重复提醒 #{series.id} 照常，下次 {nxt}。"))
    return response


def _refuse_earlier(ctx: Context, reminder: "Reminder", phrase: str, target: datetime, zone: ZoneInfo) -> None:
    """A snooze never moves a reminder earlier: a time before the one it counts from (its due time,
    or now for a post that came back) is refused, nothing changed, saying how to move it earlier."""
    start = ctx.svc.reminders.snooze_start(reminder)
    if target > start:
        return
    due, asked = times.human(start, zone, ctx.lang), times.human(target, zone, ctx.lang)
    raise UsageError(ctx.pick(
        en=f"Nothing was changed: #{reminder.id} is due {due}; \"{phrase}\" ({asked}) is "
           f"{'earlier' if target < start else 'the same time'}. A snooze only moves a reminder later: to move it "
           "earlier, cancel it and set a new one.",
        zh=f"未做任何更改：#{reminder.id} 的提醒时间是 {due}；“{phrase}”（{asked}）"
           f"{'更早' if target < start else '是同一时间'}。推迟只能往后推：要提前，请取消后重新设置。"))


def _snooze_target(ctx: Context, phrase: str, zone: ZoneInfo) -> timedelta | datetime:
    """What `snooze` was given: a length of time (`1h`, `30分钟`) or a time (`到明天上午10点`)."""
    try:
        return times.parse_duration(phrase, lang=ctx.lang)
    except UsageError:
        target = _TO.sub("", phrase, count=1).strip()
        if times.read_time(target, now=ctx.now, zone=zone, lang=ctx.lang) is None:
            raise UsageError(ctx.pick(
                en=f'"{phrase}" is neither a length of time nor a time. Try 1h, 30 minutes, tomorrow 9am.',
                zh=f"“{phrase}”既不是时长也不是时间。例如 1小时、30分钟、到明天上午10点。")) from None
        if times.vague(target, now=ctx.now, zone=zone):
            raise UsageError(ctx.pick(
                en=f'"{phrase}" names a month or a year, not a time. Say how long (1h, 2 days) or until when '
                   "(tomorrow 9am, 2027-01-04 09:00).",
                zh=f"“{phrase}”只说了月份或年份，不是具体时间。请写推迟多久（1小时、2天）或推迟到何时（到明天上午10点、"
                   "2027-01-04 09:00）。")) from None
        return times.parse_future(target, now=ctx.now, zone=zone, lang=ctx.lang)


async def suggest_reminders(ctx: Context, prefix: str) -> list[Choice]:
    """Pending reminders of the channel, for `cancel` and `snooze`."""
    found = ctx.svc.reminders.pending(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    wanted = prefix.lstrip("#").lower()
    return [
        Choice(label=f"#{r.id} {r.text}"[:100], value=str(r.id))
        for r in found
        if not wanted or str(r.id).startswith(wanted) or wanted in r.text.lower()
    ]
