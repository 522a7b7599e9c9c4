"""Answer quality of `ask` beside a plain baseline, on every question set we have.

    python -m bench.answers [SET.jsonl ...]     # default: the public sets and our own

The baseline is what a user would build in an afternoon: `bm25s` over the same sections (one
document per section and language), questions and sections cut with `jieba.lcut_for_search`,
English lower-cased, no synonyms, no boosts, no abstention. Scoring follows
tests/test_knowledge_eval.py: *right* is a passage in the asker's language matching every expected
pattern, *wrong* a passage that does not the rest abstained (shares of the answerable
questions); out-of-scope questions count apart.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bot.i18n import detect_lang
from bot.knowledge.articles import LANGS, Section
from bot.knowledge.service import build_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SETS = [
    ROOT.parent / "shared" / "eval" / "questions.jsonl",
    ROOT.parent / "shared" / "eval" / "questions2.jsonl",
    DATA / "paraphrases.jsonl",
    DATA / "heldout.jsonl",
    # blind.jsonl, blind2.jsonl … in the order they were written
    *sorted(DATA.glob("blind*.jsonl"), key=lambda path: int(path.stem[len("blind"):] or 1)),
]


def _tokens(text: str) -> list[str]:
    import jieba

    return [t.strip().lower() for t in jieba.lcut_for_search(text) if t.strip() and re.search(r"\w", t)]


class Baseline:
    """bm25s + jieba over the sections of one language each."""

    def __init__(self, articles):
        import bm25s

        self.sections: dict[str, list[Section]] = {}
        self.models = {}
        for lang in LANGS:
            sections = [s for a in articles for s in a.sections[lang]]
            model = bm25s.BM25()
            model.index([_tokens(f"{s.title} {s.text}") for s in sections], show_progress=False)
            self.sections[lang], self.models[lang] = sections, model

    def best(self, question: str, lang: str) -> Section | None:
        tokens = [t for t in _tokens(question) if t in self.models[lang].vocab_dict]
        if not tokens:
            return None
        scores = self.models[lang].get_scores(tokens)
        return self.sections[lang][int(scores.argmax())] if scores.max() > 0 else None


def _outcome(question: dict, passage: str | None) -> str:
    if not question["answerable"]:
        return "oos_abstained" if passage is None else "oos_answered"
    if passage is None:
        return "abstained"
    ok = detect_lang(passage) == question["lang"] and all(re.search(p, passage, re.I) for p in question["expect"])
    return "right" if ok else "wrong"


def score(path: Path, index, baseline: Baseline) -> dict:
    questions = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    counts = {name: dict.fromkeys(("right", "wrong", "abstained", "oos_abstained", "oos_answered"), 0)
              for name in ("sellerbot", "baseline")}
    for q in questions:
        lang = detect_lang(q["question"], default=q["lang"])
        result = index.search(q["question"], lang)
        ours = result.best.section.text if result.answered and result.best else None
        counts["sellerbot"][_outcome(q, ours)] += 1
        best = baseline.best(q["question"], lang)
        counts["baseline"][_outcome(q, best.text if best else None)] += 1
    answerable = sum(q["answerable"] for q in questions)
    out: dict = {"questions": len(questions), "answerable": answerable, "out_of_scope": len(questions) - answerable}
    for name, c in counts.items():
        out[name] = {k: round(c[k] / answerable, 3) for k in ("right", "wrong", "abstained")}
        out[name]["out_of_scope_abstained"] = f"{c['oos_abstained']}/{len(questions) - answerable}"
    return out


def main(paths: list[str]) -> int:
    index, errors = build_index(ROOT / "knowledge")
    if errors:
        print("knowledge problems:", *errors, sep="\n  ")
        return 1
    baseline = Baseline(index.articles)
    for path in [Path(p) for p in paths] or [p for p in SETS if p.exists()]:
        result = score(path, index, baseline)
        ours, base = result["sellerbot"], result["baseline"]
        print(f"{path.name:20} {result['answerable']:3} answerable, {result['out_of_scope']:2} out of scope | "
              f"sellerbot right {ours['right']:.1%} wrong {ours['wrong']:.1%} abstained {ours['abstained']:.1%} "
              f"off-topic abstained {ours['out_of_scope_abstained']} | baseline right {base['right']:.1%} "
              f"wrong {base['wrong']:.1%} off-topic abstained {base['out_of_scope_abstained']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
