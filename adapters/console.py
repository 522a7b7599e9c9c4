"""The console adapter: the same core in a terminal, and the scripting interface of the contract.

Each input line is what a user types in chat: `/seller ...`, an answer to the dialogue step in
progress, or `!choice VALUE` to press a button. With `--json` every response is one JSON object on
one line; otherwise it is rendered with rich. Output is flushed after every response.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from functools import cached_property
from typing import IO, TYPE_CHECKING

from bot.i18n import pick
from bot.model import Request, Response, error
from bot.sender import Outgoing
from bot.services import Services

if TYPE_CHECKING:
    from rich.console import Console
    from rich.panel import Panel

CHOICE_PREFIX = "!choice"


class ConsolePrinter:
    """Writes responses to a stream, as JSON lines or as readable panels."""

    def __init__(self, stream: IO[str] | None = None, *, json_mode: bool = False, lang: str = "en"):
        self.stream = stream or sys.stdout
        self.json_mode = json_mode
        self.lang = lang

    @cached_property
    def rich(self) -> "Console":
        """rich is loaded for people at a terminal only: `--json` and `sellerbot ask --json` never pay for it."""
        from rich.console import Console

        return Console(file=self.stream, highlight=False)

    def show(self, response: Response) -> None:
        if self.json_mode:
            self.stream.write(json.dumps(response.to_contract(), ensure_ascii=False) + "\n")
        else:
            self.rich.print(self._panel(response))
        self.stream.flush()

    def _panel(self, response: Response) -> "Panel":
        from rich.markup import escape
        from rich.panel import Panel

        body = escape(response.text)
        for section in response.sections:
            body += f"\n\n[bold]{escape(section.title)}[/bold]\n" if section.title else "\n\n"
            body += escape(section.text)
        for attachment in response.files:
            body += f"\n\n[bold]📎 {escape(attachment.filename)}[/bold]\n{escape(attachment.content)}"
        if response.choices:
            buttons = "\n".join(
                f"[bold]!{number}[/bold] [reverse] {escape(c.label)} [/reverse]  [dim]!choice {escape(c.value)}[/dim]"
                for number, c in enumerate(response.choices, 1)
            )
            lang = response.lang or self.lang  # `/seller 帮助` answers in Chinese in an English console
            hint = pick(lang, en="press a button with !N or !choice VALUE", zh="输入 !序号 或 !choice 值 来点按钮")
            if response.multi:
                hint += pick(lang, en="; pick several, one at a time", zh="；可逐个多选")
            body += f"\n\n{buttons}\n[dim]({hint})[/dim]"
        for line in response.context:
            body += f"\n[dim]{escape(line)}[/dim]"
        style = {"error": "red", "reminder": "yellow", "draft": "green"}.get(response.kind, "blue")
        title = escape(response.title) if response.title else None  # a kind id is no title for a person
        return Panel(body, title=title, title_align="left", border_style=style)


class ConsoleSender:
    """Delivers reminders by printing them (the console's `Sender`)."""

    def __init__(self, printer: ConsolePrinter):
        self.printer = printer

    async def send(self, message: Outgoing) -> str | None:
        response = message.response.model_copy(update={"channel": message.channel})
        self.printer.show(response)
        return None


def parse_line(line: str, *, root: str, user: str, channel: str, lang: str,
               workspace: str = "") -> Request | Response | None:
    """Turn one typed line into a Request; an error Response for a slash-command that is not ours;
    None for a blank line."""
    text = line.strip()
    if not text:
        return None
    base = {"user": user, "channel": channel, "platform": "console", "lang": lang, "workspace": workspace}
    if text.startswith(CHOICE_PREFIX + " ") or text == CHOICE_PREFIX:
        return Request(kind="choice", values=[text[len(CHOICE_PREFIX):].strip()], **base)
    if text.startswith("/"):
        head, _, rest = text.partition(" ")
        if head[1:].lower() == root:
            # The interface language is a setting (--lang, or `settings lang`), never guessed from
            # the words typed: ids such as `order-defect-rate` would turn a Chinese screen English.
            return Request(kind="command", text=rest, **base)
        return error(
            pick(lang, en=f"Commands start with /{root} (got {head}).", zh=f"命令以 /{root} 开头（收到的是 {head}）。"),
            usage=f"/{root} help",
            lang=lang,
        )
    return Request(kind="message", text=text, **base)


def _numbered_press(req: Request | Response, last_choices: list[str], lang: str = "en") -> Request | Response:
    """`!2` presses the second button of the last response that had buttons."""
    if isinstance(req, Request) and req.kind == "message" and re.fullmatch(r"![0-9]{1,2}", req.text.strip()):
        number = int(req.text.strip()[1:])
        if not last_choices:
            return error(pick(lang, en=f"There is no button {number}: no message has shown buttons yet.",
                              zh=f"没有第 {number} 个按钮：还没有消息显示过按钮。"))
        if not 1 <= number <= len(last_choices):
            return error(pick(lang, en=f"There is no button {number} on the last message (it had {len(last_choices)}).",
                              zh=f"上一条消息没有第 {number} 个按钮（只有 {len(last_choices)} 个）。"))
        return req.model_copy(update={"kind": "choice", "values": [last_choices[number - 1]], "text": ""})
    return req


async def _lines(stream: IO[str], prompt: str | None):
    loop = asyncio.get_running_loop()
    while True:
        if prompt is not None:
            line = await loop.run_in_executor(None, _prompted_input, prompt)
        else:
            line = await loop.run_in_executor(None, stream.readline)
            if line == "":
                line = None
        if line is None:
            return
        yield line


def _prompted_input(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


async def run_console(
    services: Services,
    *,
    json_mode: bool = False,
    user: str = "console-user",
    channel: str = "console",
    lang: str = "en",
    workspace: str = "",
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
) -> int:
    """Read lines until end of input, answer each, exit 0."""
    stdin = stdin or sys.stdin
    if hasattr(stdin, "reconfigure"):
        # Broken bytes become U+FFFD: a strict decoder would stop the console at the first one, and
        # the surrogateescape of a C locale would carry them into SQLite and into `--json` output,
        # which must stay valid UTF-8.
        stdin.reconfigure(errors="replace")
    printer = ConsolePrinter(stdout, json_mode=json_mode, lang=lang)
    root = services.config.root_command
    interactive = stdin.isatty() and not json_mode
    await services.start({"console": ConsoleSender(printer)})
    try:
        if interactive:
            printer.rich.print(f"[bold]sellerbot[/bold] console — type [bold]/{root} help[/bold], Ctrl-D to quit.")
        last_choices: list[str] = []
        async for line in _lines(stdin, f"{root}> " if interactive else None):
            req = parse_line(line, root=root, user=user, channel=channel, lang=lang, workspace=workspace)
            if req is None:
                continue
            req = _numbered_press(req, last_choices, lang)
            response = req if isinstance(req, Response) else await services.dispatcher.handle(req)
            if response is not None and response.choices:
                last_choices = [c.value for c in response.choices]
            if response is None:
                helping = services.app.typed(lang, "help")
                response = error(
                    pick(lang, en=f"No dialogue is waiting for an answer here. Type /{root} {helping} to see the commands.",
                         zh=f"这里没有等待回答的对话。输入 /{root} {helping} 查看所有命令。"),
                    usage=f"/{root} {helping}",
                    lang=lang,
                )
            if response.channel is None:
                response.channel = channel
            printer.show(response)
    finally:
        await services.stop()
    return 0
