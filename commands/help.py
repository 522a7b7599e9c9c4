"""`/seller help [command]`: what the bot can do, with examples, in the user's language.

Everything shown comes from the commands' declarations (bot/spec.py): usage lines, action
summaries, examples and Chinese command words, in both languages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.model import Choice, Response, Section
from bot.spec import Command, Param

if TYPE_CHECKING:
    from bot.app import App

help_command = Command(
    "help",
    Text("Show the commands, or how to use one of them", "查看所有命令或某个命令的用法"),
    params=(Param("command", Text("command", "命令"), Text("A command to explain", "要查看用法的命令"), suggest="command"),),
    words=("帮助",),
    examples=(Text("help", "帮助"), Text("help remind", "帮助 提醒")),
)


@help_command
async def show_help(ctx: Context) -> Response:
    root = ctx.svc.config.root_command
    assert ctx.app is not None
    name = ctx.args.strip().lower()
    if name:
        cmd = ctx.app.commands.get(name)
        if cmd is None:
            raise UsageError(
                ctx.pick(en=f"There is no command `{name}`.", zh=f"没有 `{name}` 这个命令。"),
                usage=f"/{root} help [{ctx.pick(en='command', zh='命令')}]",
                example=f"/{root} help ask",
            )
        return _one(ctx, cmd)

    lines = [f"/{root} {cmd.usage(ctx.lang)} — {cmd.describe(ctx.lang)}" for cmd in ctx.app.unique_commands()]
    return Response(
        kind="help",
        title="sellerbot",
        text=ctx.pick(
            en="Policy answers, appeal drafts and deadline reminders for marketplace account health.",
            zh="平台政策问答、申诉信起草和截止日期提醒，服务店铺账户健康团队。",
        ),
        sections=[Section(text="\n".join(lines))],
        context=[ctx.pick(en=f"More: /{root} help <command>",
                          zh=f"更多：/{root} help <命令>（命令也可以用中文写，如 /{root} 帮助 提醒）")],
        ephemeral=True,
    )


def _one(ctx: Context, cmd: Command) -> Response:
    root = ctx.svc.config.root_command
    lang = ctx.lang
    sections = [Section(title=ctx.pick(en="Usage", zh="用法"), text=f"/{root} {cmd.usage(lang)}")]
    if cmd.actions:
        lines = [f"/{root} {action.usage(lang, listed=True)} — {action.describe(lang)}" for action in cmd.actions.values()]
        sections.append(Section(title=ctx.pick(en="Actions", zh="操作"), text="\n".join(lines)))
    if cmd.examples:
        sections.append(Section(title=ctx.pick(en="Examples", zh="示例"),
                                text="\n".join(f"/{root} {example.get(lang)}" for example in cmd.examples)))
    words = [w for w in cmd.words] + [f"{a.name} = {'、'.join(a.words)}" for a in cmd.actions.values() if a.words]
    if words:
        sections.append(Section(title=ctx.pick(en="Chinese words", zh="中文命令词"), text="  ".join(words)))
    return Response(kind="help", title=f"/{root} {cmd.typed(lang)}", text=cmd.describe(lang), sections=sections, ephemeral=True)


async def suggest_commands(ctx: Context, prefix: str) -> list[Choice]:
    """Command names for `help`, with what each does in the user's language."""
    assert ctx.app is not None
    wanted = prefix.strip().lower()
    return [
        Choice(label=f"{cmd.name} — {cmd.describe(ctx.lang)}"[:100], value=cmd.name)
        for cmd in ctx.app.unique_commands()
        if not wanted or cmd.name.startswith(wanted) or any(wanted in w for w in cmd.words)
    ]


def setup(app: "App") -> None:
    app.add(help_command)
    app.suggests("command", suggest_commands)
