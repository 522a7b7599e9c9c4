"""`/seller remind <when> <text>` (`list`, `cancel ID`, `snooze ID <duration>`): free reminders in the
channel, with times in English or Chinese read in the channel's time zone."""

from bot.dispatcher import Context, UsageError, command, suggests
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.views import item_id, reminder_item, reminder_list, reminder_response
from bot.scope import reachable

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
        "remind list",
        "remind snooze 12 1h",
        "remind cancel 12",
    ],
)
async def remind(ctx: Context) -> Response:
    args = ctx.args.strip()
    if not args:
        raise UsageError(ctx.pick(en="Say when and what to remind.", zh="请写明提醒时间和内容。"))
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    if args[0] in "\"'":  # remind "next monday 10:00" resend the appeal
        argv = ctx.argv
        due = times.parse_future(argv[0], now=ctx.now, zone=zone, lang=ctx.lang)
        text = " ".join(argv[1:])
    else:
        due, text = times.split_when(args.split(), now=ctx.now, zone=zone, lang=ctx.lang)
    text = text.strip()
    if not text:
        raise UsageError(ctx.pick(en="What should I remind you of? Add the text after the time.",
                                  zh="要提醒什么？请在时间后面写上提醒内容。"))
    if len(text) > MAX_TEXT:
        raise UsageError(ctx.pick(en=f"The text is too long (at most {MAX_TEXT} characters).",
                                  zh=f"提醒内容太长（最多 {MAX_TEXT} 个字符）。"))
    req = ctx.req
    reminder = ctx.svc.reminders.create(
        platform=req.platform, channel=req.channel, thread=req.thread, user=req.user, owner=req.user,
        text=text, due=due, lang=ctx.lang, workspace=req.workspace,
    )
    return reminder_response(ctx, reminder, title_en=f"⏰ Reminder #{reminder.id} set",
                             title_zh=f"⏰ 已设置提醒 #{reminder.id}")


@remind.sub("list", usage="remind list", summary="reminders pending in this channel")
async def list_reminders(ctx: Context) -> Response:
    return reminder_list(ctx, ctx.svc.reminders.pending(ctx.req.platform, ctx.req.channel, ctx.req.workspace))


def _own_reminder(ctx: Context, token: str | None):
    """The reminder named by the id; someone else's may be changed by curators only, and one of
    another channel or workspace is "not found" (the words of a missing id, so ids are not probed)."""
    reminder_id = item_id(ctx, token, "reminder", "提醒")
    reminder = ctx.svc.reminders.get(reminder_id)
    if reminder is None or not reachable(ctx.svc, ctx.req, platform=reminder.platform,
                                         workspace=reminder.workspace, channel=reminder.channel):
        raise UsageError(ctx.pick(en=f"There is no reminder #{reminder_id}.", zh=f"没有编号为 #{reminder_id} 的提醒。"))
    if ctx.req.user not in (reminder.user, reminder.owner):
        ctx.require_curator()
    return reminder


@remind.sub("cancel", usage="remind cancel <id>", summary="cancel a reminder (someone else's: curators)")
async def cancel(ctx: Context) -> Response:
    argv = ctx.argv
    reminder = _own_reminder(ctx, argv[0] if argv else None)
    cancelled = ctx.svc.reminders.cancel(reminder.id)
    if cancelled is None:
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is {reminder.state}; only pending ones can be cancelled.",
                                  zh=f"提醒 #{reminder.id} 的状态是 {reminder.state}，只能取消待发送的提醒。"))
    return Response(
        kind="info",
        text=ctx.pick(en=f"Reminder #{reminder.id} cancelled: {reminder.text}",
                      zh=f"已取消提醒 #{reminder.id}：{reminder.text}"),
        data=reminder_item(ctx, cancelled),
    )


@remind.sub("snooze", usage="remind snooze <id> <duration>", summary="move a reminder later (1h, 30 minutes, 2天)")
async def snooze(ctx: Context) -> Response:
    argv = ctx.argv
    reminder = _own_reminder(ctx, argv[0] if argv else None)
    if len(argv) < 2:
        raise UsageError(ctx.pick(en="Say how long to snooze, e.g. 1h or 30 minutes.", zh="请写明推迟多久，例如 1小时 或 30分钟。"))
    by = times.parse_duration(" ".join(argv[1:]), lang=ctx.lang)
    snoozed = ctx.svc.reminders.snooze(reminder.id, by)
    if snoozed is None:
        raise UsageError(ctx.pick(en=f"Reminder #{reminder.id} is {reminder.state} and cannot be snoozed.",
                                  zh=f"提醒 #{reminder.id} 的状态是 {reminder.state}，无法推迟。"))
    return reminder_response(ctx, snoozed, title_en=f"⏰ Reminder #{snoozed.id} snoozed",
                             title_zh=f"⏰ 提醒 #{snoozed.id} 已推迟")


@suggests("reminder")
async def suggest_reminders(ctx: Context, prefix: str) -> list[Choice]:
    """Pending reminders of the channel, for `cancel` and `snooze`."""
    found = ctx.svc.reminders.pending(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    wanted = prefix.lstrip("#").lower()
    return [
        Choice(label=f"#{r.id} {r.text}"[:100], value=str(r.id))
        for r in found
        if not wanted or str(r.id).startswith(wanted) or wanted in r.text.lower()
    ]
