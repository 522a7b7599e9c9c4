"""The core dispatcher: one entry point for every adapter, a registry of subcommands.

A command module declares itself with `@command(...)` and its subcommands with `.sub(...)`,
as Errbot plugins do with `@botcmd`; a dialogue engine listens to plain messages and button
presses with `@on_message`. The dispatcher normalises input, checks permissions, turns usage
mistakes into short errors with an example, hides unexpected failures behind a reference, and
logs one line per command.
"""

from __future__ import annotations

import re
import secrets
import shlex
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from bot.i18n import pick
from bot.logs import command_logger, log
from bot.model import ACTION_PREFIX, Choice, Request, Response, error
from bot.store import WriteFailed, is_storage_fault, reason

if TYPE_CHECKING:
    from bot.services import Services

MAX_INPUT_CHARS = 10_000
"""Longer input is refused with a clear error rather than stored or parsed."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


class UsageError(Exception):
    """The user typed the command wrongly: the message says what, the usage says how."""

    def __init__(self, message: str, *, usage: str | None = None, example: str | None = None):
        super().__init__(message)
        self.usage = usage
        self.example = example


class PermissionDenied(Exception):
    """The command is for curators (configured users or roles)."""


@dataclass
class Context:
    """What a command handler receives: the request, its arguments, the services."""

    req: Request
    args: str
    svc: "Services"
    command: "Command | None" = None

    @property
    def lang(self) -> str:
        return self.req.lang

    @property
    def now(self) -> datetime:
        return self.svc.clock.now()

    @property
    def argv(self) -> list[str]:
        """The arguments split like a shell would, so "quoted words" stay together."""
        try:
            return shlex.split(self.args)
        except ValueError as exc:
            raise UsageError(self.pick(en=f"Unbalanced quotes in the arguments ({exc}).",
                                       zh=f"参数中的引号没有配对（{exc}）。")) from exc

    def pick(self, *, en: str, zh: str) -> str:
        return pick(self.lang, en=en, zh=zh)

    def usage_error(self, message: str) -> UsageError:
        return UsageError(message)

    def require_curator(self) -> None:
        if not self.svc.auth.is_curator(self.req):
            raise PermissionDenied()


Handler = Callable[[Context], Awaitable[Response]]
MessageHandler = Callable[[Context], Awaitable[Response | None]]


@dataclass
class Sub:
    name: str
    handler: Handler
    usage: str
    summary: str
    curator: bool = False


@dataclass
class Command:
    """A subcommand of the root command, such as `ask` or `kb`."""

    name: str
    summary_en: str
    summary_zh: str
    usage: str
    examples: list[str]
    handler: Handler | None = None
    curator: bool = False
    subs: dict[str, Sub] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()

    def sub(self, name: str, *, usage: str, summary: str = "", curator: bool = False):
        """Register `handler` for `<command> <name> ...`."""

        def decorate(handler: Handler) -> Handler:
            self.subs[name] = Sub(name, handler, usage, summary, curator)
            return handler

        return decorate

    def summary(self, lang: str) -> str:
        return pick(lang, en=self.summary_en, zh=self.summary_zh)


COMMANDS: dict[str, Command] = {}
MESSAGE_HANDLERS: list[MessageHandler] = []
Suggester = Callable[[Context, str], Awaitable[list[Choice]]]
SUGGESTERS: dict[str, Suggester] = {}
"""Autocomplete sources by field name (`article`, `case_type`, `draft`…), for platforms that
offer completion as the user types (Discord); each feature registers its own with `@suggests`."""


def command(
    name: str,
    *,
    summary_en: str,
    summary_zh: str,
    usage: str,
    examples: list[str] | tuple[str, ...] = (),
    curator: bool = False,
    aliases: tuple[str, ...] = (),
):
    """Declare a subcommand of `/seller`; the decorated function handles it (or its bare form)."""

    def decorate(handler: Handler | None) -> Command:
        cmd = Command(name, summary_en, summary_zh, usage, list(examples), handler, curator, aliases=aliases)
        for key in (name, *aliases):
            if key in COMMANDS:
                raise ValueError(f"command {key!r} is declared twice")
            COMMANDS[key] = cmd
        return cmd

    return decorate


def on_message(handler: MessageHandler) -> MessageHandler:
    """Register a listener for plain messages and dialogue button presses (first answer wins)."""
    MESSAGE_HANDLERS.append(handler)
    return handler


def suggests(field_name: str):
    """Register the autocomplete source for one kind of argument."""

    def decorate(fn: Suggester) -> Suggester:
        SUGGESTERS[field_name] = fn
        return fn

    return decorate


def free_words(text: str) -> str:
    """What follows the command and its action (`appeal start odr` -> `odr`): the words a user
    chose, which tell the language they speak, unlike the command words every user types."""
    import commands  # noqa: F401  (the registry is filled on import)

    words = text.split()
    if words and words[0].lower() in COMMANDS:
        cmd = COMMANDS[words.pop(0).lower()]
        if words and words[0].lower() in cmd.subs:
            words.pop(0)
    return " ".join(words)


def clean_text(text: str) -> str:
    """Normalise what a user typed: NFC, no control or zero-width characters, no edge spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


