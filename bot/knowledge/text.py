"""Turning Chinese and English text into search terms, the same way for articles and questions.

Chinese runs are segmented with jieba, English runs are lower-cased, split (keeping `a-to-z`, `1%`,
`72`, `amazon.co.uk` and e-mail addresses whole) and stemmed with Snowball. Stop words are dropped.
Phrases of the synonym table (`knowledge/synonyms.yaml`) add a language-neutral concept term
(`≈odr`), so "order defect rate", "ODR" and "订单缺陷率" meet in the index.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import snowballstemmer
import yaml

BIGRAM = "²"
"""Prefix of Chinese character pairs: every pair of a Chinese run is a term too, so a word jieba
splits differently or never saw (踩坑, 信息贩子) still meets the same characters in the index."""
CONCEPT = "≈"
"""Prefix of concept terms; no tokenizer output can start with it."""
OUTSIDE = "⊘"
"""Prefix of out-of-scope terms: a topic the knowledge base knowingly does not cover (another
marketplace, advertising bids, VAT…). Never indexed, so it always counts against an answer."""

_CJK_CHARS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEGMENTS = re.compile(rf"[{_CJK_CHARS}]+|[^{_CJK_CHARS}]+")
_CJK_RUN = re.compile(rf"^[{_CJK_CHARS}]")
_LATIN_TOKEN = re.compile(
    r"""
    [a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)+     # e-mail address
    | \d+(?:[.,]\d+)*\s?%                                   # percentage: 1%, 2.5 %
    | \d{1,3}(?:,\d{3})+(?![\d])                            # 1,000 and 10,000
    | [a-z0-9]+(?:[-.][a-z0-9]+)+                           # a-to-z, amazon.co.uk, 2.5, pre-fulfilment
    | [a-z0-9]+                                             # plain word or number
    """,
    re.VERBOSE,
)
_PARTS = re.compile(r"[a-z]+|\d+")
NUMBERS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "twelve": "12", "thirty": "30", "sixty": "60", "ninety": "90",
    "一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8",
    "九": "9", "十": "10",
}
"""Number words in both languages and their digits, so "three chances", 三次 and "3 appeals" meet."""
_ZH_COUNTED = re.compile(r"([二两三四五六七八九十])(?=[个次部种类项条天周年小月])")
"""A Chinese numeral before a measure word (三部分, 两个, 七天): jieba leaves it a lone character."""

STOP_EN = frozenset(
    """
    a about above after against all also am an and any are aren as at be because been before
    being below between both but by can cannot could couldn did didn do does doesn doing don down
    during each either else ever every few for from further get gets got had has hasn have haven
    having he her here hers herself him himself his how i if in into is isn it its itself just let
    ll me might more most much must my myself no nor not now of off on once only or other ought our
    ours ourselves out over own per please re s same shall she should so some such t than that the
    their theirs them themselves then there these they this those through thus to too under until
    up upon us ve very was wasn we were weren what whatever when where whether which while who whom
    whose why will with within without won would you your yours yourself yourselves
    anyone anything someone something thing things way ways really actually still yet kind sort
    tell know want wants need needs like okay ok hi hello thanks thank
    take takes taking taken took make makes making made happen happens happened happening go goes
    going went come comes coming
    many till told tip tips vs versus done back usual usually enough exactly basically anyway nowadays
    currently guy guys pls plz asap hey sure mean means meant whats sound sounds think thinks totally
    """.split()
)
"""English function words, question words, light verbs ("take action", "make up") and chat
fillers ("any tips", "till they get back"): they say nothing about the topic. "again" is not one:
"if it happens again" asks about a repeat offence (synonyms.yaml's repeat group)."""

SHORTHAND = {"acct": "account", "accts": "accounts", "acc": "account", "msg": "message", "msgs": "messages",
             "info": "information", "reqs": "requirements", "req": "requirement"}
"""Chat shorthand agents type, read as the word it stands for (English only)."""

STOP_FR = frozenset(
    """
    le la les l de des du d un une et ou en au aux pour par sur dans avec sans vous nous votre vos
    notre nos je j il elle ils elles on est sont été être avez avons ai a ne n pas que qu qui ce cet
    cette ces se s sa son ses leur leurs mais donc car plus très tout toute tous toutes y c
    """.split()
)
"""French function words: Cdiscount notices are quoted in French inside Chinese questions."""

STOP_ZH = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 哦 嘛 是 在 有 和 与 或 及 以及 等 把 被 让 给 对 从 到 向 就 也 都 还 又 很 太
    更 最 这 那 这个 那个 这些 那些 这样 那样 这种 那种 什么 怎么 怎么办 怎样 怎么样 如何 为什么 为何
    多少 多久 多长 多长时间 几 哪 哪些 哪个 哪里 哪儿 是否 能否 可否 可以 能 能够 会 要 想 需要 应该 该
    我 我们 你 你们 您 他 她 它 他们 她们 它们 自己 咱们 大家 一个 一下 一些 一种 如果 因为 所以 但是
    但 而 而且 然后 并且 已经 没有 不 没 别 请问 请 今天 现在 之后 之前 时候 的话 还是 或者 还有 其他
    就是 只是 只 几种 哪几种 几类 哪几类 特别 非常 比较 一直 总是 经常 真的 到底 究竟 有没有 是不是 会不会 能不能 可不可以 好 啥 咋 哪几 几个 一般 通常 大概
    咋整 咋办 有事 有事吗 要不要 不要 会不会 最后 最终 到时候 直接 一下子 还能 能不 一直
    """.split()
)
"""Chinese particles, pronouns and question words."""

_STOP_CHARS = frozenset("的了吗呢吧啊呀哦嘛是在和与或及把被让给对从向就也都还又很太这那我你您他她它们啥咋么")
"""Characters that make a character pair say nothing about the topic (的申, 了吗)."""

_jieba_lock = threading.Lock()
_jieba_tokenizer = None
_jieba_words: set[str] = set()
_jieba_pending: list[str] = []
"""Domain words taught before jieba was loaded: added when it loads."""


def _jieba():
    """The process's one jieba tokenizer, loaded on first use and quietly (its dictionary takes
    ~0.2 s), with the domain words taught so far."""
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                if not _load_jieba_cache(tokenizer):
                    tokenizer.initialize()  # builds the dictionary and writes jieba's cache
                _add_words(tokenizer, _jieba_pending)
                _jieba_pending.clear()
                _jieba_tokenizer = tokenizer
    return _jieba_tokenizer


def _load_jieba_cache(tokenizer) -> bool:
    """Read jieba's own dictionary cache (the file `initialize()` writes) in one piece.

    jieba reads it with `marshal.load(file)`, which pulls the 9 MB file through the file object
    object by object: ~0.6 s of CPU, the largest part of a cold `sellerbot ask`. `marshal.loads` of
    the same bytes builds the same dictionary in ~0.2 s. Only for jieba's default dictionary; any
    doubt (no cache yet, a custom dictionary, a torn file) leaves it to `initialize()`."""
    import marshal
    import os
    import tempfile

    import jieba

    if tokenizer.dictionary != jieba.DEFAULT_DICT or tokenizer.cache_file:
        return False
    path = os.path.join(tokenizer.tmp_dir or tempfile.gettempdir(), "jieba.cache")
    try:
        with open(path, "rb") as handle:
            freq, total = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if not isinstance(freq, dict) or not freq or not isinstance(total, int):
        return False
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
    return True


def teach(words: Iterable[str]) -> None:
    """Teach jieba domain words (跟卖, 站内信…) so they stay whole: now if it is loaded, else as it
    loads, with the first Chinese text to cut. A process that loads a saved index and is only
    asked in English never reads jieba's dictionary."""
    with _jieba_lock:
        if _jieba_tokenizer is None:
            _jieba_pending.extend(words)
        else:
            _add_words(_jieba_tokenizer, words)


