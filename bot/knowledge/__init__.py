"""The policy knowledge base: articles -> index -> the best passage for a question.

`build(services)` is what `Services.kb` calls, once per process, lazily.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.articles import Article, ArticleError, Section, load_articles
from bot.knowledge.service import Answer, KnowledgeBase
from bot.knowledge.store import KnowledgeStore, Who
from bot.store import is_url

if TYPE_CHECKING:
    from bot.config import Config
    from bot.services import Services

__all__ = ["Answer", "Article", "ArticleError", "KnowledgeBase", "KnowledgeStore", "Section", "Who", "build",
           "cache_folder", "load_articles"]


def cache_folder(config: "Config") -> Path | None:
    """Where the index is saved between starts: `SELLERBOT_CACHE_DIR`, else beside a SQLite database
    (`.sellerbot-cache/`, with the state it belongs to), else — the database is a server, so there is
    no folder of ours — the user's cache folder (`$XDG_CACHE_HOME/sellerbot`, else
    `~/.cache/sellerbot`), never the working folder, which may be read-only or another project's.
    None for an in-memory database: nothing is saved.

    In a shared folder (the first and the last), a folder per knowledge folder: a saved index names
    its articles' files, and `kb export` writes into them, so two knowledge folders with the same
    content (two checkouts, two deployments) must never share an index."""
    if not is_url(config.db) and config.cache_dir is None:
        return None if config.db == ":memory:" else Path(config.db).parent / ".sellerbot-cache"
    if config.cache_dir is not None:
        base = Path(config.cache_dir)
    else:
        home = os.environ.get("XDG_CACHE_HOME", "")
        base = (Path(home) if os.path.isabs(home) else Path.home() / ".cache") / "sellerbot"
    folder = str(Path(config.knowledge_dir).resolve())
    return base / ("kb-" + hashlib.sha256(folder.encode()).hexdigest()[:16])


def build(services: "Services") -> KnowledgeBase:
    return KnowledgeBase(services.config.knowledge_dir, KnowledgeStore(services.store), cache_folder(services.config))
