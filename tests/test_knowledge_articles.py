"""Every article in knowledge/articles is valid: complete front matter, both languages with twin
sections, a source, a verified_on date, no broken `related`, sections short enough to quote."""

import re

import pytest

from bot.knowledge.articles import LANGS, MAX_SECTION_CHARS, load_articles, parse_article
from bot.knowledge.metrics import load_targets
from bot.knowledge.text import Synonyms
from tests.conftest import ROOT

KNOWLEDGE = ROOT / "knowledge"
FILES = sorted(p for p in (KNOWLEDGE / "articles").glob("*.md"))
LOADED = load_articles(KNOWLEDGE / "articles")


def test_there_are_at_least_25_articles():
    assert len(FILES) >= 25, f"only {len(FILES)} articles in knowledge/articles"


def test_the_whole_folder_loads_without_problems():
    assert LOADED.errors == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_article_is_complete_and_bilingual(path):
    article, problems = parse_article(path)
    assert problems == []
    assert article.id == path.stem
    assert all(article.title[lang] for lang in LANGS) and article.source and article.marketplaces
    assert len(article.sections["en"]) == len(article.sections["zh"]) >= 1
    for lang in LANGS:
        for section in article.sections[lang]:
            assert section.title and 0 < len(section.text) <= MAX_SECTION_CHARS
    for other in article.related:
        assert other in LOADED.articles, f"{path.name}: related {other!r} does not exist"
    assert article.aliases["en"] and article.aliases["zh"], "aliases help questions find the article"


def test_synonyms_and_targets_files_load():
    synonyms = Synonyms.load(KNOWLEDGE / "synonyms.yaml")
    assert len(synonyms.groups) >= 10
    assert load_targets(KNOWLEDGE / "targets.yaml").default == "amazon-us"


def test_no_article_covers_a_topic_the_synonyms_file_declares_outside_the_knowledge():
    """`outside:` vetoes a question outright, so it must never name something an article explains:
    a curator who adds such an article removes the entry (knowledge/README.md)."""
    import re

    synonyms = Synonyms.load(KNOWLEDGE / "synonyms.yaml")
    clashes = []
    for article in LOADED.articles.values():
        text = " ".join(f"{s.title} {s.text}" for lang in LANGS for s in article.sections[lang]).lower()
        for group in synonyms.outside:
            for phrase in group:
                needle = phrase.lower()
                pattern = rf"(?<![\w-]){re.escape(needle)}(?![\w-])" if needle.isascii() else re.escape(needle)
                if re.search(pattern, text):
                    clashes.append(f"{article.id}: {phrase}")
    assert clashes == []


def test_every_section_the_coverage_list_names_exists():
    """knowledge/COVERAGE.md maps each fact of the source articles to the section that answers it;
    a section renamed or removed without updating that map would silently leave facts unanswered."""
    import re

    text = (KNOWLEDGE / "COVERAGE.md").read_text(encoding="utf-8")
    refs = re.findall(r"`([a-z0-9-]+)#([a-z0-9-]+)`", text)
    assert len(refs) >= 100, "the coverage list names the sections that answer each fact"
    missing = sorted({f"{a}#{s}" for a, s in refs
                      if a not in LOADED.articles or LOADED.articles[a].section(s, "en") is None})
    assert missing == []


def test_what_users_read_never_names_the_source_files_as_seeds():
    """Articles, mailboxes, deadlines and letter templates are shown to agents: they cite readable
    sources (a title, a publisher, a date), never our source files or the word "seed"/"种子"."""
    root = KNOWLEDGE
    shown = [*root.glob("articles/*.md"), *root.glob("*.yaml"), *root.glob("appeals/*")]
    assert len(shown) > 30
    offenders = [
        f"{path.name}:{n}" for path in shown if path.is_file()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bseeds?\b|种子|\b00\d_[0-9a-f]{16}\.txt", line, re.IGNORECASE)
    ]
    assert not offenders, offenders