def warm_up(words: Iterable[str] = ()) -> None:
    """Teach jieba the domain words and load it now (an index build cuts Chinese text at once)."""
    teach(words)
    _jieba()


def _add_words(tokenizer, words: Iterable[str]) -> None:
    """Called with `_jieba_lock` held."""
    for word in words:
        word = normalise(word)
        if word and word not in _jieba_words and _CJK_RUN.match(word) and len(word) <= 8:
            tokenizer.add_word(word, freq=50_000)
            _jieba_words.add(word)


def normalise(text: str) -> str:
    """NFKC (full-width ％ and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word) if word.isalpha() else word


@dataclass
class Tokens:
    """The pieces of one text: the plain term sequence (for phrases), whole compounds, and how
    much each term counts in a question (sub-pieces of one word share that word's weight)."""

    sequence: list[str] = field(default_factory=list)
    wholes: list[str] = field(default_factory=list)
    cjk_runs: list[str] = field(default_factory=list)
    bigrams: list[str] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    text: str = ""
    """The normalised (lower-case) text: where a name mixing scripts (C店, 法国C站) is looked for."""

    def weigh(self, term: str, weight: float) -> None:
        self.weights[term] = min(MAX_TERM_WEIGHT, self.weights.get(term, 0.0) + weight)


MAX_TERM_WEIGHT = 2.0


def _latin(run: str, out: Tokens) -> None:
    for match in _LATIN_TOKEN.finditer(run):
        token = match.group(0)
        if token.endswith("%"):
            token = token.replace(" ", "").replace(",", "")
            out.wholes.append(token)
            out.weigh(token, 1.0)
            continue
        if "," in token:  # 1,000 -> 1000
            token = token.replace(",", "")
            out.sequence.append(token)
            out.weigh(token, 1.0)
            continue
        if "@" in token or "-" in token or "." in token:
            token = token.strip(".")
            wholes = [token, token.rsplit("@", 1)[1]] if "@" in token else [token]  # the domain alone too
            parts = [stem(p) for p in _PARTS.findall(token) if p not in STOP_EN and (len(p) > 1 or p.isdigit())]
            out.wholes += wholes
            out.sequence += parts
            share = 0.5 if parts else 1.0
            for whole in wholes:
                out.weigh(whole, share / len(wholes))
            for part in parts:
                out.weigh(part, 0.5 / len(parts))
            continue
        if token in NUMBERS:
            token = NUMBERS[token]
        elif token in SHORTHAND:
            token = SHORTHAND[token]
        elif token in STOP_EN or token in STOP_FR or (len(token) == 1 and not token.isdigit()):
            continue
        token = stem(token)
        out.sequence.append(token)
        out.weigh(token, 1.0)


COMMON_FREQ = 3000
"""A Chinese word this frequent in general text (jieba's dictionary counts) counts half in a
question: 为了, 这次, 特别, 问题, 一般 say little about the topic even where the knowledge base
rarely uses them, while 监管, 侵权, 发票 keep nearly their full weight."""


def _specific(word: str, freq: dict) -> float:
    """How much a Chinese word says about a topic, from how common it is in general text."""
    if word in _jieba_words:  # a domain word we taught jieba (its count is ours, not the language's)
        return 1.0
    return 1.0 / (1.0 + freq.get(word, 0) / COMMON_FREQ)


BIGRAM_WEIGHT = 0.25
"""How much one character pair counts in a question beside the words (a word of two characters
is also one pair, so a pair alone never outweighs a word)."""


def _chinese(run: str, out: Tokens) -> None:
    """jieba's search segmentation (each word, then the dictionary words inside it), with the
    inner pieces sharing half the word's weight, and every character pair of the run."""
    out.cjk_runs.append(run)
    for i in range(len(run) - 1):
        pair = run[i : i + 2]
        if pair[0] not in _STOP_CHARS and pair[1] not in _STOP_CHARS:
            out.bigrams.append(BIGRAM + pair)
            out.weigh(BIGRAM + pair, BIGRAM_WEIGHT)
    for numeral in _ZH_COUNTED.findall(run):
        out.sequence.append(NUMBERS[numeral])
        out.weigh(NUMBERS[numeral], 1.0)
    tokenizer = _jieba()
    freq = tokenizer.FREQ
    for word in tokenizer.cut(run, HMM=True):
        if len(word) < 2 or word in STOP_ZH:
            continue
        pieces = []
        for size in (2, 3):
            if len(word) > size:
                pieces += [word[i : i + size] for i in range(len(word) - size + 1) if freq.get(word[i : i + size])]
        pieces = [p for p in pieces if p not in STOP_ZH]
        out.sequence += pieces
        out.sequence.append(word)
        share = _specific(word, freq)
        out.weigh(word, share * (0.5 if pieces else 1.0))
        for piece in pieces:
            out.weigh(piece, share * 0.5 / len(pieces))


_ENUMERATOR = re.compile(r"\(\d{1,2}\)|\b[a-h]\)")
"""List markers, (1) (2) (a): they would make every numbered list look like an answer to "three"."""


_US = re.compile(r"(?<![A-Za-z])U\.?S\.?A?(?![A-Za-z])")
""""US" in capitals is the marketplace, not the pronoun "us" that stop words drop."""
_DE = re.compile(r"(?<![A-Za-z.@-])DE(?![A-Za-z.@-])")
""""DE" in capitals is Amazon's German marketplace, not the French "de" that stop words drop."""


def split(text: str) -> Tokens:
    """Segment text into plain terms, without synonyms."""
    out = Tokens()
    out.text = normalise(_DE.sub(" germany ", _US.sub(" usa ", text)))
    for run in _SEGMENTS.findall(_ENUMERATOR.sub(" ", out.text)):
        if _CJK_RUN.match(run):
            _chinese(run, out)
        else:
            _latin(run, out)
    return out


def _phrase_terms(phrase: str) -> tuple[str, ...]:
    """The terms a Latin phrase must show in a row; a compound that leaves no plain part
    (`A-to-z`) only stands alone, so "A-to-z claim" cannot shrink to "claim"."""
    pieces = split(phrase)
    lost = [
        whole
        for whole in pieces.wholes
        if not any(stem(p) in pieces.sequence for p in _PARTS.findall(whole) if p not in STOP_EN and len(p) > 1)
    ]
    if pieces.sequence and not lost:
        return tuple(pieces.sequence)
    if len(pieces.wholes) == 1 and not pieces.sequence:
        return (pieces.wholes[0],)
    return ()


PHRASE_GAP = 2
"""Words a phrase may have between its own ("break the buyer messaging rules" is "break the rules")."""


def _in_order(phrase: tuple[str, ...], seq: list[str], start: int) -> bool:
    """Whether `phrase` occurs in `seq` from `start`, in order, with at most PHRASE_GAP other terms
    in between."""
    at, gaps = start + 1, 0
    for term in phrase[1:]:
        while at < len(seq) and seq[at] != term:
            at, gaps = at + 1, gaps + 1
            if gaps > PHRASE_GAP:
                return False
        if at >= len(seq):
            return False
        at += 1
    return True


class Synonyms:
    """Groups of words and phrases that mean the same thing, in any language, loaded as data."""

    def __init__(
        self,
        groups: list[list[str]],
        words: Iterable[str] = (),
        outside: Iterable[list[str]] = (),
        marketplaces: dict[str, Iterable[str]] | None = None,
        in_chinese: dict[str, Iterable[str]] | None = None,
    ):
        self.groups = groups
        self.words = list(words)
        self.outside = list(outside)
        self.marketplaces: dict[str, frozenset[str]] = {
            self.concept_of(name): frozenset(codes) for name, codes in (marketplaces or {}).items()
        }
        """Concept of a place (`≈amazon-uk`) -> the article `marketplaces` codes that cover it."""
        self.in_chinese: dict[str, set[str]] = {}
        """Latin word -> concepts it names inside a Chinese sentence only (cd是Cdiscount; a music CD is not)."""
        heads = {self.concept_of(str(group[0])) for group in groups if group}
        for name, nicknames in (in_chinese or {}).items():
            if self.concept_of(name) not in heads:
                raise ValueError(f"in_chinese: {name!r} is not the first word of a group")
            for nickname in nicknames:
                terms = _phrase_terms(str(nickname))
                if len(terms) != 1 or len(str(nickname).split()) != 1:
                    raise ValueError(f"in_chinese: {nickname!r} must be one Latin word")
                self.in_chinese.setdefault(terms[0], set()).add(self.concept_of(name))
        self.single: dict[str, set[str]] = {}
        """One-term phrase -> concept terms."""
        self.multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        """First term of a Latin phrase -> [(whole phrase, concept)], longest first."""
        chinese: dict[str, set[str]] = {}
        mixed: dict[str, set[str]] = {}
        self.ignored: list[str] = []
        """Entries that shrink to a single common term once stop words and signs go ("A+ content" is
        "content"): never matched, listed so that a test can keep the curated file free of them."""
        tagged = [(CONCEPT, group) for group in groups] + [(OUTSIDE, group) for group in self.outside]
        for prefix, group in tagged:
            if not group:
                continue
            concept = self.concept_of(str(group[0]), prefix)
            for entry in group:
                phrase = normalise(str(entry)).strip()
                if not phrase:
                    continue
                if _CJK_RUN.match(phrase) and all(_CJK_RUN.match(ch) for ch in phrase):
                    chinese.setdefault(phrase, set()).add(concept)
                    continue
                if any(_CJK_RUN.match(ch) for ch in phrase):
                    # C店, 法国C站: neither a Chinese run nor Latin terms (法国C站 would shrink to
                    # 法国, and every 法国 would be Cdiscount); looked for as written.
                    mixed.setdefault(phrase, set()).add(concept)
                    continue
                terms = _phrase_terms(phrase)
                if not terms or (len(terms) == 1 and len(phrase.split()) > 1):
                    # "send again" minus its stop word is "send", "under watch" is "watch": they would
                    # fire on every "send" and every smart watch
                    self.ignored.append(str(entry))
                    continue
                if len(terms) == 1:
                    self.single.setdefault(terms[0], set()).add(concept)
                else:
                    self.multi.setdefault(terms[0], []).append((terms, concept))
        for options in self.multi.values():
            options.sort(key=lambda item: -len(item[0]))
        self.chinese = chinese
        self.mixed = mixed
        self._chinese_re = _longest_first(chinese)
        self._mixed_re = _longest_first(mixed, latin_edge=True)

    @staticmethod
    def concept_of(name: str, prefix: str = CONCEPT) -> str:
        return prefix + re.sub(r"\s+", "-", normalise(name).strip())

    @classmethod
    def load(cls, path: Path) -> "Synonyms":
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or not isinstance(data.get("groups", []), list):
            raise ValueError(f"{path}: expected a mapping with a `groups` list")
        groups = []
        for number, group in enumerate(data.get("groups") or [], start=1):
            if not isinstance(group, list) or not all(isinstance(p, (str, int, float)) for p in group):
                raise ValueError(f"{path}: group {number} must be a list of words or phrases")
            groups.append([str(p) for p in group])
        words = data.get("words") or []
        if not isinstance(words, list):
            raise ValueError(f"{path}: `words` must be a list")
        outside = []
        for number, group in enumerate(data.get("outside") or [], start=1):
            if not isinstance(group, list) or not all(isinstance(p, (str, int, float)) for p in group):
                raise ValueError(f"{path}: outside group {number} must be a list of words or phrases")
            outside.append([str(p) for p in group])
        places = data.get("marketplaces") or {}
        if not isinstance(places, dict) or not all(isinstance(v, list) for v in places.values()):
            raise ValueError(f"{path}: `marketplaces` must map a place to a list of marketplace codes")
        in_chinese = data.get("in_chinese") or {}
        if not isinstance(in_chinese, dict) or not all(isinstance(v, list) for v in in_chinese.values()):
            raise ValueError(f"{path}: `in_chinese` must map a concept to a list of Latin nicknames")
        return cls(groups, [str(w) for w in words], outside, {str(k): [str(c) for c in v] for k, v in places.items()},
                   {str(k): [str(n) for n in v] for k, v in in_chinese.items()})

    @classmethod
    def empty(cls) -> "Synonyms":
        return cls([])

    def chinese_phrases(self) -> list[str]:
        return list(self.chinese)

    def concepts(self, tokens: Tokens) -> dict[str, set[str]]:
        """The concepts the text names, each with the terms that named it."""
        found: dict[str, set[str]] = {}
        seq = tokens.sequence
        for term in (*seq, *tokens.wholes):
            for concept in self.single.get(term, ()):
                found.setdefault(concept, set()).add(term)
        for i, term in enumerate(seq):
            for phrase, concept in self.multi.get(term, ()):
                if _in_order(phrase, seq, i):
                    found.setdefault(concept, set()).update(phrase)
        if tokens.cjk_runs:
            for term in seq:
                for concept in self.in_chinese.get(term, ()):
                    found.setdefault(concept, set()).add(term)
        for text in tokens.cjk_runs:
            _name_concepts(self._chinese_re, self.chinese, text, seq, found)
        _name_concepts(self._mixed_re, self.mixed, tokens.text, seq, found)
        return found


def _longest_first(phrases: Iterable[str], latin_edge: bool = False) -> re.Pattern | None:
    """One pattern for the phrases, the longest tried first; with `latin_edge`, a phrase that starts
    or ends with a Latin letter must not continue a Latin word (C店 is no part of "abc店")."""
    def edged(phrase: str) -> str:
        pattern = re.escape(phrase)
        if latin_edge and phrase[:1].isascii() and phrase[:1].isalnum():
            pattern = r"(?<![a-z0-9])" + pattern
        if latin_edge and phrase[-1:].isascii() and phrase[-1:].isalnum():
            pattern += r"(?![a-z0-9])"
        return pattern

    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(edged(p) for p in ordered)) if ordered else None


