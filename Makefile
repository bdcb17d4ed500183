# InvestMap: `make run` serves the map, `make test` runs the whole suite. Both install what is missing.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
INVESTMAP := $(BIN)/investmap
STAMP := $(VENV)/.installed
FRONTEND_DIST := app/static/dist/index.html
PLOTS ?= 2000
# The suite runs on every core (pytest-xdist, one database per worker); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto

.PHONY: run test deps system frontend db-up db-down lint bench clean

run: deps frontend
	$(INVESTMAP) db up
	$(INVESTMAP) db migrate
	$(INVESTMAP) load reference
	$(INVESTMAP) load demo --plots $(PLOTS)
	$(INVESTMAP) users ensure-admin
	INVESTMAP_DEMO_PUBLIC=$${INVESTMAP_DEMO_PUBLIC:-true} $(INVESTMAP) serve

test: deps frontend
	cd frontend && npm test
	$(INVESTMAP) db up
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

deps: system $(STAMP)

system:
	@bash scripts/ensure-system.sh

$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

frontend: $(FRONTEND_DIST)

$(FRONTEND_DIST): $(shell find frontend -type f -not -path 'frontend/node_modules/*' 2>/dev/null)
	@if [ -f frontend/package.json ]; then \
		cd frontend && npm ci --no-audit --no-fund && npm run build; \
	else echo "no frontend yet"; fi

db-up: deps
	$(INVESTMAP) db up

# Style and types: ruff (lint and format) over the tree, mypy strict over app/ (CI runs it before the tests).
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: deps
	$(BIN)/python bench/run.py

db-down:
	$(INVESTMAP) db down

clean:
	-$(INVESTMAP) db down
	rm -rf var $(VENV) frontend/node_modules app/static/dist
