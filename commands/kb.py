"""`/seller kb`: the curators' view of the knowledge base.

`search` and `show` help anyone find an article; `stale`, `gaps` and `stats` tell curators what to
review, what is missing and how answers are received; `reload` (curators only) picks up edited
files without a restart and keeps the old index if a file is broken.
"""

from __future__ import annotations

import difflib
import time
from datetime import date, timedelta, timezone
from typing import TYPE_CHECKING

from bot import marketplaces
from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text, detect_lang, pick
from bot.knowledge import Article, ArticleError
from bot.model import Choice, Response, Section, error
from bot.scope import reachable
from bot.spec import Command, Option, Param

if TYPE_CHECKING:
    from bot.app import App

kb = Command(
    "kb",
    Text("Knowledge base for curators: search, show, stale, gaps, teach, export, stats, reload",
         "知识库管理：搜索、查看、待复核、未答问题、教学、导出、统计、重新加载"),
    words=("知识库",),
    examples=(Text("kb search order defect rate", "知识库 搜索 订单缺陷率"), Text("kb show order-defect-rate", "知识库 查看 order-defect-rate"),
              Text("kb gaps", "知识库 缺口"), Text("kb teach q12 order-defect-rate#limit", "知识库 教学 q12 order-defect-rate#limit"),
              Text("kb reload", "知识库 重新加载")),
)


def setup(app: "App") -> None:
    app.add(kb)


def local_today(ctx: Context) -> date:
    """Today in the channel's time zone, from the injected clock."""
    zone = ctx.svc.channel_zone(ctx.req.platform, ctx.req.channel, ctx.req.workspace)
    return ctx.now.astimezone(zone).date()


def stale_here(ctx: Context, article: Article) -> bool:
    """Whether the article is past its review date today in the channel's time zone.

    Every zone's date is within a day of UTC's (offsets are under 24 hours): an article due two
    days or more before today's UTC date is stale in every zone, one due after it in none. Only
    when it fell due yesterday or today (UTC) does the channel's zone decide, so only then is it
    read from the database: `ask` runs this on every answer."""
    utc_today = ctx.now.astimezone(timezone.utc).date()
    if article.review_due < utc_today - timedelta(days=1):  # local dates start at utc_today - 1
        return True
    if article.review_due > utc_today:  # and end at utc_today + 1: not past a later due date
        return False
    return article.is_stale(local_today(ctx))


def stale_note(article: Article, lang: str) -> str:
    due = article.review_due.isoformat()
    return pick(
        lang,
        en=f"⚠ This article was due for review on {due}: check the facts before relying on them.",
        zh=f"⚠ 本文应于 {due} 复核，目前已过期：使用前请先核实。",
    )


def article_choice(article: Article, lang: str) -> Choice:
    return Choice(label=article.title_in(lang), value=f"cmd:kb show {article.id}")


def section_choices(hits, limit: int = 5) -> list[Choice]:
    """One button per section found (its title; it opens that section), each section once: the
    search lists sections, and five buttons naming one article the same way led nowhere new."""
    seen: dict[str, Choice] = {}
    for hit in hits:
        target = f"{hit.article.id}#{hit.section.id}"
        seen.setdefault(target, Choice(label=hit.section.title, value=f"cmd:kb show {target}"))
    return list(seen.values())[:limit]


@kb.action("search", Text("search articles", "搜索文章"),
           summary=Text("best sections for some words, no threshold", "按关键词列出最相关的段落（不设门槛）"),
           params=(Param("query", Text("words", "关键词"), Text("Search words or article ID", "搜索词或文章编号"), required=True, rest=True),),
           words=("搜索",))
