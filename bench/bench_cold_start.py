"""Cold start beside its baseline: the first answer of a new `sellerbot ask "…" --json` process, end
to end (interpreter start, imports, migrations of a new database, the saved knowledge index loaded,
the answer printed, exit), against `python -c "import slack_bolt, discord"`, the least a chat bot
on those libraries starts with.

Runs alternate between the two, and between an English and a Chinese question, so both sides meet
the same machine load; one unmeasured run of each first (it writes the bytecode caches and saves the
index, as the first start of a new install does; timed apart as `cold_start_first_ms`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic_kb import ROOT

RUNS = 8
QUESTIONS = ("What is the maximum order defect rate?", "订单缺陷率的标准是多少?")
BARE = [sys.executable, "-c", "import slack_bolt, discord"]


def sellerbot() -> list[str]:
    """The installed `sellerbot` command beside this interpreter, else the module it runs."""
    script = Path(sys.executable).with_name("sellerbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli"]


def clean_env(**extra: str) -> dict:
    """The caller's environment without the platform tokens and settings, and without
    PYTHONDONTWRITEBYTECODE: an installed package has its bytecode, and a shell that sets it would
    have every cold run recompile our modules (measured: 2.36x instead of ~1.8x)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "SELLERBOT_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


def timed(args: list[str], env: dict) -> tuple[float, str]:
    """Milliseconds from spawning the process to its exit, and what it printed."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stdout


def ask(question: str, db: Path, env: dict) -> float:
    elapsed, out = timed([*sellerbot(), "ask", question, "--json", "--db", str(db)], env)
    answer = json.loads(out.splitlines()[0])
    if answer.get("kind") != "answer" or not answer.get("answered"):
        raise RuntimeError(f"cold start did not answer {question!r}: {answer}")
    return elapsed


def run() -> dict:
    env = clean_env()
    asks: dict[str, list[float]] = {q: [] for q in QUESTIONS}
    bare: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        first = ask(QUESTIONS[0], Path(tmp) / "first.db", env)  # no saved index yet: builds and saves it
        timed(BARE, env)
        for i in range(RUNS):
            question = QUESTIONS[i % len(QUESTIONS)]
            asks[question].append(ask(question, Path(tmp) / f"cold-{i}.db", env))
            bare.append(timed(BARE, env)[0])
    python = [timed([sys.executable, "-c", "pass"], env)[0] for _ in range(3)]
    every = [s for samples in asks.values() for s in samples]
    cold, baseline = statistics.median(every), statistics.median(bare)
    return {
        "cold_start_ms": round(cold),
        "cold_start_max_ms": round(max(every)),
        "cold_start_bare_imports_ms": round(baseline),
        "cold_start_ratio_bare_imports": round(cold / baseline, 2),
        "cold_start_first_ms": round(first),
        "python_start_ms": round(statistics.median(python)),
        "cold_start_runs_ms": {q: [round(s) for s in samples] for q, samples in asks.items()},
        "bare_imports_runs_ms": [round(s) for s in bare],
    }
