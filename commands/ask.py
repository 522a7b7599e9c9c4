"""`/seller ask <question>`: the best passage of the knowledge base, in the question's language.

The answer names its article, source and "verified on" date, warns when the article is past its
review date, offers up to three related articles and helpful / not-helpful buttons. When nothing
fits it says so honestly, lists the closest topics and logs the question for curators.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text, detect_lang, pick
from bot.knowledge import Answer, Who
from bot.knowledge.articles import MAX_SECTION_CHARS
from bot.model import Choice, Response
from bot.spec import Command, Param
from commands.kb import article_choice, stale_here, stale_note

if TYPE_CHECKING:
    from bot.app import App

ask_command = Command(
    "ask",
    Text("Ask a policy question; the answer comes from the knowledge base, with its source", "询问平台政策问题，从知识库中给出带出处的答案"),
    params=(Param("question", Text("question", "问题"), Text("Your question, in Chinese or English", "你的问题（中文或英文）"),
                  required=True, rest=True),),
    words=("问",),
    examples=(
        Text("ask What is the maximum order defect rate?", "问 订单缺陷率的标准是多少?"),
        Text("ask 站内信违规收到警告后多久内要申诉?", "问 站内信违规收到警告后多久内要申诉?"),
    ),
)


def setup(app: "App") -> None:
    app.add(ask_command)
    app.suggests("article", suggest_articles)


@ask_command
async def ask(ctx: Context) -> Response:
    question = ctx.args.strip()
    if not question:
        raise UsageError(
            ctx.pick(
                en="Type your question after `ask`, in Chinese or English.",
                zh="请在 `ask` 后面输入你的问题（中文或英文均可）。",
            )
        )
    lang = detect_lang(question, default=ctx.lang)
    req = ctx.req
    answer = ctx.svc.kb.ask(question, lang, Who(req.user, req.channel, req.platform, req.workspace), ctx.now)
    if not answer.answered:
        return _dont_know(ctx, answer)
    return _answer(ctx, answer)


def _passage(text: str) -> str:
    """The section text, at most 600 characters (articles are validated to fit; this is a guard)."""
    if len(text) <= MAX_SECTION_CHARS:
        return text
    cut = text[: MAX_SECTION_CHARS - 1]
    end = max(cut.rfind(mark) for mark in (". ", "。", "；", "; "))
    return (cut[: end + 1] if end > MAX_SECTION_CHARS // 2 else cut).rstrip() + "…"


def _answer(ctx: Context, answer: Answer) -> Response:
    lang = answer.lang
    hit = answer.hit
    assert hit is not None
    article = hit.article
    title = article.title_in(lang)
    passage = _passage(hit.section.text)
    context = [
        pick(lang, en=f"Source: {article.source_in('en')}", zh=f"来源：{article.source_in('zh')}"),
        pick(lang, en=f"Verified on {article.verified_on.isoformat()}", zh=f"核实日期：{article.verified_on.isoformat()}"),
    ]
    stale = stale_here(ctx, article)
    if stale:
        context.append(stale_note(article, lang))
    alternatives = [
        {"article": alt.article.id, "section": alt.section.id, "title": alt.section.title} for alt in answer.alternatives
    ]
    if alternatives:
        context.append(pick(lang, en="Other possible answers are below.", zh="其他可能的答案见下方按钮。"))
    choices = [alternative_choice(alt, lang) for alt in answer.alternatives]
    choices += [article_choice(related, lang) for related in answer.related if related.id not in
                {alt.article.id for alt in answer.alternatives}]
    if answer.answer_id is None:  # the database refused the log (a full disk): nothing to vote on
        context.append(pick(lang, en="Not logged (the database could not be written): no votes on this answer.",
                            zh="本次问答未能记录（数据库写入失败），无法对此回答投票。"))
    else:
        choices += [
            Choice(label=pick(lang, en="👍 Helpful", zh="👍 有帮助"), value=f"cmd:feedback {answer.answer_id} helpful"),
            Choice(label=pick(lang, en="👎 Not helpful", zh="👎 没帮助"),
                   value=f"cmd:feedback {answer.answer_id} not-helpful"),
        ]
    return Response(
        kind="answer",
        title=title,
        text=passage,
        context=context,
        choices=choices,
        data={
            "answered": True,
            "article": article.id,
            "title": title,
            "section": hit.section.id,
            "section_title": hit.section.title,
            "answer": passage,
            "alternatives": alternatives,
            "source": article.source_in(lang),
            "verified_on": article.verified_on.isoformat(),
            "stale": stale,
            "lang": lang,
            "related": [related.id for related in answer.related],
            "answer_id": answer.answer_id,
        },
    )


def alternative_choice(hit, lang: str) -> Choice:
    """A button showing another section that may answer the question ("其他可能的答案")."""
    label = pick(lang, en="Other answer: ", zh="其他可能的答案：") + hit.section.title
    return Choice(label=label, value=f"cmd:kb show {hit.article.id}#{hit.section.id} {lang}")


def _dont_know(ctx: Context, answer: Answer) -> Response:
    lang = answer.lang
    root = ctx.svc.config.root_command
    if answer.closest:
        text = pick(
            lang,
            en="I don't know: the knowledge base has no answer to that question. The closest topics are below.",
            zh="我不知道：知识库里没有这个问题的答案。下面是最接近的主题。",
        )
    else:
        text = pick(
            lang,
            en=f"I don't know: the knowledge base has nothing on that. Try other words, or `/{root} kb search <words>`.",
            zh=f"我不知道：知识库里没有相关内容。请换个说法，或使用 `/{root} 知识库 搜索 <关键词>`。",
        )
    return Response(
        kind="answer",
        text=text,
        context=[pick(lang, en="Your question was logged for the curators.", zh="你的问题已记录，知识库管理员会跟进。")
                 if answer.logged else
                 pick(lang, en="Your question could not be logged for the curators (the database could not be written).",
                      zh="你的问题未能记录给知识库管理员（数据库写入失败）。")],
        choices=_closest_choices(answer.closest, lang),
        data={
            "answered": False,
            "article": None,
            "title": None,
            "section": None,
            "answer": None,
            "alternatives": [],
            "source": None,
            "verified_on": None,
            "lang": lang,
            "closest": list(dict.fromkeys(hit.article.id for hit in answer.closest)),
            "closest_sections": [f"{hit.article.id}#{hit.section.id}" for hit in answer.closest],
        },
    )


def _closest_choices(closest: list, lang: str) -> list[Choice]:
    """One button per closest topic: the article, or, where several of the closest sections share
    an article, each of those sections by its title (three buttons all reading "appeal mailboxes"
    would tell the agent nothing)."""
    shared = {article for article, n in Counter(hit.article.id for hit in closest).items() if n > 1}
    choices = []
    for hit in closest:
        if hit.article.id not in shared:
            choices.append(article_choice(hit.article, lang))
            continue
        label = f"{hit.section.title} · {hit.article.title_in(lang)}"
        choices.append(Choice(label=label, value=f"cmd:kb show {hit.article.id}#{hit.section.id} {lang}"))
    return choices


async def suggest_articles(ctx: Context, prefix: str) -> list[Choice]:
    """Article ids whose id or title contains what was typed (ids starting with it first)."""
    typed = prefix.strip().lower()
    lang = detect_lang(prefix, default=ctx.lang)
    found = []
    for article in ctx.svc.kb.index.articles:
        titles = " ".join(article.title.values()).lower()
        if not typed or typed in article.id or typed in titles:
            found.append((not article.id.startswith(typed), article.id, article))
    found.sort(key=lambda item: item[:2])
    return [
        Choice(label=f"{article.id} — {article.title_in(lang)}"[:100], value=article.id) for *_, article in found
    ]