async def search(ctx: Context) -> Response:
    words = ctx.args.strip()
    if not words:
        raise UsageError(ctx.pick(en="Give some words to search for.", zh="请输入要搜索的关键词。"),
                         example=f"/{ctx.svc.config.root_command} kb search 订单缺陷率")
    lang = ctx.lang  # a tool of the interface: shown in the user's language whatever the words (ODR is no English)
    result = ctx.svc.kb.index.search(words, lang, limit=8)
    if not result.hits:
        return Response(kind="list", text=pick(lang, en="Nothing matches those words.", zh="没有匹配的内容。"),
                        data={"results": []}, ephemeral=True)
    lines = [
        f"{hit.article.id} › {hit.section.title} ({hit.score:.1f}, {hit.coverage:.0%})" for hit in result.hits
    ]
    return Response(
        kind="list",
        title=pick(lang, en=f"Search: “{words}”", zh=f"搜索：“{words}”"),
        text="\n".join(lines),
        context=[
            pick(
                lang,
                en=f"`ask` would {'answer' if result.answered else 'not answer'} this "
                f"(known words {result.known_share:.0%}, best section covers {result.best.coverage:.0%}).",
                zh=f"`ask` {'会' if result.answered else '不会'}回答这个问题"
                f"（已知词占 {result.known_share:.0%}，最佳段落覆盖 {result.best.coverage:.0%}）。",
            )
        ],
        choices=section_choices(result.hits),
        data={
            "results": [
                {"article": h.article.id, "section": h.section.title, "score": round(h.score, 2),
                 "coverage": round(h.coverage, 2)}
                for h in result.hits
            ],
            "would_answer": result.answered,
        },
        ephemeral=True,
    )


@kb.action("show", Text("show an article", "查看文章"),
           summary=Text("an article, section by section (or one section)", "逐节查看一篇文章（或其中一节）"),
           params=(Param("query", Text("article-id[#section]", "文章ID[#段落]"), Text("Article ID", "文章编号"), required=True,
                         suggest="article"),
                   Param("lang", Text("language", "语言"), Text("Language of the article", "文章语言"),
                         choices=(Option("en", Text("English", "英文")), Option("zh", Text("Chinese", "中文"))))),
           words=("查看",))
async def show(ctx: Context) -> Response:
    words = ctx.argv
    if not words or len(words) > 2:
        raise UsageError(ctx.pick(en="Give one article id.", zh="请给出一个文章 ID。"),
                         example=f"/{ctx.svc.config.root_command} kb show order-defect-rate")
    lang = ctx.lang
    if len(words) == 2:
        if words[1].lower() not in ("en", "zh"):
            raise UsageError(ctx.pick(en=f"Language must be en or zh, not `{words[1]}`.",
                                      zh=f"语言只能是 en 或 zh，不能是 `{words[1]}`。"))
        lang = words[1].lower()
    article_id, _, section_id = words[0].lower().partition("#")
    base = ctx.svc.kb
    article = base.article(article_id)
    if article is None:
        close = difflib.get_close_matches(article_id, [a.id for a in base.index.articles], n=3, cutoff=0.5)
        hint = ctx.pick(en=f" Did you mean: {', '.join(close)}?", zh=f" 你是不是要找：{', '.join(close)}？") if close else ""
        raise UsageError(ctx.pick(en=f"There is no article `{article_id}`.", zh=f"没有 `{article_id}` 这篇文章。") + hint,
                         example=f"/{ctx.svc.config.root_command} kb show order-defect-rate")
    chosen = [s for s in base.sections(article, lang) if not section_id or s.id == section_id]
    if not chosen:
        ids = ", ".join(s.id for s in base.sections(article, lang))
        raise UsageError(ctx.pick(en=f"`{article_id}` has no section `{section_id}` (it has: {ids}).",
                                  zh=f"`{article_id}` 没有 `{section_id}` 这一节（现有：{ids}）。"),
                         example=f"/{ctx.svc.config.root_command} kb show order-defect-rate#limit")
    sections = [Section(title=s.title, text=s.text) for s in chosen]
    context = [
        pick(lang, en=f"Source: {article.source_in('en')}", zh=f"来源：{article.source_in('zh')}"),
        pick(lang, en=f"Verified on {article.verified_on.isoformat()}; review every {article.review_every} days",
             zh=f"核实日期：{article.verified_on.isoformat()}；每 {article.review_every} 天复核一次"),
        pick(lang, en=f"Marketplaces: {', '.join(marketplaces.label(m, lang) for m in article.marketplaces)}",
             zh=f"适用站点：{'、'.join(marketplaces.label(m, lang) for m in article.marketplaces)}"),
    ]
    stale = stale_here(ctx, article)
    if stale:
        context.append(stale_note(article, lang))
    related = [a for a in (base.article(i) for i in article.related) if a is not None]
    return Response(
        kind="article",
        title=article.title_in(lang),
        text=_extent(article, chosen, base.sections(article, lang), lang, one=bool(section_id)),
        sections=sections,
        context=context,
        choices=[article_choice(a, lang) for a in related[:5]],
        data={"article": article.id, "section": section_id or None, "title": article.title_in(lang), "lang": lang,
              "source": article.source_in(lang),
              "verified_on": article.verified_on.isoformat(), "stale": stale,
              "review_due": article.review_due.isoformat(), "related": list(article.related)},
    )


