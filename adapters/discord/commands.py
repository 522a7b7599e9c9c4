"""The `/seller` slash-command tree, derived from the core commands' own declarations.

The adapter keeps no table of its own: each core `Command` (bot/spec.py) says its actions and
parameters, and they become Discord subcommands and options, with their English and Chinese
descriptions, fixed choices and autocomplete. The values an interaction carries are written back
as the command line the console would type (`/seller case open messaging-warning received
2026-11-20 09:00 owner <@42>`), so the core parses one syntax whatever the platform.

The shape follows the declaration:
- a command without actions (`ask`, `metrics`) is one subcommand with its parameters as options;
- a command whose default action needs values (`remind <when> <text>`) is a group with one
  subcommand per action (`/seller remind set`, `/seller remind list`…);
- any other command (`case`, `kb`, `appeal`) is one subcommand with an `action` choice and the
  options of all its actions.
Descriptions are localised through discord.py's translator (`locale_str` with a `zh` extra);
autocomplete asks the core (`Dispatcher.suggest`).
"""

from __future__ import annotations

import inspect
import shlex
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from adapters.discord.render import cut
from bot.i18n import Text
from bot.spec import Action, Command, Param

if TYPE_CHECKING:
    from bot.app import App

DESCRIPTION_MAX = 100
ACTION = "action"


def text(en: str, zh: str) -> locale_str:
    """A string Discord shows in the user's language (English, or Chinese for zh-CN / zh-TW)."""
    return locale_str(cut(en, DESCRIPTION_MAX), zh=cut(zh, DESCRIPTION_MAX))


def localized(value: Text) -> locale_str:
    return text(value.en, value.zh)


class BilingualTranslator(app_commands.Translator):
    """Gives Discord the Chinese of every description and choice name; English is the default."""

    async def translate(self, string: locale_str, locale: discord.Locale, context: Any) -> str | None:
        if locale in (discord.Locale.chinese, discord.Locale.taiwan_chinese):
            return string.extras.get("zh")
        return None


def annotation(param: Param) -> Any:
    if param.kind == "int":
        return app_commands.Range[int, 0, None]
    if param.kind == "user":
        return discord.User
    return str


def written(param: Param, value: Any) -> str:
    """An option's value as typed on the command line: a mention for a user, a quoted phrase for a
    value with spaces (unless the parameter reads words as typed), after its keyword if any."""
    if isinstance(value, (discord.User, discord.Member)):
        word = f"<@{value.id}>"
    else:
        word = str(value.value if isinstance(value, app_commands.Choice) else value).strip()
        if not (param.rest or param.raw) and (not word or any(c.isspace() or c in "'\"\\" for c in word)):
            word = shlex.quote(word)
    return f"{param.keyword} {word}" if param.keyword else word


def command_line(words: list[str], params: Iterable[Param], values: dict[str, Any]) -> str:
    parts = list(words)
    for param in params:
        value = values.get(param.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        parts.append(written(param, value))
    return " ".join(parts)


def _autocomplete(field_name: str) -> Callable:
    async def complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return await interaction.client.replies.suggest(interaction, field_name, current)  # type: ignore[attr-defined]

    return complete


def _callback(name: str, options: list[Param], line: Callable[[dict[str, Any]], str],
              actions: list[Action] | None = None, action_required: bool = False) -> Callable:
    """The coroutine discord.py calls; its signature (built from the declaration) defines the options."""

    async def run(interaction: discord.Interaction, **values: Any) -> None:
        await interaction.client.replies.command(interaction, line(values))  # type: ignore[attr-defined]

    params = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction)]
    described: dict[str, locale_str] = {}
    choices: dict[str, list[app_commands.Choice]] = {}
    if actions:
        params.append(inspect.Parameter(ACTION, inspect.Parameter.KEYWORD_ONLY, annotation=str,
                                        default=inspect.Parameter.empty if action_required else None))
        described[ACTION] = text("What to do", "要执行的操作")
        choices[ACTION] = [app_commands.Choice(name=localized(a.label), value=a.name) for a in actions]
    for opt in options:
        params.append(inspect.Parameter(opt.name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation(opt),
                                        default=inspect.Parameter.empty if opt.required else None))
        described[opt.name] = localized(opt.description)
        if opt.choices:
            choices[opt.name] = [app_commands.Choice(name=localized(o.label), value=o.value) for o in opt.choices]
    run.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    run.__name__ = run.__qualname__ = f"seller_{name}"
    if described:
        app_commands.describe(**described)(run)
    if choices:
        app_commands.choices(**choices)(run)
    completions = {o.name: _autocomplete(o.suggest) for o in options if o.suggest}
    if completions:
        app_commands.autocomplete(**completions)(run)
    return run


def _union(actions: Iterable[Action]) -> list[Param]:
    """The options of all actions, each once and optional (which ones apply depends on the action);
    a later declaration of the same option lends its autocomplete to the first."""
    merged: dict[str, Param] = {}
    for action in actions:
        for param in action.params:
            known = merged.get(param.name)
            if known is None:
                merged[param.name] = replace(param, required=False)
            elif known.suggest is None and param.suggest:
                merged[param.name] = replace(known, suggest=param.suggest)
    return list(merged.values())


def _flat(cmd: Command, parent: app_commands.Group) -> app_commands.Command:
    if not cmd.actions:
        params = list(cmd.own_params)
        callback = _callback(cmd.name, params, lambda values: command_line([cmd.name], params, values))
    else:
        actions = list(cmd.actions.values())

        def line(values: dict[str, Any]) -> str:
            action = cmd.actions.get(values.get(ACTION) or "") or cmd.implicit
            words = [cmd.name] + ([action.name] if action is not None else [])
            return command_line(words, action.params if action is not None else (), values)

        required = cmd.implicit is None and cmd.handler is None
        callback = _callback(cmd.name, _union(actions), line, actions, required)
    return app_commands.Command(name=cmd.name, description=localized(cmd.summary), callback=callback, parent=parent)


def _group(cmd: Command, parent: app_commands.Group) -> app_commands.Group:
    group = app_commands.Group(name=cmd.name, description=localized(cmd.summary))
    for action in cmd.actions.values():
        params = list(action.params)
        callback = _callback(f"{cmd.name}_{action.name}", params,
                             lambda values, a=action, p=params: command_line([cmd.name, a.name], p, values))
        group.add_command(app_commands.Command(name=action.name, description=localized(action.label), callback=callback,
                                               parent=group))
    return group


def build_group(root: str, app: "App") -> app_commands.Group:
    """`/<root>` with a subcommand (or subcommand group) per core command."""
    group = app_commands.Group(
        name=root,
        description=text("Account health: policy answers, appeals, cases, reminders", "账户健康：政策问答、申诉、案件、提醒"),
    )
    for cmd in app.unique_commands():
        implicit = cmd.implicit
        if implicit is not None and any(p.required for p in implicit.params):
            group.add_command(_group(cmd, group))
        else:
            group.add_command(_flat(cmd, group))
    return group
