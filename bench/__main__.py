"""Run every benchmark, baselines included, and write bench/results.local.json (`make bench`).

    python -m bench                 # all of them
    python -m bench ask slack       # some of them (the other figures are kept from the last run)
    python -m bench --record        # all of them, and results.json too (`make bench-record`)

Each module's `run()` returns its figures: numbers go to the top level of the results (and the
table printed at the end), anything else (per-size breakdowns, settings) under `details`. Baselines
run in the same run as what they are compared with, so a ratio compares two measurements made
under the same machine load. The run fails (exit 1) when a figure misses its bar from DESIGN.md.

results.local.json is git-ignored: any run writes it. The committed results.json, from which the
README's table is generated (`python -m bench.readme`), changes only with `--record`.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS = ["bench.bench_ask", "bench.bench_cold_start", "bench.bench_slack", "bench.bench_reminders", "bench.bench_pg"]
RESULTS = Path(__file__).with_name("results.json")
LOCAL_RESULTS = Path(__file__).with_name("results.local.json")
BARS = {  # figure -> (comparison, limit), from DESIGN.md "Quality bars" and issue 14
    "ask_p99_ms": ("<", 20),
    "ask_p99_ms_10k": ("<", 50),
    "ask_p99_ratio_bm25s_10k": ("<=", 3),
    "index_ready_s_10k_restart": ("<", 5),
    "slack_ack_p99_ms": ("<", 100),
    "slack_ack_p99_ratio_bare_bolt_burst": ("<=", 3),
    "cold_start_ratio_bare_imports": ("<=", 2.5),
    "reminder_lag_p99_ms": ("<", 1000),
    # issue 15: the same lag bar with two clocks on PostgreSQL, and each reminder posted exactly once
    "pg_reminder_lag_p99_ms": ("<", 1000),
    "pg_reminders_missed": ("<=", 0),
    "pg_reminders_duplicated": ("<=", 0),
}
BAR_SOURCE = {name: "pg" for name in BARS if name.startswith("pg_")}
"""The benchmark measuring a bar added after results.json was last recorded: a recording that ran
it must hold the bar (tests/test_bench_readme.py); until then the README shows it not measured."""


def machine() -> dict:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        memory_gb = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
    }


def meets(value: float, comparison: str, limit: float) -> bool:
    return value <= limit if comparison == "<=" else value < limit


def check_bars(figures: dict) -> dict[str, bool]:
    return {name: meets(figures[name], *bar) for name, bar in BARS.items() if isinstance(figures.get(name), (int, float))}


def main(argv: list[str]) -> int:
    record = "--record" in argv
    names = [a for a in argv if a != "--record"]
    wanted = [b for b in BENCHMARKS if not names or b.rsplit(".", 1)[-1].removeprefix("bench_") in names]
    if names and len(wanted) != len(set(names)):
        known = ", ".join(b.rsplit(".", 1)[-1].removeprefix("bench_") for b in BENCHMARKS)
        print(f"unknown benchmark in {names}; known: {known}", file=sys.stderr)
        return 2
    if record and names:
        print("--record runs every benchmark: results.json holds the figures of one run", file=sys.stderr)
        return 2
    previous = json.loads(LOCAL_RESULTS.read_text()) if LOCAL_RESULTS.exists() and names else {}
    figures: dict = {k: v for k, v in previous.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    details: dict = dict(previous.get("details") or {})
    timings: dict = dict(previous.get("seconds_per_benchmark") or {})
    loads: dict = dict(previous.get("load_average_per_benchmark") or {})
    fresh: list[str] = []
    total = time.perf_counter()
    # In-process benchmarks log as a server does (INFO, one JSON line per command and per reminder
    # delivery), to a scratch file, so the figures include that cost.
    from bot.logs import setup_logging

    log_file = tempfile.TemporaryFile("w+", encoding="utf-8")
    setup_logging("INFO", "json", stream=log_file)
    for name in wanted:
        short = name.rsplit(".", 1)[-1].removeprefix("bench_")
        started = time.perf_counter()
        print(f"… {short}", file=sys.stderr, flush=True)
        out = importlib.import_module(name).run()
        for key, value in out.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                figures[key] = value
                fresh.append(key)
            else:
                details.setdefault(short, {})[key] = value
        timings[short] = round(time.perf_counter() - started, 1)
        loads[short] = _load_average()
        print(f"  done in {timings[short]}s", file=sys.stderr, flush=True)
    log_file.close()
    bars = check_bars(figures)
    result = {
        **figures,
        "bars": {name: {"comparison": BARS[name][0], "limit": BARS[name][1], "met": met} for name, met in bars.items()},
        "details": details,
        "seconds_per_benchmark": timings,
        "seconds_total": round(time.perf_counter() - total, 1),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_per_benchmark": loads,
    }
    text = json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    targets = [LOCAL_RESULTS, RESULTS] if record else [LOCAL_RESULTS]
    for target in targets:
        target.write_text(text)
    width = max((len(k) for k in fresh), default=0)
    for key in fresh:
        bar = f"  (bar {BARS[key][0]} {BARS[key][1]}: {'met' if bars[key] else 'MISSED'})" if key in bars else ""
        print(f"{key:<{width}}  {figures[key]}{bar}")
    missed = [name for name, met in bars.items() if not met]
    if missed:
        print(f"MISSED: {', '.join(missed)}", file=sys.stderr)
    print(f"wrote {', '.join(str(t) for t in targets)} in {result['seconds_total']}s "
          f"(load average 1/5/15 min at the end of each benchmark: {loads})", file=sys.stderr)
    return 0 if not missed else 1


def _load_average() -> list[float] | None:
    """The machine's load (1, 5, 15 minutes): the machine is shared, and figures move with its load."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
