# Two commands do all the set-up: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: demo test test-fast test-offline lint pytest bench bench-100k bench-semantic bench-sync bench-view bench-web bench-serve bench-serve-memory bench-warm-search bench-init view system-deps clean

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

## test-offline: everything but the tests marked network (they fetch graphology from npm)
test-offline: $(VENV)/.installed-test system-deps lint
	$(PY) -m pytest -m "not network"

system-deps:
	bash scripts/ensure-system-deps.sh

lint: $(VENV)/.installed-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

pytest: $(VENV)/.installed-test
	$(PY) -m pytest

$(VENV)/.installed-bench: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,mcp,bench]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-test

## bench: search, graph and MCP-server benchmarks, and the scale harness on realistic vaults of
## 1,000 and 10,000 notes (bench/README-scale.md); figures in bench/out/, the plot in bench/scale.png
bench: $(VENV)/.installed-bench
	$(PY) bench/bench_search.py
	$(PY) bench/bench_graph.py
	$(PY) bench/bench_mcp.py
	$(PY) bench/bench_scale.py --sizes 1000,10000 --fresh

## bench-semantic: recall of each search mode and the fusion sweep (tests/eval), then semantic
## search at 10,000 notes (a copy of /work/bench10k, or BENCH_VAULT), then related notes'
## rankings (tests/eval/related.py): bench/README.md
bench-semantic: $(VENV)/.installed-bench
	$(PY) bench/bench_recall.py
	$(PY) bench/bench_recall.py --sweep
	$(PY) bench/bench_semantic.py --vault $(or $(BENCH_VAULT),/work/bench10k)
	$(PY) bench/bench_related.py --sweep

## bench-100k: the scale harness at 100,000 notes too (about 15 minutes today; resumable)
bench-100k: $(VENV)/.installed-bench
	$(PY) bench/bench_scale.py --sizes 1000,10000,100000 --runs 3 --cold-runs 1 \
		--max-seconds 1200,cold_index=5400

## bench-sync: 8 clones syncing at once over git daemon (127.0.0.1) and file:// (bench/README.md),
## figures in bench/out/sync.json; and what git itself costs at 10,000 notes (docs/scale.md)
bench-sync: $(VENV)/.installed-bench
	mkdir -p bench/out
	$(PY) bench/bench_sync.py --json bench/out/sync.json
	$(PY) bench/gen_vault.py bench/out/git-10k --notes 10000
	$(PY) bench/bench_git_costs.py bench/out/git-10k --json bench/out/git-10k.json

## bench-init: `vault init` on a generated 6,600-note vault in git, commit included
bench-init: $(VENV)/.installed-bench
	$(PY) bench/bench_init.py --notes 6600 --runs 5

## bench-view: the HTML view in headless Chromium on 1,000 / 6,600 / 10,000 nodes, new and old page
bench-view: $(VENV)/.installed-test
	$(PY) bench/bench_view.py

## bench-web: the web pages of vault serve at 10,000 notes, server time p50/p95 for note and
## search pages (bench/README.md); BENCH_VAULT=DIR copies that vault instead of generating one
bench-web: $(VENV)/.installed-test
	$(PY) bench/bench_web.py $(if $(BENCH_VAULT),--vault $(BENCH_VAULT))

## bench-serve: vault serve at 10,000 notes: served search, search after an edit, graph, list, MCP
## over HTTP (16 clients), RSS, start-up, and a load run (bench/README.md); BENCH_VAULT=DIR copies
## that vault; LOAD_CALLS=N calls per client (500); AGENT_ROUNDS=N adds an agent's loop (N rounds)
bench-serve: $(VENV)/.installed-test
	$(PY) bench/bench_serve.py $(if $(BENCH_VAULT),--vault $(BENCH_VAULT)) --load-calls $(or $(LOAD_CALLS),500) \
		$(if $(AGENT_ROUNDS),--agent-rounds $(AGENT_ROUNDS))

## bench-serve-memory: where a server's memory goes (RssAnon after each of bench-serve's warm-up
## rows, built in process) on bench-serve's copy of BENCH_VAULT (/work/bench10k), run first
bench-serve-memory: $(VENV)/.installed-test
	$(PY) bench/bench_serve_memory.py --trim \
		--vault bench/out/serve-copy-$(notdir $(or $(BENCH_VAULT),/work/bench10k))

## bench-warm-search: issue 19's whole-process warm searches without a server (a rare word, a
## ten-word question) on /work/bench10k or BENCH_VAULT; BASE=DIR/src runs another checkout
## alternately; in instructions too when valgrind is there (bench/README.md)
bench-warm-search: $(VENV)/.installed
	$(PY) bench/bench_warm_search.py --vault $(or $(BENCH_VAULT),/work/bench10k) \
		$(if $(BASE),--base $(BASE)) --instructions

## view: rebuild src/vault/assets/graph_view.html from view/ (needs Node and npm; not needed to test)
view:
	cd view && npm ci && npm run build

clean:
	rm -rf build .vault bench/out .pytest_cache .ruff_cache
