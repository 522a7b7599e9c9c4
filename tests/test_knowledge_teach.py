"""Learning from use: `kb teach`, the 👎 "which one was right?" follow-up, `kb export`, and the
alternatives offered when sections compete.

A question nobody could answer is taught to the section that answers it; `ask` then answers it at
once, after a restart and after `kb reload`; `kb gaps` lists it as resolved; `kb export` writes it
into the article file, where it becomes one of the section's example questions.
"""

import pytest

from bot.config import Config
from bot.knowledge.articles import parse_article
from bot.knowledge.export import add_question
from bot.knowledge.store import KnowledgeStore
from bot.model import Request
from bot.services import Services
from tests.knowledge_fixtures import services_for, write_kb

pytestmark = pytest.mark.both_engines  # storage contract: SQLite and PostgreSQL

CURATOR = {"platform": "slack", "user": "U-lead", "is_admin": True}  # a workspace admin
AGENT = {"platform": "slack", "user": "U-agent"}
QUESTION = "Is a tardy dispatch penalised?"


@pytest.fixture
def kb_dir(tmp_path):
    return write_kb(tmp_path / "kb")


@pytest.fixture
def start(kb_dir, clock, db_target):
    """Start the bot over the same database (a restart is a second call)."""
    started = []

    def run():
        svc = services_for(kb_dir, db_target, clock)
        started.append(svc)

        async def send(text: str, **fields):
            return await svc.dispatcher.handle(Request(kind="command", text=text, **({**AGENT, **fields})))

        return send

    yield run
    for svc in started:
        svc.store.close()


async def test_an_unanswered_question_taught_is_answered_after_restart_reload_and_export(start, kb_dir):
    send = start()
    assert (await send(f"ask {QUESTION}")).data["answered"] is False
    gap = (await send("kb gaps", **CURATOR)).data["unanswered"][0]
    assert gap["question"] == QUESTION

    refused = await send(f"kb teach {gap['id']} late-shipment-rate#s1")
    assert refused.kind == "error"  # curators only
    taught = await send(f"kb teach {gap['id']} late-shipment-rate#s1", **CURATOR)
    assert taught.kind == "info" and taught.data["section"] == "s1"

    answer = await send(f"ask {QUESTION}")
    assert answer.data["answered"] is True and answer.data["article"] == "late-shipment-rate"
    assert "4%" in answer.data["answer"]
    gaps = (await send("kb gaps", **CURATOR)).data
    assert gaps["unanswered"] == [] and gaps["taught"][0]["question"] == QUESTION

    send = start()  # a restart: a new process over the same database
    assert (await send(f"ask {QUESTION}")).data["answered"] is True
    assert (await send("kb reload", **CURATOR)).data["reloaded"] is True
    assert (await send(f"ask {QUESTION}")).data["article"] == "late-shipment-rate"

    exported = await send("kb export", **CURATOR)
    assert exported.data == {"exported": 1, "problems": []}
    article, problems = parse_article(kb_dir / "articles" / "late-shipment-rate.md")
    assert not problems and QUESTION in article.section("s1", "en").ask
    assert (await send("kb export", **CURATOR)).data["exported"] == 0
    assert (await send("kb reload", **CURATOR)).data["reloaded"] is True
    assert (await send(f"ask {QUESTION}")).data["article"] == "late-shipment-rate"


@pytest.mark.parametrize("shared", [False, True], ids=["another-process", "same-connection"])
async def test_a_question_taught_elsewhere_counts_at_the_next_ask_and_so_does_moving_it(
        kb_dir, clock, db_target, shared, monkeypatch):
    """`ask` rereads the taught questions only when they may have changed; a teach by another
    process (its own connection, and none of this process's bookkeeping), or by another service
    sharing this one's connection, still counts at the next ask, and so does teaching the question
    again to another section (on SQLite the new row may even take the old row's id)."""
    asking = services_for(kb_dir, db_target, clock)
    teaching = (Services(Config(db=db_target, tz="UTC", knowledge_dir=kb_dir), clock=clock, store=asking.store)
                if shared else services_for(kb_dir, db_target, clock))

    async def ask():
        return (await asking.dispatcher.handle(Request(kind="command", text=f"ask {QUESTION}", **AGENT))).data

    async def teach(target):
        with monkeypatch.context() as elsewhere:
            if not shared:  # another process: what it writes is known here only through the database
                elsewhere.setattr(KnowledgeStore, "_taught_written", classmethod(lambda cls: None))
            taught = await teaching.dispatcher.handle(
                Request(kind="command", text=f"kb teach {QUESTION} {target}", **CURATOR))
        assert taught.kind == "info", taught.text

    try:
        assert (await ask())["answered"] is False  # read once (nothing taught) and kept
        assert (await ask())["answered"] is False
        await teach("late-shipment-rate#s1")
        assert ((await ask())["article"], (await ask())["section"]) == ("late-shipment-rate", "s1")
        await teach("order-defect-rate#s1")  # taught again: the link moves
        assert ((await ask())["article"], (await ask())["section"]) == ("order-defect-rate", "s1")
    finally:
        if not shared:
            teaching.store.close()
        asking.store.close()


