"""Language detection and bilingual strings: answers follow the language of the question."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_lang(text: str, default: str = "en") -> str:
    """`zh` when the text is mostly Chinese, `en` when mostly Latin words, else `default`.

    Chinese agents mix in English terms ("ODR由哪几部分组成"), so a few Chinese characters win.
    """
    cjk = len(_CJK.findall(text))
    words = len(_LATIN_WORD.findall(text))
    if cjk and cjk >= words:
        return "zh"
    if words:
        return "en"
    return default


def has_chinese(text: str) -> bool:
    """Whether the text holds a Chinese character (a Chinese command word, a Chinese name)."""
    return bool(_CJK.search(text))


def first_chinese(words: Iterable[str], default: str) -> str:
    """The first Chinese word among `words` (the one a Chinese screen shows for a command, an action
    or a keyword), else `default`."""
    return next((w for w in words if has_chinese(w)), default)


def pick(lang: str, *, en: str, zh: str) -> str:
    """The string for the language: `pick(req.lang, en="Saved", zh="已保存")`."""
    return zh if lang == "zh" else en


class Text(NamedTuple):
    """A string in both interface languages, declared together so neither can be forgotten."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return pick(lang, en=self.en, zh=self.zh)


STATUS = {
    "pending": Text("pending", "待发送"),
    "sending": Text("being sent", "发送中"),
    "sent": Text("sent", "已发送"),
    "failed": Text("failed", "发送失败"),
    "cancelled": Text("cancelled", "已取消"),
    "done": Text("done", "已完成"),
    "active": Text("in progress", "进行中"),
    "paused": Text("paused", "已暂停"),
    "open": Text("open", "进行中"),
    "closed": Text("closed", "已关闭"),
    "draft": Text("draft", "草稿"),
}
"""The states of reminders, cases, dialogues and drafts as people read them; the ids stay in `data`."""


def status_label(status: str, lang: str) -> str:
    """`cancelled` as `已取消` on a Chinese screen; an unknown state as stored rather than nothing."""
    label = STATUS.get(status)
    return label.get(lang) if label else status
