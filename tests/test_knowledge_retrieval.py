"""Retrieval mechanisms that keep `/seller ask` right on wordings nobody tuned for: number words,
list markers, chat fillers, phrases with words in between, out-of-scope topics, answer-type words,
marketplaces and the section that matches the question's focus."""

import pickle

import numpy as np
import pytest

from bot.knowledge import index as index_module
from bot.knowledge.index import _best_units, _notices, _without
from bot.knowledge.service import build_index
from bot.knowledge.text import OUTSIDE, Analyzer, Synonyms, split, warm_up
from tests.conftest import ROOT
from tests.knowledge_fixtures import LSR, MESSAGING, ODR, article, write_kb


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    synonyms = Synonyms.load(ROOT / "knowledge" / "synonyms.yaml")
    warm_up(synonyms.words + synonyms.chinese_phrases())
    return Analyzer(synonyms)


def test_number_words_become_digits_in_both_languages():
    assert "3" in split("three chances to appeal").sequence
    assert "3" in split("申诉要写哪三部分").sequence
    assert "7" in split("seven days").sequence


def test_list_markers_are_not_numbers():
    assert not {"1", "2", "a", "b"} & set(split("(1) root cause (2) actions; a) first b) second").sequence)


def test_chat_fillers_say_nothing_about_the_topic():
    assert split("any tips till they get back to us?").sequence == []
    assert "咋整" not in split("买家没收到货咋整").sequence


def test_a_phrase_may_have_a_few_words_in_between(analyzer):
    assert "≈violation" in analyzer.query("we break the buyer messaging rules")
    assert "≈violation" not in analyzer.query("break the long list of old buyer messaging rules")


def test_an_out_of_scope_topic_counts_alone_and_is_never_indexed(analyzer):
    weights = analyzer.query("FBA storage fee for a small parcel")
    assert any(t.startswith(OUTSIDE) for t in weights)
    assert "≈fee" not in weights and "fee" not in weights and "storag" not in weights
    assert "≈inventory" not in analyzer.query("Amazon stock price")  # the stock of a stock price
    assert not any(t.startswith(OUTSIDE) for t in analyzer.terms("Storage fees are not covered here."))


def test_synonyms_file_rejects_a_malformed_outside_or_marketplaces(tmp_path):
    path = tmp_path / "synonyms.yaml"
    path.write_text("groups: []\noutside: [eBay]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="outside group 1"):
        Synonyms.load(path)
    path.write_text("groups: []\nmarketplaces: {UK: amazon-uk}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="marketplaces"):
        Synonyms.load(path)


@pytest.fixture
def kb(tmp_path):
    folders = iter(range(100))

    def build(articles: dict[str, str]):
        index, errors = build_index(write_kb(tmp_path / f"kb{next(folders)}", articles))
        assert not errors
        return index

    return build


def test_a_question_naming_an_uncovered_topic_abstains(kb):
    index = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR})
    assert index.search("What is the order defect rate limit?", "en").answered
    assert not index.search("What is the order defect rate on eBay?", "en").answered
    assert not index.search("订单缺陷率和仓储费怎么算?", "zh").answered


def test_words_asking_for_a_rate_are_covered_by_a_section_holding_one(kb):
    index = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR})
    result = index.search("late shipment rate min limit?", "en")
    assert result.answered and "4%" in result.best.section.text
    assert result.best.coverage == 1.0


def test_a_marketplace_is_covered_by_an_article_written_for_it(kb):
    europe = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR.replace("[amazon-us]", "[amazon-eu]")})
    assert europe.search("late shipment rate in the UK", "en").best.coverage == 1.0
    japan = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR.replace("[amazon-us]", "[amazon-jp]")})
    assert japan.search("late shipment rate in the UK", "en").best.coverage < 1.0



def test_character_pairs_inside_a_known_word_are_left_to_the_word(kb):
    """迟发率 is a word the index knows: its pairs 迟发 and 发率 say nothing more; the pair of a
    colloquial word the index has never seen (爆表) and the one across two words (率爆) stay, to
    find a section by its characters."""
    index = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR})
    assert {"迟发率", "²迟发", "²发率", "²率爆", "²爆表", "爆表"} <= set(index.analyzer.query("迟发率爆表"))
    assert not index.known("爆表")
    result = index.search("迟发率爆表", "zh")
    assert "迟发率" in result.terms and "²迟发" not in result.terms and "²发率" not in result.terms
    assert "²爆表" in result.terms and "²率爆" in result.terms
    assert result.best.article.id == "late-shipment-rate"