async def test_a_typed_question_can_be_taught_and_a_wrong_target_is_refused(start):
    send = start()
    unknown = await send("kb teach how slow is too slow nowhere#s9", **CURATOR)
    assert unknown.kind == "error" and "nowhere#s9" in unknown.text
    missing = await send("kb teach q999 late-shipment-rate", **CURATOR)
    assert missing.kind == "error" and "q999" in missing.text
    ok = await send("kb teach 发货慢到什么程度算迟发 late-shipment-rate", **CURATOR)
    assert ok.data == {"question": "发货慢到什么程度算迟发", "lang": "zh", "article": "late-shipment-rate", "section": "s1"}
    zh = await send("ask 发货慢到什么程度算迟发")
    assert zh.data["answered"] is True and "4%" in zh.data["answer"] and zh.data["lang"] == "zh"


async def test_a_thumbs_down_asks_which_answer_was_right_and_curators_confirm_it(start):
    send = start()
    answer = await send("ask Can we ask a buyer for their WhatsApp?")
    assert answer.data["answered"] is True
    down = await send(f"feedback {answer.data['answer_id']} not-helpful")
    assert "Which one was right?" in down.text
    picks = [c.value for c in down.choices]
    assert picks and all(p.startswith(f"cmd:kb suggest {answer.data['answer_id']} ") for p in picks)
    assert f"{answer.data['article']}#{answer.data['section']}" not in " ".join(picks)

    thanks = await send(picks[0].removeprefix("cmd:"))
    assert thanks.kind == "info" and "curator" in thanks.text
    suggestion = (await send("kb gaps", **CURATOR)).data["suggestions"][0]
    assert suggestion["question"] == "Can we ask a buyer for their WhatsApp?"
    confirmed = await send(f"kb teach {suggestion['id']}", **CURATOR)
    assert (confirmed.data["article"], confirmed.data["section"]) == (suggestion["article"], suggestion["section"])
    assert (await send("kb gaps", **CURATOR)).data["suggestions"] == []
    again = await send("ask Can we ask a buyer for their WhatsApp?")
    assert (again.data["article"], again.data["section"]) == (suggestion["article"], suggestion["section"])


async def test_competing_sections_are_offered_as_other_possible_answers(start):
    send = start()
    answer = await send("ask buyer messaging warnings and WhatsApp")
    assert answer.data["answered"] is True
    alternatives = answer.data["alternatives"]
    assert alternatives and alternatives[0]["article"] == "buyer-messaging"
    assert alternatives[0]["section"] != answer.data["section"]
    button = next(c for c in answer.choices if c.label.startswith("Other answer"))
    shown = await send(button.value.removeprefix("cmd:"))
    assert shown.kind == "article" and shown.sections[0].title == alternatives[0]["title"]
    zh = await send("ask 站内信违规警告 WhatsApp")
    assert zh.data["alternatives"] and any(c.label.startswith("其他可能的答案") for c in zh.choices)


def test_export_keeps_the_curators_layout_and_adds_to_flow_or_block_lists():
    text = (
        "---\nid: x\nsections:\n  limit:  # the 1% section\n    intent: [limit]\n    ask:\n"
        "      en: [\"how high can it go\"]\n      zh:\n        - 最高多少\nrelated: []\n---\nbody\n"
    )
    flow = add_question(text, "limit", "en", 'is 1.5% "ok"?')
    assert '      en: ["how high can it go", "is 1.5% \\"ok\\"?"]' in flow and "# the 1% section" in flow
    block = add_question(text, "limit", "zh", "超了怎么办")
    assert "        - 最高多少\n        - \"超了怎么办\"\nrelated" in block
    new = add_question(text, "window", "zh", "按几天算")
    assert "  window:\n    ask:\n      zh: [\"按几天算\"]\nrelated" in new


