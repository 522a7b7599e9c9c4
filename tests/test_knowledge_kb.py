"""`/seller kb`: search, show, stale, gaps, stats and reload, and who may use the curator actions."""

from datetime import timedelta

import pytest

from bot.model import Request
from tests.knowledge_fixtures import LSR, article, services_for, write_kb

CURATOR = {"platform": "slack", "user": "U-lead", "is_admin": True}  # a workspace admin
AGENT = {"platform": "slack", "user": "U-agent"}


@pytest.fixture
def kb_dir(tmp_path):
    return write_kb(tmp_path / "kb")


@pytest.fixture
def kb_services(kb_dir, clock, new_db):
    svc = services_for(kb_dir, new_db("bot.db"), clock)
    yield svc
    svc.store.close()


@pytest.fixture
def send(kb_services):
    async def run(text: str, **fields):
        return await kb_services.dispatcher.handle(Request(kind="command", text=text, **fields))

    return run


async def test_search_lists_best_sections_and_whether_ask_would_answer(send):
    response = await send("kb search late shipment rate")
    assert response.kind == "list"
    assert response.data["results"][0]["article"] == "late-shipment-rate"
    assert response.data["would_answer"] is True
    # one button per section listed, opening that section (they all opened the whole article)
    values = [c.value for c in response.choices]
    assert values[0].startswith("cmd:kb show late-shipment-rate#") and len(set(values)) == len(values)
    assert [c.label for c in response.choices][0] == response.data["results"][0]["section"]
    one = await send(values[0].removeprefix("cmd:"))
    assert one.kind == "article" and len(one.sections) == 1 and ", section " in one.text and " of " in one.text
    nothing = await send("kb search sourdough bread")
    assert nothing.data["results"] == [] and "Nothing" in nothing.text


async def test_show_gives_the_article_in_the_users_language_section_by_section(send):
    en = await send("kb show order-defect-rate")
    assert en.kind == "article" and en.title == "Order defect rate (ODR)"
    assert [s.title for s in en.sections] == ["The ODR target is under 1%", "What counts as an order defect"]
    assert "cmd:kb show late-shipment-rate" in [c.value for c in en.choices]
    zh = await send("kb show order-defect-rate", lang="zh")
    assert zh.title == "订单缺陷率（ODR）" and zh.sections[0].title == "订单缺陷率的标准：低于1%"
    forced = await send("kb show order-defect-rate zh")
    assert forced.sections[1].title == "哪些算订单缺陷"


async def test_show_unknown_article_suggests_close_ids(send):
    response = await send("kb show order-defect-rat")
    assert response.kind == "error" and "order-defect-rate" in response.text
    assert (await send("kb show")).kind == "error"
    assert "en or zh" in (await send("kb show order-defect-rate fr")).text


async def test_stale_lists_articles_past_review_with_days_overdue(send, clock):
    assert (await send("kb stale")).data["stale"] == []
    clock.advance(timedelta(days=40))  # ODR: verified 2026-10-01, review every 90 days
    response = await send("kb stale")
    assert [(i["article"], i["review_due"], i["days_overdue"]) for i in response.data["stale"]] == [
        ("order-defect-rate", "2026-12-30", 4)
    ]
    clock.advance(timedelta(days=200))  # now the others (180 days from 2026-11-01) too, ODR first
    later = await send("kb stale")
    assert [i["article"] for i in later.data["stale"]][0] == "order-defect-rate"
    assert len(later.data["stale"]) == 3


