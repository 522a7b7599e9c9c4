"""Answer quality, scored through the console contract like an outside check would.

Two public sets live beside the repository (`../shared/eval/`): `questions.jsonl` and
`questions2.jsonl` (120 questions written without seeing the knowledge base). Our own sets are
`tests/data/paraphrases.jsonl` and `tests/data/heldout.jsonl`. All four have been looked at while
the articles and the retrieval were tuned, so they are development sets: they catch regressions,
they do not measure unseen questions (the README says so and gives the numbers).

Each set is typed into one `sellerbot console --json` process and every `answer` object scored:
an answerable question is *right* when it gets a passage in the asker's language matching every
expected pattern, *wrong* when it gets a passage that does not (a confident wrong answer, the
worst outcome), and otherwise abstained; an out-of-scope question must abstain. The public sets
are never edited and their wording never goes into the knowledge base (a test checks that).
"""

import json
import os
import re
from pathlib import Path

import pytest

from bot.i18n import detect_lang
from bot.knowledge.articles import load_articles
from bot.knowledge.store import question_key
from tests.conftest import ROOT, json_lines, run_cli

EVAL_DIR = Path(os.environ.get("SELLERBOT_EVAL_DIR", ROOT.parent / "shared" / "eval"))
PUBLIC = EVAL_DIR / "questions.jsonl"
PUBLIC2 = EVAL_DIR / "questions2.jsonl"
PARAPHRASES = ROOT / "tests" / "data" / "paraphrases.jsonl"
HELDOUT = ROOT / "tests" / "data" / "heldout.jsonl"
BLIND = ROOT / "tests" / "data" / "blind.jsonl"
"""Written by a writer who saw neither the knowledge base nor the other sets, and scored once
before anything was changed because of it (README: answer quality)."""
DATA = ROOT / "tests" / "data"
"""Later sets (`LATER_SETS` below) were written the same way, from the seed articles alone, each
scored once as it arrived: blind2–5 on 2026-12-06; blind6 on 2026-12-06 against the code of that session's start
(85.3% right, 14.7% wrong), blind7 and blind8 after that session's knowledge changes (90.7% / 8.0% and
89.3% / 8.0%; the code of the session's start scores 86.7% / 12.0% and 82.7% / 9.3% on them), blind9
after a review of those changes (84.0% / 12.0%; the session's starting code 78.7% / 14.7%), blind10
and blind11 after blind9's fixes (81.3% / 9.3% and 82.7% / 10.7%; the starting code 74.7% / 16.0%
and 76.0% / 14.7%), blind12 and blind13 after those sets' fixes (89.3% / 6.7% and 92.0% / 8.0%; the
starting code 80.0% / 12.0% and 88.0% / 10.7%), blind14 and blind15 after blind12-13's fixes (94.7% /
4.0% and 76.0% / 10.7%; the starting code 86.7% / 8.0% and 65.3% / 16.0%), blind16 and blind17 after a
review of the session's code (86.7% / 9.3% and 82.7% / 10.7%; the starting code 78.7% / 10.7% and
74.7% / 10.7%), blind18-20 on 2026-12-07 against the code of that session's start (89.3% / 6.7%,
93.3% / 6.7%, 84.0% / 12.0%), blind21-23 after blind18-20's fixes (93.3% / 5.3%, 90.7% / 4.0%, 88.0% /
5.3%; the session's starting code 92.0% / 6.7%, 86.7% / 8.0%, 88.0% / 5.3%), blind24-26 after
blind21-23's fixes (82.7% / 10.7%, 88.0% / 6.7%, 85.3% / 12.0%; the starting code 81.3% / 12.0%, 88.0% /
6.7%, 86.7% / 12.0%), blind27-29 after blind24-26's fixes (89.3% / 9.3%, 89.3% / 8.0%, 93.3% / 4.0%;
the starting code 89.3% / 9.3%, 89.3% / 8.0%, 89.3% / 6.7%). Every
one of them was then a development set: the misses that independent writers kept repeating (the
core of an appeal, CSBA's hours, the ODR maximum, Cdiscount's first step…) were fixed in the
knowledge base. Their tests hold today's figures so that nothing gets worse; the README gives the
first scores, which are the honest measure of unseen questions. blind30-32 were scored once on
the final code of 2026-12-07 (93.3% / 4.0%, 89.3% / 9.3%, 90.7% / 8.0%) and nothing was changed
because of them: until someone tunes on them, they still measure unseen questions."""


