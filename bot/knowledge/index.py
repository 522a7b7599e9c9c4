"""Finding the section that answers a question, and knowing when none does.

Every section of an article is one searchable unit with both language twins together (the English
and Chinese text of a section state the same facts, so a question in either language can match
either wording); the answer is then shown in the asker's language. Three fields are scored with
BM25 on `bm25s`'s sparse matrices:

- the section's body (titles and text of both twins);
- its example questions, each on its own, the closest one counting (a question worded like one
  the section is known to answer is the strongest evidence there is);
- its article's names (titles and aliases), shared by every section of the article.

On top of that, two layers of our own: the question's intent (a limit, a deadline, where to
send…, read from cue phrases) lifts the sections that declare that intent, so the right section of
the right article wins; and questions curators taught (`kb teach`) lead straight to their section.

Abstention is calibrated on two measures of the best section: its score, and how much of the
question it covers (the rarity-weighted share of the question's known terms found in it). Words the
index has never seen count for nothing, so colloquial wording does not make it abstain; but a
topic it knowingly does not cover (`outside:` in synonyms.yaml) or a name it has never seen
(Shopee, Etsy) counts against the answer.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from bot.knowledge.articles import LANGS, Article, Section
from bot.knowledge.intents import IntentReader
from bot.knowledge.text import BIGRAM, CONCEPT, OUTSIDE, SHORTHAND, Analyzer, stem

ASK_WEIGHT = 1.0
"""The closest example question, against the section body (which counts 1)."""
META_WEIGHT = 0.5
"""The article's titles and aliases: they pick the topic; the body and questions pick the section."""
INTENT_BOOST = 0.35
"""A section that declares the question's intent scores this much more (×1.35)."""
TAUGHT_SIMILARITY = 0.7
"""A question sharing this much of its terms with one curators taught goes to the taught section."""
TAUGHT_BOOST = 1.0
MIN_SCORE = 6.0
"""A floor for the taught-question boost (any knowledge base size)."""
MIN_ANSWER_SCORE = 1.0
"""The best section's ranking score must reach this many times the idf of a term found in one
section only (so it means the same in a knowledge base of ten sections or ten thousand): below
it, the question shares only a word or two of ordinary weight with the section. On the development
sets two of three answers scoring under it were wrong or off-topic; the closest sections are still
offered as buttons."""
MIN_COVERAGE = 0.35
"""The best section must hold at least this share of the question's (known, rarity-weighted) terms,"""
MIN_EVIDENCE = 0.95
MIN_KNOWN = 0.6
"""...and the knowledge base must know most of what the question talks about: a question whose
main words it has never seen ("the best laptop for programming") is about something else."""
"""...and this much evidence (`Hit.evidence`): a single common word is not an answer."""
COVERAGE_SWAY = 0.5
"""How much coverage weighs in the ranking: a section holding all of the question beats one that
scores as high on part of it (the score is scaled between 1 - sway and 1)."""
UNKNOWN_WEIGHT = 0.3
"""A word the index has never seen weighs this share of the question's rarest known word: enough
that "the capital of France" is not answered by a section naming France, too little for a
colloquial word to sink a question whose other words are answered."""
UNKNOWN_LATIN_WEIGHT = 0.6
"""An unknown English word counts more than an unknown Chinese one: stop words are already gone, so
it is a content word ("poem", "laptop"), while jieba's unknown pieces are often colloquial
fragments whose character pairs the index does know."""
ALTERNATIVE_RATIO = 0.7
"""Other sections scoring within this share of the best, and covering about as much of the
question (ALTERNATIVE_COVERAGE), compete with it: they are offered as other possible answers."""
ALTERNATIVE_COVERAGE = 0.1
FOCUS_DISCOUNT = 0.5
"""Choosing among an article's sections, the question words its names already matched (the topic:
站内信, "messaging") count this much less in the body, so the rest of the question (三部分,
"repeated") picks the section."""
QUOTE_WEIGHT = 0.5
"""The words of a quoted notice, beside the question's own (see `_quotes_as_context`)."""
NOTICE_MIN_WORDS = 5
"""A quotation of fewer words ('inappropriate communication', 违反卖家行为准则) names the topic, as the
question's own words do; only a sentence of a notice is context. Chinese counts two characters a word."""
_QUOTED = re.compile(r"[\"“”«»「」『』](.{8,}?)[\"“”«»「」『』]|(?<![A-Za-z])'(.{8,}?)'(?![A-Za-z])")
CANDIDATES = 48
SHOWN_INTENTS = {
    "limit": re.compile(r"\d\s*%"),
    "time": re.compile(r"\d+\s*(hours?|days?|weeks?|months?)\b|\d+\s*(个)?(小时|天|周|个月)", re.I),
    "cost": re.compile(r"\b(usd|jpy|eur|gbp)\b|[$¥€£]|日元|美元|欧元", re.I),
    "where": re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
}
"""Intents read from a section's text when its article declares none."""
_FIGURE = re.compile(r"^\d+(?:[.,]\d+)?%?$")
"""A bare figure (7, 3.5%): it says which number, never which topic."""
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_ONE_WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
"""A Chinese character: `match` tells a Chinese term, `findall` counts a quotation's characters."""
_SENTENCE_START = re.compile(r"(^|[.?!。？！:：]\s*)$")


