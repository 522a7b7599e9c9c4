"""The platform-neutral Request and Response that flow between adapters and the core.

Adapters build a `Request` from a platform event and render the `Response` the core returns;
commands never see Slack or Discord objects.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from bot.contract import ResponseKind, check_data

RequestKind = Literal["command", "message", "choice"]

ACTION_PREFIX = "cmd:"
"""A choice whose value starts with this runs a command line (e.g. `cmd:kb show order-defect-rate`);
any other choice value is an answer to the dialogue step in progress."""


class Request(BaseModel):
    """What a user did: typed a slash-command, typed a message, or pressed a button."""

    kind: RequestKind = "command"
    text: str = ""
    """For a command, what follows the root command (`ask what is ODR`); for a message, the text."""
    values: list[str] = Field(default_factory=list)
    """For a choice, the value(s) pressed or selected (several for a multi-select)."""
    platform: str = "console"
    user: str = "console-user"
    user_name: str | None = None
    channel: str = "console"
    workspace: str = ""
    """The Slack workspace (team id) or Discord guild id the request comes from ("" for a DM or the
    console): with the platform and the channel, the scope every stored object belongs to."""
    thread: str | None = None
    lang: str = "en"
    """The interface language of the user (`zh` or `en`); answers follow the question's language."""
    roles: list[str] = Field(default_factory=list)
    """Ids of the user's platform roles (Discord) or user groups (Slack), for the permission check;
    never names or handles, which members may be able to create or rename."""
    is_admin: bool = False
    """True when the platform says the user administers the workspace or guild."""
    from_button: bool = False
    """True for a command a button ran (its value `cmd:…`): a button belongs to one message, and
    some commands act on what that message showed only while it still stands."""

    @property
    def value(self) -> str:
        return self.values[0] if self.values else ""


class Choice(BaseModel):
    label: str
    value: str
    style: Literal["primary", "danger"] | None = None


class Section(BaseModel):
    title: str | None = None
    text: str


class Attachment(BaseModel):
    """A file delivered with the response (a letter, an export)."""

    filename: str
    content: str
    mime: str = "text/markdown"


class Input(BaseModel):
    """Asks for free text; platforms with forms (Discord modals) may show a text box."""

    label: str
    long: bool = False
    placeholder: str | None = None


class Response(BaseModel):
    """What the core answers. `data` holds the per-kind fields of the scripting contract, checked
    against the kind's models in `bot.contract` when the response becomes a contract line (adapters
    render any response; the contract is what scripts read)."""

    kind: ResponseKind = ResponseKind.INFO
    text: str
    title: str | None = None
    sections: list[Section] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)
    """Small print: source, verified-on date, hints."""
    choices: list[Choice] = Field(default_factory=list)
    multi: bool = False
    """The choices may be picked several at a time."""
    input: Input | None = None
    files: list[Attachment] = Field(default_factory=list)
    ephemeral: bool = False
    channel: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    lang: str | None = None
    """The interface language the core answered in (set by the dispatcher), for the adapter's own
    words around the response (button hints, notices); not part of the scripting contract."""

    def to_contract(self) -> dict[str, Any]:
        """The flat JSON object of the scripting contract (`sellerbot console --json`). When `data`
        fits none of the kind's models, the tests (SELLERBOT_STRICT_CONTRACT, set by the test suite)
        fail on it, so a command that drops or misspells a field fails its console tests; a user's
        process logs the mismatch and still answers."""
        try:
            check_data(self.kind, self.data)
        except ValidationError:
            if os.environ.get("SELLERBOT_STRICT_CONTRACT"):
                raise
            logging.getLogger("sellerbot").exception("a %s response does not fit the console contract", self.kind.value)
        out: dict[str, Any] = {
            "kind": self.kind.value,
            "text": self.text,
            "channel": self.channel,
            "ephemeral": self.ephemeral,
        }
        if self.title:
            out["title"] = self.title
        if self.sections:
            out["sections"] = [s.model_dump(exclude_none=True) for s in self.sections]
        if self.context:
            out["context"] = self.context
        if self.choices:
            out["choices"] = [c.model_dump(exclude_none=True) for c in self.choices]
            out["multi"] = self.multi
        if self.input:
            out["input"] = self.input.model_dump(exclude_none=True)
        if self.files:
            out["files"] = [f.model_dump() for f in self.files]
        for key, value in self.data.items():
            out.setdefault(key, value)
        return out

    def plain_text(self) -> str:
        """A readable text rendering, used as the fallback of rich renderings too."""
        parts = [f"*{self.title}*" if self.title else None, self.text]
        for section in self.sections:
            parts.append(f"*{section.title}*\n{section.text}" if section.title else section.text)
        if self.choices:
            parts.append("  ".join(f"[{c.label}]" for c in self.choices))
        parts.extend(f"_{line}_" for line in self.context)
        return "\n".join(p for p in parts if p)


def error(text: str, *, usage: str | None = None, example: str | None = None, lang: str = "en") -> Response:
    """A short, clear error: what was wrong, then how to use the command (labelled in `lang`)."""
    context = []
    if usage:
        context.append(("用法：" if lang == "zh" else "Usage: ") + usage)
    if example:
        context.append(("示例：" if lang == "zh" else "Example: ") + example)
    return Response(kind=ResponseKind.ERROR, text=text, context=context, ephemeral=True)
