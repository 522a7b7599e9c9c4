"""`/seller ask` as a user sees it: answers in the question's language, with source, date, related
articles and feedback buttons; an honest "I don't know" out of scope; stale notes; votes."""

from datetime import datetime, timedelta, timezone

import pytest

from bot.model import Request
from tests.knowledge_fixtures import services_for, write_kb


@pytest.fixture
def kb_services(tmp_path, clock, new_db):
    svc = services_for(write_kb(tmp_path / "kb"), new_db("bot.db"), clock)
    yield svc
    svc.store.close()


@pytest.fixture
def send(kb_services):
    async def run(text: str, **fields):
        return await kb_services.dispatcher.handle(Request(kind="command", text=text, **fields))

    return run


async def test_english_question_gets_the_english_section_with_source_and_date(send):
    response = await send("ask What is the maximum order defect rate?")
    data = response.to_contract()
    assert data["kind"] == "answer" and data["answered"] is True
    assert data["article"] == "order-defect-rate"
    assert "under 1%" in data["answer"] and data["answer"] == response.text
    assert data["title"] == "Order defect rate (ODR)"
    assert data["source"] == "test fixture" and data["verified_on"] == "2026-10-01"
    assert "Source: test fixture" in response.context
    assert "Verified on 2026-10-01" in response.context


async def test_chinese_question_gets_the_chinese_section_even_with_english_interface(send):
    response = await send("ask 订单缺陷率的标准是多少?", lang="en")
    assert response.data["answered"] and response.data["lang"] == "zh"
    assert "1%以下" in response.data["answer"]
    assert response.data["title"] == "订单缺陷率（ODR）"
    assert any(line.startswith("来源") for line in response.context)


async def test_synonyms_cross_languages_and_abbreviations(send):
    zh_with_english_term = await send("ask ODR包括哪些缺陷?")
    assert zh_with_english_term.data["article"] == "order-defect-rate"
    assert "差评" in zh_with_english_term.data["answer"]
    english_synonym = await send("ask Are A-Z claims order defects?")  # the text says "A-to-z"
    assert "A-to-z" in english_synonym.data["answer"]


async def test_the_section_that_answers_wins_within_an_article(send):
    deadline = await send("ask How long do we have to appeal a messaging warning?")
    assert "72 hours" in deadline.data["answer"]
    whatsapp = await send("ask Can we ask a buyer for their WhatsApp?")
    assert "WhatsApp" in whatsapp.data["answer"] and "Code of Conduct" in whatsapp.data["answer"]


async def test_answer_offers_related_articles_and_feedback_buttons(send):
    response = await send("ask What is the maximum order defect rate?")
    values = [c.value for c in response.choices]
    assert "cmd:kb show late-shipment-rate" in values
    answer_id = response.data["answer_id"]
    assert f"cmd:feedback {answer_id} helpful" in values
    assert f"cmd:feedback {answer_id} not-helpful" in values
    related = [c for c in response.choices if c.value.startswith("cmd:kb show")]
    assert 1 <= len(related) <= 3


@pytest.mark.parametrize(
    "question, lang",
    [
        ("What is the capital of France?", "en"),
        ("今天北京天气怎么样?", "zh"),
        ("How do I bake sourdough bread?", "en"),
        ("推荐一款好用的手机", "zh"),
        ("How do I register a seller account on Mercadolibre?", "en"),
    ],
)
async def test_out_of_scope_questions_get_an_honest_i_dont_know_in_their_language(send, question, lang):
    response = await send(f"ask {question}")
    assert response.kind == "answer"
    assert response.data["answered"] is False and response.data["article"] is None
    assert response.data["lang"] == lang
    assert ("我不知道" in response.text) if lang == "zh" else ("I don't know" in response.text)


async def test_i_dont_know_lists_the_closest_topics_as_buttons(send):
    response = await send("ask What is the late shipment rate for eBay Motors in Australia?")
    assert response.data["answered"] is False
    assert response.choices and all(c.value.startswith("cmd:kb show ") for c in response.choices)
    assert "late-shipment-rate" in response.data["closest"]


async def test_unanswered_questions_are_logged_with_who_and_where(send, kb_services):
    await send("ask 今天北京天气怎么样?", user="U7", channel="C9", platform="slack")
    rows = kb_services.store.query("SELECT * FROM kb_unanswered ORDER BY id")
    assert [(r["question"], r["lang"], r["user"], r["channel"], r["platform"]) for r in rows] == [
        ("今天北京天气怎么样?", "zh", "U7", "C9", "slack")
    ]


async def test_empty_question_is_a_usage_error_with_an_example(send):
    response = await send("ask   ")
    assert response.kind == "error" and "question" in response.text
    assert any(line.startswith("Example: /seller ask") for line in response.context)


