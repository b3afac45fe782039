# wushe — 五社联动 platform. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test lint typecheck bench clean

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install wushe with its test tools

run: $(STAMP) ## load the demo community once, then serve on http://127.0.0.1:8000
	$(BIN)/wushe demo --if-empty
	$(BIN)/wushe serve --host 127.0.0.1 --port 8000

test: $(STAMP) ## run the whole test suite (two processes: much of it waits on PostgreSQL and servers)
	$(BIN)/python -m pytest -q -n 2

lint: $(STAMP) ## ruff
	$(BIN)/ruff check platform projections matching infra tests

typecheck: $(STAMP) ## mypy --strict
	$(BIN)/mypy

bench: $(STAMP) ## benchmarks (minutes; prints figures and ratios)
	$(BIN)/python -m tests.benchmarks

clean: ## remove .venv and local data
	rm -rf $(VENV) var
