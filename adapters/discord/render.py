"""Draws a platform-neutral `Response` as Discord embeds and file attachments.

One embed per response: the title, the text as its description, one field per section, and the
small print (source, "verified on", usage hints) in the footer. Discord caps an embed (4,096
characters of description, 25 fields of 1,024, 6,000 in all); whatever does not fit is cut with
an ellipsis and the whole text is attached as a file, so nothing the core said is lost.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import discord

from adapters.toolkit.text import chunks, clip
from bot.model import Attachment, Response

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
SHORT_TEXT = 1500
"""Room kept for the text of a response whose sections are long (a preview; the rest is attached)."""
BLANK = "\u200b"
"""A field needs a name; this zero-width space is how Discord shows "no name"."""

COLOURS = {
    "error": discord.Colour.red(),
    "reminder": discord.Colour.gold(),
    "draft": discord.Colour.green(),
    "case": discord.Colour.orange(),
}


@dataclass
class Rendered:
    """The pieces of one Discord message (view aside; see views.py)."""

    embeds: list[discord.Embed]
    files: list[discord.File] = field(default_factory=list)

    def file_kwargs(self) -> dict:
        return {"files": self.files} if self.files else {}


def cut(text: str, limit: int) -> str:
    """The text filled up to `limit` characters, with an ellipsis when it is longer (Discord's
    fields show as much as they can; Slack's labels cut at a word)."""
    return clip(text, limit, at_word=False)


def as_file(attachment: Attachment) -> discord.File:
    return discord.File(io.BytesIO(attachment.content.encode("utf-8")), filename=attachment.filename)


def render(response: Response) -> Rendered:
    """The sections (for a draft: where to send it, the checks) are laid out before the text, so a
    long letter is what gets shortened, never the advice about it; and when the response already
    attaches the whole text (a draft's letter file), the embed points to that file instead of
    attaching a second copy."""
    embed = discord.Embed(colour=COLOURS.get(response.kind, discord.Colour.blurple()))
    used = 0
    truncated = False
    if response.title:
        embed.title = cut(response.title, TITLE_MAX)
        used += len(embed.title)
    if response.context:
        embed.set_footer(text=cut("\n".join(response.context), FOOTER_MAX))
        used += len(embed.footer.text or "")
    holder = next((a for a in response.files if response.text and response.text.strip() in a.content), None)
    pointer = f"… (full text in {holder.filename} / 完整内容见附件 {holder.filename})" if holder else \
        "… (full text attached / 完整内容见附件)"
    text_room = min(len(response.text or ""), DESCRIPTION_MAX, SHORT_TEXT)
    fields: list[tuple[str, str]] = []
    section_room = EMBED_TOTAL_MAX - 100 - used - text_room - len(pointer)
    for section in response.sections:
        for index, piece in enumerate(chunks(section.text, FIELD_VALUE_MAX)):
            name = cut(section.title, FIELD_NAME_MAX) if (section.title and index == 0) else BLANK
            if len(fields) >= FIELDS_MAX - 1 or len(name) + len(piece) > section_room:
                truncated = True
                break
            fields.append((name, piece))
            section_room -= len(name) + len(piece)
            used += len(name) + len(piece)
        if truncated:
            break
    if response.text:
        room = min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - 100 - used - len(pointer))
        embed.description = cut(response.text, room)
        text_cut = embed.description != response.text
        used += len(embed.description)
    else:
        text_cut = False
    for name, piece in fields:
        embed.add_field(name=name, value=piece, inline=False)
    if not (embed.title or embed.description or embed.fields):
        embed.description = BLANK  # Discord refuses an empty embed
    files = [as_file(a) for a in response.files]
    if truncated or text_cut:
        embed.add_field(name=BLANK, value=pointer if (holder and not truncated) else "… (full text attached / 完整内容见附件)",
                        inline=False)
        if truncated or holder is None:
            files.append(as_file(Attachment(filename=f"sellerbot-{response.kind}.md", content=response.plain_text())))
    return Rendered(embeds=[embed], files=files[:10])
