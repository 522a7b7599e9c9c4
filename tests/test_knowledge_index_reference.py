"""The fast paths of the index (scores accumulated over the query terms' postings only, coverage
read from each candidate's range of example questions) give exactly what a plain computation over
every document gives, so that an optimisation can never silently change an answer.

The reference below is written the slow, obvious way: every posting added one by one in float32,
each unit's closest question found by walking all example questions, coverage from Python sets.
It runs over a synthetic knowledge base (real articles among a few hundred generated ones, whose
common words give long postings and many ties), for our question sets in both languages.
"""

import copy
import json
import re

import numpy as np
import pytest

from bench.synthetic_kb import write_synthetic_kb
from bot.knowledge import index as index_module
from bot.knowledge.index import ASK_WEIGHT, META_WEIGHT, Field, Index
from bot.knowledge.service import build_index
from bot.knowledge.text import CONCEPT
from tests.conftest import ROOT

QUESTIONS_PER_SET = 20


def reference_field_scores(field: Field, query: dict[str, float]) -> np.ndarray:
    """Each document's weighted BM25 sum, one posting at a time, terms in the query's order."""
    out = np.zeros(field.size, dtype=np.float32)
    for term, weight in query.items():
        docs, values = field.postings(term)
        for doc, value in zip(docs.tolist(), values.tolist()):
            out[doc] = out[doc] + np.float32(weight) * np.float32(value)
    return out


class ReferenceIndex(Index):
    """The same index, its unit scores and coverage computed over every document."""

    def _scores(self, query):
        body = reference_field_scores(self.body, query)
        per_question = reference_field_scores(self.ask, query)
        best = np.zeros(len(self.units), dtype=np.float32)
        for question, unit in enumerate(self.ask_unit):
            best[unit] = max(best[unit], per_question[question])
        meta = reference_field_scores(self.meta, query)
        return body + ASK_WEIGHT * best + META_WEIGHT * meta[self.unit_article]

    def _coverage(self, units, weights, query, asking, candidates=None):  # ignores the fast path's lookups
        out = []
        total = sum(weights.values())
        for unit in units:
            article_no = int(self.unit_article[unit])
            covered = evidence = 0.0
            for term, w in weights.items():
                found = (
                    unit in set(self.body.postings(term)[0].tolist())
                    or article_no in set(self.meta.postings(term)[0].tolist())
                    or unit in {self.ask_unit[q] for q in self.ask.postings(term)[0].tolist()}
                    or bool(asking.get(term, set()) & set(self.unit_intents[unit]))
                    or (
                        term.startswith(CONCEPT)
                        and term in self.analyzer.synonyms.marketplaces
                        and self._place_covers(term, self.articles[article_no])
                    )
                )
                covered += w * found
                if term in query and term not in asking and not _bare_figure(term):
                    evidence += query[term] * self._rarity(term) * found
            out.append((float(covered / total) if total else 0.0, float(evidence)))
        return out


def _bare_figure(term: str) -> bool:
    """A number alone ("7", "3.5%") is no evidence of a topic."""
    return re.fullmatch(r"\d+(?:[.,]\d+)?%?", term) is not None


def _questions() -> list[str]:
    questions = []
    for name in ("paraphrases.jsonl", "heldout.jsonl", "blind.jsonl"):
        lines = (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines()
        questions += [json.loads(line)["question"] for line in lines if line.strip()][:QUESTIONS_PER_SET]
    return questions


@pytest.fixture(scope="module")
def indexes(tmp_path_factory) -> tuple[Index, ReferenceIndex]:
    index, errors = build_index(write_synthetic_kb(tmp_path_factory.mktemp("kb"), 300, seed=5))
    assert errors == []
    reference = copy.copy(index)
    reference.__class__ = ReferenceIndex
    return index, reference


def _lang(question: str) -> str:
    return "zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en"


def test_the_reference_really_differs_from_the_fast_path():
    """Guard: the reference overrides the methods the fast path is made of."""
    assert ReferenceIndex._scores is not Index._scores and ReferenceIndex._coverage is not Index._coverage


@pytest.mark.parametrize("question", _questions())
def test_unit_scores_equal_the_reference(indexes, question):
    index, reference = indexes
    query = index.analyzer.query(question)
    fast, slow = index._scores(query), reference._scores(query)
    assert fast.dtype == slow.dtype == np.float32
    assert np.array_equal(fast, slow)
    assert np.array_equal(index.body.scores(query), reference_field_scores(index.body, query))


@pytest.mark.parametrize("question", _questions())
def test_search_equals_the_reference(indexes, question):
    index, reference = indexes
    taught = [(index.taught_terms(question), index.articles[0].id, index.articles[0].sections["en"][0].id)]
    for lang in ("en", "zh"):
        for kwargs in ({}, {"taught": taught}):
            fast, slow = index.search(question, lang, **kwargs), reference.search(question, lang, **kwargs)
            assert fast == slow
            if fast.best:
                assert [(h.article.id, h.section.id, h.score, h.coverage, h.evidence) for h in fast.hits] == [
                    (h.article.id, h.section.id, h.score, h.coverage, h.evidence) for h in slow.hits
                ]


def test_questions_have_candidates_beyond_the_first_units(indexes):
    """The comparison means something only if questions reach many units and example questions."""
    index, _ = indexes
    reached = [int((index._scores(index.analyzer.query(q)) > 0).sum()) for q in _questions()]
    assert max(reached) > index_module.CANDIDATES
    assert len(index.ask_unit) > len(index.units)


def test_questions_reach_the_dense_rows_of_common_terms(indexes):
    """The comparison covers both ways a term's values are added: scattered postings and, for the
    commonest terms, a dense row."""
    index, _ = indexes
    queries = [index.analyzer.query(q) for q in _questions()]
    for field in (index.body, index.meta):
        assert any(term in field.dense for query in queries for term in query)
        assert any(term in field.vocab and term not in field.dense for query in queries for term in query)
