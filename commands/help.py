"""`/seller help [command]`: what the bot can do, with examples, in the user's language."""

from bot.dispatcher import COMMANDS, Context, UsageError, command
from bot.model import Response, Section


@command(
    "help",
    summary_en="Show the commands, or how to use one of them",
    summary_zh="查看所有命令或某个命令的用法",
    usage="help [command]",
    examples=["help", "help remind"],
)
async def help_command(ctx: Context) -> Response:
    root = ctx.svc.config.root_command
    name = ctx.args.strip().lower()
    if name:
        cmd = COMMANDS.get(name)
        if cmd is None:
            raise UsageError(
                ctx.pick(en=f"There is no command `{name}`.", zh=f"没有 `{name}` 这个命令。"),
                usage=f"/{root} help [command]",
                example=f"/{root} help ask",
            )
        sections = [Section(title=ctx.pick(en="Usage", zh="用法"), text=f"/{root} {cmd.usage}")]
        if cmd.subs:
            lines = [f"/{root} {sub.usage}" + (f" — {sub.summary}" if sub.summary else "") for sub in cmd.subs.values()]
            sections.append(Section(title=ctx.pick(en="Actions", zh="操作"), text="\n".join(lines)))
        if cmd.examples:
            sections.append(
                Section(
                    title=ctx.pick(en="Examples", zh="示例"),
                    text="\n".join(f"/{root} {example}" for example in cmd.examples),
                )
            )
        return Response(kind="help", title=f"/{root} {cmd.name}", text=cmd.summary(ctx.lang), sections=sections, ephemeral=True)

    seen = []
    for cmd in COMMANDS.values():
        if cmd not in seen:
            seen.append(cmd)
    lines = [f"/{root} {cmd.usage} — {cmd.summary(ctx.lang)}" for cmd in sorted(seen, key=lambda c: c.name)]
    return Response(
        kind="help",
        title="sellerbot",
        text=ctx.pick(
            en="Policy answers, appeal drafts and deadline reminders for marketplace account health.",
            zh="平台政策问答、申诉信起草和截止日期提醒，服务店铺账户健康团队。",
        ),
        sections=[Section(text="\n".join(lines))],
        context=[ctx.pick(en=f"More: /{root} help <command>", zh=f"更多：/{root} help <命令>")],
        ephemeral=True,
    )
