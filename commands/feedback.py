"""`/seller feedback <answer-id> helpful|not-helpful`: the vote behind an answer's buttons.

One vote per user and answer; voting again changes it. Curators see not-helpful answers in
`/seller kb gaps`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.context import Context
from bot.errors import UsageError
from bot.i18n import Text
from bot.model import Choice, Response
from bot.scope import reachable
from bot.spec import Command, Option, Param

if TYPE_CHECKING:
    from bot.app import App

VOTES = {"helpful": True, "yes": True, "up": True, "有帮助": True, "not-helpful": False, "not_helpful": False,
         "unhelpful": False, "no": False, "down": False, "没帮助": False}


feedback_command = Command(
    "feedback",
    Text("Say whether an answer helped (the buttons under each answer do this)", "评价回答是否有帮助（每个回答下方的按钮即此命令）"),
    params=(
        Param("answer", Text("answer-id", "回答编号"), Text("The answer's number", "回答编号"), kind="int", required=True),
        Param("vote", Text("vote", "评价"), Text("Did it help?", "是否有帮助"), required=True, choices=(
            Option("helpful", Text("helpful", "有帮助")), Option("not-helpful", Text("not helpful", "没帮助")))),
    ),
    words=("反馈",),
    examples=(Text("feedback 12 helpful", "反馈 12 有帮助"), Text("feedback 12 not-helpful", "反馈 12 没帮助")),
)


def setup(app: "App") -> None:
    app.add(feedback_command)


@feedback_command
async def feedback(ctx: Context) -> Response:
    words = ctx.argv
    if len(words) != 2:
        raise UsageError(ctx.pick(en="Give the answer number and helpful or not-helpful.",
                                  zh="请给出回答编号以及“有帮助”（helpful）或“没帮助”（not-helpful）。"))
    raw_id, raw_vote = words
    if not raw_id.isdigit() or len(raw_id) > 12:
        raise UsageError(ctx.pick(en=f"`{raw_id}` is not an answer number.", zh=f"`{raw_id}` 不是回答编号。"))
    vote = VOTES.get(raw_vote.lower())
    if vote is None:
        raise UsageError(ctx.pick(en=f"The vote is helpful or not-helpful, not `{raw_vote}`.",
                                  zh=f"评价只能是“有帮助”（helpful）或“没帮助”（not-helpful），不能是 `{raw_vote}`。"))
    answer_id = int(raw_id)
    missing = UsageError(ctx.pick(en=f"There is no answer number {answer_id}.", zh=f"没有编号为 {answer_id} 的回答。"))
    answer = ctx.svc.kb.store.answer(answer_id)
    # An answer given in another channel or workspace is "not found", like a missing one.
    if answer is None or not reachable(ctx.svc, ctx.req, platform=answer["platform"],
                                       workspace=answer.get("workspace"), channel=answer["channel"]):
        raise missing
    try:
        previous = ctx.svc.kb.store.vote(answer_id, ctx.req.user, vote, ctx.now.isoformat())
    except KeyError:
        raise missing from None
    if previous is None:
        text = ctx.pick(en="Thanks for your feedback!", zh="感谢你的反馈！")
    elif previous == vote:
        text = ctx.pick(en="You had already voted that way; thanks.", zh="你已经这样评价过了，谢谢。")
    else:
        text = ctx.pick(en="Thanks, your vote is changed.", zh="谢谢，你的评价已更改。")
    choices: list[Choice] = []
    if not vote:
        text += ctx.pick(en=" The curators will look at this answer.", zh="知识库管理员会检查这个回答。")
        choices = _which_was_right(ctx, answer_id)
        if choices:
            text += ctx.pick(en=" Which one was right?", zh="哪一个才是对的？")
    return Response(kind="info", text=text, ephemeral=True, choices=choices,
                    data={"answer_id": answer_id, "helpful": vote, "changed": previous is not None and previous != vote,
                          "alternatives": [c.value.split()[-1] for c in choices]})


def _which_was_right(ctx: Context, answer_id: int) -> list[Choice]:
    """The other sections that could answer the question, as buttons recording a suggestion."""
    kb = ctx.svc.kb
    answer = kb.store.answer(answer_id)
    if answer is None:
        return []
    hits = kb.candidates(answer["question"], answer["lang"], exclude=(answer["article"], answer.get("section_id") or ""))
    return [
        Choice(label=f"{hit.article.title_in(ctx.lang)} › {hit.section.title}",
               value=f"cmd:kb suggest {answer_id} {hit.article.id}#{hit.section.id}")
        for hit in hits
    ]
