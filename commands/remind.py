"""`/seller remind [@someone] <when> <text>` (`list`, `cancel ID`, `done ID`, `snooze ID <duration|time>`):
free reminders in the channel, one-off or repeating, with times in English or Chinese read in the
channel's time zone."""

import re

from bot.dispatcher import Context, UsageError, command, suggests
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.views import item_id, reminder_item, reminder_list, reminder_response, user_id

MAX_TEXT = 1000


@command(
    "remind",
    summary_en="Remind this channel at a time (English or Chinese), list, cancel or snooze reminders",
    summary_zh="在指定时间提醒本频道（支持中英文时间），查看、取消或推迟提醒",
    usage="remind <when> <text>",
    examples=[
        "remind tomorrow 9am send the ODR appeal",
        "remind 明天上午10点 提交申诉",
        "remind in 2 hours check the A-to-z claims",
        "remind 3天后 跟进申诉",
        "remind 每个工作日上午9点 查看绩效通知",
        "remind every monday 10am send the weekly ODR report",
        "remind @ana tomorrow 9am resend the appeal",
        "remind list",
        "remind snooze 12 1h",
        "remind snooze 12 到明天上午10点",
        "remind cancel 12",
    ],
)
async def remind(ctx: Context) -> Response:
    args = ctx.args.strip()
    if not args:
        raise UsageError(ctx.pick(en="Say when and what to remind.", zh="请写明提醒时间和内容。"))
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel)
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
    twins = ctx.svc.reminders.duplicates(req.platform, req.channel, text, due)
    reminder = ctx.svc.reminders.create(
        platform=req.platform, channel=req.channel, thread=req.thread, user=req.user,
        owner=mentions[0] if mentions else req.user, text=text, due=due, lang=ctx.lang, repeat=repeat,
        mentions=mentions,
    )
    response = reminder_response(ctx, reminder, title_en=f"⏰ Reminder #{reminder.id} set",
                                 title_zh=f"⏰ 已设置提醒 #{reminder.id}")
    if assumed_year:
        year = times.human(due, zone, ctx.lang)
        response.context.insert(0, ctx.pick(en=f"No year was given and that date has passed this year: set for {year}.",
                                            zh=f"没有写年份，今年的这一天已经过去：设为 {year}。"))
    if twins:
        ids = ", ".join(f"#{twin.id}" for twin in twins)
        response.context.insert(0, ctx.pick(
            en=f"⚠️ Same text and time as reminder {ids} in this channel; cancel one if it was typed twice.",
            zh=f"⚠️ 与本频道的提醒 {ids} 内容和时间完全相同；如果是重复设置，请取消其中一个。"))
        response.data["duplicate_of"] = [twin.id for twin in twins]
    return response


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


@remind.sub("list", usage="remind list", summary="reminders pending in this channel")
async def list_reminders(ctx: Context) -> Response:
    return reminder_list(ctx, ctx.svc.reminders.pending(ctx.req.platform, ctx.req.channel))


def _own_reminder(ctx: Context, token: str | None):
    """The reminder named by the id: its author and the people it mentions may change it (they get
    its buttons); anyone else's, curators only."""
    reminder_id = item_id(ctx, token, "reminder", "提醒")
    reminder = ctx.svc.reminders.get(reminder_id)
    if reminder is None or reminder.platform != ctx.req.platform:
        raise UsageError(ctx.pick(en=f"There is no reminder #{reminder_id}.", zh=f"没有编号为 #{reminder_id} 的提醒。"))
    if ctx.req.user not in (reminder.user, reminder.owner, *reminder.mentions):
        ctx.require_curator()
    return reminder


@remind.sub("cancel", usage="remind cancel <id>", summary="cancel a reminder or a repeating series (someone else's: curators)")
async def cancel(ctx: Context) -> Response:
    argv = ctx.argv
    reminder = _own_reminder(ctx, argv[0] if argv else None)
    cancelled = ctx.svc.reminders.cancel(reminder.id)
    if cancelled is None:
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is {reminder.state}; only pending ones can be cancelled.",
                                  zh=f"提醒 #{reminder.id} 的状态是 {reminder.state}，只能取消待发送的提醒。"))
    if reminder.repeat:
        text = ctx.pick(en=f"Repeating reminder #{reminder.id} cancelled ({times.rule_words(reminder.repeat, 'en')}): "
                           f"{reminder.text}",
                        zh=f"已取消重复提醒 #{reminder.id}（{times.rule_words(reminder.repeat, 'zh')}）：{reminder.text}")
    else:
        text = ctx.pick(en=f"Reminder #{reminder.id} cancelled: {reminder.text}",
                        zh=f"已取消提醒 #{reminder.id}：{reminder.text}")
    return Response(kind="info", text=text, data=reminder_item(ctx, cancelled))


