"""Loading and validating the articles of `knowledge/articles/` (format: knowledge/README.md).

Every problem is collected, each naming its file, so a curator sees all of them at once and a
reload with a broken file can refuse it without taking the bot down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import frontmatter
import yaml

from bot.knowledge.intents import INTENTS

LANGS = ("en", "zh")
MAX_SECTION_CHARS = 600
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HEADING = re.compile(
    r"^##\s*\[(?P<lang>[a-zA-Z-]+)\]\s*(?P<title>.*?)\s*(?:\{#(?P<id>[^}\s]*)\})?\s*$", re.MULTILINE
)
"""`## [en] Title {#section-id}`: the id names the section (and its twin) in links and votes."""


@dataclass(frozen=True)
class Section:
    lang: str
    position: int
    """Index among the sections of that language (the zh twin of en section 2 is zh section 2)."""
    title: str
    text: str
    id: str = ""
    """Stable name of the section and its twin (`limit`): `kb teach odr#limit`, votes, alternatives."""
    intents: tuple[str, ...] = ()
    """The kinds of question the section answers (`bot.knowledge.intents.INTENTS`)."""
    ask: tuple[str, ...] = ()
    """Example questions in this section's language that it answers (curated or taught)."""


@dataclass(frozen=True)
class Article:
    id: str
    title: dict[str, str]
    marketplaces: tuple[str, ...]
    tags: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]
    questions: dict[str, tuple[str, ...]]
    related: tuple[str, ...]
    source: dict[str, str]
    """Where the facts come from, as cited to each language (`{en, zh}`; one string serves both)."""
    verified_on: date
    review_every: int
    sections: dict[str, tuple[Section, ...]]
    path: str = ""

    @property
    def review_due(self) -> date:
        """After this day the article is stale and answers from it say so."""
        return self.verified_on + timedelta(days=self.review_every)

    def is_stale(self, today: date) -> bool:
        return today > self.review_due

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.id

    def source_in(self, lang: str) -> str:
        """The "Source:" line's text: the titles as published, the words around them in `lang`."""
        return self.source.get(lang) or self.source.get("en", "")

    def section(self, section_id: str, lang: str) -> Section | None:
        return next((s for s in self.sections.get(lang, ()) if s.id == section_id), None)


