"""`ask` on the real knowledge base: what it must not do whatever the question (repeat a button,
answer a bare number) and question kinds it must read (a "standard" is a limit). These are
mechanisms, checked on wordings of our own; the question sets measure the rest."""

import pytest

from bot.knowledge.articles import load_articles
from bot.model import Request
from tests.conftest import ROOT
from tests.knowledge_fixtures import services_for


@pytest.fixture
def send(clock, new_db):
    svc = services_for(ROOT / "knowledge", new_db("bot.db"), clock)

    async def run(text: str, **fields):
        return await svc.dispatcher.handle(Request(kind="command", text=text, **fields))

    yield run
    svc.store.close()


async def test_closest_topics_never_repeat_a_button(send):
    # Three mailbox sections of one article were three identical "appeal mailboxes" buttons.
    response = await send("ask 申述邮箱")  # 申述: the everyday misspelling of 申诉
    assert response.data["answered"] is False
    values = [c.value for c in response.choices]
    labels = [c.label for c in response.choices]
    assert len(set(values)) == len(values) and len(set(labels)) == len(labels)
    assert any(v.startswith("cmd:kb show appeal-mailboxes#") for v in values)
    assert response.data["closest"] == ["appeal-mailboxes"]
    assert all(s.startswith("appeal-mailboxes#") for s in response.data["closest_sections"])


@pytest.mark.parametrize("junk", ["1 2 3", "{{ 7*7 }}", "42", "3.5 %"])
async def test_numbers_alone_are_not_a_question(send, junk):
    # A figure says which number once words have said which topic; alone it picked any section
    # with a 7 in it (the 7-day cancellation window for "{{ 7*7 }}").
    response = await send(f"ask {junk}")
    assert response.data["answered"] is False


@pytest.mark.parametrize("question, section", [
    ("odr标准", "order-defect-rate#limit"),
    ("迟发率标准？", "late-shipment-rate#limit"),
])
async def test_a_standard_asked_for_is_the_limit(send, question, section):
    response = await send(f"ask {question}")
    assert f"{response.data['article']}#{response.data['section']}" == section


async def test_topic_buttons_carry_whole_titles(send):
    """Labels were cut at 75 characters in the core, mid-word ("…(“pure”, “b"); each adapter clips
    to its own limit at a word with "…", and the console shows the whole title."""
    articles = load_articles(ROOT / "knowledge" / "articles").articles
    response = await send("ask What is the best recipe for pizza?")
    assert response.data["answered"] is False and response.choices
    for choice in response.choices:
        target = choice.value.removeprefix("cmd:kb show ").split()[0]
        article, _, section = target.partition("#")
        title = articles[article].title_in("en")
        assert choice.label == title or (section and choice.label.endswith(f" · {title}")), choice.label


async def test_an_answer_needs_more_than_ordinary_words_in_common(send):
    """"发邮件给亚马逊最后要写什么" shares 邮件, 亚马逊 and 写 with a section on removal e-mails, enough to
    cover the question but worth less than one rare word: it is not an answer, and the closest
    sections are offered instead."""
    response = await send("ask 发邮件给亚马逊最后要写什么")
    assert response.data["answered"] is False and response.data["closest_sections"]


@pytest.mark.parametrize("question, intent, not_intent", [
    ("What's the max late shipment rate Amazon allows?", "limit", "definition"),
    ("what's the minimum account health rating", "limit", "definition"),
    ("what's the point of a plan of action", "definition", None),
    ("we answer within 30 min, how to improve the response time", "howto", "limit"),  # min: minutes
    ("appealed ten days ago and still nothing, what now?", "howto", None),
    ("no answer yet, now what", "howto", None),
    ("what does the sample POA do about missing invoices", "example", "definition"),
    ("the reinstated seller who wrote that letter, what carrier did they switch to", "example", None),
    ("有没有申诉范文可以参考", "example", None),
    ("if the rate goes over the target, what can amazon actually do", "consequence", None),
    ("our rating fell to 150, how bad is that", "consequence", None),
    ("标题里写了best,这样有事吗", "consequence", None),
    ("客服几点到几点有人", "time", None),
    ("资金冻结了,除了申诉还有啥办法", "howto", None),
])
def test_asking_for_a_figure_is_not_asking_for_a_definition(question, intent, not_intent):
    """The kind of question is read from how it asks, whatever the topic: "What's the max…" asks
    for a figure, not what the thing is; "what now" and 办法 ask what to do; "the sample POA" and
    范文 ask for the worked example; "how bad", 有事吗 ask for the consequence; 几点 for a time."""
    from bot.knowledge.intents import IntentReader

    intents = IntentReader.load(ROOT / "knowledge" / "intents.yaml").read(question)
    assert intent in intents and (not_intent is None or not_intent not in intents)


def test_a_misspelt_word_is_read_as_the_knowledge_bases_word_and_a_real_word_is_not():
    """A typo the knowledge base nearly writes counts as that word; a real English or French word
    it does not write (lunch, Paris) stays what it is, a sign the question is about something
    else; a typo one edit from several words (sellr: seller, sell) is not guessed; chat shorthand
    (accts, msgs) is left to the analyzer, which reads it as the word it stands for."""
    from bot.knowledge.service import build_index

    index, _ = build_index(ROOT / "knowledge")
    assert index.spelling.correct("cdiscunt notice, can we keep seling? suspention") == \
        "cdiscount notice, can we keep selling? suspension"
    assert index.spelling.correct("acount suspention") == "account suspension"
    for left in ("lunch in Paris, vague print", "sellr", "ODR odr", "two linked accts, msgs"):
        assert index.spelling.correct(left) == left
    typo = index.search("cdiscunt formal notice: can we keep seling during monitoring?", "en")
    plain = index.search("cdiscount formal notice: can we keep selling during monitoring?", "en")
    assert typo.answered and (typo.best.article.id, typo.best.section.id) == (plain.best.article.id, plain.best.section.id)