@remind.sub("done", usage="remind done <id>", summary="mark a reminder done (its ✓ Done button)")
async def done(ctx: Context) -> Response:
    argv = ctx.argv
    reminder = _own_reminder(ctx, argv[0] if argv else None)
    marked = ctx.svc.reminders.done(reminder.id)
    if marked is None:
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} was cancelled.", zh=f"提醒 #{reminder.id} 已取消。"))
    text = ctx.pick(en=f"✓ Done: {reminder.text}", zh=f"✓ 已完成：{reminder.text}")
    if marked.repeat and marked.state == "pending":
        zone = ctx.svc.channel_zone(marked.platform, marked.channel)
        text += ctx.pick(en=f" (next time: {times.human(marked.due, zone, ctx.lang)})",
                         zh=f"（下次：{times.human(marked.due, zone, ctx.lang)}）")
    return Response(kind="info", text=text, data=reminder_item(ctx, marked))


_TO = re.compile(r"^(?:(?:改到|推迟到|推到|到|至)\s*|(?:until|till|to)\s+)", re.IGNORECASE)


@remind.sub("snooze", usage="remind snooze <id> <duration|time>",
            summary="move a reminder later (1h, 30 minutes, 2天) or to a time (到明天上午10点, tomorrow 9am)")
async def snooze(ctx: Context) -> Response:
    argv = ctx.argv
    reminder = _own_reminder(ctx, argv[0] if argv else None)
    if len(argv) < 2:
        raise UsageError(ctx.pick(en="Say how long to snooze or until when, e.g. 1h or tomorrow 9am.",
                                  zh="请写明推迟多久或推迟到何时，例如 1小时 或 到明天上午10点。"))
    phrase = " ".join(argv[1:])
    zone = ctx.svc.channel_zone(reminder.platform, reminder.channel)
    due = None
    try:
        by = times.parse_duration(phrase, lang=ctx.lang)
    except UsageError:
        target = _TO.sub("", phrase, count=1).strip()
        if times.read_time(target, now=ctx.now, zone=zone) is None:
            raise UsageError(ctx.pick(
                en=f'"{phrase}" is neither a length of time nor a time. Try 1h, 30 minutes, tomorrow 9am.',
                zh=f"“{phrase}”既不是时长也不是时间。例如 1小时、30分钟、到明天上午10点。")) from None
        due = times.parse_future(target, now=ctx.now, zone=zone, lang=ctx.lang)
        by = None
    if reminder.repeat:  # this occurrence comes back once; the series keeps its times
        snoozed = ctx.svc.reminders.snooze_copy(reminder, due or ctx.now + by)
    elif due is not None:
        snoozed = ctx.svc.reminders.snooze_to(reminder.id, due)
    else:
        snoozed = ctx.svc.reminders.snooze(reminder.id, by)
    if snoozed is None:
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is {reminder.state} and cannot be snoozed.",
                                  zh=f"提醒 #{reminder.id} 的状态是 {reminder.state}，无法推迟。"))
    return reminder_response(ctx, snoozed, title_en=f"⏰ Reminder #{reminder.id} snoozed",
                             title_zh=f"⏰ 提醒 #{reminder.id} 已推迟")


@suggests("reminder")
async def suggest_reminders(ctx: Context, prefix: str) -> list[Choice]:
    """Pending reminders of the channel, for `cancel` and `snooze`."""
    found = ctx.svc.reminders.pending(ctx.req.platform, ctx.req.channel)
    wanted = prefix.lstrip("#").lower()
    return [
        Choice(label=f"#{r.id} {r.text}"[:100], value=str(r.id))
        for r in found
        if not wanted or str(r.id).startswith(wanted) or wanted in r.text.lower()
    ]
