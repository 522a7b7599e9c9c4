"""The core dispatcher: one entry point for every adapter, routing through the application object.

The commands, dialogue listeners and autocomplete sources live on an `App` (bot/app.py) that each
feature fills with its `setup(app)`. The dispatcher normalises input, settles the interface
language, checks permissions, turns usage mistakes into short errors with an example, hides
unexpected failures behind a reference, and logs one line per command.
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from typing import TYPE_CHECKING

from bot.context import Context
from bot.errors import PermissionDenied, UsageError
from bot.i18n import pick
from bot.logs import command_logger, log
from bot.model import ACTION_PREFIX, Choice, Request, Response, error
from bot.spec import Action, Command
from bot.store import WriteFailed, is_storage_fault, reason

if TYPE_CHECKING:
    from bot.app import App
    from bot.services import Services

__all__ = ["Context", "Dispatcher", "PermissionDenied", "UsageError", "clean_text"]

MAX_INPUT_CHARS = 10_000
"""Longer input is refused with a clear error rather than stored or parsed."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")
"""C0/C1 controls, zero-width and bidirectional marks, embeddings, overrides and isolates (U+202E
would show a stored text backwards to the next reader), invisible operators."""
_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff03\uff05\uff0b\uff0d\uff0e\uff0f\uff20]+")
"""Full-width letters, digits and the signs numbers and ids are written with (`１２６`, `＃３`, `１．５`).
Only these are folded (NFKC): Chinese punctuation (，：（）) stays as typed in stored texts."""
_CJK = re.compile(r"[\u3400-\u9fff]")
LANGS = ("en", "zh")