def _public(path: Path) -> Path:
    """The public set, or a skip outside CI; in CI (`CI` set) a missing set fails the run."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"public eval set not found at {path} (set SELLERBOT_EVAL_DIR)")
        pytest.skip(f"public eval set not found at {path} (set SELLERBOT_EVAL_DIR)")
    return path


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ask_all(questions: list[dict], db: str) -> list[dict]:
    stdin = "".join(f"/seller ask {q['question']}\n" for q in questions)
    result = run_cli(["console", "--json", "--db", db], stdin=stdin, timeout=120)
    assert result.returncode == 0, result.stderr
    answers = json_lines(result.stdout)
    assert len(answers) == len(questions) and all(a["kind"] == "answer" for a in answers)
    return answers


def _score(questions: list[dict], answers: list[dict]) -> dict:
    """Right, wrong and abstained answerable questions, and out-of-scope questions answered."""
    out: dict = {"right": [], "wrong": [], "abstained": [], "answered_out_of_scope": []}
    for q, a in zip(questions, answers):
        if not q["answerable"]:
            if a["answered"]:
                out["answered_out_of_scope"].append(f"{q['question']} -> {a['article']}")
            continue
        passage = a.get("answer") or ""
        line = f"[{q['lang']}] {q['question']} -> {a.get('article')}#{a.get('section')}: {passage[:100]!r}"
        if not a["answered"]:
            out["abstained"].append(line)
        elif (
            len(passage) <= 600
            and detect_lang(passage) == q["lang"]
            and all(re.search(p, passage, re.IGNORECASE) for p in q["expect"])
        ):
            out["right"].append(line)
        else:
            out["wrong"].append(line)
    return out


def _check(questions: list[dict], answers: list[dict], right_bar: float, wrong_bar: float, abstain_bar: float = 1.0) -> None:
    result = _score(questions, answers)
    answerable = sum(q["answerable"] for q in questions)
    right = len(result["right"]) / answerable
    wrong = len(result["wrong"]) / answerable
    report = "\n".join(["wrong:", *result["wrong"], "abstained:", *result["abstained"],
                        "answered out of scope:", *result["answered_out_of_scope"]])
    assert right >= right_bar, f"{right:.1%} right (need {right_bar:.0%})\n{report}"
    assert wrong <= wrong_bar, f"{wrong:.1%} answered with a wrong passage (at most {wrong_bar:.0%})\n{report}"
    out_of_scope = len(questions) - answerable
    abstained = 1 - len(result["answered_out_of_scope"]) / out_of_scope if out_of_scope else 1.0
    assert abstained >= abstain_bar, f"{abstained:.1%} of out-of-scope questions abstained (need {abstain_bar:.0%})\n{report}"


def test_first_public_set_through_the_console(db_target):
    questions = _load(_public(PUBLIC))
    _check(questions, _ask_all(questions, db_target), right_bar=0.95, wrong_bar=0.03)


def test_second_public_set_through_the_console(db_target):
    questions = _load(_public(PUBLIC2))
    assert len(questions) >= 100
    _check(questions, _ask_all(questions, db_target), right_bar=0.95, wrong_bar=0.03)


def test_paraphrased_questions_through_the_console(db_target):
    questions = _load(PARAPHRASES)
    assert len(questions) >= 30 and {q["lang"] for q in questions} == {"en", "zh"}
    _check(questions, _ask_all(questions, db_target), right_bar=0.90, wrong_bar=0.05)


def test_held_out_questions_through_the_console(db_target):
    questions = _load(HELDOUT)
    covered = {q["lang"] for q in questions}, sum(not q["answerable"] for q in questions)
    assert len(questions) >= 80 and covered[0] == {"en", "zh"} and covered[1] >= 15
    _check(questions, _ask_all(questions, db_target), right_bar=0.90, wrong_bar=0.05)


def test_blind_set_through_the_console(db_target):
    """The issue's goal for questions nobody tuned for: at least 90% right, at most 5% wrong."""
    questions = _load(BLIND)
    assert len(questions) >= 100 and {q["lang"] for q in questions} == {"en", "zh"}
    _check(questions, _ask_all(questions, db_target), right_bar=0.90, wrong_bar=0.05, abstain_bar=0.9)