@dataclass
class LoadResult:
    articles: dict[str, Article] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class ArticleError(ValueError):
    """One or more articles are broken; the message lists every problem with its file."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def _bilingual_list(meta: dict, key: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    value = meta.get(key)
    if not isinstance(value, dict):
        problems.append(f"`{key}` must have `en` and `zh` lists")
        return {lang: () for lang in LANGS}
    out = {}
    for lang in LANGS:
        items = value.get(lang)
        if not isinstance(items, list) or not all(isinstance(i, (str, int, float)) for i in items):
            problems.append(f"`{key}.{lang}` must be a list of strings")
            items = []
        out[lang] = tuple(str(i).strip() for i in items if str(i).strip())
    return out


def _str_list(meta: dict, key: str, problems: list[str], *, required: bool = True) -> tuple[str, ...]:
    value = meta.get(key, None if required else [])
    if not isinstance(value, list) or not all(isinstance(i, str) for i in value):
        problems.append(f"`{key}` must be a list of strings")
        return ()
    return tuple(i.strip() for i in value if i.strip())


def _ask_lists(value: object, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    """`ask: {en: [...], zh: [...]}`; either language may be missing."""
    if not isinstance(value, dict):
        problems.append(f"{where}.ask must have `en` and/or `zh` lists")
        return {lang: () for lang in LANGS}
    out = {}
    for lang in LANGS:
        items = value.get(lang) or []
        if not isinstance(items, list) or not all(isinstance(i, (str, int, float)) for i in items):
            problems.append(f"{where}.ask.{lang} must be a list of questions")
            items = []
        out[lang] = tuple(str(i).strip() for i in items if str(i).strip())
    return out


def _section_meta(meta: dict, problems: list[str]) -> dict[str, dict]:
    """`sections:` of the front matter: section id -> {intents, ask: {en, zh}}."""
    value = meta.get("sections", {})
    if not isinstance(value, dict):
        problems.append("`sections` must map section ids to their `intent` and `ask` questions")
        return {}
    out: dict[str, dict] = {}
    for section_id, entry in value.items():
        where = f"`sections.{section_id}`"
        if not isinstance(entry, dict):
            problems.append(f"{where} must have `intent` and `ask`")
            continue
        intents = entry.get("intent", [])
        intents = [intents] if isinstance(intents, str) else intents
        if not isinstance(intents, list) or not all(isinstance(i, str) for i in intents):
            problems.append(f"{where}.intent must be a list of intents")
            intents = []
        for intent in intents:
            if intent not in INTENTS:
                problems.append(f"{where}: unknown intent {intent!r} (known: {', '.join(INTENTS)})")
        ask = _ask_lists(entry.get("ask", {}), where, problems)
        out[str(section_id)] = {"intents": tuple(i for i in intents if i in INTENTS), "ask": ask}
    return out


def _sections(body: str, meta: dict[str, dict], problems: list[str]) -> dict[str, tuple[Section, ...]]:
    matches = list(_HEADING.finditer(body))
    before = body[: matches[0].start()] if matches else body
    if before.strip():
        problems.append("text before the first `## [en]`/`## [zh]` section heading")
    found: dict[str, list[Section]] = {lang: [] for lang in LANGS}
    for i, match in enumerate(matches):
        lang, title, section_id = match.group("lang").lower(), match.group("title"), match.group("id")
        end = matches[i + 1].start() if i + 1 < len(matches) else len(body)
        text = body[match.end() : end].strip()
        where = f"section `## [{lang}] {title}`"
        if lang not in LANGS:
            problems.append(f"{where}: language must be en or zh")
            continue
        if not title:
            problems.append(f"{where}: the heading has no title")
        if not text:
            problems.append(f"{where}: empty")
        if len(text) > MAX_SECTION_CHARS:
            problems.append(f"{where}: {len(text)} characters (limit {MAX_SECTION_CHARS})")
        if section_id is not None and not _ID.match(section_id):
            problems.append(f"{where}: id `{{#{section_id}}}` must be lowercase words joined by hyphens")
        found[lang].append(Section(lang, len(found[lang]), title, text, section_id or ""))
    if not found["en"] or not found["zh"]:
        missing = [lang for lang in LANGS if not found[lang]]
        problems.append(f"no sections in {', '.join(missing)} (both languages are required)")
        return {lang: tuple(items) for lang, items in found.items()}
    if len(found["en"]) != len(found["zh"]):
        problems.append(f"{len(found['en'])} English sections but {len(found['zh'])} Chinese ones (each needs a twin)")
        return {lang: tuple(items) for lang, items in found.items()}
    return _named(found, meta, problems)


def _named(found: dict[str, list[Section]], meta: dict[str, dict], problems: list[str]) -> dict[str, tuple[Section, ...]]:
    """Give each twin pair its id (written on the English heading; the Chinese one may repeat it)
    and the intents and example questions `sections:` declares for it."""
    seen: set[str] = set()
    out: dict[str, list[Section]] = {lang: [] for lang in LANGS}
    for en, zh in zip(found["en"], found["zh"]):
        section_id = en.id
        if not section_id:
            problems.append(f"section `## [en] {en.title}` has no id: end its heading with {{#an-id}}")
        elif zh.id and zh.id != section_id:
            problems.append(f"section `## [zh] {zh.title}` has id {zh.id!r} but its English twin has {section_id!r}")
        elif section_id in seen:
            problems.append(f"section id {section_id!r} is used twice")
        seen.add(section_id)
        entry = meta.get(section_id, {"intents": (), "ask": {}})
        for section in (en, zh):
            out[section.lang].append(
                Section(section.lang, section.position, section.title, section.text, section_id,
                        entry["intents"], tuple(entry["ask"].get(section.lang, ())))
            )
    for section_id in meta:
        if section_id not in seen:
            problems.append(f"`sections.{section_id}` names no section (headings end with {{#{section_id}}})")
    return {lang: tuple(items) for lang, items in out.items()}


def _front_matter(path: Path, text: str | None) -> tuple[frontmatter.Post | None, str]:
    """The file read and its front matter split off, or None and why it cannot be (the file is
    not text, vanished, or its `---` block is missing or not YAML)."""
    try:
        text = text if text is not None else path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start}); save it as UTF-8"
    except OSError as exc:  # vanished since the folder was listed, a broken link, a folder named *.md
        return None, f"cannot be read ({exc.strerror or type(exc).__name__})"
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:
        return None, f"front matter is not valid YAML ({str(exc).splitlines()[0]})"
    if not post.metadata:
        return None, "no front matter (it starts with a `---` block)"
    return post, ""


def _review_schedule(meta: dict, problems: list[str]) -> tuple[date, int]:
    """When the article was last checked against its source and how often it must be again."""
    verified_on = meta.get("verified_on")
    if isinstance(verified_on, str):
        try:
            verified_on = date.fromisoformat(verified_on.strip())
        except ValueError:
            pass
    if not isinstance(verified_on, date):
        problems.append("`verified_on` must be a date (YYYY-MM-DD)")
        verified_on = date.min
    review_every = meta.get("review_every")
    if isinstance(review_every, bool) or not isinstance(review_every, int) or review_every <= 0:
        problems.append("`review_every` must be a positive number of days")
        review_every = 1
    return verified_on, review_every


def _source(meta: dict, problems: list[str]) -> dict[str, str]:
    """`source: "…"` (cited alike in both languages) or `source: {en: …, zh: …}`."""
    source = meta.get("source")
    if isinstance(source, str) and source.strip():
        return {lang: source.strip() for lang in LANGS}
    if isinstance(source, dict) and all(isinstance(source.get(lang), str) and source[lang].strip() for lang in LANGS):
        return {lang: source[lang].strip() for lang in LANGS}
    problems.append("`source` is missing (where the facts come from: a source article or a public page), "
                    "or is a mapping without both `en` and `zh`")
    return {lang: "" for lang in LANGS}


def parse_article(path: Path, text: str | None = None) -> tuple[Article | None, list[str]]:
    """One article from its file, or None and the list of problems (each prefixed with the file)."""
    name = path.name
    post, unreadable = _front_matter(path, text)
    if post is None:
        return None, [f"{name}: {unreadable}"]
    meta = post.metadata
    problems: list[str] = []
    article_id = meta.get("id")
    if not isinstance(article_id, str) or not _ID.match(article_id):
        problems.append("`id` must be lowercase words joined by hyphens")
        article_id = path.stem
    elif article_id != path.stem:
        problems.append(f"`id` {article_id!r} differs from the file name {path.stem!r}")
    title = meta.get("title")
    if not isinstance(title, dict) or not all(isinstance(title.get(lang), str) and title[lang].strip() for lang in LANGS):
        problems.append("`title` needs `en` and `zh`")
        title = {lang: str((title or {}).get(lang, "")) if isinstance(title, dict) else "" for lang in LANGS}
    marketplaces = _str_list(meta, "marketplaces", problems)
    if not marketplaces and "marketplaces" in meta:
        problems.append("`marketplaces` is empty (use [all] for every marketplace)")
    tags = _str_list(meta, "tags", problems)
    aliases = _bilingual_list(meta, "aliases", problems)
    questions: dict[str, tuple[str, ...]] = (
        _bilingual_list(meta, "questions", problems) if "questions" in meta else {lang: () for lang in LANGS})
    related = _str_list(meta, "related", problems, required=False)
    source = _source(meta, problems)
    verified_on, review_every = _review_schedule(meta, problems)
    sections = _sections(post.content, _section_meta(meta, problems), problems)
    if problems:
        return None, [f"{name}: {p}" for p in problems]
    article = Article(
        id=article_id,
        title={lang: title[lang].strip() for lang in LANGS},
        marketplaces=marketplaces,
        tags=tags,
        aliases=aliases,
        questions=questions,
        related=related,
        source=source,
        verified_on=verified_on,
        review_every=review_every,
        sections=sections,
        path=str(path),
    )
    return article, []


def load_articles(directory: Path) -> LoadResult:
    """Every `*.md` of the folder, validated; cross-references checked once all are read."""
    result = LoadResult()
    directory = Path(directory)
    if not directory.is_dir():
        result.errors.append(f"{directory}: the articles folder does not exist")
        return result
    files: dict[str, str] = {}
    for path in sorted(directory.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        article, problems = parse_article(path)
        result.errors.extend(problems)
        if article is None:
            continue
        if article.id in result.articles:
            result.errors.append(f"{path.name}: id {article.id!r} is already used by {files[article.id]}")
            continue
        result.articles[article.id] = article
        files[article.id] = path.name
    for article in result.articles.values():
        for other in article.related:
            if other == article.id:
                result.errors.append(f"{files[article.id]}: `related` lists the article itself")
            elif other not in result.articles:
                result.errors.append(f"{files[article.id]}: `related` names {other!r}, which is not an article")
    return result