def _extent(article: Article, chosen: list, every: list, lang: str, one: bool) -> str:
    """How much of the article is shown: all of it, or (`one` asked for) which section of how many."""
    if not one:
        plural = "" if len(every) == 1 else "s"
        return pick(lang, en=f"Article `{article.id}`, {len(every)} section{plural}.",
                    zh=f"文章 `{article.id}`，共 {len(every)} 节。")
    number = every.index(chosen[0]) + 1
    return pick(lang, en=f"Article `{article.id}`, section {number} of {len(every)}.",
                zh=f"文章 `{article.id}`，第 {number} 节，共 {len(every)} 节。")


@kb.action("stale", Text("articles past review", "待复核的文章"),
           summary=Text("articles past their review date", "已过复核日期的文章"), words=("待复核", "过期"))
async def stale(ctx: Context) -> Response:
    today = local_today(ctx)
    overdue = ctx.svc.kb.stale(today)
    items = [
        {"article": a.id, "title": a.title_in(ctx.lang), "verified_on": a.verified_on.isoformat(),
         "review_due": a.review_due.isoformat(), "days_overdue": (today - a.review_due).days}
        for a in overdue
    ]
    if not items:
        text = ctx.pick(en="No article is past its review date.", zh="没有过了复核日期的文章。")
    else:
        text = "\n".join(
            ctx.pick(
                en=f"{i['article']} — due {i['review_due']} ({i['days_overdue']} days overdue)",
                zh=f"{i['article']} — 应于 {i['review_due']} 复核（已过期 {i['days_overdue']} 天）",
            )
            for i in items
        )
    return Response(
        kind="list",
        title=ctx.pick(en=f"Stale articles: {len(items)}", zh=f"待复核文章：{len(items)} 篇"),
        text=text,
        choices=[article_choice(a, ctx.lang) for a in overdue[:5]],
        data={"stale": items, "today": today.isoformat()},
        ephemeral=True,
    )


@kb.action("gaps", Text("unanswered questions", "未能回答的问题"),
           summary=Text("unanswered questions, not-helpful answers and suggestions to confirm",
                        "没能回答的问题、被评为没帮助的回答和待确认的建议"),
           words=("缺口",), curator=True)
async def gaps(ctx: Context) -> Response:
    """What curators should add or fix, one section per kind of gap, with the ids `kb teach` takes;
    questions already taught follow as resolved."""
    store = ctx.svc.kb.store
    unanswered = store.unanswered_groups()
    not_helpful = store.not_helpful_groups()
    suggestions = store.open_suggestions()
    taught = store.taught()
    sections = [section for section in (
        _unanswered_section(ctx, unanswered),
        _not_helpful_section(ctx, not_helpful),
        _suggestions_section(ctx, suggestions),
        _taught_section(ctx, taught),
    ) if section is not None]
    return Response(
        kind="list",
        title=ctx.pick(en="Knowledge gaps", zh="知识缺口"),
        text=_gaps_intro(ctx, open_items=bool(unanswered or not_helpful or suggestions)),
        sections=sections,
        data=_gaps_data(unanswered, not_helpful, suggestions, taught),
        ephemeral=True,
    )


def _unanswered_section(ctx: Context, unanswered: list[tuple[str, int, str, int]]) -> Section | None:
    if not unanswered:
        return None
    return Section(
        title=ctx.pick(en="Questions nobody could answer", zh="没能回答的问题"),
        text="\n".join(f"q{qid} · {count}× {question}" for question, count, _, qid in unanswered),
    )