LATER_SETS = {
    # name: (right bar, wrong bar, share of off-topic questions that must abstain), at today's
    # figures; the comment gives the first score (the honest one) and today's.
    "blind2": (0.96, 0.04, 29 / 30),  # first score 77.5% right, 20.0% wrong, 29/30; now 96.2%, 3.8%, 29/30
    "blind3": (0.97, 0.02, 24 / 25),  # first score 82.7%, 10.7%, 22/25; now 97.3%, 1.3%, 24/25
    "blind4": (0.97, 0.02, 23 / 25),  # first score 90.7%, 8.0%, 22/25; now 97.3%, 1.3%, 23/25
    "blind5": (0.96, 0.04, 24 / 25),  # first score 81.3%, 10.7%, 23/25; now 96.0%, 4.0%, 24/25
    "blind6": (0.96, 0.04, 25 / 25),  # first score 85.3%, 14.7%, 23/25; now 96.0%, 4.0%, 25/25
    "blind7": (0.96, 0.03, 24 / 25),  # first score 90.7%, 8.0%, 23/25; now 96.0%, 2.7%, 24/25
    "blind8": (0.92, 0.07, 24 / 25),  # first score 89.3%, 8.0%, 22/25; now 92.0%, 6.7%, 24/25
    "blind9": (0.94, 0.04, 25 / 25),  # first score 84.0%, 12.0%, 22/25; now 94.7%, 4.0%, 25/25
    "blind10": (0.90, 0.06, 22 / 25),  # first score 81.3%, 9.3%, 22/25; now 90.7%, 5.3%, 22/25
    "blind11": (0.89, 0.07, 24 / 25),  # first score 82.7%, 10.7%, 23/25; now 89.3%, 6.7%, 24/25
    "blind12": (0.96, 0.02, 22 / 25),  # first score 89.3%, 6.7%, 21/25; now 96.0%, 1.3%, 22/25
    "blind13": (0.96, 0.04, 24 / 25),  # first score 92.0%, 8.0%, 22/25; now 96.0%, 4.0%, 24/25
    "blind14": (0.94, 0.04, 24 / 25),  # first score 94.7%, 4.0%, 24/25; now 94.7%, 4.0%, 24/25
    "blind15": (0.88, 0.07, 23 / 25),  # first score 76.0%, 10.7%, 22/25; now 88.0%, 6.7%, 23/25
    "blind16": (0.93, 0.06, 24 / 25),  # first score 86.7%, 9.3%, 23/25; now 93.3%, 5.3%, 24/25
    "blind17": (0.85, 0.10, 23 / 25),  # first score 82.7%, 10.7%, 23/25; now 85.3%, 9.3%, 23/25
    "blind18": (0.93, 0.06, 24 / 25),  # first score 89.3%, 6.7%, 24/25; now 93.3%, 5.3%, 24/25
    "blind19": (0.96, 0.04, 22 / 25),  # first score 93.3%, 6.7%, 22/25; now 96.0%, 4.0%, 22/25
    "blind20": (0.93, 0.03, 24 / 25),  # first score 84.0%, 12.0%, 22/25; now 93.3%, 2.7%, 24/25
    "blind21": (0.97, 0.02, 24 / 25),  # first score 93.3%, 5.3%, 23/25; now 97.3%, 1.3%, 24/25
    "blind22": (0.90, 0.04, 24 / 25),  # first score 90.7%, 4.0%, 23/25; now 90.7%, 4.0%, 24/25
    "blind23": (0.89, 0.04, 23 / 25),  # first score 88.0%, 5.3%, 22/25; now 89.3%, 4.0%, 23/25
    "blind24": (0.86, 0.08, 20 / 25),  # first score 82.7%, 10.7%, 20/25; now 86.7%, 8.0%, 20/25
    "blind25": (0.88, 0.07, 25 / 25),  # first score 88.0%, 6.7%, 24/25; now 88.0%, 6.7%, 25/25
    "blind26": (0.86, 0.11, 23 / 25),  # first score 85.3%, 12.0%, 21/25; now 86.7%, 10.7%, 23/25
    "blind27": (0.92, 0.07, 24 / 25),  # first score 89.3%, 9.3%, 23/25; now 92.0%, 6.7%, 24/25
    "blind28": (0.89, 0.08, 22 / 25),  # first score 89.3%, 8.0%, 21/25; now 89.3%, 8.0%, 22/25
    "blind29": (0.96, 0.02, 24 / 25),  # first score 93.3%, 4.0%, 23/25; now 96.0%, 1.3%, 24/25
    # Scored once on the session's final code and not tuned on (yet): their first score is today's.
    "blind30": (0.93, 0.04, 24 / 25),  # first score 93.3%, 4.0%, 24/25
    "blind31": (0.89, 0.10, 23 / 25),  # first score 89.3%, 9.3%, 23/25
    "blind32": (0.90, 0.08, 24 / 25),  # first score 90.7%, 8.0%, 24/25
}


