"""Synthetic knowledge bases of any size, for benchmarks: `write_synthetic_kb(folder, 1000)`.

Synthetic articles follow the real format (front matter, twin en/zh sections) and draw their words
from the real articles with the real frequencies, so posting lists are as long as they would be
in a big real knowledge base: common words ("amazon", "卖家") appear everywhere, rare ones rarely.
Each has a unique topic code, so the real articles' questions still have one right answer.
"""

from __future__ import annotations

import random
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import frontmatter

ROOT = Path(__file__).resolve().parent.parent
REAL_KNOWLEDGE = ROOT / "knowledge"

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*|\d+%?")
_ZH_RUN = re.compile(r"[\u4e00-\u9fff]{2,4}")
_FALLBACK_EN = "amazon seller account order rate appeal policy buyer days target claim review".split()
_FALLBACK_ZH = "亚马逊 卖家 账号 订单 申诉 买家 政策 绩效 索赔 发货 物流 审核".split()


def _vocabulary(real_dir: Path) -> tuple[Counter, Counter]:
    """Word frequencies of the real articles' English and Chinese sections."""
    en: Counter = Counter()
    zh: Counter = Counter()
    for path in sorted((real_dir / "articles").glob("*.md")) if real_dir.is_dir() else []:
        body = frontmatter.loads(path.read_text(encoding="utf-8")).content
        for block in re.split(r"^## ", body, flags=re.MULTILINE):
            if block.startswith("[en]"):
                en.update(w.lower() for w in _EN_WORD.findall(block[4:]))
            elif block.startswith("[zh]"):
                zh.update(_ZH_RUN.findall(block[4:]))
    return en or Counter(_FALLBACK_EN), zh or Counter(_FALLBACK_ZH)


_INTENTS = ["definition", "limit", "time", "consequence", "howto", "where", "write", "example"]


def _sentence(rng: random.Random, words: list[str], weights: list[int], length: int, sep: str) -> str:
    return sep.join(rng.choices(words, weights=weights, k=length))


def synthetic_articles(count: int, *, seed: int = 0, sections: int = 4, real_dir: Path = REAL_KNOWLEDGE) -> Iterator[tuple[str, str]]:
    """`count` synthetic articles as (id, Markdown text), deterministic for a seed."""
    rng = random.Random(seed)
    en, zh = _vocabulary(real_dir)
    en_words, en_weights = list(en), list(en.values())
    zh_words, zh_weights = list(zh), list(zh.values())
    for number in range(count):
        article_id = f"synthetic-{number:05d}"
        code = f"SX{number:05d}"
        topic_en = _sentence(rng, en_words, en_weights, 3, " ")
        topic_zh = _sentence(rng, zh_words, zh_weights, 2, "")
        body: list[str] = []
        asks: list[str] = []
        for i in range(sections):
            en_title = f"{code} {topic_en} {i + 1}: {_sentence(rng, en_words, en_weights, 4, ' ')}"
            en_text = ". ".join(_sentence(rng, en_words, en_weights, rng.randint(9, 14), " ") for _ in range(3)) + "."
            zh_title = f"{code}{topic_zh}{i + 1}：{_sentence(rng, zh_words, zh_weights, 3, '')}"
            zh_text = "。".join(_sentence(rng, zh_words, zh_weights, rng.randint(8, 12), "") for _ in range(3)) + "。"
            body.append(f"## [en] {en_title} {{#s{i + 1}}}\n{en_text[:600]}\n\n## [zh] {zh_title}\n{zh_text[:600]}\n")
            asks.append(
                f"  s{i + 1}:\n    intent: [{rng.choice(_INTENTS)}]\n    ask:\n"
                f"      en: [\"{_sentence(rng, en_words, en_weights, 6, ' ')}?\", \"{_sentence(rng, en_words, en_weights, 5, ' ')}?\"]\n"
                f"      zh: [\"{_sentence(rng, zh_words, zh_weights, 4, '')}？\", \"{_sentence(rng, zh_words, zh_weights, 3, '')}？\"]\n"
            )
        front = (
            "---\n"
            f"id: {article_id}\n"
            f"title:\n  en: \"{code} {topic_en}\"\n  zh: \"{code}{topic_zh}\"\n"
            "marketplaces: [amazon-us]\n"
            "tags: [synthetic]\n"
            f"aliases:\n  en: [{code.lower()}, {_sentence(rng, en_words, en_weights, 2, ' ')}]\n"
            f"  zh: [{_sentence(rng, zh_words, zh_weights, 2, '')}]\n"
            f"questions:\n  en: [\"{_sentence(rng, en_words, en_weights, 6, ' ')}?\"]\n"
            f"  zh: [\"{_sentence(rng, zh_words, zh_weights, 4, '')}？\"]\n"
            "sections:\n" + "".join(asks) +
            "related: []\n"
            "source: \"synthetic benchmark article\"\n"
            "verified_on: 2026-11-01\n"
            "review_every: 365\n"
            "---\n\n"
        )
        yield article_id, front + "\n".join(body)


def write_synthetic_kb(folder: Path, articles: int, *, seed: int = 0, include_real: bool = True,
                       real_dir: Path = REAL_KNOWLEDGE) -> Path:
    """A knowledge folder of `articles` articles in all: the real ones (when `include_real`) plus
    synthetic ones, with the real synonyms and targets. Returns the folder."""
    folder = Path(folder)
    target = folder / "articles"
    target.mkdir(parents=True, exist_ok=True)
    real = sorted((real_dir / "articles").glob("*.md")) if include_real else []
    for path in real:
        shutil.copy(path, target / path.name)
    for data in ("synonyms.yaml", "targets.yaml"):
        if (real_dir / data).exists():
            shutil.copy(real_dir / data, folder / data)
    for article_id, text in synthetic_articles(max(0, articles - len(real)), seed=seed, real_dir=real_dir):
        (target / f"{article_id}.md").write_text(text, encoding="utf-8")
    return folder
