"""`ask` latency in process, and how it grows with the knowledge base: the real articles, then
synthetic knowledge bases of 1,000 and 10,000 articles (bench/synthetic_kb.py), each indexed once.

Every ask goes through the dispatcher as a user's would (parsing, retrieval, the answer, the SQLite
log of the question), over the shared evaluation questions and our paraphrases, in Chinese and
English, repeated until about a thousand asks per size.
"""

from __future__ import annotations

import gc
import math

from bench import ask_latency

TARGET_ASKS = {None: 1000, 1000: 1000, 10000: 600}
"""Asks per knowledge-base size: enough for a stable p99; the 10k index alone takes ~30 s to build."""


def _forget_indexes() -> None:
    """Drop the process-wide index cache so one size's index does not sit in memory during the next."""
    from bot.knowledge import service

    with service._BUILT_LOCK:
        service._BUILT.clear()
    gc.collect()


def run() -> dict:
    questions = len(ask_latency.load_questions())
    sizes = {}
    for articles, target in TARGET_ASKS.items():
        rounds = max(1, math.ceil(target / questions))
        sizes[articles] = ask_latency.run(articles, rounds=rounds)
        _forget_indexes()
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
        "ask_p99_ms_real_kb": real["p99_ms"],
        "index_build_s_1k": small["index_build_s"],
        "index_build_s_10k": big["index_build_s"],
        "growth": growth,
        "ask_load": {"questions": questions, "asks_per_size": {str(k or "real"): v for k, v in TARGET_ASKS.items()}},
    }