@pytest.mark.parametrize("name", LATER_SETS)
def test_later_blind_sets_hold_todays_figures(db_target, name):
    """Development sets since their first score (README): a guard against getting worse, at today's
    figures; the claim about unseen questions is their first scores, not these."""
    right_bar, wrong_bar, abstain_bar = LATER_SETS[name]
    questions = _load(DATA / f"{name}.jsonl")
    assert len(questions) >= 100 and {q["lang"] for q in questions} == {"en", "zh"}
    _check(questions, _ask_all(questions, db_target), right_bar, wrong_bar, abstain_bar)


def _knowledge_wordings() -> set[str]:
    """Every question-like text the knowledge base holds: example questions, aliases, titles."""
    out = set()
    for article in load_articles(ROOT / "knowledge" / "articles").articles.values():
        for lang in ("en", "zh"):
            texts = [*article.aliases[lang], *article.questions[lang], article.title[lang]]
            for section in article.sections[lang]:
                texts += [*section.ask, section.title]
            out |= {question_key(t) for t in texts}
    return out


@pytest.mark.parametrize("path", [PUBLIC, PUBLIC2, HELDOUT, BLIND, *(DATA / f"{name}.jsonl" for name in LATER_SETS)],
                         ids=lambda path: path.stem)
def test_no_eval_question_is_copied_into_the_knowledge_base(path):
    """The question sets measure questions the knowledge base has not seen: none of their wordings
    may appear among the articles' example questions, aliases or titles."""
    questions = _load(_public(path) if path in (PUBLIC, PUBLIC2) else path)
    copied = [q["question"] for q in questions if question_key(q["question"]) in _knowledge_wordings()]
    assert copied == COINCIDENCES.get(path.stem, []), copied


COINCIDENCES = {
    "blind5": ["where do i turn on CSBA in seller central?"],
    "blind7": ["CSBA在后台哪里开通"],
    "blind12": ["CSBA在后台哪里开通", "how long is the CSBA free trial"],
    "blind19": ["站内信里能问买家要whatsapp吗", "CSBA在后台哪里开通"],
    "blind21": ["where do i turn on csba in seller central?"],
    "blind27": ["CSBA在后台哪里开通"],
}
"""Wordings a set shares with the knowledge base by chance: csba-japan's example questions "where do
I turn on CSBA in seller central" (commit fef534b), "CSBA在后台哪里开通" (commit 97b24ee) and "how
long is the CSBA free trial" (commit fef534b) were written in earlier rounds, before the writers of
blind5, blind7, blind12, blind21 and blind27, who never saw the articles, asked the same short questions; so did
blind19's writer, with "站内信里能问买家要WhatsApp吗" of seller-code-of-conduct-messaging (commit 07294b5)
besides."""
