"""Run every benchmark and write bench/results.json (`make bench`)."""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS = ["bench.bench_ask", "bench.bench_cold_start", "bench.bench_slack", "bench.bench_reminders"]
RESULTS = Path(__file__).with_name("results.json")


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
    }


def main(names: list[str]) -> int:
    wanted = [b for b in BENCHMARKS if not names or b.rsplit(".", 1)[-1].removeprefix("bench_") in names]
    figures: dict = {}
    for name in wanted:
        started = time.perf_counter()
        print(f"… {name}", file=sys.stderr, flush=True)
        figures.update(importlib.import_module(name).run())
        print(f"  done in {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() and names else {}
    result = {
        **previous,
        **figures,
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    width = max(len(k) for k in figures) if figures else 0
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