def _not_helpful_section(ctx: Context, not_helpful: list[dict]) -> Section | None:
    """Each section voted down, with the question most often asked before it as an example."""
    if not not_helpful:
        return None
    lines = []
    for group in not_helpful:
        example, _ = group["questions"].most_common(1)[0]
        target = f"{group['article']}#{group['section_id']}" if group["section_id"] else group["article"]
        lines.append(f"a{group['answer_id']} · {group['votes']}× {target} › {group['section_title']} — “{example}”")
    return Section(title=ctx.pick(en="Answers voted not helpful", zh="被评为没帮助的回答"), text="\n".join(lines))


def _suggestions_section(ctx: Context, suggestions: list[dict]) -> Section | None:
    if not suggestions:
        return None
    return Section(
        title=ctx.pick(en="Suggested by voters (confirm with `kb teach sN`)", zh="投票者建议的答案（用 `kb teach sN` 确认）"),
        text="\n".join(f"s{row['id']} · “{row['question']}” → {row['article']}#{row['section']}" for row in suggestions),
    )


def _taught_section(ctx: Context, taught: list[dict]) -> Section | None:
    """The ten most recently taught questions, newest first (the count says how many in all), and
    which of them `kb export` has not yet written into the articles."""
    if not taught:
        return None
    return Section(
        title=ctx.pick(en=f"Resolved: taught questions ({len(taught)})", zh=f"已解决：已教学的问题（{len(taught)} 个）"),
        text="\n".join(
            f"“{row['question']}” → {row['article']}#{row['section']}"
            + ("" if row["exported"] else ctx.pick(en=" (not exported yet)", zh="（尚未导出）"))
            for row in reversed(taught[-10:])
        ),
    )


def _gaps_intro(ctx: Context, *, open_items: bool) -> str:
    """How to close a gap when there is one; that there is none otherwise (taught questions are not gaps)."""
    if open_items:
        return ctx.pick(en="What the knowledge base is missing, most frequent first. Link a question to the section "
                           "that answers it with `kb teach <id> <article>#<section>`.",
                        zh="知识库的缺口，按出现次数排序。用 `kb teach <编号> <文章>#<段落>` 把问题关联到能回答它的段落。")
    return ctx.pick(en="No gaps: every question was answered and no answer was voted down.",
                    zh="没有缺口：所有问题都有回答，也没有“没帮助”的投票。")


def _gaps_data(unanswered: list[tuple[str, int, str, int]], not_helpful: list[dict], suggestions: list[dict],
               taught: list[dict]) -> dict:
    """The console contract's lists: every gap in full, where the sections show the taught ones only in part."""
    return {
        "unanswered": [{"id": f"q{qid}", "question": q, "count": c, "last_asked": at} for q, c, at, qid in unanswered],
        "not_helpful": [
            {"id": f"a{g['answer_id']}", "article": g["article"], "section": g["section"], "section_id": g["section_id"],
             "section_title": g["section_title"], "votes": g["votes"],
             "questions": [q for q, _ in g["questions"].most_common()]}
            for g in not_helpful
        ],
        "suggestions": [{"id": f"s{row['id']}", "question": row["question"], "article": row["article"],
                         "section": row["section"]} for row in suggestions],
        "taught": [{"question": row["question"], "article": row["article"], "section": row["section"],
                    "exported": bool(row["exported"])} for row in taught],
    }


def _taught_question(ctx: Context, words: list[str]) -> tuple[str, str, str | None]:
    """(question, its language, the target a suggestion names) from an id or typed words."""
    store = ctx.svc.kb.store
    ref = words[0].lower()
    if len(ref) > 1 and ref[0] in "qas" and ref[1:].isdigit() and len(ref) <= 13:
        number = int(ref[1:])
        row = {"q": store.unanswered, "a": store.answer, "s": store.suggestion}[ref[0]](number)
        if row is None:
            raise UsageError(ctx.pick(en=f"There is no question `{ref}` (see `kb gaps`).",
                                      zh=f"没有编号为 `{ref}` 的问题（见 `kb gaps`）。"),
                             example="/seller kb teach q12 order-defect-rate#limit")
        suggested = f"{row['article']}#{row['section']}" if ref[0] == "s" else None
        return row["question"], row["lang"], suggested
    question = " ".join(words).strip().strip("\"“”'")
    return question, detect_lang(question, default=ctx.lang), None


