"""The knowledge service: the current index, questions answered or not, reloads without restart.

The index is immutable; a reload builds a new one beside it and swaps one reference, so a question
being answered never sees half an index. A reload that finds a broken file keeps the old index in
service and reports every problem with its file name.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import pickle
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from bot.knowledge.articles import Article, ArticleError, Section, load_articles
from bot.knowledge.export import ExportError, export_question
from bot.knowledge.index import Hit, Index
from bot.knowledge.intents import IntentReader
from bot.knowledge.store import KnowledgeStore, Who
from bot.knowledge.text import Analyzer, Synonyms, teach, warm_up
from bot.store import is_storage_fault

log = logging.getLogger("sellerbot.knowledge")

_BUILT: dict[str, tuple[tuple, Index, list[str]]] = {}
"""The latest index built in this process per folder, with the fingerprint of its files: services
created over an unchanged folder (every test, every `sellerbot ask`) share it; a reload replaces it."""
_BUILT_LOCK = threading.Lock()


def _fingerprint(directory: Path) -> tuple:
    files = sorted((directory / "articles").glob("*.md")) + [directory / "synonyms.yaml", directory / "intents.yaml"]
    out = []
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue
        out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def build_index(directory: Path) -> tuple[Index, list[str]]:
    """Read the folder and index every valid article; also returns the problems found."""
    directory = Path(directory)
    errors: list[str] = []
    synonyms_path = directory / "synonyms.yaml"
    synonyms = Synonyms.empty()
    if synonyms_path.exists():
        try:
            synonyms = Synonyms.load(synonyms_path)
        except yaml.YAMLError as exc:
            errors.append(f"synonyms.yaml: not valid YAML ({str(exc).splitlines()[0]})")
        except (ValueError, OSError) as exc:
            errors.append(str(exc))
    intents = IntentReader({})
    try:
        intents = IntentReader.load(directory / "intents.yaml")
    except yaml.YAMLError as exc:
        errors.append(f"intents.yaml: not valid YAML ({str(exc).splitlines()[0]})")
    except (ValueError, OSError) as exc:
        errors.append(str(exc))
    result = load_articles(directory / "articles")
    errors += result.errors
    domain_words = list(synonyms.words) + synonyms.chinese_phrases()
    for article in result.articles.values():
        domain_words += list(article.aliases.get("zh", ())) + [article.title["zh"]]
    warm_up(domain_words)
    analyzer = Analyzer(synonyms)
    index = Index(result.articles.values(), analyzer, intents)
    index.domain_words = domain_words
    return index, errors


def _code_version() -> str:
    """What the saved index depends on besides the knowledge: this package's code and the libraries
    that cut and score the text. jieba's is read from its source (its `__init__` carries its version),
    not imported: a process loading a saved index imports jieba only to cut Chinese text."""
    import importlib.util

    import bm25s

    digest = hashlib.sha256(bm25s.__version__.encode())
    jieba = importlib.util.find_spec("jieba")
    if jieba is not None and jieba.origin:
        digest.update(Path(jieba.origin).read_bytes())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def content_key(directory: Path) -> str:
    """A hash of every file the index is built from, and of the code that builds it."""
    digest = hashlib.sha256(_code_version().encode())
    files = sorted((directory / "articles").glob("*.md")) + [directory / "synonyms.yaml", directory / "intents.yaml"]
    for path in files:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            if path.is_symlink():  # a broken link is a problem the build reports, not a missing file
                data = b"\0broken link"
            else:
                continue
        except OSError as exc:  # a folder named *.md, no permission: the build reports it
            data = f"\0unreadable {type(exc).__name__}".encode()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:20]


def load_or_build(directory: Path, cache_dir: Path | None) -> tuple[Index, list[str]]:
    """The index saved for exactly these files and this code, else a new one (saved when clean).

    Building cuts every section and example question with jieba: a minute or two at 10,000
    articles, so a restart over an unchanged knowledge base loads the saved one instead."""
    if cache_dir is None:
        return build_index(directory)
    path = Path(cache_dir) / f"knowledge-index-{content_key(directory)}.pickle"
    try:
        with path.open("rb") as handle:
            index = _unpickle(handle)
        teach(getattr(index, "domain_words", ()))  # jieba itself loads with the first Chinese text
        return index, []
    except FileNotFoundError:
        pass
    except Exception as exc:  # a torn or foreign file: rebuild and overwrite it
        log.warning("knowledge: saved index %s unusable (%s); rebuilding", path.name, exc)
    index, errors = build_index(directory)
    if not errors:
        _save(index, path)
    return index, errors


def _unpickle(handle):
    """pickle.load with the cyclic garbage collector paused: a 10k index is a few hundred thousand
    objects (articles, sections), each allocation counting towards a collection that walks all the
    objects made so far and finds no garbage; paused, the load takes half the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)
    finally:
        if enabled:
            gc.enable()


