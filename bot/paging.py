"""One page of a long list, with its count and the buttons to the next and previous pages.

A list of 150 cases cannot go into one chat message, and an adapter that cut it "to fit" would hide
cases without saying which. So the command builds one page: at most `PAGE_SIZE` lines of at most
`LINE_MAX` characters (4,000 characters at most, which every platform shows whole in one message:
Discord's 4,096-character embed description is the smallest limit), says which items these are
("21–40 of 150") and offers a choice whose value runs the same list command for the next page.
Adapters render the page like any response and know nothing of paging.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.errors import UsageError
from bot.i18n import pick
from bot.model import ACTION_PREFIX, Choice

PAGE_SIZE = 20
LINE_MAX = 190
PAGE_WORDS = ("page", "页", "页码")
"""The words before a page number in a list command (`page 2`, `页 2`)."""

T = TypeVar("T")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with "…" when shortened (one line of a list, a note in it)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def line(text: str) -> str:
    """One list line, kept within the page's budget (the full item is one `show` away)."""
    return clip(text, LINE_MAX)


def command_line(*words: str | None) -> str:
    """A command line from words, each quoted if it holds spaces (`store "Anker EU"`)."""
    return " ".join(w if w and " " not in w and '"' not in w and "'" not in w else shlex.quote(w)
                    for w in words if w)


@dataclass
class Page(Generic[T]):
    items: list[T]
    number: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """1-based position of the first item on this page (0 when the list is empty)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    def count(self, lang: str) -> str:
        """"1–20 of 150" / "第 1–20 条，共 150 条"."""
        if not self.total:
            return pick(lang, en="0 of 0", zh="共 0 条")
        return pick(lang, en=f"{self.first}–{self.last} of {self.total}",
                    zh=f"第 {self.first}–{self.last} 条，共 {self.total} 条")

    def choices(self, lang: str, command: str) -> list[Choice]:
        """Buttons running `command page N` for the pages before and after this one."""
        found = []
        if self.number > 1:
            found.append(Choice(label=pick(lang, en="◀ Previous page", zh="◀ 上一页"),
                                value=f"{ACTION_PREFIX}{command} page {self.number - 1}"))
        if self.number < self.pages:
            start, end = self.last + 1, min(self.last + self.size, self.total)
            found.append(Choice(label=pick(lang, en=f"Next page ({start}–{end}) ▶", zh=f"下一页（{start}–{end}）▶"),
                                value=f"{ACTION_PREFIX}{command} page {self.number + 1}", style="primary"))
        return found

    def data(self) -> dict:
        """The scripting contract's paging fields of a `list` (DESIGN.md: `total`, `page`, `pages`),
        with the positions of the first and last item shown (from 1; 0 on an empty list)."""
        return {"total": self.total, "page": self.number, "pages": self.pages, "first": self.first,
                "last": self.last, "size": self.size}


def page_number(typed: str, lang: str) -> int:
    """The page a user typed after `page` (`2`, `#2`); anything else, `-1` and `0` among them, is a
    usage error that says what a page number is."""
    digits = typed.lstrip("#")
    if digits.isascii() and digits.isdigit() and len(digits) <= 6 and int(digits) >= 1:
        return int(digits)
    raise UsageError(pick(lang, en=f"`{typed}` is not a page number: pages are numbered 1, 2, 3…, e.g. page 2.",
                          zh=f"`{typed}` 不是页码：页码从 1 开始（1、2、3…），例如 页 2。"))


def page_of(items: list[T], number: int, lang: str, size: int = PAGE_SIZE) -> Page[T]:
    """Page `number` (from 1) of `items`; a page past the end is a usage error that says how many."""
    if number < 1:
        raise UsageError(pick(lang, en="Pages are numbered from 1.", zh="页码从 1 开始。"))
    page: Page[T] = Page(items=[], number=number, total=len(items), size=size)
    if number > page.pages:
        raise UsageError(pick(lang, en=f"There is no page {number}: the list has {len(items)} in all, and its last page is {page.pages}.",
                              zh=f"没有第 {number} 页：共 {len(items)} 条，最后一页是第 {page.pages} 页。"))
    page.items = items[(number - 1) * size: number * size]
    return page