@kb.action("teach", Text("teach an answer", "教学"),
           summary=Text("link a question to the section that answers it; ask uses it at once", "把问题关联到能回答它的段落；ask 立即使用"),
           params=(Param("question", Text("q12|a34|s5|question", "q12|a34|s5|问题"), Text("A question id from kb gaps, or its words",
                                                                                        "kb gaps 中的问题编号或问题原文"), required=True, raw=True),
                   Param("section", Text("article[#section]", "文章[#段落]"), Text("The section that answers it", "能回答它的段落"),
                         required=True)),
           words=("教学",), curator=True)
async def teach(ctx: Context) -> Response:
    words = ctx.argv
    usage = dict(example="/seller kb teach q12 order-defect-rate#limit")
    if not words:
        raise UsageError(ctx.pick(en="Give a question (its id from `kb gaps`, or the words) and the section that answers it.",
                                  zh="请给出问题（`kb gaps` 中的编号或问题原文）以及能回答它的段落。"), **usage)
    base = ctx.svc.kb
    target = words[-1] if len(words) > 1 else None
    question, lang, suggested = _taught_question(ctx, words[:-1] if target else words)
    target = target or suggested
    if not target or not question:
        raise UsageError(ctx.pick(en="Name the section that answers it: `<article>#<section>`.",
                                  zh="请写出能回答它的段落：`<文章>#<段落>`。"), **usage)
    found = base.resolve(target, lang)
    if found is None:
        raise UsageError(ctx.pick(en=f"`{target}` is not an article or section (see `kb show <article>`).",
                                  zh=f"`{target}` 不是文章或段落（见 `kb show <文章>`）。"), **usage)
    article, section = found
    base.store.teach(question, lang, article.id, section.id, ctx.req.user, ctx.now.isoformat())
    where = f"{article.id}#{section.id}"
    return Response(
        kind="info",
        text=ctx.pick(en=f"Taught: “{question}” → {where} ({section.title}). `ask` answers it from now on; "
                         f"`kb export` writes it into the article file.",
                      zh=f"已教学：“{question}” → {where}（{section.title}）。`ask` 从现在起用它回答；"
                         f"`kb export` 会把它写入文章文件。"),
        data={"question": question, "lang": lang, "article": article.id, "section": section.id},
        ephemeral=True,
    )


@kb.action("suggest", Text("suggest the right section", "建议正确段落"),
           summary=Text("after a 👎: say which section was right (curators confirm it)", "点 👎 之后：指出哪一节才是正确答案（由管理员确认）"),
           params=(Param("answer", Text("answer-id", "回答编号"), Text("The answer's number", "回答编号"), kind="int", required=True),
                   Param("section", Text("article#section", "文章#段落"), Text("The section that was right", "正确的段落"), required=True)),
           words=("建议",))
async def suggest(ctx: Context) -> Response:
    words = ctx.argv
    usage = dict(example="/seller kb suggest 12 order-defect-rate#limit")
    if len(words) != 2 or not words[0].isdigit() or len(words[0]) > 12:
        raise UsageError(ctx.pick(en="Give the answer number and the section that was right.",
                                  zh="请给出回答编号以及正确的段落。"), **usage)
    base = ctx.svc.kb
    answer = base.store.answer(int(words[0]))
    if answer is not None and not reachable(ctx.svc, ctx.req, platform=answer["platform"],
                                            workspace=answer.get("workspace"), channel=answer["channel"]):
        answer = None  # another channel's or workspace's answer: as if it did not exist
    found = base.resolve(words[1], answer["lang"] if answer else ctx.lang)
    if answer is None or found is None:
        raise UsageError(ctx.pick(en="That answer or section does not exist.", zh="该回答或段落不存在。"), **usage)
    article, section = found
    base.store.suggest(int(words[0]), article.id, section.id, ctx.req.user, ctx.now.isoformat())
    return Response(
        kind="info",
        text=ctx.pick(en=f"Thanks: “{section.title}” is noted as the right answer; a curator will confirm it.",
                      zh=f"谢谢：已记录“{section.title}”为正确答案，知识库管理员会确认。"),
        data={"answer_id": int(words[0]), "article": article.id, "section": section.id},
        ephemeral=True,
    )


@kb.action("export", Text("export taught questions", "导出教学"),
           summary=Text("write taught questions into the article files (then review and reload)", "把已教学的问题写入文章文件（然后检查并重新加载）"),
           words=("导出",), curator=True)