def _save(index: Index, path: Path) -> None:
    """Write atomically (a reader never sees half a file) and drop indexes of older versions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("knowledge-index-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:  # a read-only or full disk costs the next start time, nothing else
        log.warning("knowledge: could not save the index (%s)", exc)


def _log_or_not(write, *args):
    """Log an asked question, or, when the database cannot take the write (a full disk), answer
    anyway: the answer is read from the index, and the log only serves the curators and the votes.
    Returns what `write` returned, None when it failed."""
    try:
        return write(*args)
    except Exception as exc:
        if not is_storage_fault(exc):
            raise  # a bug, not the disk
        log.warning("knowledge: question not logged (%s)", exc)
        return None


@dataclass(frozen=True)
class Answer:
    """What `ask` found: the best hit when it answers, the closest topics otherwise."""

    question: str
    lang: str
    answered: bool
    hit: Hit | None
    related: list[Article] = field(default_factory=list)
    closest: list[Hit] = field(default_factory=list)
    """When it does not answer: the closest sections, best first (several may share an article)."""
    answer_id: int | None = None
    alternatives: list[Hit] = field(default_factory=list)
    """Other sections that compete with the answer (shown as "other possible answers")."""
    logged: bool = True
    """Whether the question reached the log (curators' gaps, votes): not when the disk is full."""


class KnowledgeBase:
    def __init__(self, directory: Path, store: KnowledgeStore, cache_dir: Path | None = None):
        self.directory = Path(directory)
        self.store = store
        self.cache_dir = cache_dir
        key, fingerprint = str(self.directory.resolve()), _fingerprint(self.directory)
        with _BUILT_LOCK:
            built = _BUILT.get(key)
            if built is None or built[0] != fingerprint:
                index, errors = load_or_build(self.directory, cache_dir)
                built = _BUILT[key] = (fingerprint, index, errors)
        _, self._index, self.errors = built
        self._terms_cache: dict = {}
        self._taught_read: tuple = (None, None, ())
        """(index, taught_version, taught questions) as last read for `ask`."""
        for problem in self.errors:
            log.warning("knowledge: %s", problem)

    @property
    def index(self) -> Index:
        return self._index

    def prepare(self) -> None:
        """Load now what the first Chinese question would wait for: jieba's dictionary (~0.2 s
        once). Long-running processes call it before they serve; a one-shot `sellerbot ask` does
        not, so an English question there never loads jieba."""
        warm_up()

    def reload(self) -> Index:
        """Re-read every file; swap the new index in only if nothing is broken."""
        index, errors = load_or_build(self.directory, self.cache_dir)
        if errors:
            raise ArticleError(errors)
        self._index, self.errors = index, []
        with _BUILT_LOCK:
            _BUILT[str(self.directory.resolve())] = (_fingerprint(self.directory), index, [])
        return index

    def article(self, article_id: str) -> Article | None:
        return self._index.article(article_id)

    def ask(self, question: str, lang: str, who: Who, now: datetime) -> Answer:
        """Answer in `lang` from the best section, or log the question as a gap."""
        index = self._index  # one index for the whole question, even if a reload swaps it
        result = index.search(question, lang, limit=6, taught=self._taught(index))
        at = now.isoformat()
        if not result.answered or result.best is None:
            logged = _log_or_not(self.store.log_unanswered, question, lang, who, at) is not None
            return Answer(question, lang, False, None, closest=[h for h in result.hits[:3] if h.score > 0],
                          logged=logged)
        hit = result.best
        answer_id = _log_or_not(
            self.store.log_answer,
            question, lang, hit.article.id, hit.section.position, hit.section.title, hit.score, who, at, hit.section.id
        )
        return Answer(question, lang, True, hit, related=self._related(index, hit, result.hits), answer_id=answer_id,
                      alternatives=result.alternatives, logged=answer_id is not None)

    def _taught(self, index: Index) -> tuple[tuple[frozenset[str], str, str], ...]:
        """Taught questions as the index recognises them, checked at each question so a `kb teach` in
        any process counts at once, but read again only when the table may have changed (the
        store's `taught_version`): most questions cost one cheap check, not a read of every row."""
        index_read, version_read, taught = self._taught_read
        version = self.store.taught_version()  # before the rows: a change meanwhile is read next time
        if index_read is index and version_read == version:
            return taught
        cache = self._terms_cache
        if cache.get(None) is not index:  # terms depend on the index's synonyms: a reload recomputes them
            cache.clear()
            cache[None] = index
        out = []
        for row in self.store.taught():
            terms = cache.get(row["question"])
            if terms is None:
                terms = cache[row["question"]] = index.taught_terms(row["question"])
            out.append((terms, row["article"], row["section"]))
        self._taught_read = (index, version, tuple(out))
        return self._taught_read[2]

    def candidates(self, question: str, lang: str, exclude: tuple[str, str] | None = None, limit: int = 3) -> list[Hit]:
        """The sections that could answer a question, best first (for "which one was right?")."""
        hits = self._index.search(question, lang, limit=limit + 1).hits
        return [h for h in hits if (h.article.id, h.section.id) != exclude][:limit]

    def resolve(self, target: str, lang: str) -> tuple[Article, Section] | None:
        """`article#section` (or a bare article: its first section) -> the section in `lang`."""
        article_id, _, section_id = target.strip().lower().partition("#")
        article = self.article(article_id)
        if article is None:
            return None
        sections = self.sections(article, lang)
        if not section_id:
            return article, sections[0]
        section = next((s for s in sections if s.id == section_id), None)
        return (article, section) if section is not None else None

    @staticmethod
    def _related(index: Index, hit: Hit, hits: list[Hit], limit: int = 3) -> list[Article]:
        """The article's own `related` first, then the next best topics of the search.

        Articles are told apart by id (one article per id in an index): comparing the dataclasses
        themselves compares every field, sections and all, at each `in`."""
        out: list[Article] = []
        ids: set[str] = set()
        for article_id in hit.article.related:
            article = index.article(article_id)
            if article is not None and article.id not in ids:
                out.append(article)
                ids.add(article.id)
        for other in hits[1:]:
            if other.coverage >= 0.5 and other.article.id not in ids and other.article.id != hit.article.id:
                out.append(other.article)
                ids.add(other.article.id)
        return out[:limit]

    def export_taught(self) -> tuple[list[dict], list[str]]:
        """Write every taught question not yet exported into its article file; returns the rows
        written and the problems (a question whose section is gone stays in the database)."""
        written, problems = [], []
        for row in self.store.taught():
            if row["exported"]:
                continue
            article = self.article(row["article"])
            if article is None or article.section(row["section"], row["lang"]) is None:
                problems.append(f"{row['article']}#{row['section']}: no such section now (“{row['question']}”)")
                continue
            try:
                export_question(Path(article.path), row["section"], row["lang"], row["question"])
            except (ExportError, OSError) as exc:
                problems.append(str(exc))
                continue
            written.append(row)
        self.store.mark_exported([row["id"] for row in written])
        return written, problems

    def stale(self, today: date) -> list[Article]:
        """Articles past their review date, the longest overdue first."""
        return sorted((a for a in self._index.articles if a.is_stale(today)), key=lambda a: (a.review_due, a.id))

    def sections(self, article: Article, lang: str) -> tuple[Section, ...]:
        return article.sections.get(lang) or article.sections["en"]
