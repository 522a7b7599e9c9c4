"""An in-memory BM25 index over article sections, per language, with article-level boosts.

Each section is a document of its language (its title counts twice). Each article also has one
"meta" document — titles, aliases and example questions in both languages — whose score is added,
weighted, to every section of that article: the meta picks the article, the body picks the section.

The index also decides when to abstain: the best section must cover most of the question's
distinctive terms (weighted by rarity; a word the knowledge base has never seen, such as
"Mercadolibre" or "天气", weighs as much as the rarest known word) and score above a floor.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.articles import LANGS, Article, Section
from bot.knowledge.text import OUTSIDE, Analyzer, split, stem

K1 = 1.2
B_BODY = 0.75
B_META = 0.4
META_WEIGHT = 0.7
"""How much the article's titles, aliases and example questions count against the section body."""
TITLE_REPEAT = 2
MIN_KNOWN = 0.6
"""At least this share of the question's term weight must be words the knowledge base knows."""
MIN_COVERAGE = 0.45
"""The best section (with its article's metadata) must hold this share of the known weight."""
MIN_SCORE = 4.0
"""...and score at least this much (a single common word is not an answer)."""
UNKNOWN_FLOOR = 3.0
NAME_FACTOR = 2.0
_CJK_TERM = re.compile(r"^[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_SENTENCE_START = re.compile(r"(^|[.?!。？！]\s*)$")


def _names(question: str, lang: str) -> set[str]:
    """Terms of the question that look like names: capitalised words inside an English sentence
    (not its first word), words with a capital inside (eBay, VPN) and any Latin word inside a
    Chinese question."""
    found = set()
    for match in _LATIN_WORD.finditer(question):
        word = match.group(0)
        if lang == "zh":
            found.add(stem(word.lower()))
        elif any(c.isupper() for c in word[1:]) or (
            word[0].isupper() and not _SENTENCE_START.search(question[: match.start()])
        ):
            found.add(stem(word.lower()))
    return found


ANSWER_TYPES: dict[str, tuple[re.Pattern, re.Pattern]] = {
    # kind of answer: (a question that asks for it, a section that contains one)
    "duration": (
        re.compile(r"\bhow (long|soon|quickly|fast)\b|\bhow many (hours|days|weeks|months)\b|\bdeadline|\bwhen\b"
                   r"|多久|多长时间|多少天|几天|几个小时|多少小时|什么时候|期限|时限|多快|几周|几个月", re.I),
        re.compile(r"\d+\s*(-|‑)?\s*(hours?|days?|weeks?|months?|business days)\b|\d+\s*(个)?(小时|天|周|个月|日内|日)"
                   r"|\b(one|two|three|seven|thirty|sixty|ninety) (hours?|days?|weeks?|months?)\b"
                   r"|\bnext (working|business) day|half an hour|第二天|次日|下一个工作日|一上班|半小时", re.I),
    ),
    "money": (
        re.compile(r"\bhow much (does|do|is|will|would)\b.*\b(cost|charge|pay|fee|price)|\bcost\b|\bfees?\b|\bprice\b"
                   r"|多少钱|费用|收费|价格|花多少|多少费用", re.I),
        re.compile(r"\b(usd|jpy|eur|gbp|yen)\b|[$¥€£]|円|美元|日元|欧元|英镑", re.I),
    ),
    "address": (
        re.compile(r"\be-?mail\b|\bmailbox|\baddress\b|邮箱|邮件地址|发到哪", re.I),
        re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    ),
    "percent": (
        re.compile(r"\b(percent|percentage|threshold|maximum|minimum|max|min|target|limit|how much)\b|%"
                   r"|(达到|需要|要求|保持|控制在|低于|高于|超过|不超过|降低|提高|减少|降)(百分之)?多少(?!天|小时|钱|次|个|周|年)"
                   r"|多少%|比例|百分之|标准是多少|上限|下限|最多|最少|最低|最高", re.I),
        re.compile(r"\d\s*%"),
    ),
    "range": (
        re.compile(r"\b(range|ranges|band|bands|between)\b|范围|区间|档次|等级", re.I),
        re.compile(r"\d+\s*[–—-]\s*\d+|\bfrom \d+ to \d+|\d+\s*(到|至)\s*\d+", re.I),
    ),
    "score": (
        re.compile(r"\bwhat (score|rating)\b|\bhow many points\b|多少分|几分", re.I),
        re.compile(r"\d+\s*分|\b(score|rating) of \d+|\b\d+\s*points\b", re.I),
    ),
}
"""The words that ask for a kind of answer ("limit", 多少分) are covered by a section that holds
one (a rate, a score), so they neither sink a right answer nor lift a wrong one."""
FOCUS_DISCOUNT = 0.5
"""Choosing among one article's sections, the question words its metadata already matched (the
topic: 站内信, "messaging") count this much less, so the rest of the question (三部分, "second
time") picks the section."""
TYPE_BOOST = 1.25
CANDIDATES = 64
"""A section that holds the kind of answer asked for (a duration, a price, an address, a rate)
ranks this much higher than one that only shares words with the question."""


@dataclass(frozen=True)
class Hit:
    article: Article
    section: Section
    score: float
    coverage: float
    """Share of the question's known term weight found in the section or its article's metadata."""


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    terms: list[str]
    answered: bool
    known_share: float = 0.0
    """Share of the question's term weight that the knowledge base knows at all."""

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _bm25(docs: list[list[str]], b: float) -> tuple[dict[str, dict[int, float]], dict[str, float]]:
    """Postings term -> {doc: weight} with the BM25 weight precomputed, and each term's idf."""
    n = len(docs)
    avgdl = (sum(len(d) for d in docs) / n) if n else 1.0
    df: Counter[str] = Counter()
    counts = []
    for doc in docs:
        tf = Counter(doc)
        counts.append(tf)
        df.update(tf.keys())
    idf = {term: math.log(1 + (n - f + 0.5) / (f + 0.5)) for term, f in df.items()}
    postings: dict[str, dict[int, float]] = {term: {} for term in df}
    for doc_id, tf in enumerate(counts):
        norm = K1 * (1 - b + b * len(docs[doc_id]) / (avgdl or 1.0))
        for term, f in tf.items():
            postings[term][doc_id] = idf[term] * f * (K1 + 1) / (f + norm)
    return postings, idf


class Index:
    """Immutable once built; a reload builds a new one and swaps it in."""

    def __init__(self, articles: Iterable[Article], analyzer: Analyzer):
        self.analyzer = analyzer
        self.articles: list[Article] = sorted(articles, key=lambda a: a.id)
        self.by_id = {a.id: i for i, a in enumerate(self.articles)}
        meta_docs = [self._meta_terms(a) for a in self.articles]
        self.meta_postings, self.meta_idf = _bm25(meta_docs, B_META)
        self.sections: dict[str, list[tuple[int, Section]]] = {}
        self.article_of: dict[str, list[int]] = {}
        self.spans: dict[str, dict[int, tuple[int, int]]] = {}
        """Per language, article -> (its first section, how many), sections being consecutive."""
        self.kinds: dict[str, list[frozenset[str]]] = {}
        """Per section, the kinds of answer it holds (a duration, a price…), found once at build."""
        self.postings: dict[str, dict[str, dict[int, float]]] = {}
        self.idf: dict[str, dict[str, float]] = {}
        for lang in LANGS:
            entries: list[tuple[int, Section]] = []
            docs: list[list[str]] = []
            first: dict[int, int] = {}
            for article_no, article in enumerate(self.articles):
                for section in article.sections.get(lang, ()):
                    first.setdefault(article_no, len(entries))
                    entries.append((article_no, section))
                    docs.append(analyzer.terms(section.title) * TITLE_REPEAT + analyzer.terms(section.text))
            self.sections[lang] = entries
            self.article_of[lang] = [article_no for article_no, _ in entries]
            counts = Counter(self.article_of[lang])
            self.spans[lang] = {article_no: (start, counts[article_no]) for article_no, start in first.items()}
            self.kinds[lang] = [
                frozenset(kind for kind, (_, holds) in ANSWER_TYPES.items() if holds.search(section.text))
                for _, section in entries
            ]
            self.postings[lang], self.idf[lang] = _bm25(docs, B_BODY)

    def _meta_terms(self, article: Article) -> list[str]:
        terms: list[str] = []
        for lang in LANGS:
            terms += self.analyzer.terms(article.title[lang]) * TITLE_REPEAT
            for alias in article.aliases.get(lang, ()):
                terms += self.analyzer.terms(alias)
            for question in article.questions.get(lang, ()):
                terms += self.analyzer.terms(question)
        return terms

    def __len__(self) -> int:
        return len(self.articles)

    def article(self, article_id: str) -> Article | None:
        i = self.by_id.get(article_id)
        return self.articles[i] if i is not None else None

    def section_count(self) -> int:
        return sum(len(v) for v in self.sections.values())

    def known(self, term: str, lang: str) -> bool:
        return term in self.idf[lang] or term in self.meta_idf

    def term_weights(self, question: str, query: dict[str, float], lang: str) -> dict[str, float]:
        """How much each question term matters when judging whether a section answers it.

        A known term weighs its rarity (idf). A term the knowledge base has never seen weighs as
        much as the rarest known term of the question (at least UNKNOWN_FLOOR): "capital" in
        "capital of France" cancels "France". An unknown name — a capitalised word inside an
        English sentence, a Latin word in a Chinese one, such as Mercadolibre or Shopee — weighs
        twice that, since it says the question is about something else; so does a topic the
        synonyms file lists as outside the knowledge base (`outside:`). Chinese sub-words
        (百分之几 beside 百分) are not counted twice. Each weight is scaled by the term's share of
        the question (`Analyzer.query`).
        """
        idf, meta_idf = self.idf[lang], self.meta_idf
        known = {t: idf.get(t, meta_idf.get(t)) for t in query if t in idf or t in meta_idf}
        unknown_weight = max([UNKNOWN_FLOOR, *known.values()])
        names = _names(question, lang)
        weights: dict[str, float] = {}
        for term, qw in query.items():
            if term.startswith(OUTSIDE):
                weights[term] = qw * unknown_weight * NAME_FACTOR
            elif term in known:
                weights[term] = qw * known[term]
            elif _CJK_TERM.match(term) and any(k in term for k in known if k != term and _CJK_TERM.match(k)):
                continue
            else:
                weights[term] = qw * unknown_weight * (NAME_FACTOR if term in names else 1.0)
        return weights

    def search(self, question: str, lang: str, limit: int = 5) -> SearchResult:
        """The best sections in `lang`, best first, and whether the best one answers."""
        query, concepts = self.analyzer.parse(question)
        terms = list(query)
        if lang not in self.sections or not terms:
            return SearchResult([], terms, False)
        body_postings = self.postings[lang]
        meta: dict[int, float] = {}
        mget = meta.get
        for term, qw in query.items():
            for doc, w in self.meta_postings.get(term, {}).items():
                meta[doc] = mget(doc, 0.0) + qw * w
        entries = self.sections[lang]
        article_of = self.article_of[lang]
        scores, touched = self._body_scores(query, lang)
        spans = self.spans[lang]
        for article_no, m in meta.items():  # the article's metadata lifts each of its sections
            start, count = spans.get(article_no, (0, 0))
            if count:
                bonus = META_WEIGHT * m
                for doc in range(start, start + count):
                    scores[doc] += bonus
                touched.add(start)  # an article found by its metadata alone offers its first section
        if not touched:
            return SearchResult([], terms, False)
        # Only sections that could still come first after the answer-type boost are looked at
        # closely (plus enough runners-up): at 10,000 articles most matches are far behind.
        score_of = scores.__getitem__
        top_docs = heapq.nlargest(CANDIDATES, touched, key=score_of)
        floor = scores[top_docs[0]] / TYPE_BOOST
        if scores[top_docs[-1]] >= floor:
            top_docs = [doc for doc in touched if scores[doc] >= floor]
        top = [(doc, scores[doc]) for doc in top_docs]
        wanted = {kind for kind, (asks, _) in ANSWER_TYPES.items() if asks.search(question)}
        kinds = self.kinds[lang]
        best_per_article: dict[int, tuple[float, int, float]] = {}
        for doc, s in top:
            if wanted and wanted & kinds[doc]:
                s *= TYPE_BOOST
            article_no = article_of[doc]
            focus = s - FOCUS_DISCOUNT * sum(
                qw * body_postings[t].get(doc, 0.0) for t, qw in query.items() if article_no in self.meta_postings.get(t, ())
                and t in body_postings
            )
            current = best_per_article.get(article_no)
            # Keep one section per article so the runners-up are other topics: the article counts
            # with its best score, and answers with the section that best matches the question's focus.
            if current is None:
                best_per_article[article_no] = (s, doc, focus)
            else:
                best, cur_doc, cur_focus = current
                if focus > cur_focus or (focus == cur_focus and doc < cur_doc):
                    cur_doc, cur_focus = doc, focus
                best_per_article[article_no] = (max(best, s), cur_doc, cur_focus)
        ranked = [(s, doc) for s, doc, _ in sorted(best_per_article.values(), key=lambda item: (-item[0], item[1]))[:limit]]
        weights = self.term_weights(question, query, lang)
        asking = self._asking_terms(question, wanted)
        places = self._places(concepts)
        total = sum(weights.values()) or 1.0
        known_weight = sum(w for t, w in weights.items() if self.known(t, lang) or t in asking or t in places)
        known_share = known_weight / total
        hits = []
        for s, doc in ranked:
            article_no, section = entries[doc]
            article = self.articles[article_no]
            covered = sum(
                w
                for t, w in weights.items()
                if doc in body_postings.get(t, ())
                or article_no in self.meta_postings.get(t, ())
                or (asking.get(t, frozenset()) & kinds[doc])
                or (t in places and places[t] & set(article.marketplaces))
            )
            hits.append(Hit(article, section, s, covered / (known_weight or 1.0)))
        best = hits[0]
        outside = any(t.startswith(OUTSIDE) for t in query)  # a topic we know we do not cover
        answered = not outside and known_share >= MIN_KNOWN and best.coverage >= MIN_COVERAGE and best.score >= MIN_SCORE
        return SearchResult(hits, terms, answered, known_share)

    @staticmethod
    def _asking_terms(question: str, wanted: set[str]) -> dict[str, frozenset[str]]:
        """Terms of the words that ask for a kind of answer ("limit", "min", 上限) -> those kinds."""
        out: dict[str, set[str]] = {}
        for kind in wanted:
            for match in ANSWER_TYPES[kind][0].finditer(question):
                pieces = split(match.group(0))
                for term in (*pieces.sequence, *pieces.wholes):
                    out.setdefault(term, set()).add(kind)
        return {t: frozenset(k) for t, k in out.items()}

    def _places(self, concepts: dict[str, set[str]]) -> dict[str, frozenset[str]]:
        """Terms naming a marketplace ("UK", ≈amazon-uk) -> the article `marketplaces` codes that
        cover it: an article written for Amazon Europe answers a question about the UK."""
        out: dict[str, frozenset[str]] = {}
        for concept, named in concepts.items():
            codes = self.analyzer.synonyms.marketplaces.get(concept)
            if codes:
                for term in (concept, *named):
                    out[term] = out.get(term, frozenset()) | codes
        return out

    def _body_scores(self, query: dict[str, float], lang: str) -> tuple[list[float], set[int]]:
        """BM25 body score of every section (a flat list) and the set of sections that share a
        term with the question.

        This loop is where a big knowledge base spends its time (a word such as "amazon" or 卖家
        has a posting in most sections), so it adds into a flat list, the fastest Python has.
        """
        postings = self.postings[lang]
        scores = [0.0] * len(self.sections[lang])
        used = [(postings[t], qw) for t, qw in query.items() if t in postings]
        for posting, qw in used:
            for doc, w in posting.items():
                scores[doc] += qw * w
        touched = set().union(*(posting for posting, _ in used))
        return scores, touched
