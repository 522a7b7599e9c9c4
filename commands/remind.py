"""`/seller remind <when> <text>` (`list`, `cancel ID`, `snooze ID <duration>`): free reminders in the
channel, with times in English or Chinese read in the channel's time zone."""

from typing import TYPE_CHECKING

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.model import Choice, Response
from bot.reminders import times
from bot.reminders.views import item_id, reminder_item, reminder_list, reminder_response
from bot.scope import reachable
from bot.spec import Command, Param

if TYPE_CHECKING:
    from bot.app import App

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
        Text("remind list", "提醒 列表"),
        Text("remind snooze 12 1h", "提醒 推迟 12 1小时"),
        Text("remind cancel 12", "提醒 取消 12"),
    ),
)


def setup(app: "App") -> None:
    app.add(remind_command)
    app.suggests("reminder", suggest_reminders)


@remind_command.action(
    "set", Text("Set a reminder in this channel", "在本频道设置提醒"),
    summary=Text("remind this channel at a time (English or Chinese)", "在指定时间提醒本频道（支持中英文时间）"),
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


@remind_command.action("list", Text("List the reminders of this channel", "查看本频道的提醒"),
                       summary=Text("reminders pending in this channel", "本频道待发送的提醒"), words=("列表", "查看"))
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


@remind_command.action("cancel", Text("Cancel a reminder", "取消提醒"),
                       summary=Text("cancel a reminder (someone else's: curators)", "取消提醒（他人的提醒需管理员）"),
                       params=(REMINDER,), words=("取消",))
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


@remind_command.action("snooze", Text("Snooze a reminder", "推迟提醒"),
                       summary=Text("move a reminder later (1h, 30 minutes, 2天)", "把提醒往后推（1小时、30分钟、2天）"),
                       params=(REMINDER, Param("duration", Text("duration", "时长"), Text("For how long, e.g. 2h, 1 day", "推迟多久，如 2小时、1天"),
                                               required=True, rest=True)),
                       words=("推迟", "稍后"))
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


async def suggest_reminders(ctx: Context, prefix: str) -> list[Choice]:
    """Pending reminders of the channel, for `cancel` and `snooze`."""
    found = ctx.svc.reminders.pending(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    wanted = prefix.lstrip("#").lower()
    return [
        Choice(label=f"#{r.id} {r.text}"[:100], value=str(r.id))
        for r in found
        if not wanted or str(r.id).startswith(wanted) or wanted in r.text.lower()
    ]
