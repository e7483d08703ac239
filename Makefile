# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

E2E := tests/e2e
E2E_STAMP := $(E2E)/node_modules/.installed

.PHONY: run test lint audit install e2e-tools catalogues clean

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

# The real clients of the end-to-end tests: Microsoft's Agents Playground and Playwright from
# npm, Debian's Chromium (which the dashboard's browser tests drive with Playwright for Python,
# a dev extra). Where they cannot be installed, those tests are skipped (not in CI).
$(E2E_STAMP): $(E2E)/package.json $(E2E)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(E2E) --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the Agents Playground test will be skipped"; fi

e2e-tools: $(E2E_STAMP)
	@command -v chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium could not be installed: the browser tests will be skipped"

# The dashboard's interface text: the messages of its code and templates extracted into the
# template, then merged into each language's catalogue (new ones untranslated: the tests say
# which are left to translate).
DASHBOARD := adapters/dashboard
PYBABEL := $(CURDIR)/$(BIN)/pybabel
catalogues: $(STAMP)
	cd $(DASHBOARD) && $(PYBABEL) extract -F babel.cfg -k _ -k ngettext:1,2 --no-location \
		--sort-output --project=HuriBot --copyright-holder="HuriBot contributors" \
		-o locale/dashboard.pot .
	$(PYBABEL) update -i $(DASHBOARD)/locale/dashboard.pot -d $(DASHBOARD)/locale -D dashboard \
		--no-fuzzy-matching --ignore-obsolete -w 100

# Known vulnerabilities in the installed dependencies, from PyPI's advisory data. `--strict`
# fails on any package that could not be checked, so an audit that saw nothing never passes.
# Where PyPI's per-release JSON API cannot be reached (these build machines reach only the
# package index), it says so in one line and is skipped.
AUDIT_PROBE := https://pypi.org/pypi/pip/$$($(BIN)/python -m pip --version | cut -d' ' -f2)/json
audit: $(STAMP)
	@if curl -sf -m 10 -o /dev/null "$(AUDIT_PROBE)"; then \
		$(BIN)/pip-audit --strict --skip-editable --progress-spinner off; \
	else echo "pip-audit skipped: PyPI's vulnerability data (per-release JSON API) is unreachable"; fi

test: lint audit e2e-tools
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache huribot.db $(E2E)/node_modules