def _name_concepts(pattern: re.Pattern | None, concepts_of: dict[str, set[str]], text: str, seq: list[str],
                   found: dict[str, set[str]]) -> None:
    """Add the concepts of every name `pattern` finds in `text`, with the terms inside each."""
    if pattern is None:
        return
    for match in pattern.finditer(text):
        inside = {t for t in seq if t in match.group(0)}
        for concept in concepts_of[match.group(0)]:
            found.setdefault(concept, set()).update(inside)


class Analyzer:
    """Text -> search terms (plain terms, whole compounds, concepts)."""

    def __init__(self, synonyms: Synonyms):
        self.synonyms = synonyms

    def terms(self, text: str) -> list[str]:
        """The terms of a document, repeated as often as they occur (out-of-scope topics that an
        article mentions in passing are not indexed: they must never look covered)."""
        tokens = split(text)
        concepts = (c for c in self.synonyms.concepts(tokens) if not c.startswith(OUTSIDE))
        return [*tokens.sequence, *tokens.wholes, *tokens.bigrams, *sorted(concepts)]

    def query(self, text: str) -> dict[str, float]:
        return self.parse(text)[0]

    def parse(self, text: str) -> tuple[dict[str, float], dict[str, set[str]]]:
        """The distinct terms of a question and how much each counts, with the concepts it names.

        A concept counts once, and the words that named it ("order defect rate", 订单缺陷率 and
        its pieces) count half. The words of an out-of-scope topic ("storage fee", 仓储费) count
        nothing on their own: only the topic counts, and nothing in the index covers it."""
        tokens = split(text)
        weights = dict(tokens.weights)
        concepts = self.synonyms.concepts(tokens)
        outside = set().union(*(terms for c, terms in concepts.items() if c.startswith(OUTSIDE)))
        if outside:  # "stock" of "stock price" names no inventory
            concepts = {c: t for c, t in concepts.items() if c.startswith(OUTSIDE) or not t <= outside}
        named = set().union(*concepts.values()) if concepts else set()
        for term in named:
            if term in weights:
                weights[term] = 0.0 if term in outside else weights[term] * 0.5
        for concept in sorted(concepts):
            weights[concept] = 1.0
        return {t: w for t, w in weights.items() if w > 0}, concepts
