# Turnout — the README's two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := $(CURDIR)/.turnout

.PHONY: demo test check lint format bench sample clean

$(BIN)/turnout: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# spark: the Spark parity tests run in `make test` (they skip, saying why, without Java)
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	# the notebooks' kernel is this environment's python, whatever else is installed
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (turnout)"
	touch $(BIN)/turnout

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
test: $(BIN)/turnout
	$(BIN)/python -m pytest -n auto -q

check: lint test

lint: $(BIN)/turnout
	$(BIN)/ruff check pipelines dashboard tests benchmarks

format: $(BIN)/turnout
	$(BIN)/ruff format pipelines dashboard tests benchmarks

## sample: rewrite the committed sample campaign
sample: $(BIN)/turnout
	$(BIN)/turnout sample --out sample_data

bench: $(BIN)/turnout
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .ruff_cache
