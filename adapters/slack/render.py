"""A platform-neutral `Response` as a Slack message: Block Kit blocks plus a text fallback.

Everything the core says becomes blocks within Slack's limits (3,000 characters per section,
50 blocks, 75-character button labels, 2,000-character button values, 150-character option
values); what does not fit is cut with an ellipsis rather than refused by Slack. Text typed by
users is data: `&`, `<` and `>` are escaped, so nobody can smuggle an `<!channel>` ping through a
store name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.i18n import pick
from bot.model import Choice, Response

SECTION_CHARS = 3000
HEADER_CHARS = 150
CONTEXT_ELEMENTS = 10
MAX_BLOCKS = 50
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
OPTION_TEXT = 75
OPTION_VALUE = 150
MAX_OPTIONS = 100
ACTION_ELEMENTS = 25
MAX_BUTTONS = 10
"""More single choices than this become one drop-down instead of a wall of buttons."""
FALLBACK_CHARS = 3000
PREVIEW_CHARS = 700
"""A letter delivered as a file is previewed in the message up to this length."""

ACTION_PREFIX = "sb:"
BUTTON_ACTION = "sb:btn:"
PICK_ACTION = "sb:pick"
MULTI_ACTION = "sb:multi"
DONE_ACTION = "sb:done"
DONE_VALUE = "sb:done"


@dataclass
class SlackMessage:
    text: str
    blocks: list[dict] = field(default_factory=list)


def escape(text: str) -> str:
    """Slack's three control characters, so user text never becomes a mention or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_USER_ID = re.compile(r"[UW][A-Z0-9]+")


def mention_markup(user: str) -> str:
    """`<@U123>` for a Slack user id (also given as `<@U123>` or `@U123`); other names stay text."""
    bare = user.strip().removeprefix("<@").removesuffix(">").lstrip("@")
    return f"<@{bare}>" if _USER_ID.fullmatch(bare) else escape(f"@{bare}")


