"""The policy knowledge base: articles -> index -> the best passage for a question.

`build(services)` is what `Services.kb` calls, once per process, lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.articles import Article, ArticleError, Section, load_articles
from bot.knowledge.service import Answer, KnowledgeBase
from bot.knowledge.store import KnowledgeStore, Who

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["Answer", "Article", "ArticleError", "KnowledgeBase", "KnowledgeStore", "Section", "Who", "build", "load_articles"]


def build(services: "Services") -> KnowledgeBase:
    db = Path(services.config.db)
    cache_dir = db.parent / ".sellerbot-cache" if str(db) != ":memory:" else None
    return KnowledgeBase(services.config.knowledge_dir, KnowledgeStore(services.store.db), cache_dir)