def clean_text(text: str) -> str:
    """Normalise what a user typed, once for every command and dialogue: NFC, full-width digits and
    letters as ASCII, no control, zero-width or bidi characters, no edge spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _WIDE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()


class Dispatcher:
    """Routes a `Request` to a command or a dialogue and always returns a `Response` (or None)."""

    def __init__(self, services: "Services", app: "App | None" = None):
        self.svc = services
        self.app = app if app is not None else services.app

    async def handle(self, req: Request) -> Response | None:
        """Answer one request. None means "not for us" (a plain message outside any dialogue)."""
        started = time.perf_counter()
        outcome, name = "ok", str(req.kind)
        response: Response | None
        try:
            req = self._normalised(req)
            if req.kind == "choice" and req.value.startswith(ACTION_PREFIX):
                req = req.model_copy(update={
                    "kind": "command", "text": req.value[len(ACTION_PREFIX):], "values": [], "from_button": True})
            if req.kind == "command":
                req = req.model_copy(update={"text": self._spaced(req.text)})
            req = req.model_copy(update={"lang": self.language(req)})
            if req.kind == "command":
                name = self._command_name(req)
                response = await self._run_command(req)
            else:
                response = await self._run_listeners(req)
            if response is not None and response.kind == "error":
                outcome = "error"
        except Exception as exc:  # every failure becomes an answer in the user's language
            outcome, response = self._failure(req, exc)
        latency_ms = (time.perf_counter() - started) * 1000
        if response is not None and response.channel is None:
            response.channel = req.channel
        if response is not None and response.lang is None:
            response.lang = req.lang
        self._log(req, name, outcome, latency_ms)
        return response

    def _failure(self, req: Request, exc: Exception) -> tuple[str, Response]:
        """The outcome (for the log) and the answer for a request that raised: a usage error or a
        refusal as such, a storage fault as "not saved", anything else as a crash with a reference
        to find it in the log."""
        if isinstance(exc, UsageError):
            return "usage", self._usage_response(req, exc)
        if isinstance(exc, PermissionDenied):
            return "denied", error(
                str(exc) or pick(
                    req.lang,
                    en="Only curators can do that. Ask an admin to add you to SELLERBOT_CURATORS or a curator role.",
                    zh="只有知识库管理员可以执行此操作。请联系管理员把你加入 SELLERBOT_CURATORS 或管理员角色。",
                )
            )
        if isinstance(exc, WriteFailed):
            log.warning("command not saved: %s", exc.cause)
            return "unsaved", error(
                pick(
                    req.lang,
                    en=f"Not saved — {exc.reason('en')}. Try again in a moment.",
                    zh=f"未保存——{exc.reason('zh')}。请稍后重试。",
                )
            )
        if is_storage_fault(exc):
            # A fault of the database outside a write transaction (a read, or sqlite-utils'
            # own autocommit): we cannot tell whether anything was kept, so we do not say.
            log.warning("command failed on the database: %s", exc)
            en, zh = reason(exc)
            return "unsaved", error(pick(req.lang, en=f"The database failed ({en}); this may not have been saved. Try again in a moment.",
                                         zh=f"数据库出错（{zh}），本次操作可能没有保存。请稍后重试。"))
        ref = secrets.token_hex(4)
        log.exception("command failed (ref %s)", ref)
        # Nothing keeps what was typed when a command crashes, so the message does not claim it.
        return "crash", error(pick(req.lang, en=f"Something went wrong on our side. Reference: {ref}.",
                                   zh=f"系统内部出错。错误编号：{ref}。"))

    def language(self, req: Request) -> str:
        """The interface language: the user's own setting (`settings lang`), else Chinese when the
        command or action was typed in Chinese (`/seller 帮助`), else what the adapter says (the
        platform's locale, or the channel's default). The words after them never count: ids such
        as `order-defect-rate` or `Asia/Shanghai` say nothing about the person typing them."""
        own = self.svc.store.get_user_setting(req.platform, req.user, "lang")
        if own in LANGS:
            return own
        if req.kind == "command":
            words = req.text.split(maxsplit=2)
            cmd = self.app.commands.get(words[0].lower()) if words else None
            typed = words[:1]
            if cmd is not None and len(words) > 1 and cmd.find_action(words[1]) is not None:
                typed = words[:2]
            if any(_CJK.search(word) for word in typed):
                return "zh"
        return req.lang if req.lang in LANGS else "en"

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

    def _spaced(self, text: str) -> str:
        """The command line with a space after a Chinese command word, and after its action word,
        where they were typed glued to what follows (`提醒明天上午10点跟进`, `提醒列表`, `案件更新3`):
        Chinese puts no spaces between words. The words come from the declarations (bot/app.py,
        bot/spec.py); a line that needs no split is returned as typed."""
        words = text.split(maxsplit=1)
        if not words:
            return text
        head, rest = words[0], words[1] if len(words) > 1 else ""
        glued = self.app.glued_command(head)
        if glued is not None:
            head, rest = glued[0], f"{glued[1]} {rest}".rstrip()
        cmd = self.app.commands.get(head.lower())
        words = rest.split(maxsplit=1)
        action = cmd.glued_action(words[0]) if cmd is not None and words else None
        if action is not None:
            rest = " ".join([*action, *words[1:]])
        return f"{head} {rest}".rstrip() if glued is not None or action is not None else text

    def _command_name(self, req: Request) -> str:
        """The command's name for the log (`remind` when `提醒` was typed)."""
        word = (req.text.split(maxsplit=1) or ["help"])[0].lower()
        cmd = self.app.commands.get(word)
        return cmd.name if cmd is not None else word

    def _route(self, req: Request) -> tuple[Command | None, Action | None, str]:
        """The command, the action (if any) and the arguments that follow them."""
        words = req.text.split(maxsplit=1)
        cmd = self.app.commands.get(words[0].lower() if words else "help")
        rest = words[1] if len(words) > 1 else ""
        if cmd is None or not cmd.actions:
            return cmd, None, rest
        sub_words = rest.split(maxsplit=1)
        action = cmd.find_action(sub_words[0]) if sub_words else None
        if action is not None:
            return cmd, action, sub_words[1] if len(sub_words) > 1 else ""
        return cmd, cmd.implicit, rest

    async def _run_command(self, req: Request) -> Response:
        root = self.svc.config.root_command
        cmd, action, rest = self._route(req)
        if cmd is None:
            name = req.text.split(maxsplit=1)[0].lower()
            names = ", ".join(self.app.names())
            zh_names = "、".join(f"{cmd.typed('zh')}（{cmd.name}）" for cmd in self.app.unique_commands())
            raise UsageError(
                pick(req.lang, en=f"Unknown command `{name}`. Commands: {names}.", zh=f"未知命令 `{name}`。可用命令：{zh_names}。"),
                usage=f"/{root} help",
            )
        ctx = Context(req, rest, self.svc, cmd, action, self.app)
        if action is not None:
            if action.curator or cmd.curator:
                ctx.require_curator()
            assert action.handler is not None
            return await action.handler(ctx)
        if cmd.curator:
            ctx.require_curator()
        if cmd.handler is None:
            given = rest.split(maxsplit=1)[0] if rest else ""
            actions = ", ".join(cmd.actions)
            raise UsageError(
                pick(
                    req.lang,
                    en=(f"Unknown `{cmd.name}` action `{given}`." if given else f"`{cmd.name}` needs an action.")
                    + f" Actions: {actions}.",
                    zh=(f"`{cmd.name}` 没有 `{given}` 这个操作。" if given else f"`{cmd.name}` 需要指定操作。")
                    + f"可用操作：{actions}。",
                )
            )
        return await cmd.handler(ctx)

    async def _run_listeners(self, req: Request) -> Response | None:
        ctx = Context(req, req.text, self.svc, app=self.app)
        for listener in self.app.listeners:
            response = await listener(ctx)
            if response is not None:
                return response
        return None

    def _usage_response(self, req: Request, exc: UsageError) -> Response:
        """The error, then the usage of the form that was misused and an example of it, both
        derived from the command's declaration."""
        root = self.svc.config.root_command
        usage, example = exc.usage, exc.example
        if req.kind == "command":
            cmd, action, _ = self._route(req)
            if cmd is not None:
                usage = usage or f"/{root} {action.usage(req.lang) if action else cmd.usage(req.lang)}"
                if example is None:
                    example = cmd.example(req.lang, action)
                    example = example and f"/{root} {example}"
        return error(str(exc), usage=usage, example=example, lang=req.lang)

    async def suggest(self, field_name: str, prefix: str, req: Request) -> list[Choice]:
        """Up to 25 completions for a partly typed argument (empty when nothing is known)."""
        source = self.app.suggesters.get(field_name)
        if source is None:
            return []
        req = req.model_copy(update={"lang": self.language(req.model_copy(update={"kind": "choice"}))})
        return (await source(Context(req, prefix, self.svc, app=self.app), clean_text(prefix)))[:25]

    def names(self) -> list[str]:
        return self.app.names()

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