@dataclass(frozen=True)
class Hit:
    article: Article
    section: Section
    score: float
    coverage: float
    """Share of the question's known term weight found in the section, its questions or its article."""
    evidence: float = 0.0
    """How much distinctive matter the section shares with the question: the question's weight of
    the terms it holds, each scaled by its rarity (1 for a term in one section only), so it means
    the same in a knowledge base of ten articles or ten thousand."""


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    terms: list[str]
    answered: bool
    known_share: float = 0.0
    """Share of the question's term weight that the knowledge base knows at all."""
    intents: frozenset[str] = frozenset()
    alternatives: list[Hit] = field(default_factory=list)
    """Sections that compete with the best (within ALTERNATIVE_RATIO), best first, at most three."""

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


class Field:
    """One BM25 field over a list of documents (lists of terms), scored with weighted query terms."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        import bm25s  # numpy sparse matrices: loaded with the index, not with the bot

        logging.getLogger("bm25s").setLevel(logging.WARNING)

        self.size = len(docs)
        self._memo: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.bm25 = bm25s.BM25(k1=k1, b=b)
        if docs and any(docs):
            self.bm25.index(docs, show_progress=False)
            self.vocab: dict[str, int] = self.bm25.vocab_dict
            scores = self.bm25.scores
            self.data, self.indices, self.indptr = scores["data"], scores["indices"], scores["indptr"]
            self._sort_postings()
        else:
            self.vocab = {}
        self.dense: dict[str, np.ndarray] = {}
        """The values of the commonest terms (in more than 1/DENSE_SHARE of the documents) as whole
        arrays, 0 where absent: adding an array costs a fifth of scattering as many postings."""
        if self.vocab:
            common = np.flatnonzero(np.diff(self.indptr) * DENSE_SHARE > self.size)
            ids = {int(tid) for tid in common}
            for term, tid in self.vocab.items():
                if tid in ids:
                    held, values = self.postings(term)
                    row = np.zeros(self.size, dtype=np.float32)
                    row[held] = values
                    self.dense[term] = row

    def _sort_postings(self) -> None:
        """Each term's documents in ascending order, so membership is a binary search."""
        ip, ind = self.indptr, self.indices
        if len(ind) < 2:
            return
        starts = np.zeros(len(ind), dtype=bool)
        starts[ip[:-1][ip[:-1] < len(ind)]] = True
        if np.all((np.diff(ind) > 0) | starts[1:]):
            return
        for t in range(len(ip) - 1):
            a, b = ip[t], ip[t + 1]
            order = np.argsort(ind[a:b], kind="stable")
            ind[a:b], self.data[a:b] = ind[a:b][order], self.data[a:b][order]

    def find(self, term: str, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Whether each of `docs` (sorted, int32 like the postings: needles of another type make
        numpy copy the postings to match) holds the term, and where in the term's postings (for
        `values_at`); None when no document holds it."""
        postings, _ = self.postings(term)
        if not len(postings):
            return np.zeros(len(docs), dtype=bool), None
        where = postings.searchsorted(docs)
        np.minimum(where, len(postings) - 1, out=where)
        return postings[where] == docs, where

    def values_at(self, term: str, found: np.ndarray, where: np.ndarray | None) -> np.ndarray:
        """The term's BM25 value in each document `find` looked up, 0 where it is absent."""
        if where is None:
            return np.zeros(len(found), dtype=np.float32)
        return np.where(found, self.postings(term)[1][where], 0.0)

    def df(self, term: str) -> int:
        """How many documents hold the term."""
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The documents holding the term (ascending) and its BM25 value in each: views into the
        field's arrays, remembered per term (a question asks for each term's postings a few
        times over, and questions keep using the same few thousand words)."""
        found = self._memo.get(term)
        if found is None:
            tid = self.vocab.get(term)
            if tid is None:
                found = (_EMPTY_INT, _EMPTY_FLOAT)
            else:
                start, end = int(self.indptr[tid]), int(self.indptr[tid + 1])
                found = (self.indices[start:end], self.data[start:end])
            if len(self._memo) >= POSTINGS_MEMO:
                self._memo.clear()
            self._memo[term] = found
        return found

    def __getstate__(self) -> dict:
        """Saved without the remembered postings: views, which pickle would write out as copies."""
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _memo={})

    def scores(self, query: Mapping[str, float]) -> np.ndarray:
        """Each document's weighted BM25 sum, added term by term in the query's order.

        `np.add.at` does the same float32 additions as `out[docs] += ...` (a term's documents are
        distinct) in one pass instead of a gather and a scatter: half the time on the long
        postings of common words. A common word's dense row adds the same products to its
        documents and `weight * 0.0 = 0` to the others, which leaves them unchanged."""
        out = np.zeros(self.size, dtype=np.float32)
        for term, weight in query.items():
            row = self.dense.get(term)
            if row is not None:
                out += weight * row
                continue
            docs, values = self.postings(term)
            if len(docs):
                np.add.at(out, docs, weight * values)
        return out


POSTINGS_MEMO = 20_000
"""Terms whose postings a field remembers (views: ~300 bytes each); beyond, it starts over."""
DENSE_SHARE = 6
"""Terms in more than 1/6 of a field's documents are kept dense too (~130 of the body's 270,000
terms at 10,000 articles, 20 MB): past that share, adding a whole array is faster than scattering
the postings, and the common words and character pairs make most of a long question's postings."""
_EMPTY_INT = np.zeros(0, dtype=np.int32)
_EMPTY_FLOAT = np.zeros(0, dtype=np.float32)


