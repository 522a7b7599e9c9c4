"""Command declarations: each command says once what it is called and what it takes.

In the spirit of discord.py's `app_commands` (a typed signature per command), a `Command` lists its
actions and each action its `Param`s, with every word people read in English and Chinese. From
that one declaration come the parser (`Action.parse`), the usage line and example of a usage
error, the help text in both languages, the Chinese command words (`提醒 列表`) and the options,
choices and autocomplete of platforms with typed commands (Discord). Declaring does not register:
a feature's `setup(app)` adds its commands to the application object.

A leaf module: it knows no dispatcher, platform or feature.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from bot.errors import UsageError
from bot.i18n import Text, first_chinese, has_chinese, pick

if TYPE_CHECKING:
    from bot.context import Context
    from bot.model import Response

Handler = Callable[["Context"], Awaitable["Response"]]
Kind = Literal["str", "int", "user"]

_USER = re.compile(r"^<?@?!?[^>|\s]+(?:\|[^>]*)?>?$")


def glued(token: str, words: Iterable[str]) -> tuple[str, str] | None:
    """The longest Chinese word that begins `token` with more after it, and that rest: Chinese is
    typed without spaces (`提醒列表`, `取消5`), so a command or action word may be glued to what
    follows. Only Chinese words are looked for (`helpme` is a typo, not `help me`)."""
    lowered = token.lower()
    found = max((w for w in words if has_chinese(w) and len(lowered) > len(w) and lowered.startswith(w.lower())),
                key=len, default=None)
    return (token[:len(found)], token[len(found):]) if found else None


def or_list(items: Iterable[str], lang: str) -> str:
    """"a, b or c" / "a、b或c": the values a choice may take, in a sentence."""
    from babel.lists import format_list

    return format_list(list(items), style="or", locale="zh" if lang == "zh" else "en")


@dataclass(frozen=True)
class Option:
    """One fixed value a parameter may take, with its name in both languages and the other words
    that mean it (`zh`, `中文`)."""

    value: str
    label: Text
    words: tuple[str, ...] = ()

    def matches(self, typed: str) -> bool:
        typed = typed.strip().lower()
        return typed == self.value.lower() or typed in (w.lower() for w in (*self.words, *self.label))

    def typed(self, lang: str) -> str:
        """The option as a reader of that language types it: its first Chinese word on a Chinese
        screen (`全部`), its value otherwise."""
        if lang == "zh":
            return first_chinese((w for w in (self.label.zh, *self.words) if " " not in w), self.value)
        return self.value

    def shown(self, lang: str) -> str:
        """The option in a sentence, as it may be typed: `en (English)` / `英文（en）` — the value
        with its meaning in English, a Chinese word it is accepted by (then the value) in Chinese."""
        if lang == "zh":
            word = self.typed(lang)
            return f"{word}（{self.value}）" if word != self.value else self.value
        said = re.search(rf"\b{re.escape(self.value.replace('-', ' '))}\b", self.label.en.replace("-", " "), re.IGNORECASE)
        return self.value if said else f"{self.value} ({self.label.en})"


@dataclass(frozen=True)
class Param:
    """One parameter of an action.

    `label` is its placeholder in usage lines (`<when>` / `<时间>`), `description` what Discord shows
    beside the option. A `rest` parameter takes the rest of the line as typed (free text); a `raw`
    one is several words the handler reads itself (`received 2026-11-20 09:00`), written as typed
    when a platform rebuilds the command line. `keyword` is the word written before the value.
    """

    name: str
    label: Text
    description: Text
    kind: Kind = "str"
    required: bool = False
    rest: bool = False
    raw: bool = False
    choices: tuple[Option, ...] = ()
    suggest: str | None = None
    """The autocomplete source (`article`, `case`, `reminder`…) a feature registers on the app."""
    keyword: str | None = None
    keyword_zh: str | None = None
    """The keyword's Chinese word (`负责人` for `owner`), shown in Chinese usage lines: the parser
    of the action must accept it."""

    def usage(self, lang: str) -> str:
        if self.choices:
            token = "|".join(o.typed(lang) for o in self.choices)
        elif self.kind == "user":
            token = "@" + self.label.get(lang)
        elif self.required or self.keyword:
            token = f"<{self.label.get(lang)}>"
        else:
            token = self.label.get(lang)
        keyword = self.keyword_zh if lang == "zh" and self.keyword_zh else self.keyword
        if keyword:
            token = f"{keyword} {token}"
        return token if self.required else f"[{token}]"

    def convert(self, raw: str, lang: str) -> Any:
        """The typed word as this parameter's value, or a usage error in the user's language."""
        name = self.label.get(lang)
        if self.choices:
            for option in self.choices:
                if option.matches(raw):
                    return option.value
            allowed = or_list((o.shown(lang) for o in self.choices), lang)
            raise UsageError(pick(lang, en=f"The {name} must be {allowed}, not `{raw}`.",
                                  zh=f"{name}只能是{allowed}，不能是 `{raw}`。"))
        if self.kind == "int":
            text = raw.lstrip("#")
            if not re.fullmatch(r"[0-9]{1,12}", text):
                raise UsageError(pick(lang, en=f"<{name}> must be a number, not `{raw}`.",
                                      zh=f"<{name}> 必须是数字，不能是 `{raw}`。"))
            return int(text)
        if self.kind == "user" and not _USER.match(raw):
            raise UsageError(pick(lang, en=f"`{raw}` is not a user mention (write @name).",
                                  zh=f"`{raw}` 不是用户提及（请写 @用户名）。"))
        return raw


FREE_TEXT = (Param("args", Text("arguments", "参数"), Text("What follows the command", "命令后面的参数"), rest=True),)
"""The parameters of a command that declares none: everything after its name, as typed."""


@dataclass
class Action:
    """`<command> <action> …`: a name, its Chinese words, what it does, what it takes."""

    name: str
    label: Text
    """A few words (a button or menu entry: "open a case" / "新建案件")."""
    summary: Text | None = None
    """A sentence for help; the label when absent."""
    params: tuple[Param, ...] = ()
    words: tuple[str, ...] = ()
    curator: bool = False
    implicit: bool = False
    """The action runs when the command is followed by no action word (`remind tomorrow …` is
    `remind set tomorrow …`)."""
    handler: Handler | None = None
    command: "Command | None" = field(default=None, repr=False)

    def describe(self, lang: str) -> str:
        return (self.summary or self.label).get(lang)

    def usage(self, lang: str, *, listed: bool = False) -> str:
        """`case show <id>`; an implicit action's word is left out, or shown optional in a list of
        actions (`remind [set] <when> <text>`)."""
        parts = [self.command.typed(lang)] if self.command else []
        if not self.implicit:
            parts.append(self.word(lang))
        elif listed:
            parts.append(f"[{self.word(lang)}]")
        parts += [p.usage(lang) for p in self.params]
        return " ".join(parts)

    def word(self, lang: str) -> str:
        """The action's word as a reader of that language types it (`列表` / `list`)."""
        return first_chinese(self.words, self.name) if lang == "zh" else self.name

    def parse(self, args: str, lang: str) -> dict[str, Any]:
        """The values of the parameters, by name, from what followed the action's word.

        Words are read as a shell would ("quoted words" stay together); a `rest` parameter takes
        what remains as typed. Missing required values and extra words are usage errors."""
        values: dict[str, Any] = {}
        remaining = args.strip()
        for param in self.params:
            if not remaining:
                if param.required:
                    raise UsageError(pick(lang, en=f"Missing <{param.label.en}>.", zh=f"缺少<{param.label.zh}>。"))
                continue
            if param.rest or param.raw:
                values[param.name] = remaining
                remaining = ""
                continue
            token, remaining = _first_word(remaining, lang)
            values[param.name] = param.convert(token, lang)
        if remaining:
            raise UsageError(pick(lang, en=f"Unexpected words: `{remaining[:60]}`.", zh=f"多余的内容：`{remaining[:60]}`。"))
        return values


