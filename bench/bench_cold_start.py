"""Cold start: from process start to the first answer, `python -m bot.cli ask "..." --json` timed end
to end (interpreter start, imports, migrations of a new database, the real knowledge base indexed,
the answer printed, exit). One unmeasured run first (it writes the bytecode caches), then the median
of a few runs, each on a fresh database. A bare `python -c pass` is timed too, for comparison.
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

RUNS = 5
QUESTION = "What is the maximum order defect rate?"


def _timed(args: list[str], env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{args} failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stdout


def run() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(RUNS + 1):
            db = Path(tmp) / f"cold-{i}.db"
            elapsed, out = _timed([sys.executable, "-m", "bot.cli", "ask", QUESTION, "--json", "--db", str(db)], env)
            answer = json.loads(out.splitlines()[0])
            if answer.get("kind") != "answer" or not answer.get("answered"):
                raise RuntimeError(f"cold start did not answer: {answer}")
            if i:  # the first run only warms the bytecode and file caches
                samples.append(elapsed)
    bare = [_timed([sys.executable, "-c", "pass"], env)[0] for _ in range(RUNS)]
    return {
        "cold_start_ms": round(statistics.median(samples)),
        "cold_start_max_ms": round(max(samples)),
        "python_start_ms": round(statistics.median(bare)),
        "cold_start_runs_ms": [round(s) for s in samples],
    }
