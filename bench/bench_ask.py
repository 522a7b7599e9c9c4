"""`ask` latency in process, beside a plain baseline, and how it grows with the knowledge base: the
real articles, then synthetic knowledge bases of 1,000 and 10,000 articles (bench/synthetic_kb.py).

Every ask goes through the dispatcher as a user's would (parsing, retrieval, the answer, the SQLite
log of the question), over the shared evaluation questions and our paraphrases, in Chinese and
English, repeated until about a thousand asks per size. At 10,000 articles each question is also
put to the plain baseline of bench/answers.py (`bm25s` + `jieba.lcut_for_search` over the same
sections), right after ours: `ask_p99_ratio_bm25s_10k` is our p99 over its p99.

Then a restart: a new `sellerbot ask` process over the unchanged 10k folder, which finds the index
saved beside its database (`.sellerbot-cache/`, keyed by the files and the code) and loads it;
`index_ready_s_10k_restart` is the time from spawning it to its answer printed (median of a few).
"""

from __future__ import annotations

import gc
import json
import math
import statistics
import tempfile
from pathlib import Path

from bench import ask_latency
from bench.bench_cold_start import clean_env, sellerbot, timed

TARGET_ASKS = {None: 1000, 1000: 1000, 10000: 600}
"""Asks per knowledge-base size: enough for a stable p99; the 10k index takes a minute to build."""
RESTARTS = 3
RESTART_QUESTION = "订单缺陷率的标准是多少?"


def _forget_indexes() -> None:
    """Drop the process-wide index cache so one size's index does not sit in memory during the next."""
    from bot.knowledge import service

    with service._BUILT_LOCK:
        service._BUILT.clear()
    gc.collect()


def _restarts(workdir: Path) -> list[float]:
    """Seconds to the first answer of new processes over the saved 10k index; fails if one rebuilt it."""
    saved = list((workdir / ".sellerbot-cache").glob("knowledge-index-*.pickle"))
    if len(saved) != 1:
        raise RuntimeError(f"expected one saved index in {workdir / '.sellerbot-cache'}, found {saved}")
    stamp = saved[0].stat().st_mtime_ns
    env = clean_env(SELLERBOT_KNOWLEDGE_DIR=str(workdir / "kb"))
    seconds = []
    for i in range(RESTARTS):
        elapsed, out = timed([*sellerbot(), "ask", RESTART_QUESTION, "--json", "--db", str(workdir / f"restart-{i}.db")], env)
        if json.loads(out.splitlines()[0]).get("kind") != "answer":
            raise RuntimeError(f"the restarted process did not answer: {out[:500]}")
        seconds.append(elapsed / 1000)
    if saved[0].stat().st_mtime_ns != stamp or len(list(saved[0].parent.glob("*.pickle"))) != 1:
        raise RuntimeError("a restart rebuilt the index instead of loading the saved one")
    return seconds


def run() -> dict:
    questions = len(ask_latency.load_questions())
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for articles, target in TARGET_ASKS.items():
            rounds = max(1, math.ceil(target / questions))
            big = articles == 10000
            sizes[articles] = ask_latency.run(articles, rounds=rounds, baseline=big, workdir=Path(tmp) if big else None)
            _forget_indexes()
        restarts = _restarts(Path(tmp))
    real, small, big = sizes[None], sizes[1000], sizes[10000]
    growth = {
        r["kb"]: {key: r[key] for key in ("articles", "sections", "asks", "p50_ms", "p99_ms", "search_only_p99_ms",
                                          "index_build_s", "index_rss_mb", "answered_share")}
        for r in (real, small, big)
    }
    return {
        "ask_p50_ms": small["p50_ms"],
        "ask_p99_ms": small["p99_ms"],
        "ask_p50_ms_10k": big["p50_ms"],
        "ask_p99_ms_10k": big["p99_ms"],
        "bm25s_p50_ms_10k": big["baseline_p50_ms"],
        "bm25s_p99_ms_10k": big["baseline_p99_ms"],
        "ask_p99_ratio_bm25s_10k": round(big["p99_ms"] / big["baseline_p99_ms"], 2),
        "ask_p99_ms_real_kb": real["p99_ms"],
        "index_build_s_1k": small["index_build_s"],
        "index_build_s_10k": big["index_build_s"],
        "bm25s_build_s_10k": big["baseline_build_s"],
        "index_ready_s_10k_restart": round(statistics.median(restarts), 2),
        "growth": growth,
        "restart_runs_s": [round(s, 2) for s in restarts],
        "search_only_p99_ratio_bm25s_10k": round(big["search_only_p99_ms"] / big["baseline_p99_ms"], 2),
        "ask_load": {"questions": questions, "asks_per_size": {str(k or "real"): v for k, v in TARGET_ASKS.items()}},
    }
