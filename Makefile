# Two commands matter: `make run` and `make test`. Both install first when needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint-imports bench bench-record clean

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
