"""Run every benchmark and write bench/results.json (`make bench`).

    python -m bench                 # all of them
    python -m bench ask slack       # some of them (the other figures are kept from the last run)

Each module's `run()` returns its figures: numbers go to the top level of results.json (and the
table printed at the end), anything else (per-size breakdowns, settings) under `details`. The run
fails (exit 1) when a figure misses its quality bar from DESIGN.md.
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

BENCHMARKS = ["bench.bench_ask", "bench.bench_cold_start", "bench.bench_slack", "bench.bench_reminders"]
RESULTS = Path(__file__).with_name("results.json")
BARS = {  # figure -> the most it may be (DESIGN.md, "Quality bars")
    "ask_p99_ms": 20,
    "ask_p99_ms_10k": 50,
    "slack_ack_p99_ms": 100,
    "reminder_lag_p99_ms": 1000,
}


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


def check_bars(figures: dict) -> dict[str, bool]:
    return {name: figures[name] < limit for name, limit in BARS.items() if isinstance(figures.get(name), (int, float))}


def main(names: list[str]) -> int:
    wanted = [b for b in BENCHMARKS if not names or b.rsplit(".", 1)[-1].removeprefix("bench_") in names]
    if names and len(wanted) != len(set(names)):
        known = ", ".join(b.rsplit("_", 1)[-1] for b in BENCHMARKS)
        print(f"unknown benchmark in {names}; known: {known}", file=sys.stderr)
        return 2
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() and names else {}
    figures: dict = {k: v for k, v in previous.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    details: dict = dict(previous.get("details") or {})
    timings: dict = dict(previous.get("seconds_per_benchmark") or {})
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
        print(f"  done in {timings[short]}s", file=sys.stderr, flush=True)
    log_file.close()
    bars = check_bars(figures)
    result = {
        **figures,
        "bars": {name: {"limit": BARS[name], "met": met} for name, met in bars.items()},
        "details": details,
        "seconds_per_benchmark": timings,
        "seconds_total": round(time.perf_counter() - total, 1),
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    width = max((len(k) for k in fresh), default=0)
    for key in fresh:
        bar = f"  (bar < {BARS[key]}: {'met' if bars[key] else 'MISSED'})" if key in bars else ""
        print(f"{key:<{width}}  {figures[key]}{bar}")
    print(f"wrote {RESULTS} in {result['seconds_total']}s", file=sys.stderr)
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
