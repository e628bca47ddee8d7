# Small Caps on Trial: the two commands the README gives, with their set-up.
#   make book   set up the environment and build the HTML book (and its PDF) from the committed notebooks
#   make test   set up the environment (and headless Chromium), lint and type-check, run every test
# Everything is installed from requirements.lock into .venv, so builds reproduce.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha256sum requirements.lock pyproject.toml | sha256sum | cut -c1-12)
# The reference snapshot beside the checkout (override: make test SMALLCAPS_SNAPSHOT=/path)
SMALLCAPS_SNAPSHOT ?= $(abspath ../shared/data)
export SMALLCAPS_SNAPSHOT

.PHONY: book test lint setup browser lock bench clean

book: setup browser
	$(BIN)/smallcaps build

test: setup browser lint
	SMALLCAPS_OFFLINE=1 $(BIN)/python -m pytest

# Lint and type checks (configured in pyproject.toml); `make test` runs them first
lint: setup
	$(BIN)/ruff check lib tests
	$(BIN)/mypy lib

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=/path/to/python3.11)")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	rm -f $(VENV)/.installed-* && touch $@

# Headless Chromium for the book's PDF and the browser tests (Debian's package; no browser download)
browser:
	@command -v chromium >/dev/null 2>&1 || ./scripts/install-chromium

lock:
	rm -rf /tmp/smallcaps-lock && $(PYTHON) -m venv /tmp/smallcaps-lock
	/tmp/smallcaps-lock/bin/pip install --quiet -e ".[dev,sweep]"
	{ echo "# Exact versions of every dependency (Python 3.11). Regenerate with: make lock"; \
	  /tmp/smallcaps-lock/bin/pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf _build runs
