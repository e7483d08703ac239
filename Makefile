# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: run test lint install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/huribot ingest --sample
	$(BIN)/huribot calendar import --sample
	$(BIN)/huribot chat

lint: $(STAMP)
	$(BIN)/ruff check bot knowledge adapters tests bench
	$(BIN)/ruff format --check bot knowledge adapters tests bench
	$(BIN)/mypy --strict bot knowledge adapters
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache huribot.db
