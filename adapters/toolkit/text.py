"""Clipping and splitting text to the character limits of a platform's fields."""

from __future__ import annotations

ELLIPSIS = "…"


def clip(text: str, limit: int, *, at_word: bool = True) -> str:
    """At most `limit` characters, ending in "…" when cut. With `at_word`, the cut moves back to a
    line or word boundary when one is near (past 60% of the limit), so a label does not end mid-word;
    without it the text is filled to the limit (an embed description shows as much as it can)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if at_word:
        boundary = max(cut.rfind("\n"), cut.rfind(" "))
        if boundary > limit * 0.6:
            cut = cut[:boundary]
    return cut.rstrip() + ELLIPSIS


def chunks(text: str, limit: int) -> list[str]:
    """Long text in pieces of at most `limit` characters, split at a paragraph end, else a line end,
    else a space (each when it keeps at least half a piece), else anywhere."""
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