class Dispatcher:
    """Routes a `Request` to a command or a dialogue and always returns a `Response` (or None)."""

    def __init__(self, services: "Services"):
        import commands  # noqa: F401  (importing the package registers every command module)

        self.svc = services

    async def handle(self, req: Request) -> Response | None:
        """Answer one request. None means "not for us" (a plain message outside any dialogue)."""
        started = time.perf_counter()
        outcome, name = "ok", req.kind
        response: Response | None
        try:
            req = self._normalised(req)
            if req.kind == "choice" and req.value.startswith(ACTION_PREFIX):
                req = req.model_copy(update={"kind": "command", "text": req.value[len(ACTION_PREFIX):], "values": []})
            if req.kind == "command":
                name = (req.text.split(maxsplit=1) or ["help"])[0].lower()
                response = await self._run_command(req)
            else:
                response = await self._run_listeners(req)
            if response is not None and response.kind == "error":
                outcome = "error"
        except UsageError as exc:
            outcome = "usage"
            response = self._usage_response(req, name, exc)
        except PermissionDenied:
            outcome = "denied"
            response = error(
                pick(
                    req.lang,
                    en="Only curators can do that. Ask an admin to add you to SELLERBOT_CURATORS or a curator role.",
                    zh="只有知识库管理员可以执行此操作。请联系管理员把你加入 SELLERBOT_CURATORS 或管理员角色。",
                )
            )
        except WriteFailed as exc:
            outcome = "unsaved"
            log.warning("command not saved: %s", exc.cause)
            response = error(
                pick(
                    req.lang,
                    en=f"Not saved — {exc.reason('en')}. Try again in a moment.",
                    zh=f"未保存——{exc.reason('zh')}。请稍后重试。",
                )
            )
        except Exception as exc:
            if is_storage_fault(exc):
                # A fault of the database outside a write transaction (a read, or sqlite-utils'
                # own autocommit): we cannot tell whether anything was kept, so we do not say.
                outcome = "unsaved"
                log.warning("command failed on the database: %s", exc)
                en, zh = reason(exc)
                response = error(pick(req.lang, en=f"The database failed ({en}); this may not have been saved. Try again in a moment.",
                                      zh=f"数据库出错（{zh}），本次操作可能没有保存。请稍后重试。"))
            else:
                ref = secrets.token_hex(4)
                outcome = "crash"
                log.exception("command failed (ref %s)", ref)
                # Nothing keeps what was typed when a command crashes, so the message does not claim it.
                response = error(
                    pick(
                        req.lang,
                        en=f"Something went wrong on our side. Reference: {ref}.",
                        zh=f"系统内部出错。错误编号：{ref}。",
                    )
                )
        latency_ms = (time.perf_counter() - started) * 1000
        if response is not None and response.channel is None:
            response.channel = req.channel
        self._log(req, name, outcome, latency_ms)
        return response

    def _normalised(self, req: Request) -> Request:
        text = clean_text(req.text)
        if len(text) > MAX_INPUT_CHARS:
            raise UsageError(
                pick(
                    req.lang,
                    en=f"That message is too long ({len(text):,} characters; the limit is {MAX_INPUT_CHARS:,}).",
                    zh=f"消息太长（{len(text):,} 个字符，上限为 {MAX_INPUT_CHARS:,}）。",
                )
            )
        values = [clean_text(v)[:MAX_INPUT_CHARS] for v in req.values]
        return req.model_copy(update={"text": text, "values": values})

    async def _run_command(self, req: Request) -> Response:
        words = req.text.split(maxsplit=1)
        name = words[0].lower() if words else "help"
        rest = words[1] if len(words) > 1 else ""
        cmd = COMMANDS.get(name)
        if cmd is None:
            raise UsageError(
                pick(
                    req.lang,
                    en=f"Unknown command `{name}`. Commands: {', '.join(self.names())}.",
                    zh=f"未知命令 `{name}`。可用命令：{', '.join(self.names())}。",
                ),
                usage=f"/{self.svc.config.root_command} help",
            )
        ctx = Context(req, rest, self.svc, cmd)
        if cmd.subs:
            sub_words = rest.split(maxsplit=1)
            sub = cmd.subs.get(sub_words[0].lower()) if sub_words else None
            if sub is not None:
                if (sub.curator or cmd.curator):
                    ctx.require_curator()
                ctx.args = sub_words[1] if len(sub_words) > 1 else ""
                return await sub.handler(ctx)
        if cmd.curator:
            ctx.require_curator()
        if cmd.handler is None:
            given = rest.split(maxsplit=1)[0] if rest else ""
            raise UsageError(
                pick(
                    req.lang,
                    en=(f"Unknown `{name}` action `{given}`." if given else f"`{name}` needs an action.")
                    + f" Actions: {', '.join(cmd.subs)}.",
                    zh=(f"`{name}` 没有 `{given}` 这个操作。" if given else f"`{name}` 需要指定操作。")
                    + f"可用操作：{', '.join(cmd.subs)}。",
                )
            )
        return await cmd.handler(ctx)

    async def _run_listeners(self, req: Request) -> Response | None:
        ctx = Context(req, req.text, self.svc)
        for listener in MESSAGE_HANDLERS:
            response = await listener(ctx)
            if response is not None:
                return response
        return None

    def _usage_response(self, req: Request, name: str, exc: UsageError) -> Response:
        cmd = COMMANDS.get(name)
        root = self.svc.config.root_command
        usage = exc.usage
        example = exc.example
        if cmd is not None:
            sub_words = req.text.split(maxsplit=2)
            sub = cmd.subs.get(sub_words[1].lower()) if len(sub_words) > 1 else None
            usage = usage or f"/{root} {sub.usage if sub else cmd.usage}"
            if example is None:
                example = self._example_for(cmd, sub)
                example = example and f"/{root} {example}"
        return error(str(exc), usage=usage, example=example, lang=req.lang)

    @staticmethod
    def _example_for(cmd: Command, sub: Sub | None) -> str | None:
        """An example of the action that was misused: `remind tomorrow 9am…` under the usage of
        `remind snooze` would teach the wrong thing, so an action without an example gets none."""
        if sub is None:
            return cmd.examples[0] if cmd.examples else None
        return next((e for e in cmd.examples if e.split()[:2] == [cmd.name, sub.name]), None)

    async def suggest(self, field_name: str, prefix: str, req: Request) -> list[Choice]:
        """Up to 25 completions for a partly typed argument (empty when nothing is known)."""
        source = SUGGESTERS.get(field_name)
        if source is None:
            return []
        return (await source(Context(req, prefix, self.svc), clean_text(prefix)))[:25]

    def names(self) -> list[str]:
        return sorted({cmd.name for cmd in COMMANDS.values()})

    def _log(self, req: Request, name: str, outcome: str, latency_ms: float) -> None:
        command_logger.info(
            "%s %s by %s in %s: %s (%.1f ms)",
            req.platform,
            name,
            req.user,
            req.channel,
            outcome,
            latency_ms,
            extra={
                "event": "command",
                "platform": req.platform,
                "user": req.user,
                "channel": req.channel,
                "command": name,
                "outcome": outcome,
                "latency_ms": round(latency_ms, 2),
            },
        )