def _first_word(text: str, lang: str) -> tuple[str, str]:
    """The first word and what follows it; a "quoted phrase" is one word."""
    text = text.lstrip()
    if text[0] in "\"'":
        end = text.find(text[0], 1)
        if end < 0:
            raise UsageError(pick(lang, en="Unbalanced quotes in the arguments.", zh="参数中的引号没有配对。"))
        return text[1:end], text[end + 1:].strip()
    parts = text.split(maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


@dataclass
class Command:
    """A subcommand of the root command (`ask`, `remind`…): its words, its actions, its examples.

    A command either has actions (`case open`, `case list`…) or takes its parameters directly
    (`metrics odr 2 126`); `params=None` means free text."""

    name: str
    summary: Text
    params: tuple[Param, ...] | None = None
    words: tuple[str, ...] = ()
    """Other words that name the command, Chinese ones first (`提醒`)."""
    examples: tuple[Text, ...] = ()
    curator: bool = False
    handler: Handler | None = None
    actions: dict[str, Action] = field(default_factory=dict)

    # ----- declaring -------------------------------------------------------------------------
    def __call__(self, handler: Handler) -> "Command":
        """`@Command(...)` declares the handler of a command without actions."""
        self.handler = handler
        return self

    def action(self, name: str, label: Text | None = None, *, summary: Text | None = None, params: tuple[Param, ...] = (),
               words: tuple[str, ...] = (), curator: bool = False, implicit: bool = False):
        """Declare `<command> <name> …` and its handler."""

        def decorate(handler: Handler) -> Handler:
            self.actions[name] = Action(name, label or Text(name, name), summary, params, words, curator, implicit, handler, self)
            return handler

        return decorate

    # ----- reading ---------------------------------------------------------------------------
    @property
    def own_params(self) -> tuple[Param, ...]:
        return FREE_TEXT if self.params is None else self.params

    @property
    def implicit(self) -> Action | None:
        return next((a for a in self.actions.values() if a.implicit), None)

    def find_action(self, word: str) -> Action | None:
        word = word.lower()
        for action in self.actions.values():
            if word == action.name or word in (w.lower() for w in action.words):
                return action
        return None

    def glued_action(self, token: str) -> tuple[str, str] | None:
        """`取消5` → ("取消", "5"): an action's Chinese word typed with no space before what follows.
        Not when an implicit action that takes words would read a Chinese rest as its own
        (`提醒 稍后5分钟 喝水` may be a time): only where the split is not a guess."""
        if self.find_action(token) is not None:
            return None
        split = glued(token, (w for a in self.actions.values() for w in a.words))
        implicit = self.implicit
        if split is None or (implicit is not None and implicit.params and not split[1].isascii()):
            return None
        return split

    def typed(self, lang: str, action: str | None = None) -> str:
        """`申诉 继续` / `appeal resume`: the command (and one of its actions) as a reader of that
        language types it, for the command lines a reply suggests: the first Chinese word declared."""
        found = self.actions.get(action) if action else None
        if lang != "zh":
            return " ".join(w for w in (self.name, found.name if found else action) if w)
        words = [first_chinese(self.words, self.name)]
        if action:
            words.append(found.word(lang) if found else action)
        return " ".join(words)

    def describe(self, lang: str) -> str:
        return self.summary.get(lang)

    def usage(self, lang: str) -> str:
        """The command's usage line: its parameters, or its actions."""
        name = self.typed(lang)
        if not self.actions:
            return " ".join([name, *(p.usage(lang) for p in self.own_params)])
        implicit = self.implicit
        named = [a.word(lang) for a in self.actions.values() if not a.implicit]
        if implicit is not None and not implicit.params:
            return f"{name} [{'|'.join(named)}]"
        if implicit is not None:
            head = " ".join([name, *(p.usage(lang) for p in implicit.params)])
            return f"{head} | {' | '.join(named)}" if named else head
        return f"{name} {'|'.join(named)} …"

    def parse(self, args: str, lang: str) -> dict[str, Any]:
        return Action("", self.summary, params=self.own_params, implicit=True).parse(args, lang)

    def example(self, lang: str, action: Action | None = None) -> str | None:
        """An example of the form that was misused: `remind tomorrow 9am…` under the usage of
        `remind snooze` would teach the wrong thing, so an action without an example gets none."""
        named = {a.name for a in self.actions.values() if not a.implicit}
        for example in self.examples:
            words = example.en.split()
            second = words[1] if len(words) > 1 else ""
            if action is None or (action.implicit and second not in named) or (not action.implicit and second == action.name):
                return example.get(lang)
        return None