_SLACK_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def typed_text(text: str) -> str:
    """What the user typed, from Slack's wire form: links and e-mail addresses Slack wrapped
    (`<mailto:a@b.com|a@b.com>`) back to their text, entities (`&amp;`) back to characters."""

    def plain(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "!")):
            return match.group(0)  # a mention stays a mention
        if target.startswith("#"):
            return f"#{label}" if label else target
        return label or target.removeprefix("mailto:")

    text = _SLACK_MARKUP.sub(plain, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


def mrkdwn(text: str) -> str:
    """Escaped text with the little Markdown the core uses turned into Slack's mrkdwn."""
    return _HEADING.sub(r"*\1*", _BOLD.sub(r"*\1*", escape(text)))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word or line boundary when one is near, with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    boundary = max(cut.rfind("\n"), cut.rfind(" "))
    if boundary > limit * 0.6:
        cut = cut[:boundary]
    return cut.rstrip() + "…"


def chunks(text: str, limit: int = SECTION_CHARS) -> list[str]:
    """Split long text into pieces of at most `limit` characters, at paragraph or line ends."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n\n", 0, limit)
        if cut < limit * 0.5:
            cut = rest.rfind("\n", 0, limit)
        if cut < limit * 0.5:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    if rest.strip():
        pieces.append(rest)
    return pieces


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _plain(text: str, limit: int) -> dict:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def _context(lines: list[str]) -> dict:
    lines = [line for line in lines if line]
    if len(lines) > CONTEXT_ELEMENTS:
        lines = lines[: CONTEXT_ELEMENTS - 1] + ["\n".join(lines[CONTEXT_ELEMENTS - 1 :])]
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(line, SECTION_CHARS)} for line in lines]}


Shorten = Callable[[str, int], str]


def _keep(value: str, limit: int) -> str:
    return value[:limit]


def _button(choice: Choice, action_id: str, shorten: Shorten) -> dict:
    button = {
        "type": "button",
        "action_id": action_id,
        "text": _plain(choice.label, BUTTON_TEXT),
        "value": shorten(choice.value, BUTTON_VALUE),
    }
    if choice.style:
        button["style"] = choice.style
    return button


def _options(choices: list[Choice], shorten: Shorten) -> list[dict]:
    return [{"text": _plain(c.label, OPTION_TEXT), "value": shorten(c.value, OPTION_VALUE)} for c in choices[:MAX_OPTIONS]]


def _multi_blocks(response: Response, lang: str, shorten: Shorten) -> list[dict]:
    """A multi-select of the plain choices, and the styled ones as buttons beside it: a primary
    button (the step's own "done") sends the ticked options with its value; without one, a Done
    button of ours sends the ticked options alone."""
    options = [c for c in response.choices if not c.style]
    actions = [c for c in response.choices if c.style]
    elements: list[dict] = []
    if options:
        elements.append({
            "type": "multi_static_select",
            "action_id": MULTI_ACTION,
            "placeholder": _plain(pick(lang, en="Pick one or more", zh="可多选"), 150),
            "options": _options(options, shorten),
        })
    if not any(c.style == "primary" for c in actions):
        elements.append(_button(Choice(label=pick(lang, en="Done", zh="完成"), value=DONE_VALUE, style="primary"),
                                DONE_ACTION, shorten))
    for index, choice in enumerate(actions):
        action_id = f"{DONE_ACTION}:{index}" if choice.style == "primary" else f"{BUTTON_ACTION}{index}"
        elements.append(_button(choice, action_id, shorten))
    return [{"type": "actions", "block_id": MULTI_ACTION, "elements": elements[:ACTION_ELEMENTS]}]


def _choice_blocks(response: Response, lang: str, shorten: Shorten) -> list[dict]:
    choices = response.choices
    if not choices:
        return []
    if response.multi:
        return _multi_blocks(response, lang, shorten)
    if len(choices) > MAX_BUTTONS:
        select = {
            "type": "static_select",
            "action_id": PICK_ACTION,
            "placeholder": _plain(pick(lang, en="Choose…", zh="请选择…"), 150),
            "options": _options(choices, shorten),
        }
        return [{"type": "actions", "elements": [select]}]
    return [{"type": "actions", "elements": [_button(c, f"{BUTTON_ACTION}{i}", shorten) for i, c in enumerate(choices)]}]


def _source_line(response: Response) -> str | None:
    """Source and verified-on date from the contract fields, when the context does not say them."""
    source, verified = response.data.get("source"), response.data.get("verified_on")
    said = " ".join(response.context)
    parts = []
    if source and str(source) not in said:
        parts.append(f"Source: {source}")
    if verified and str(verified) not in said:
        parts.append(f"Verified on: {verified}")
    return " · ".join(parts) or None


def render(
    response: Response,
    *,
    lang: str = "en",
    shorten: Shorten = _keep,
    mentions: list[str] = (),
    file_note: str | None = None,
) -> SlackMessage:
    """Block Kit for one response. `mentions` are Slack user ids to ping at the start; `file_note`
    says where the attached files went (they are uploaded separately)."""
    ping = "".join(mention_markup(m) + " " for m in dict.fromkeys(mentions))
    head: list[dict] = []
    if response.title:
        head.append({"type": "header", "text": _plain(response.title, HEADER_CHARS)})

    body_text = response.text
    if response.files:
        body_text = clip(body_text, PREVIEW_CHARS)
    body: list[dict] = [_section(piece) for piece in chunks(ping + mrkdwn(body_text))] if body_text or ping else []
    for section in response.sections:
        text = (f"*{mrkdwn(section.title)}*\n" if section.title else "") + mrkdwn(section.text)
        body.extend(_section(piece) for piece in chunks(text))

    tail: list[dict] = []
    if response.files:
        names = ", ".join(f.filename for f in response.files)
        note = file_note or pick(lang, en="full text attached", zh="全文见附件")
        tail.append(_context([f"📎 {escape(names)} — {escape(note)}"]))
    if response.input:
        hint = pick(lang, en="Reply in this thread", zh="请在此话题中回复")
        label = mrkdwn(response.input.label)
        placeholder = f" ({mrkdwn(response.input.placeholder)})" if response.input.placeholder else ""
        tail.append(_context([f"✏️ *{label}*{placeholder} — {hint}"]))
    small_print = [mrkdwn(line) for line in response.context]
    source = _source_line(response)
    if source:
        small_print.append(mrkdwn(source))
    if small_print:
        tail.append(_context(small_print))
    tail.extend(_choice_blocks(response, lang, shorten))

    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        body = body[: room - 1] + [_context([pick(lang, en="… (cut to fit Slack)", zh="……（超出 Slack 长度，已截断）")])]

    fallback = ping + escape(response.plain_text())
    if response.files:
        fallback = ping + escape(clip(response.plain_text(), PREVIEW_CHARS))
    return SlackMessage(text=clip(fallback, FALLBACK_CHARS), blocks=head + body + tail)
