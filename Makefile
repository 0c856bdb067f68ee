# Two commands on a fresh machine: `make demo` and `make test`. Each sets up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := build/demo
DEMO_DATE := 2026-10-01
HANDOFF := $(BIN)/handoff --home $(DEMO)/.handoff
TICKETS := github-gh.json github-rest.json jira-v2.json jira-v3.json jira.csv linear.csv

.PHONY: demo test check bench install system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# torch first, pinned: this version is a CPU wheel on disk; any other pulls a CUDA build of several GB.
$(VENV)/.torch: $(BIN)/python
	$(BIN)/pip install -q torch==2.13.0
	touch $@

$(VENV)/.installed: $(VENV)/.torch pyproject.toml setup.py
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

demo: install
	rm -rf $(DEMO)
	$(BIN)/python examples/sample_workspace.py $(DEMO)
	$(HANDOFF) init
	$(HANDOFF) roster load $(DEMO)/roster.csv
	$(HANDOFF) ingest $(DEMO)/shop $(foreach t,$(TICKETS),--tickets $(DEMO)/tickets/$(t))
	$(HANDOFF) people --as-of $(DEMO_DATE)
	$(HANDOFF) risk --as-of $(DEMO_DATE) --limit 15
	$(HANDOFF) truck-factor
	$(HANDOFF) adrs
	$(HANDOFF) ask "how is the refund amount computed?" --as-of $(DEMO_DATE)
	$(HANDOFF) eval examples/questions.jsonl
	$(HANDOFF) offboard "Viktor Salo" --as-of $(DEMO_DATE) -o $(DEMO)/offboarding-viktor.md
	$(HANDOFF) offboard --due --as-of $(DEMO_DATE)
	$(HANDOFF) report --as-of $(DEMO_DATE) --format md
	$(HANDOFF) report --as-of $(DEMO_DATE) -o $(DEMO)/knowledge-drain.html

# Debian packages the tests drive for real: Chromium for the browser tests (never a downloaded browser);
# redis-server and PostgreSQL, which the server tests start themselves on free loopback ports.
system-packages:
	@command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)
	@command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q redis-server postgresql)

# Gates: lint and import order, types, and the layers of the design (import-linter contracts in pyproject.toml).
# mypy reads the package through a tree of links named as it installs (handoff/<layer> -> <layer>).
LAYERS := core index ingest retention assist api prompts
check: install
	$(BIN)/ruff check .
	rm -rf build/typecheck && mkdir -p build/typecheck/handoff
	for layer in $(LAYERS); do ln -s ../../../$$layer build/typecheck/handoff/$$layer; done
	MYPYPATH=build/typecheck $(BIN)/mypy -p handoff
	$(BIN)/lint-imports --no-cache

# The gates, the whole suite on the embedded stores, then the fast tests again on PostgreSQL and a Chroma server.
test: install system-packages check
	$(BIN)/python -m pytest
	HANDOFF_TEST_SERVERS=1 $(BIN)/python -m pytest -m "not slow"

bench: install
	$(BIN)/python benchmarks/ownership.py
	$(BIN)/python benchmarks/retrieval.py
	$(BIN)/python benchmarks/ask_latency.py
	$(BIN)/python benchmarks/api_load.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/workers.py

clean:
	rm -rf $(VENV) build .bench
