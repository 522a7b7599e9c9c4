"""The policy knowledge base: articles -> index -> the best passage for a question.

`build(services)` is what `Services.kb` calls, once per process, lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.articles import Article, ArticleError, Section, load_articles
from bot.knowledge.service import Answer, KnowledgeBase
from bot.knowledge.store import KnowledgeStore, Who
from bot.store import is_url

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["Answer", "Article", "ArticleError", "KnowledgeBase", "KnowledgeStore", "Section", "Who", "build", "load_articles"]


def build(services: "Services") -> KnowledgeBase:
    if is_url(services.config.db):  # a database server: the index is kept in the working folder
        cache_dir: Path | None = Path.cwd() / ".sellerbot-cache"
    else:
        db = Path(services.config.db)
        cache_dir = db.parent / ".sellerbot-cache" if str(db) != ":memory:" else None
    return KnowledgeBase(services.config.knowledge_dir, KnowledgeStore(services.store), cache_dir)
