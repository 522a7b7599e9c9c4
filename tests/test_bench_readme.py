"""The README's benchmark tables come from the committed bench/results.json, and the bars decide
`make bench`'s exit status as DESIGN.md words them (≤ for ratios, < for times)."""

from __future__ import annotations

import json

from bench import __main__ as bench
from bench import readme


def test_readme_section_is_generated_from_results_json():
    results = json.loads(bench.RESULTS.read_text(encoding="utf-8"))
    text = readme.README.read_text(encoding="utf-8")
    assert readme.rewrite(text, results) == text, "run `python -m bench.readme` after `make bench-record`"


def test_rewrite_replaces_only_the_section():
    results = {"ask_p99_ms_10k": 12.5, "bm25s_p99_ms_10k": 5.0, "ask_p99_ratio_bm25s_10k": 2.5,
               "bars": {"ask_p99_ratio_bm25s_10k": {"met": True}}, "machine": {"cpus": 2}}
    text = f"# top\nbefore\n{readme.START}\nold figures\n{readme.END}\n**Faults** stay\n"
    out = readme.rewrite(text, results)
    assert out.startswith("# top\nbefore\n" + readme.START) and out.endswith(readme.END + "\n**Faults** stay\n")
    assert "old figures" not in out
    assert "| 12.5 ms | 5 ms | 2.5× | < 50 ms: not measured; ≤ 3×: met |" in out


def test_bars_use_the_comparison_of_each_figure():
    assert bench.check_bars({"ask_p99_ratio_bm25s_10k": 3.0, "cold_start_ratio_bare_imports": 2.5}) == {
        "ask_p99_ratio_bm25s_10k": True, "cold_start_ratio_bare_imports": True}
    assert bench.check_bars({"ask_p99_ms": 20.0, "index_ready_s_10k_restart": 5.0, "slack_ack_p99_ratio_bare_bolt_burst": 3.01}) == {
        "ask_p99_ms": False, "index_ready_s_10k_restart": False, "slack_ack_p99_ratio_bare_bolt_burst": False}


def test_recorded_results_hold_every_bar_with_its_baseline():
    results = json.loads(bench.RESULTS.read_text(encoding="utf-8"))
    recorded = set(results["seconds_per_benchmark"])
    for name in bench.BARS:
        if name in bench.BAR_SOURCE and bench.BAR_SOURCE[name] not in recorded:
            continue  # recorded before its benchmark existed: the next `make bench-record` measures it
        assert isinstance(results.get(name), (int, float)), f"results.json has no {name}: run `make bench-record`"
    for baseline in ("bm25s_p99_ms_10k", "bare_bolt_ack_p99_ms", "cold_start_bare_imports_ms", "bare_bolt_rss_idle_mb"):
        assert results.get(baseline), baseline
    assert results["machine"]["cpus"] and results["measured_at"] and results["load_average_per_benchmark"]
