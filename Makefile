# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: demo test test-fast lint pytest bench system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[mcp]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,mcp]'
	touch $@ $(VENV)/.installed

## demo: install vault and take a short tour of the example vault in memory/
demo: $(VENV)/.installed
	bash scripts/demo.sh

## test: install vault with test extras (and Chromium, Graphviz when missing), run everything
test: $(VENV)/.installed-test system-deps lint pytest

## test-fast: the same minus the tests marked slow (a few seconds each); `make test` runs all
test-fast: $(VENV)/.installed-test system-deps lint
	$(PY) -m pytest -m "not slow"

system-deps:
	bash scripts/ensure-system-deps.sh

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

pytest: $(VENV)/.installed-test
	$(PY) -m pytest

## bench: search, graph and MCP-server benchmarks on synthetic vaults of 1,000 and 10,000 notes
bench: $(VENV)/.installed-test
	$(PY) bench/bench_search.py
	$(PY) bench/bench_graph.py
	$(PY) bench/bench_mcp.py

clean:
	rm -rf build .vault bench/out .pytest_cache .ruff_cache