async def export(ctx: Context) -> Response:
    written, problems = ctx.svc.kb.export_taught()
    lines = [f"{row['article']}#{row['section']} ← “{row['question']}”" for row in written]
    text = (
        ctx.pick(en=f"Wrote {len(written)} taught question(s) into the article files. Review the change, then `kb reload`.",
                 zh=f"已把 {len(written)} 个已教学的问题写入文章文件。请检查改动，然后执行 `kb reload`。")
        if written
        else ctx.pick(en="Nothing to export: every taught question is already in its article.",
                      zh="没有需要导出的内容：所有已教学的问题都已写入文章。")
    )
    sections = [Section(text="\n".join(lines))] if lines else []
    if problems:
        sections.append(Section(title=ctx.pick(en="Not written", zh="未写入"), text="\n".join(problems)))
    return Response(kind="info", text=text, sections=sections,
                    data={"exported": len(written), "problems": problems}, ephemeral=True)


@kb.action("stats", Text("feedback counts", "反馈统计"),
           summary=Text("articles, questions asked, share answered, votes", "文章数、提问数、回答率、投票"), words=("统计",))
async def stats(ctx: Context) -> Response:
    base = ctx.svc.kb
    index = base.index
    counts = base.store.stats()
    answered_pct = round(100 * counts["answered"] / counts["asks"]) if counts["asks"] else None
    stale_count = len(base.stale(local_today(ctx)))
    lines = [
        ctx.pick(en=f"Articles: {len(index)} ({index.section_count()} sections, {stale_count} stale)",
                 zh=f"文章：{len(index)} 篇（{index.section_count()} 个段落，{stale_count} 篇待复核）"),
        ctx.pick(en=f"Questions asked: {counts['asks']}", zh=f"提问次数：{counts['asks']}"),
        ctx.pick(en=f"Answered: {counts['answered']}" + (f" ({answered_pct}%)" if answered_pct is not None else ""),
                 zh=f"已回答：{counts['answered']}" + (f"（{answered_pct}%）" if answered_pct is not None else "")),
        ctx.pick(en=f"Votes: {counts['helpful']} helpful, {counts['not_helpful']} not helpful",
                 zh=f"投票：{counts['helpful']} 有帮助，{counts['not_helpful']} 没帮助"),
    ]
    if base.errors:
        lines.append(ctx.pick(en=f"Problems at load: {len(base.errors)} (see `kb reload`)",
                              zh=f"加载时的问题：{len(base.errors)} 个（见 `kb reload`）"))
    return Response(
        kind="info",
        title=ctx.pick(en="Knowledge base", zh="知识库"),
        text="\n".join(lines),
        data={"articles": len(index), "sections": index.section_count(), "stale": stale_count,
              "answered_pct": answered_pct, "load_errors": list(base.errors), **counts},
        ephemeral=True,
    )


@kb.action("reload", Text("reload the knowledge base", "重新加载知识库"),
           summary=Text("re-read the articles without a restart", "不重启即重新读取文章"), words=("重新加载", "重载"), curator=True)
async def reload(ctx: Context) -> Response:
    base = ctx.svc.kb
    started = time.perf_counter()
    try:
        index = base.reload()
    except ArticleError as exc:
        kept = len(base.index)
        response = error(
            ctx.pick(
                en=f"Reload refused: {len(exc.errors)} problem(s). The previous knowledge base ({kept} articles) stays in service.",
                zh=f"重新加载被拒绝：发现 {len(exc.errors)} 个问题。原知识库（{kept} 篇文章）继续使用。",
            )
        )
        response.sections = [Section(text="\n".join(exc.errors))]
        response.data = {"reloaded": False, "errors": exc.errors, "articles": kept}
        return response
    elapsed_ms = (time.perf_counter() - started) * 1000
    return Response(
        kind="info",
        text=ctx.pick(
            en=f"Reloaded {len(index)} articles ({index.section_count()} sections) in {elapsed_ms:.0f} ms.",
            zh=f"已重新加载 {len(index)} 篇文章（{index.section_count()} 个段落），用时 {elapsed_ms:.0f} 毫秒。",
        ),
        data={"reloaded": True, "articles": len(index), "sections": index.section_count()},
        ephemeral=True,
    )
