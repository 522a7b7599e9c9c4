"""Benchmarks (`make bench`): each module's `run()` returns named figures; results go to
bench/results.json and a table on stdout. Loads are generated here, on loopback only."""