def test_a_saved_index_leaves_out_the_postings_it_remembered(kb):
    """Fields remember each term's postings as views of their arrays; saved, views would be
    written out as copies (and loaded as arrays the field no longer shares)."""
    index = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR})
    first = index.search("迟发率的标准是多少?", "zh")
    assert index.body._memo
    loaded = pickle.loads(pickle.dumps(index))
    assert loaded.body._memo == {} and loaded.ask._memo == {} and loaded.meta._memo == {}
    again = loaded.search("迟发率的标准是多少?", "zh")
    assert [(h.article.id, h.section.id, h.score) for h in again.hits] == [
        (h.article.id, h.section.id, h.score) for h in first.hits]
    docs, _ = loaded.body.postings("迟发率")
    assert len(docs) and docs.base is not None  # a view of the field's array, not a copy

REPEAT = article(
    "messaging-rules",
    title_en="Buyer messaging rules",
    title_zh="站内信规则",
    aliases_en="[buyer messaging, messaging warning]",
    aliases_zh="[站内信]",
    sections=[
        ("Buyer messaging warnings",
         "A buyer messaging warning follows an inappropriate message; appeal the warning.",
         "站内信警告", "站内信违规会收到站内信警告。"),
        ("A repeat offence",
         "A repeat violation may get the account deactivated without appeal.",
         "再次违规", "再次违规可能直接停用账户，不再给申诉机会。"),
    ],
)


def test_the_section_is_chosen_by_what_the_question_adds_to_the_topic(kb, monkeypatch):
    index = kb({"messaging-rules": REPEAT, "buyer-messaging": MESSAGING})
    question = "repeated buyer messaging warning"
    assert index.search(question, "en").best.section.title == "A repeat offence"
    monkeypatch.setattr(index_module, "FOCUS_DISCOUNT", 0.0)  # the topic words alone pick the other
    monkeypatch.setattr(index_module, "COVERAGE_SWAY", 0.0)
    assert index.search(question, "en").best.section.title == "Buyer messaging warnings"


def test_a_quoted_notice_names_the_topic_and_the_own_words_ask(kb):
    """The words of a quoted notice count half: a long quotation must not outweigh the few words
    that ask the question. A question that is only a quotation keeps its weights."""
    index = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR})

    def weights(question: str) -> dict[str, float]:
        notices = _notices(question)
        return index._quotes_as_context(notices, _without(question, notices), index.analyzer.query(question))

    plain = index.analyzer.query("your order defect rate is too high. how long do we have?")
    quoted = weights("notice: 'your order defect rate is too high'. how long do we have?")
    assert quoted["high"] == plain["high"] / 2 and quoted["long"] == plain["long"]
    alone = index.analyzer.query("“your order defect rate is too high”")
    assert weights("“your order defect rate is too high”") == alone


@pytest.mark.parametrize("question", [
    "got the 'order defect rate' warning, how long do we have?",
    "got the 'Amazon A-to-z Guarantee claim' notice, how long do we have?",
    "收到了“违反卖家行为准则”的警告，多久内要申诉？",
])
def test_a_quoted_name_counts_as_the_questions_own_words(question):
    """A few quoted words name the topic the way unquoted ones do: halving them let a neighbouring
    article win on the asking words alone. Chinese counts two characters a word."""
    assert _notices(question) == []


def test_a_quoted_sentence_is_a_notice_even_of_short_words():
    assert len(_notices("the buyer wrote 'we don't know when it ships' - what now?")) == 1
    assert len(_notices("通知说“您向亚马逊社区的成员发送了不礼貌的邮件”，怎么办")) == 1


def test_the_kind_of_question_is_read_from_the_askers_words_not_a_quoted_notice(kb):
    """"…so they count as shipped" inside a quotation asks nothing; "what should they do" does. When
    the quotation is the whole question (客户问 "…多久回"), it is read."""
    index = kb({"order-defect-rate": ODR, "late-shipment-rate": LSR})
    told = 'seller said "we upload tracking early so the orders count as shipped on time" what should they do now'
    asked = index.search(told, "en").intents
    assert "howto" in asked and "components" not in asked
    quoted_question = '客户天天催 "我们的订单缺陷率申诉发出去了 亚马逊一般多久回复"'
    assert _without(quoted_question, _notices(quoted_question)).strip() == "客户天天催"
    assert "time" in index.search(quoted_question, "zh").intents


@pytest.mark.parametrize("seed", range(20))
def test_the_best_units_are_the_highest_scores_however_they_are_spread(seed):
    """The sampled cut of `_best_units` keeps exactly the units a full sort would."""
    rng = np.random.default_rng(seed)
    size = int(rng.integers(10, 50_000))
    scores = np.zeros(size, dtype=np.float32)
    scored = rng.choice(size, int(size * rng.uniform(0.001, 1.0)), replace=False)
    scores[scored] = rng.permutation(len(scored)).astype(np.float32) + 1  # distinct: no ties to choose from
    best = set(np.argsort(-scores)[:48].tolist()) & set(np.flatnonzero(scores).tolist())
    assert set(_best_units(scores, 48).tolist()) == best