GAPS_EN = [
    ("Questions nobody could answer", "q1 · 2× How do I bake sourdough bread?\nq3 · 1× 今天北京天气怎么样?"),
    ("Answers voted not helpful",
     "a1 · 1× buyer-messaging#s2 › Asking buyers for WhatsApp breaks the rules — “Can we ask a buyer for their WhatsApp?”"),
    ("Suggested by voters (confirm with `kb teach sN`)", "s1 · “Can we ask a buyer for their WhatsApp?” → buyer-messaging#s1"),
    ("Resolved: taught questions (2)",
     "“发货慢到什么程度算迟发” → late-shipment-rate#s1 (not exported yet)\n“Is a tardy dispatch penalised?” → late-shipment-rate#s1"),
]
GAPS_ZH = [
    ("没能回答的问题", GAPS_EN[0][1]),
    ("被评为没帮助的回答", GAPS_EN[1][1]),
    ("投票者建议的答案（用 `kb teach sN` 确认）", GAPS_EN[2][1]),
    ("已解决：已教学的问题（2 个）",
     "“发货慢到什么程度算迟发” → late-shipment-rate#s1（尚未导出）\n“Is a tardy dispatch penalised?” → late-shipment-rate#s1"),
]


async def test_gaps_lists_every_kind_of_gap_in_both_languages_and_at_most_ten_taught_questions(start):
    send = start()
    empty = await send("kb gaps", lang="zh", **CURATOR)
    assert (empty.title, empty.text, empty.sections) == ("知识缺口", "没有缺口：所有问题都有回答，也没有“没帮助”的投票。", [])
    for question in ("How do I bake sourdough bread?", "How do I bake sourdough bread?", "今天北京天气怎么样?"):
        await send(f"ask {question}")
    answer = await send("ask Can we ask a buyer for their WhatsApp?")
    down = await send(f"feedback {answer.data['answer_id']} not-helpful")
    await send(down.choices[0].value.removeprefix("cmd:"))
    await send(f"kb teach {QUESTION} late-shipment-rate#s1", **CURATOR)
    await send("kb export", **CURATOR)
    await send("kb teach 发货慢到什么程度算迟发 late-shipment-rate", **CURATOR)

    en, zh = [await send("kb gaps", lang=lang, **CURATOR) for lang in ("en", "zh")]
    assert (en.kind, en.title, en.ephemeral) == ("list", "Knowledge gaps", True)
    assert en.text == ("What the knowledge base is missing, most frequent first. Link a question to the section "
                       "that answers it with `kb teach <id> <article>#<section>`.")
    assert [(s.title, s.text) for s in en.sections] == GAPS_EN
    assert zh.title == "知识缺口" and zh.text == "知识库的缺口，按出现次数排序。用 `kb teach <编号> <文章>#<段落>` 把问题关联到能回答它的段落。"
    assert [(s.title, s.text) for s in zh.sections] == GAPS_ZH
    assert zh.data == en.data
    data = {key: [{k: v for k, v in item.items() if k != "last_asked"} for item in items] for key, items in en.data.items()}
    assert data == {
        "unanswered": [{"id": "q1", "question": "How do I bake sourdough bread?", "count": 2},
                       {"id": "q3", "question": "今天北京天气怎么样?", "count": 1}],
        "not_helpful": [{"id": "a1", "article": "buyer-messaging", "section": 1, "section_id": "s2",
                         "section_title": "Asking buyers for WhatsApp breaks the rules", "votes": 1,
                         "questions": ["Can we ask a buyer for their WhatsApp?"]}],
        "suggestions": [{"id": "s1", "question": "Can we ask a buyer for their WhatsApp?", "article": "buyer-messaging",
                         "section": "s1"}],
        "taught": [{"question": QUESTION, "article": "late-shipment-rate", "section": "s1", "exported": True},
                   {"question": "发货慢到什么程度算迟发", "article": "late-shipment-rate", "section": "s1", "exported": False}],
    }

    for n in range(10):
        await send(f"kb teach Question {n} about dispatch late-shipment-rate#s1", **CURATOR)
    many = await send("kb gaps", **CURATOR)
    assert many.sections[3].title == "Resolved: taught questions (12)"
    assert many.sections[3].text.splitlines() == [
        f"“Question {n} about dispatch” → late-shipment-rate#s1 (not exported yet)" for n in range(9, -1, -1)
    ]
    assert len(many.data["taught"]) == 12