async def test_gaps_groups_unanswered_questions_and_not_helpful_votes_most_frequent_first(send):
    for question in ["今天北京天气怎么样?", "How do I bake sourdough bread?", "今天北京天气怎么样？", "  今天北京天气怎么样 "]:
        await send(f"ask {question}")
    await send("ask How do I bake sourdough bread?")
    await send("ask What is the capital of France?")
    lsr = (await send("ask What is the late shipment rate target?")).data["answer_id"]
    odr = (await send("ask What is the maximum order defect rate?")).data["answer_id"]
    await send(f"feedback {lsr} not-helpful", user="U1")
    await send(f"feedback {lsr} not-helpful", user="U2")
    await send(f"feedback {odr} not-helpful", user="U1")
    await send(f"feedback {odr} helpful", user="U2")
    response = await send("kb gaps", **CURATOR)
    assert [(g["question"], g["count"]) for g in response.data["unanswered"]] == [
        ("今天北京天气怎么样?", 3),
        ("How do I bake sourdough bread?", 2),
        ("What is the capital of France?", 1),
    ]
    assert [(g["article"], g["votes"]) for g in response.data["not_helpful"]] == [
        ("late-shipment-rate", 2),
        ("order-defect-rate", 1),
    ]
    first = response.data["unanswered"][0]["id"]
    assert first.startswith("q") and response.sections[0].text.splitlines()[0] == f"{first} · 3× 今天北京天气怎么样?"


async def test_gaps_with_nothing_missing_says_so(send):
    assert "No gaps" in (await send("kb gaps", **CURATOR)).text


async def test_stats_counts_articles_asks_answered_share_and_votes(send):
    await send("ask What is the maximum order defect rate?")
    answer_id = (await send("ask What is the late shipment rate target?")).data["answer_id"]
    await send("ask How do I bake sourdough bread?")
    await send(f"feedback {answer_id} helpful")
    stats = (await send("kb stats")).data
    assert (stats["articles"], stats["sections"]) == (3, 10)
    assert (stats["asks"], stats["answered"], stats["answered_pct"]) == (3, 2, 67)
    assert (stats["helpful"], stats["not_helpful"]) == (1, 0)


async def test_reload_picks_up_a_new_article_without_restart(send, kb_dir):
    before = await send("ask How many days do I have to reply to buyer messages?")
    assert before.data["article"] != "buyer-message-response-time"
    (kb_dir / "articles" / "buyer-message-response-time.md").write_text(
        article(
            "buyer-message-response-time",
            title_en="Replying to buyer messages within 24 hours",
            title_zh="24小时内回复买家消息",
            sections=[("Reply to buyer messages within 24 hours",
                       "Reply to buyer messages within 24 hours, weekends included.",
                       "24小时内回复买家消息", "买家消息需要在24小时内回复，周末也不例外。")],
        ),
        encoding="utf-8",
    )
    reloaded = await send("kb reload", **CURATOR)
    assert reloaded.kind == "info" and reloaded.data == {"reloaded": True, "articles": 4, "sections": 12}
    answer = await send("ask How many days do I have to reply to buyer messages?")
    assert answer.data["answered"] is True and "24 hours" in answer.data["answer"]


async def test_reload_with_a_broken_file_keeps_the_old_index_and_names_the_file(send, kb_dir, kb_services):
    assert (await send("ask What is the late shipment rate target?")).data["answered"] is True  # in service
    (kb_dir / "articles" / "late-shipment-rate.md").write_text(LSR.replace("source: \"test fixture\"\n", ""))
    (kb_dir / "articles" / "broken-yaml.md").write_text("---\nid: [unclosed\n---\n## [en] x\ny\n## [zh] x\ny\n")
    response = await send("kb reload", **CURATOR)
    assert response.kind == "error" and response.data["reloaded"] is False
    problems = "\n".join(response.data["errors"])
    assert "late-shipment-rate.md: `source` is missing" in problems
    assert "broken-yaml.md: front matter is not valid YAML" in problems
    assert "previous knowledge base (3 articles)" in response.text
    still = await send("ask What is the late shipment rate target?")
    assert still.data["answered"] is True and "4%" in still.data["answer"]
    assert len(kb_services.kb.index) == 3


async def test_reload_and_gaps_are_for_curators_only(send):
    for action in ("kb reload", "kb gaps"):
        denied = await send(action, **AGENT)
        assert denied.kind == "error" and "curators" in denied.text
    assert (await send("kb reload", **CURATOR)).data["reloaded"] is True
    for action in ("kb search odr", "kb show order-defect-rate", "kb stale", "kb stats"):
        assert (await send(action, **AGENT)).kind != "error"


async def test_kb_without_an_action_lists_the_actions(send):
    response = await send("kb")
    assert response.kind == "error"
    for action in ("search", "show", "stale", "gaps", "stats", "reload"):
        assert action in response.text