async def test_stale_note_appears_once_the_review_date_passes(send, clock):
    fresh = await send("ask What is the maximum order defect rate?")
    assert fresh.data["stale"] is False and not any("review" in line for line in fresh.context)
    clock.advance(timedelta(days=40))  # verified 2026-10-01, review every 90 days: due 2026-12-30
    stale = await send("ask What is the maximum order defect rate?")
    assert stale.data["stale"] is True
    assert any("due for review on 2026-12-30" in line for line in stale.context)
    zh = await send("ask 订单缺陷率的标准是多少?")
    assert any("2026-12-30" in line and "复核" in line for line in zh.context)


@pytest.mark.parametrize("utc_now, zone, stale", [
    # due 2026-12-30: on the days around it the channel's own date decides, not UTC's
    ("2026-12-30T20:00", "Asia/Shanghai", True),  # already 12-31 in Shanghai
    ("2026-12-30T20:00", None, False),  # the channel has no zone: SELLERBOT_TZ, UTC here
    ("2026-12-31T05:00", "America/Los_Angeles", False),  # still 12-30 in Los Angeles
    ("2026-12-31T05:00", None, True),
    ("2026-12-30T10:30", "Pacific/Kiritimati", True),  # UTC+14: 12-31 already
    ("2027-01-01T11:30", "Etc/GMT+12", True),  # UTC-12: 12-31, a day past due
    ("2026-12-31T11:30", "Etc/GMT+12", False),  # UTC-12: still 12-30
    ("2026-12-29T23:00", "Pacific/Kiritimati", False),  # UTC+14: 12-30, the due day itself
])
async def test_stale_note_follows_the_channels_date_near_the_review_date(send, clock, utc_now, zone, stale):
    if zone is not None:
        assert (await send(f"settings tz {zone}", channel="C-HERE")).kind != "error"
    clock.set(datetime.fromisoformat(utc_now).replace(tzinfo=timezone.utc))
    answer = await send("ask What is the maximum order defect rate?", channel="C-HERE")
    assert answer.data["stale"] is stale
    assert any("due for review on 2026-12-30" in line for line in answer.context) is stale
    shown = await send("kb show order-defect-rate", channel="C-HERE")
    assert shown.data["stale"] is stale


async def test_pressing_helpful_records_a_vote_and_thanks(send, kb_services):
    answer = await send("ask What is the maximum order defect rate?", user="U1")
    thanks = await kb_services.dispatcher.handle(
        Request(kind="choice", values=[f"cmd:feedback {answer.data['answer_id']} helpful"], user="U1")
    )
    assert thanks.kind == "info" and "Thanks" in thanks.text
    votes = kb_services.store.query("SELECT * FROM kb_votes")
    assert [(v["answer_id"], v["user"], v["helpful"], v["article"]) for v in votes] == [
        (answer.data["answer_id"], "U1", 1, "order-defect-rate")
    ]


async def test_one_vote_per_user_per_answer_and_it_can_change(send, kb_services):
    answer_id = (await send("ask What is the maximum order defect rate?")).data["answer_id"]
    await send(f"feedback {answer_id} helpful", user="U1")
    again = await send(f"feedback {answer_id} helpful", user="U1")
    assert "already" in again.text
    changed = await send(f"feedback {answer_id} not-helpful", user="U1")
    assert changed.data["changed"] is True and "changed" in changed.text
    await send(f"feedback {answer_id} helpful", user="U2")
    votes = {v["user"]: v["helpful"] for v in kb_services.store.query("SELECT * FROM kb_votes")}
    assert votes == {"U1": 0, "U2": 1}


@pytest.mark.parametrize(
    "args, message",
    [("", "answer number"), ("12", "answer number"), ("abc helpful", "not an answer number"),
     ("999 helpful", "no answer number 999"), ("1 maybe", "helpful or not-helpful")],
)
async def test_feedback_misuse_is_explained(send, args, message):
    await send("ask What is the maximum order defect rate?")
    response = await send(f"feedback {args}")
    assert response.kind == "error" and message in response.text.lower()


async def test_article_autocomplete_matches_ids_and_titles(kb_services):
    found = await kb_services.dispatcher.suggest("article", "late", Request())
    assert [c.value for c in found][0] == "late-shipment-rate"
    by_title = await kb_services.dispatcher.suggest("article", "迟发", Request(lang="zh"))
    assert [c.value for c in by_title] == ["late-shipment-rate"]
    everything = await kb_services.dispatcher.suggest("article", "", Request())
    assert len(everything) == 3


async def test_one_shot_ask_from_the_command_line(tmp_path, new_db):
    from tests.conftest import json_lines, run_cli

    result = run_cli(["ask", "What is the late shipment rate target?", "--json", "--db", new_db("x.db")],
                     env={"SELLERBOT_KNOWLEDGE_DIR": str(write_kb(tmp_path / "kb"))})
    assert result.returncode == 0, result.stderr
    [answer] = json_lines(result.stdout)
    assert answer["answered"] is True and answer["article"] == "late-shipment-rate" and "4%" in answer["answer"]
