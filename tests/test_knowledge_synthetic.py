"""The synthetic knowledge bases the benchmarks use are valid articles and searchable."""

from bench.synthetic_kb import synthetic_articles, write_synthetic_kb
from bot.knowledge.articles import load_articles
from bot.knowledge.service import build_index
from tests.conftest import ROOT


def test_synthetic_articles_are_valid_and_deterministic(tmp_path):
    folder = write_synthetic_kb(tmp_path / "kb", 60, seed=3)
    loaded = load_articles(folder / "articles")
    assert loaded.errors == []
    real = len(list((ROOT / "knowledge" / "articles").glob("*.md")))
    assert len(loaded.articles) == max(60, real)
    assert list(synthetic_articles(2, seed=3)) == list(synthetic_articles(2, seed=3))


def test_real_questions_still_find_real_articles_among_synthetic_ones(tmp_path):
    index, errors = build_index(write_synthetic_kb(tmp_path / "kb", 300))
    assert errors == []
    result = index.search("What is the late shipment rate target?", "en")
    assert result.answered and result.best.article.id == "late-shipment-rate"
