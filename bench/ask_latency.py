"""`ask` latency in process: p50/p99 of `/seller ask` through the dispatcher (retrieval, answer,
logging to SQLite), over a few hundred mixed questions, for the real knowledge base and synthetic
ones of 1,000 and 10,000 articles; optionally beside the plain baseline of bench/answers.py
(`bm25s` + `jieba.lcut_for_search` over the same sections), timed question by question in turn
with ours so that both meet the same machine load.

    python -m bench.ask_latency                      # real, 1000, 10000
    python -m bench.ask_latency --articles 1000 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic_kb import REAL_KNOWLEDGE, ROOT, write_synthetic_kb

EVAL_DIR = Path(os.environ.get("SELLERBOT_EVAL_DIR", ROOT.parent / "shared" / "eval"))
QUESTION_FILES = (EVAL_DIR / "questions.jsonl", ROOT / "tests" / "data" / "paraphrases.jsonl")
FALLBACK_QUESTIONS = [
    "What is the maximum order defect rate?", "迟发率的标准是多少?", "How do I bake sourdough bread?",
    "站内信违规多久内要申诉?", "Which email do I send a seller performance appeal to for Amazon Germany?",
]


def load_questions() -> list[str]:
    questions = []
    for path in QUESTION_FILES:
        if path.exists():
            questions += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return questions or FALLBACK_QUESTIONS


def _rss_mb() -> float:
    """Resident memory of this process (Linux), to see roughly what an index costs."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return 0.0


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def _measure(knowledge_dir: Path, db: Path, questions: list[str], rounds: int, baseline: bool = False) -> dict:
    from bot.clock import SystemClock
    from bot.config import Config
    from bot.model import Request
    from bot.services import Services

    services = Services(Config(db=db, knowledge_dir=knowledge_dir), clock=SystemClock())
    rss_before = _rss_mb()
    started = time.perf_counter()
    index = services.kb.index  # build (and warm jieba) outside the timed asks
    build_s = time.perf_counter() - started
    index_mb = _rss_mb() - rss_before
    handle = services.dispatcher.handle
    await handle(Request(text="ask warm up"))
    plain, plain_build_s, plain_samples = None, 0.0, []
    if baseline:
        from bench.answers import Baseline
        from bot.i18n import detect_lang

        started = time.perf_counter()
        plain = Baseline(index.articles)
        plain_build_s = time.perf_counter() - started
        plain.best("warm up 预热", "zh")
    samples, answered = [], 0
    for _ in range(rounds):
        for question in questions:
            t0 = time.perf_counter()
            response = await handle(Request(text=f"ask {question}"))
            samples.append((time.perf_counter() - t0) * 1000)
            answered += bool(response.data.get("answered"))
            if plain is not None:
                t0 = time.perf_counter()
                plain.best(question, detect_lang(question))
                plain_samples.append((time.perf_counter() - t0) * 1000)
    search = []
    for question in questions:
        t0 = time.perf_counter()
        index.search(question, "zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en")
        search.append((time.perf_counter() - t0) * 1000)
    services.store.close()
    compared = {}
    if plain is not None:
        compared = {
            "baseline_p50_ms": round(_percentile(plain_samples, 0.50), 2),
            "baseline_p99_ms": round(_percentile(plain_samples, 0.99), 2),
            "baseline_build_s": round(plain_build_s, 2),
        }
    return {
        **compared,
        "articles": len(index),
        "sections": index.section_count(),
        "asks": len(samples),
        "answered_share": round(answered / len(samples), 3),
        "p50_ms": round(_percentile(samples, 0.50), 2),
        "p99_ms": round(_percentile(samples, 0.99), 2),
        "max_ms": round(max(samples), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
        "search_only_p99_ms": round(_percentile(search, 0.99), 2),
        "index_build_s": round(build_s, 2),
        "index_rss_mb": round(index_mb, 1),
    }


def run(articles: int | None, *, rounds: int = 4, seed: int = 0, baseline: bool = False,
        workdir: Path | None = None) -> dict:
    """Latency of `ask` with the real knowledge base (`articles=None`) or a synthetic one.

    With `workdir`, the knowledge folder (`workdir/kb`), the database and the saved index
    (`workdir/.sellerbot-cache`) are left there, for a restart to be timed over them."""
    questions = load_questions()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(workdir or tmp)
        folder = REAL_KNOWLEDGE if articles is None else write_synthetic_kb(tmp_path / "kb", articles, seed=seed)
        result = asyncio.run(_measure(folder, tmp_path / "bench.db", questions, rounds, baseline))
    result["kb"] = "real" if articles is None else f"synthetic {articles}"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="*", default=[0, 1000, 10000],
                        help="sizes to measure; 0 means the real knowledge base")
    parser.add_argument("--rounds", type=int, default=4, help="passes over the question set")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = [run(n or None, rounds=args.rounds) for n in args.articles]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for r in results:
            print(f"{r['kb']:>16}: {r['articles']:>6} articles, {r['asks']} asks, p50 {r['p50_ms']} ms, "
                  f"p99 {r['p99_ms']} ms (search alone p99 {r['search_only_p99_ms']} ms), "
                  f"answered {r['answered_share']:.0%}, index built in {r['index_build_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