_LATIN_RUN = re.compile(r"[A-Za-z\u00c0-\u00ff][A-Za-z0-9\u00c0-\u00ff'’-]*(?:[\s,;]+[A-Za-z\u00c0-\u00ff][A-Za-z0-9\u00c0-\u00ff'’-]*)*")
QUOTE_WORDS = 4
"""A run of this many Latin words inside a Chinese question is a quotation (a notice in English or
French), not a name."""


def _names(question: str, lang: str) -> set[str]:
    """Words of the question that look like names: a Latin word inside a Chinese question (unless
    it is part of a quoted sentence), and in an English one a word with a capital that does not
    open the sentence (Etsy, eBay, VPN)."""
    found = set()
    if lang == "zh":
        quoted = [m for m in _LATIN_RUN.finditer(question) if len(m.group(0).split()) >= QUOTE_WORDS]
        for match in quoted:
            question = question.replace(match.group(0), " ")
    for match in _LATIN_WORD.finditer(question):
        word = match.group(0)
        capital = any(c.isupper() for c in word[1:]) or (
            word[0].isupper() and not _SENTENCE_START.search(question[: match.start()])
        )
        if lang == "zh" or capital:
            found.add(stem(word.lower()))
    return found


class Index:
    """Immutable once built; a reload builds a new one and swaps it in."""

    def __init__(
        self,
        articles: Iterable[Article],
        analyzer: Analyzer,
        intents: IntentReader | None = None,
    ):
        self.analyzer = analyzer
        self.intents = intents or IntentReader({})
        self.domain_words: list[str] = []
        """Words jieba must keep whole (set by the builder; a loaded index teaches them again)."""
        self.articles: list[Article] = sorted(articles, key=lambda a: a.id)
        self.by_id = {a.id: i for i, a in enumerate(self.articles)}
        self.units: list[tuple[int, int]] = []
        """Per searchable unit: (article number, section position); the twins share a unit."""
        self.unit_of: dict[tuple[str, str], int] = {}
        body_docs: list[list[str]] = []
        ask_docs: list[list[str]] = []
        self.ask_unit: list[int] = []
        for article_no, article in enumerate(self.articles):
            for en, zh in zip(article.sections["en"], article.sections["zh"]):
                unit = len(self.units)
                self.units.append((article_no, en.position))
                self.unit_of[(article.id, en.id)] = unit
                terms: list[str] = []
                for section in (en, zh):
                    terms += self.analyzer.terms(section.title) * 2 + self.analyzer.terms(section.text)
                    for question in section.ask:
                        ask_docs.append(self.analyzer.terms(question))
                        self.ask_unit.append(unit)
                body_docs.append(terms)
        self.unit_article = np.array([a for a, _ in self.units], dtype=np.int32)
        self.unit_article_at = self.unit_article.astype(np.intp)
        """The same, to gather with: numpy gathers with int32 indices at half the speed."""
        self.body = Field(body_docs)
        self.ask = Field(ask_docs, b=0.3)
        self.meta = Field([self._meta_terms(a) for a in self.articles], b=0.3)
        self.ask_units = np.array(self.ask_unit, dtype=np.int32)
        """Per example question, its unit: ascending (questions are stored unit by unit)."""
        self.unit_intents = [self._intents_of(unit) for unit in range(len(self.units))]
        self.spelling = Spelling(self._latin_words())
        self._idfs: dict[str, float] = {}
        self._rarities: dict[str, float] = {}
        """Per term met in a question, its idf and rarity: they depend on the index alone, and
        questions keep using the same few thousand words."""

    def _intents_of(self, unit: int) -> tuple[str, ...]:
        """The intents a section declares; for one that declares none yet, those its text shows
        (a rate, a duration, a price, an e-mail address), so new articles work before curators
        annotate them."""
        en = self._section(unit, "en")
        if en.intents:
            return en.intents
        text = f"{en.text} {self._section(unit, 'zh').text}"
        return tuple(intent for intent, pattern in SHOWN_INTENTS.items() if pattern.search(text))

    def _latin_words(self) -> set[str]:
        """Every Latin word the knowledge base writes (texts, titles, names, example questions, the
        synonyms' phrases): what a misspelt word of a question is checked against."""
        texts: list[str] = []
        for article in self.articles:
            for lang in LANGS:
                texts += [article.title[lang], *article.aliases.get(lang, ()), *article.questions.get(lang, ())]
                for section in article.sections.get(lang, ()):
                    texts += [section.title, section.text, *section.ask]
        synonyms = self.analyzer.synonyms
        texts += [str(p) for group in (*synonyms.groups, *synonyms.outside) for p in group]
        return {w.lower() for text in texts for w in _LATIN_WORD.findall(text)}

    def _meta_terms(self, article: Article) -> list[str]:
        terms: list[str] = []
        for lang in LANGS:
            terms += self.analyzer.terms(article.title[lang]) * 2
            for text in (*article.aliases.get(lang, ()), *article.questions.get(lang, ())):
                terms += self.analyzer.terms(text)
        return terms

    def __len__(self) -> int:
        return len(self.articles)

    def article(self, article_id: str) -> Article | None:
        i = self.by_id.get(article_id)
        return self.articles[i] if i is not None else None

    def section_count(self) -> int:
        return 2 * len(self.units)

    def _section(self, unit: int, lang: str) -> Section:
        article_no, position = self.units[unit]
        sections = self.articles[article_no].sections
        return (sections.get(lang) or sections["en"])[position]

    def known(self, term: str) -> bool:
        return term in self.body.vocab or term in self.ask.vocab or term in self.meta.vocab

    def _idf(self, term: str) -> float:
        """Rarity of a term over the sections (its best field): rare terms say more."""
        idf = self._idfs.get(term)
        if idf is None:
            n = max(len(self.units), 1)
            idf = _remember(self._idfs, term, self._idf_of(self.body.df(term) or min(n, self.ask.df(term) or n)))
        return idf

    def _rarity(self, term: str) -> float:
        """0..1: how rare the term is among sections, or among articles' names if rarer there
        (ODR is in many sections but names few articles: it still picks a topic)."""
        rarity = self._rarities.get(term)
        if rarity is None:
            rarity = _remember(self._rarities, term, self._rarity_of(term))
        return rarity

    def _rarity_of(self, term: str) -> float:
        out = 0.0
        for field, n in ((self.body, len(self.units)), (self.meta, len(self.articles))):
            df = field.df(term)
            if df and n > 1:
                out = max(out, float(np.log(1 + (n - df + 0.5) / (df + 0.5)) / np.log(1 + (n - 0.5) / 1.5)))
        if not out and self.ask.df(term):
            out = self._idf(term) / self._idf_of(1)
        return min(1.0, out)

    def _idf_of(self, df: int) -> float:
        n = max(len(self.units), 1)
        return float(np.log(1 + (n - df + 0.5) / (df + 0.5)))

    def taught_terms(self, question: str) -> frozenset[str]:
        """The terms by which a taught question is recognised when asked again."""
        return frozenset(t for t in self.analyzer.query(question) if not t.startswith(BIGRAM))

    def search(
        self, question: str, lang: str, limit: int = 5, taught: Iterable[tuple[frozenset[str], str, str]] = ()
    ) -> SearchResult:
        """The best sections, best first, shown in `lang`, and whether the best one answers.

        `taught` holds questions curators linked to a section (`kb teach`): (their terms, article
        id, section id); a question worded nearly the same goes to that section."""
        question = self.spelling.correct(question)
        query, concepts = self.analyzer.parse(question)
        query = self._without_inner_pairs(query)
        notices = _notices(question)
        own_words = _without(question, notices)
        query = self._quotes_as_context(notices, own_words, query)
        terms = list(query)
        # The kind of question is read from the asker's own words ("what should they do now"), not
        # from a notice they quote ("…so they count as shipped"), unless those ask nothing and the
        # quotation is the question (客户问 "亚马逊一般多久回").
        asking = self.intents.asking(own_words)
        if not asking and notices:
            asking = self.intents.asking(question)
        intents = frozenset(asking)
        if not terms or not self.units:
            return SearchResult([], terms, False, intents=intents)
        scores = self._scores(query)
        recognised = self._apply_taught(scores, query, taught)
        top = _best_units(scores, CANDIDATES)
        top = top[np.lexsort((top, -scores[top]))]
        if not len(top):
            return SearchResult([], terms, False, intents=intents)
        order = top.tolist()
        candidates = _Candidates(self, order)
        topic = self._topic_scores(order, query, candidates)
        weights, known_share = self._weights(question, query, concepts, lang)
        measures = self._coverage(order, weights, query, self._asking_terms(asking), candidates)
        # The same float64 operations as one unit at a time, on all candidates at once.
        coverage = np.array([c for c, _ in measures])
        ranking = scores[top].astype(np.float64) - FOCUS_DISCOUNT * np.array([topic.get(u, 0.0) for u in order])
        if intents:
            boosted = np.array([not intents.isdisjoint(self.unit_intents[u]) for u in order])
            ranking = np.where(boosted, ranking * (1 + INTENT_BOOST), ranking)
        ranking = ranking * (1 - COVERAGE_SWAY + COVERAGE_SWAY * coverage)
        ranked = [
            (float(ranking[i]), order[i], *measures[i])
            for i in np.lexsort((top, -ranking))[: max(limit, 4)].tolist()
        ]
        hits = [
            Hit(self.articles[self.units[unit][0]], self._section(unit, lang), s, c, e)
            for s, unit, c, e in ranked
        ]
        best = hits[0]
        rivals = [
            h for h in hits[1:]
            if h.score >= ALTERNATIVE_RATIO * best.score and h.coverage >= best.coverage - ALTERNATIVE_COVERAGE
        ]
        outside = any(t.startswith(OUTSIDE) for t in query)
        answered = (ranked[0][1] in recognised) or (
            not outside
            and best.score >= MIN_ANSWER_SCORE * self._idf_of(1)
            and best.coverage >= MIN_COVERAGE
            and best.evidence >= MIN_EVIDENCE
            and known_share >= MIN_KNOWN
        )
        return SearchResult(hits[:limit], terms, answered, known_share, intents, rivals[:3])

    def _quotes_as_context(self, notices: list[re.Match], own_words: str, query: dict[str, float]) -> dict[str, float]:
        """The words of a quoted notice count QUOTE_WEIGHT as much as the question's own words.

        A quotation names the topic (which notice), and a long one names it many times over; the
        words around it ask the question ("how long do we have", 还能卖吗). At full weight the
        quotation outweighs them and wins the section that repeats the notice, whatever was
        asked. A question that is all quotation keeps its weights."""
        if not notices:
            return query
        spans = [m.group(1) or m.group(2) for m in notices]
        own = set(self.analyzer.query(own_words))
        if not own:
            return query
        quoted = set().union(*(self.analyzer.query(span) for span in spans)) - own
        return {t: w * QUOTE_WEIGHT if t in quoted else w for t, w in query.items()}

    def _without_inner_pairs(self, query: dict[str, float]) -> dict[str, float]:
        """The question's terms without the character pairs that lie inside a Chinese word the
        index knows (亚马 and 马逊 of 亚马逊): the word already says what they say, so they only
        added its weight again, and a third of a long question's terms with it. The pairs of
        words the index has never seen, and those across two words, stay: they are how a
        colloquial or mis-segmented word still finds its sections."""
        words = [t for t in query if len(t) > 1 and _CJK_CHAR.match(t) and self.known(t)]
        if not words:
            return query
        return {t: w for t, w in query.items() if not (t.startswith(BIGRAM) and any(t[1:] in word for word in words))}

    def _topic_scores(
        self, units: list[int], query: dict[str, float], candidates: _Candidates | None = None
    ) -> dict[int, float]:
        """Per unit, the body score of the question terms its article's names also hold."""
        if not units:
            return {}
        candidates = candidates or _Candidates(self, units)
        out = np.zeros(len(units))
        for term, weight in query.items():
            named = candidates.named(term)
            if named.any():
                out += weight * named * candidates.body_values(term)
        return dict(zip(units, out.tolist()))

    def _scores(self, query: dict[str, float]) -> np.ndarray:
        """Body + closest example question + article names (+ taught questions), per unit."""
        scores = self.body.scores(query)
        if self.ask.size:
            scores += ASK_WEIGHT * self._best_questions(query)
        if self.meta.size:
            scores += (META_WEIGHT * self.meta.scores(query))[self.unit_article_at]
        return scores

    def _best_questions(self, query: dict[str, float]) -> np.ndarray:
        """Per unit, the score of its closest example question.

        Only the questions holding a query term can score above zero (BM25 values and query
        weights are positive), so the maximum is taken over those postings alone: a per-question
        sum over every example question, then a maximum over every unit, cost a pass over the
        whole field (160,000 questions at 10k articles) per ask. The sums are the field's own
        `scores` (same float32 additions in the same order), so the result is the same."""
        per_question = self.ask.scores(query)
        touched = [self.ask.postings(term)[0] for term in query]
        best = np.zeros(len(self.units), dtype=np.float32)
        if any(len(docs) for docs in touched):
            # A question holding two terms appears twice: harmless to a maximum. intp: numpy
            # gathers with int32 indices at half the speed.
            docs = np.concatenate(touched).astype(np.intp)
            np.maximum.at(best, self.ask_units[docs], per_question[docs])
        return best

    def _apply_taught(self, scores: np.ndarray, query: dict[str, float], taught) -> set[int]:
        """Lift the sections of taught questions worded like this one; returns those sections."""
        plain = {t for t in query if not t.startswith(BIGRAM)}
        found = set()
        for taught_terms, article_id, section_id in taught:
            unit = self.unit_of.get((article_id, section_id))
            union = len(plain | taught_terms)
            if unit is not None and union and len(plain & taught_terms) / union >= TAUGHT_SIMILARITY:
                scores[unit] += TAUGHT_BOOST * max(float(scores.max()), MIN_SCORE)
                found.add(unit)
        return found

    def _weights(
        self, question: str, query: dict[str, float], concepts: dict[str, set[str]], lang: str
    ) -> tuple[dict[str, float], float]:
        """How much each question term matters when judging coverage, and the known share.

        Known terms weigh their rarity. Unknown ones weigh nothing (colloquial words the index
        never saw must not sink a right answer), except names (a Latin word in a Chinese question,
        a capitalised word inside an English one: Shopee, Etsy) and out-of-scope topics, which
        weigh as much as the question's rarest term, twice: they say it is about something else.
        A marketplace the question names (UK, 日本站) weighs as much as its rarest term: only an
        article written for that marketplace covers it. Character pairs count only where the
        question has no known word for them."""
        naming = set().union(set(), *concepts.values())  # words whose meaning a concept term carries
        names = _names(question, lang) - naming
        known = {t: self._idf(t) * w for t, w in query.items() if self.known(t) and not t.startswith(OUTSIDE)}
        top = max([self._idf_of(1) / 2, *(self._idf(t) for t in known)])
        places = self.analyzer.synonyms.marketplaces
        for concept in concepts:
            if concept in places and concept not in known:
                known[concept] = top * query.get(concept, 1.0)
        weights: dict[str, float] = {}
        total = 0.0
        for term, w in query.items():
            if term in known:
                weights[term] = known[term]
            elif term.startswith(OUTSIDE) or term in names:
                weights[term] = 2 * top * w
            elif not term.startswith(BIGRAM) and term not in naming:
                share = UNKNOWN_WEIGHT if _CJK_CHAR.match(term) else UNKNOWN_LATIN_WEIGHT
                weights[term] = share * top * w
            total += weights.get(term, 0.0) or (self._idf(term) * w if not term.startswith(BIGRAM) else 0.0)
        known_weight = sum(known.values())
        return weights, (known_weight / total if total else 0.0)

    def _asking_terms(self, asking: dict[str, list[str]]) -> dict[str, set[str]]:
        """Term -> the intents whose cue words in the question it belongs to."""
        out: dict[str, set[str]] = {}
        for intent, spans in asking.items():
            for span in spans:
                for term in self.analyzer.terms(span):
                    out.setdefault(term, set()).add(intent)
        return out

    def _coverage(
        self,
        units: list[int],
        weights: dict[str, float],
        query: dict[str, float],
        asking: dict[str, set[str]],
        candidates: _Candidates | None = None,
    ) -> list[tuple[float, float]]:
        """Per unit, (coverage, evidence): the share of the question's weight found in its body,
        its example questions, its article's names, or (for a marketplace) its article's
        `marketplaces`, or asking for an intent the unit declares; and the rarity-scaled query
        weight of what it holds."""
        candidates = candidates or _Candidates(self, units)
        held, shares, telling, rarities = [], [], [], []
        for term, w in weights.items():
            found = candidates.holds(term)
            if term in asking:
                found = found | np.array([bool(asking[term] & set(self.unit_intents[u])) for u in units])
            if term.startswith(CONCEPT) and term in self.analyzer.synonyms.marketplaces:
                found = found | np.array([self._place_covers(term, self.articles[a]) for a in candidates.articles])
            held.append(found)
            shares.append(w)
            # Words asking "how long" say nothing of the topic, nor does a bare number ("1 2 3",
            # "{{ 7*7 }}"): it tells which figure, once the words have said which topic.
            if term in query and term not in asking and not _FIGURE.match(term):
                telling.append(len(held) - 1)
                rarities.append(query[term] * self._rarity(term))
        # Running totals down the rows (`accumulate` adds row after row, in order; a `sum` may add
        # pairwise, which rounds differently): the same float64 additions as a loop, in two calls.
        found_all = np.array(held).reshape(len(held), len(units))
        covered = _running_total(np.array(shares)[:, None] * found_all, len(units))
        evidence = _running_total(np.array(rarities)[:, None] * found_all[telling], len(units))
        total = sum(weights.values())
        return [(float(c / total) if total else 0.0, float(e)) for c, e in zip(covered.tolist(), evidence.tolist())]

    def _place_covers(self, concept: str, article: Article) -> bool:
        """A marketplace named in the question (≈amazon-uk) is covered by an article written for it."""
        codes = self.analyzer.synonyms.marketplaces.get(concept)
        return bool(codes and codes & set(article.marketplaces))


