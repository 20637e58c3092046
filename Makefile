# Turnout — the README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := $(CURDIR)/.turnout

.PHONY: demo test check format-check lint typecheck lock-check format bench sample clean

# the environment is built by uv from uv.lock: every machine gets the same versions
UV_VERSION := 0.13.9
UV := $(BIN)/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
SYNC := $(UV) sync --locked --inexact --python $(BIN)/python --quiet

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# what the demo needs: the package and its dependencies only
$(BIN)/turnout: pyproject.toml uv.lock | $(UV)
	$(SYNC)
	touch $(BIN)/turnout

# what the tests need besides: the dev tools, and Spark for the parity tests of the marts
# (they skip, saying why, on a machine without Java)
$(VENV)/.dev: $(BIN)/turnout
	$(SYNC) --extra dev --extra spark
	# the notebooks' kernel is this environment's python, whatever else is installed
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (turnout)"
	touch $(VENV)/.dev

## demo: create the environment, write and import the sample campaign, start the dashboard
# (its own database in .turnout/, never the one TURNOUT_DB names for your real data)
demo: export TURNOUT_DB = $(DEMO_DIR)/demo.duckdb
demo: $(BIN)/turnout
	rm -rf $(DEMO_DIR)
	$(BIN)/turnout sample --out $(DEMO_DIR)/sample
	$(BIN)/turnout init
	$(BIN)/turnout import $(DEMO_DIR)/sample
	$(BIN)/turnout dashboard

## test: the whole test suite
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n auto -q

## check: what a contribution must pass: formatting, lint, types, the lock file, the tests
check: format-check lint typecheck lock-check test

format-check: $(VENV)/.dev
	$(BIN)/ruff format --check pipelines dashboard tests benchmarks

lint: $(VENV)/.dev
	$(BIN)/ruff check pipelines dashboard tests benchmarks

typecheck: $(VENV)/.dev
	$(BIN)/mypy

# uv.lock still matches pyproject.toml
lock-check: $(UV)
	$(UV) lock --check --python $(BIN)/python

format: $(VENV)/.dev
	$(BIN)/ruff format pipelines dashboard tests benchmarks

## sample: rewrite the committed sample campaign
sample: $(BIN)/turnout
	$(BIN)/turnout sample --out sample_data

bench: $(VENV)/.dev
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache
