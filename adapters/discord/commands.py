"""The `/seller` slash-command tree: one subcommand per core command, with typed options.

The options are data (`SPEC`): each subcommand lists its options with English and Chinese
descriptions, and says how its values become the core command line that the console would type
(`/seller case open messaging-warning "2026-11-20 09:00" <@42>`). A core command that the spec does
not know still gets a subcommand with one free-text `args` option, so a new feature works on
Discord the day it lands. Descriptions are localised through discord.py's translator
(`locale_str` with a `zh` extra); autocomplete asks the core (`Dispatcher.suggest`).
"""

from __future__ import annotations

import inspect
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.dispatcher import COMMANDS
from adapters.discord.render import cut

DESCRIPTION_MAX = 100


def text(en: str, zh: str) -> locale_str:
    """A string Discord shows in the user's language (English, or Chinese for zh-CN / zh-TW)."""
    return locale_str(cut(en, DESCRIPTION_MAX), zh=cut(zh, DESCRIPTION_MAX))


class BilingualTranslator(app_commands.Translator):
    """Gives Discord the Chinese of every description and choice name; English is the default."""

    async def translate(self, string: locale_str, locale: discord.Locale, context: Any) -> str | None:
        if locale in (discord.Locale.chinese, discord.Locale.taiwan_chinese):
            return string.extras.get("zh")
        return None


@dataclass(frozen=True)
class Opt:
    """One option of a subcommand and how it is written on the core command line."""

    name: str
    en: str
    zh: str
    kind: Any = str
    """str, int (counts, at least 0) or discord.User (written as a mention, `<@id>`)."""
    required: bool = False
    choices: tuple[tuple[str, str, str], ...] = ()
    """(value, English name, Chinese name)."""
    suggest: str | None = None
    """The core's autocomplete field (`case_type`, `article`, `draft`...)."""
    raw: bool = False
    """Written as typed, for commands that read their words themselves (`case`) and for free text
    that ends the line (`ask`). Otherwise a value with spaces is quoted, as shlex reads it."""
    keyword: str | None = None
    """Written before the value (`received 2026-11-20 09:00`, `owner <@42>`)."""

    def annotation(self) -> Any:
        if self.kind is int:
            return app_commands.Range[int, 0, None]
        return self.kind

    def written(self, value: Any) -> str:
        if isinstance(value, (discord.User, discord.Member)):
            written = f"<@{value.id}>"
        else:
            written = str(value.value if isinstance(value, app_commands.Choice) else value).strip()
            if not self.raw and (not written or any(c.isspace() or c in "'\"\\" for c in written)):
                written = shlex.quote(written)
        return f"{self.keyword} {written}" if self.keyword else written


@dataclass(frozen=True)
class Sub:
    """A subcommand: `words` start the core command line, the options' values follow in order."""

    name: str
    words: str
    options: tuple[Opt, ...] = ()
    en: str = ""
    zh: str = ""

    def line(self, values: dict[str, Any]) -> str:
        parts = [self.words]
        for opt in self.options:
            value = values.get(opt.name)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            parts.append(opt.written(value))
        return " ".join(parts)


@dataclass(frozen=True)
class SubGroup:
    """Subcommands under one name (`/seller remind list`), for commands whose forms differ."""

    name: str
    subs: tuple[Sub, ...]
    en: str = ""
    zh: str = ""


def _action(*choices: tuple[str, str, str], required: bool = False) -> Opt:
    return Opt("action", "What to do", "要执行的操作", required=required, choices=choices)


SPEC: tuple[Sub | SubGroup, ...] = (
    Sub("ask", "ask", (
        Opt("question", "Your question, in Chinese or English", "你的问题（中文或英文）", required=True, raw=True),
    )),
    Sub("appeal", "appeal", (
        _action(("start", "start a new appeal", "开始新的申诉"), ("resume", "resume a draft", "继续草稿"),
                ("list", "list my drafts", "我的草稿"), ("show", "show a draft", "查看草稿"),
                ("cancel", "cancel a draft", "取消草稿")),
        Opt("draft", "Draft ID (for resume, show, cancel)", "草稿编号（继续、查看、取消时填写）", suggest="draft"),
        Opt("type", "Violation type (for start)", "违规类型（开始时填写）", suggest="appeal_type"),
    )),
    Sub("case", "case", (
        _action(("types", "list case types", "案件类型"), ("open", "open a case", "新建案件"),
                ("list", "list cases", "案件列表"), ("show", "show a case", "查看案件"),
                ("update", "record what happened", "记录进展"), ("close", "close a case", "关闭案件"), required=True),
        Opt("id", "Case number (for show, update, close)", "案件编号（查看、更新、关闭时填写）", suggest="case", raw=True),
        Opt("type", "Notice type (for open)", "通知类型（新建时填写）", suggest="case_type", raw=True),
        Opt("event", "What happened (for update), e.g. appeal sent, reply received yesterday",
            "发生了什么（更新时填写），如 appeal sent、reply received yesterday", raw=True),
        Opt("received", "When the notice arrived (for open), e.g. 2026-11-20 09:00", "收到通知的时间（新建时填写），如 2026-11-20 09:00",
            raw=True, keyword="received"),
        Opt("owner", "Who owns the case (mentioned in its reminders)", "负责人（提醒时会 @ 此人）", kind=discord.User, keyword="owner"),
    )),
    SubGroup("remind", (
        Sub("set", "remind", (
            Opt("when", "When, e.g. in 3 days, tomorrow 10am, 明天上午10点", "时间，如 明天上午10点、in 3 days", required=True),
            Opt("text", "What to remind", "提醒内容", required=True, raw=True),
        ), en="Set a reminder in this channel", zh="在本频道设置提醒"),
        Sub("list", "remind list", en="List the reminders of this channel", zh="查看本频道的提醒"),
        Sub("cancel", "remind cancel", (
            Opt("id", "Reminder ID", "提醒编号", required=True, suggest="reminder"),
        ), en="Cancel a reminder", zh="取消提醒"),
        Sub("snooze", "remind snooze", (
            Opt("id", "Reminder ID", "提醒编号", required=True, suggest="reminder"),
            Opt("duration", "For how long, e.g. 2h, 1 day", "推迟多久，如 2h、1 day", required=True, raw=True),
        ), en="Snooze a reminder", zh="推迟提醒"),
    ), en="Reminders in this channel", zh="本频道的提醒"),
    Sub("metrics", "metrics", (
        Opt("metric", "Which rate", "哪个指标", required=True,
            choices=(("odr", "ODR (order defect rate)", "ODR 订单缺陷率"), ("lsr", "LSR (late shipment rate)", "LSR 迟发率"),
                     ("cancel", "cancellation rate", "取消率"), ("vtr", "VTR (valid tracking rate)", "VTR 有效追踪率"))),
        Opt("bad", "Orders with a defect (or late, cancelled, tracked)", "有问题的订单数", kind=int, required=True),
        Opt("total", "All orders in the window", "统计周期内的订单总数", kind=int, required=True),
        Opt("marketplace", "Marketplace, e.g. US, UK, JP", "站点，如 US、UK、JP"),
    )),
    Sub("kb", "kb", (
        _action(("search", "search articles", "搜索文章"), ("show", "show an article", "查看文章"),
                ("stale", "articles past review", "待复核的文章"), ("gaps", "unanswered questions", "未能回答的问题"),
                ("reload", "reload the knowledge base", "重新加载知识库"), ("stats", "feedback counts", "反馈统计"),
                required=True),
        Opt("query", "Search words or article ID", "搜索词或文章编号", suggest="article", raw=True),
    )),
    Sub("settings", "settings", (
        Opt("key", "Setting to change", "要修改的设置项", choices=(("tz", "tz: the channel's time zone", "tz：本频道时区"),)),
        Opt("value", "New value, e.g. Asia/Shanghai", "新值，如 Asia/Shanghai", raw=True),
    )),
    Sub("help", "help", (
        Opt("command", "A command to explain", "要查看用法的命令"),
    )),
)


def _generic(name: str) -> Sub:
    return Sub(name, name, (
        Opt("args", f"What follows /seller {name} (see /seller help {name})", f"/seller {name} 后面的参数（见 /seller help {name}）", raw=True),
    ))


def _describe(sub: Sub) -> locale_str:
    core = COMMANDS.get(sub.words.split()[0])
    if sub.en:
        return text(sub.en, sub.zh or sub.en)
    if core is not None:
        return text(core.summary_en, core.summary_zh)
    return text(sub.name, sub.name)


def _autocomplete(field_name: str) -> Callable:
    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await interaction.client.replies.suggest(interaction, field_name, current)  # type: ignore[attr-defined]

    return complete


def _callback(sub: Sub) -> Callable:
    """The coroutine discord.py calls; its signature (built from the spec) defines the options."""

    async def run(interaction: discord.Interaction, **values: Any) -> None:
        await interaction.client.replies.command(interaction, sub.line(values))  # type: ignore[attr-defined]

    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    for opt in sub.options:
        params.append(inspect.Parameter(
            opt.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=opt.annotation(),
            default=inspect.Parameter.empty if opt.required else None,
        ))
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__name__ = run.__qualname__ = f"seller_{sub.name}"
    if sub.options:
        app_commands.describe(**{o.name: text(o.en, o.zh) for o in sub.options})(run)
    choices = {
        o.name: [app_commands.Choice(name=text(en, zh), value=value) for value, en, zh in o.choices]
        for o in sub.options if o.choices
    }
    if sub.name == "help":
        names = sorted({cmd.name for cmd in COMMANDS.values()})[:25]
        choices["command"] = [app_commands.Choice(name=name, value=name) for name in names]
    if choices:
        app_commands.choices(**choices)(run)
    completions = {o.name: _autocomplete(o.suggest) for o in sub.options if o.suggest}
    if completions:
        app_commands.autocomplete(**completions)(run)
    return run


def _command(sub: Sub, parent: app_commands.Group) -> app_commands.Command:
    return app_commands.Command(name=sub.name, description=_describe(sub), callback=_callback(sub), parent=parent)


def build_group(root: str) -> app_commands.Group:
    """`/<root>` with a subcommand (or subcommand group) per core command, in the spec's order."""
    group = app_commands.Group(
        name=root,
        description=text("Account health: policy answers, appeals, cases, reminders", "账户健康：政策问答、申诉、案件、提醒"),
    )
    covered: set[str] = set()
    for entry in SPEC:
        core_name = entry.name if isinstance(entry, SubGroup) else entry.words.split()[0]
        if core_name not in COMMANDS:
            continue
        covered.add(COMMANDS[core_name].name)
        if isinstance(entry, SubGroup):
            core = COMMANDS[core_name]
            sub_group = app_commands.Group(
                name=entry.name,
                description=text(entry.en or core.summary_en, entry.zh or core.summary_zh),
            )
            for sub in entry.subs:
                sub_group.add_command(_command(sub, sub_group))
            group.add_command(sub_group)
        else:
            group.add_command(_command(entry, group))
    for name in sorted({cmd.name for cmd in COMMANDS.values()} - covered):
        group.add_command(_command(_generic(name), group))
    return group