def _best_units(scores: np.ndarray, count: int) -> np.ndarray:
    """The units of the `count` highest positive scores, in no order.

    A full partition of every scored unit cost a third of a search at 10k articles (an article
    name scores all its sections). A cut taken from every 16th score (its 4th highest, about the
    64th overall) keeps the few above it; when at least `count` are kept, they hold every one of
    the best `count` (the count-th best is at least the cut), so the result is the same."""
    units = np.flatnonzero(scores > 0)
    values = scores[units]
    if len(units) <= count:
        return units
    sample = values[::16]
    if len(sample) > 2 * count:
        cut = np.partition(sample, len(sample) - 4)[len(sample) - 4]
        kept = values >= cut
        if np.count_nonzero(kept) >= count:
            units, values = units[kept], values[kept]
    return units[np.argpartition(values, len(values) - count)[len(values) - count:]]


def _notices(question: str) -> list[re.Match]:
    """The quoted notices of a question: quotations of NOTICE_MIN_WORDS words or more."""
    return [m for m in _QUOTED.finditer(question) if _words(m.group(1) or m.group(2)) >= NOTICE_MIN_WORDS]


def _words(text: str) -> float:
    """Latin words, and Chinese characters two to a word (a word is one to three of them)."""
    return len(_ONE_WORD.findall(text)) + len(_CJK_CHAR.findall(text)) / 2


