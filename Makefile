# Two commands matter: `make run` and `make test`. Both install first when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-pg lint lint-imports bench bench-record clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/sellerbot

test: install
	$(BIN)/python -m pytest

# The whole suite again, every test's database a fresh schema on a throwaway PostgreSQL server
# (tests/pg_server.py: initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin). `-rs` lists the
# SQLite-only tests it skips, with their reasons.
test-pg: install
	SELLERBOT_TEST_ENGINE=postgresql $(BIN)/python -m pytest -rs

lint: install  # ruff, mypy and the import contracts, as configured in pyproject.toml
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

lint-imports: install  # the dependency contracts in pyproject.toml (also run by the test suite)
	$(BIN)/lint-imports

# `make bench` runs every benchmark beside its baseline and writes bench/results.local.json (git-ignored);
# `make bench-record` also writes bench/results.json and regenerates the README's table from it.
bench: install
	$(BIN)/python -m bench

bench-record: install
	$(BIN)/python -m bench --record; status=$$?; $(BIN)/python -m bench.readme && exit $$status

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
