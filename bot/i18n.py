"""Language detection and bilingual strings: answers follow the language of the question."""

from __future__ import annotations

import re
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


def pick(lang: str, *, en: str, zh: str) -> str:
    """The string for the language: `pick(req.lang, en="Saved", zh="已保存")`."""
    return zh if lang == "zh" else en


class Text(NamedTuple):
    """A string in both interface languages, declared together so neither can be forgotten."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return pick(lang, en=self.en, zh=self.zh)