def _without(question: str, notices: list[re.Match]) -> str:
    """The question with its quoted notices blanked out: the asker's own words."""
    for match in reversed(notices):
        question = question[:match.start()] + " " + question[match.end():]
    return question


class Spelling:
    """Misspelt words of a question, read as the knowledge base's word they nearly are ("cdiscont",
    "recieved", "apeal"): an unknown word otherwise counts as a topic the knowledge base lacks, and a
    typo would sink a question it answers. Only a word that neither the knowledge base nor an
    English or French dictionary knows, nor chat shorthand the analyzer reads as a word (accts), of
    at least MIN_TYPO letters, one edit (a swap of two letters included) from exactly one word the
    knowledge base writes with the same first letter, or two edits for a long word; the distance is
    `rapidfuzz`'s."""

    def __init__(self, words: set[str]):
        self.words = words
        self.choices: dict[tuple[str, int], list[str]] = {}
        """Words by first letter and length: a typo keeps its first letter far more often than not,
        and only words of about its length can be one or two edits away, so a question's unknown
        word is measured against a few hundred words, not all (28 ms at 200,000 words)."""
        for word in sorted(words):
            if len(word) >= MIN_TYPO - 1:
                self.choices.setdefault((word[0], len(word)), []).append(word)

    def correct(self, question: str) -> str:
        return _LATIN_WORD.sub(self._word, question) if self.choices else question

    def _word(self, match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        if (
            len(lower) < MIN_TYPO or lower in self.words or lower in SHORTHAND or not lower.isalpha()
            or _dictionary().known([lower])
        ):
            return word
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 1 if len(lower) < LONG_TYPO else 2
        nearby = [w for n in range(len(lower) - limit, len(lower) + limit + 1) for w in self.choices.get((lower[0], n), ())]
        found = process.extract(lower, nearby, scorer=OSA.distance, score_cutoff=limit, limit=None)
        best = min((d for _, d, _ in found), default=None)
        closest = [w for w, d, _ in found if d == best]
        return closest[0] if len(closest) == 1 else word


@functools.cache
def _dictionary():
    """English and French words (`pyspellchecker`'s lists, loaded at the first unknown word): a real
    word the knowledge base does not write ("lunch", "Paris", "vague") is no typo of one it does
    ("launch", "parts", "value"); it says the question is about something else."""
    from spellchecker import SpellChecker

    return SpellChecker(language=["en", "fr"], distance=1)


MIN_TYPO = 5
"""Shorter words are left alone: one edit from a four-letter word reaches too many others."""
LONG_TYPO = 9
"""From this length a word may be two edits from the one meant."""


def _running_total(rows: np.ndarray, width: int) -> np.ndarray:
    """The rows added one after another, in order (0 for none)."""
    return np.add.accumulate(rows, axis=0)[-1] if len(rows) else np.zeros(width)


MEMO_TERMS = 100_000
"""Terms whose statistics an index remembers; beyond, it starts over (odd words add up in a
process that runs for months)."""


def _remember(memo: dict[str, float], term: str, value: float) -> float:
    if len(memo) >= MEMO_TERMS:
        memo.clear()
    memo[term] = value
    return value


class _Candidates:
    """The units short-listed for one question, and which of the question's terms each holds.

    Ranking them (the topic discount) and judging them (coverage, evidence) ask the same of the
    same few units, term by term: does the body hold it, do the article's names, does an example
    question? Each is a binary search of the term's postings for the candidates, done once here
    per term and field, not once per use."""

    def __init__(self, index: Index, units: list[int]):
        self.index = index
        self.docs = np.array(units, dtype=np.int32)
        self.articles = index.unit_article[self.docs]
        # Example questions are stored unit by unit: a unit's are the range [first, last) of
        # question numbers, and it holds a term when the term's sorted postings enter that range.
        # Both ends in one array: one binary search per term finds where its postings enter both.
        self.bounds = np.concatenate([
            np.searchsorted(index.ask_units, self.docs, side="left"),
            np.searchsorted(index.ask_units, self.docs, side="right"),
        ]).astype(np.int32)
        self._body: dict[str, tuple[np.ndarray, np.ndarray | None, np.ndarray | None]] = {}
        self._named: dict[str, np.ndarray] = {}

    def body(self, term: str) -> np.ndarray:
        """Whether each unit's body holds the term."""
        return self._body_lookup(term)[0]

    def body_values(self, term: str) -> np.ndarray:
        """The term's BM25 value in each unit's body (0 where absent)."""
        found, where, values = self._body_lookup(term)
        if values is None:
            values = self.index.body.values_at(term, found, where)
            self._body[term] = (found, where, values)
        return values

    def _body_lookup(self, term: str) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """(found, where, values): a common word's dense row gives its values by a gather of the
        candidates, and its presence as a value above 0 (a BM25 value is positive): the same
        answers as a binary search of its long postings, at a third of the cost."""
        looked = self._body.get(term)
        if looked is None:
            row = self.index.body.dense.get(term)
            if row is not None:
                values = row[self.docs]
                looked = (values > 0, None, values)
            else:
                looked = (*self.index.body.find(term, self.docs), None)
            self._body[term] = looked
        return looked

    def named(self, term: str) -> np.ndarray:
        """Whether each unit's article names the term (titles, aliases)."""
        if term not in self._named:
            self._named[term] = self.index.meta.find(term, self.articles)[0]
        return self._named[term]

    def holds(self, term: str) -> np.ndarray:
        """Whether each unit holds the term in its body, its article's names or an example question."""
        found = self.body(term) | self.named(term)
        asked = self.index.ask.postings(term)[0]
        if len(asked):
            ends = asked.searchsorted(self.bounds)
            n = len(self.docs)
            found |= ends[:n] < ends[n:]
        return found
