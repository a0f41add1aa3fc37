# Two commands from a fresh clone: `make demo` and `make test`.
# Each creates .venv when missing and (re)installs only when pyproject.toml changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_WORKERS ?= auto

.PHONY: demo test lint typecheck unit unit-year-ahead screenshots bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "montui needs Python >= 3.11 (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[demo]'
	@touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(BIN)/montui --demo

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports

typecheck: $(VENV)/.test-installed
	$(BIN)/mypy

unit: $(VENV)/.test-installed
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

# The same suite with the wall clock a year ahead: a test that depends on today's date fails.
unit-year-ahead: $(VENV)/.test-installed
	MONTUI_TEST_CLOCK_AHEAD_DAYS=365 $(BIN)/pytest -n $(PYTEST_WORKERS) -q

test: lint typecheck unit unit-year-ahead

screenshots: $(VENV)/.test-installed
	$(BIN)/python scripts/screenshots.py

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/idle_bytes.py
	$(BIN)/python benchmarks/drilldown.py
	$(BIN)/python benchmarks/sparklines.py
	$(BIN)/python benchmarks/review.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
