# Two commands on a fresh clone: `make book` and `make test`. Both create .venv when absent.
PYTHON ?= python3
VENV ?= .venv
PROFILE ?= cpu
SEED ?= 0
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BIN := $(VENV)/bin

.PHONY: install browser book test test-fast sync clean

$(BIN)/paperlib: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[test]"
	touch $@

install: $(BIN)/paperlib

## Headless Chromium for the browser test (Debian package `chromium`), installed when absent.
browser:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

## Execute every stale page with PROFILE (default cpu), JOBS at a time (default: every core), and build book/_build/html.
book: install
	$(BIN)/paperlib book --profile $(PROFILE) --seed $(SEED) --jobs $(JOBS)

## What CI runs: unit tests, every notebook at profile=smoke, nbval, pairing, toc, a -W smoke book, and every
## page of that book opened in headless Chromium.
test: install browser
	$(BIN)/python -m pytest

## The unit tests alone (no page executions, no book build): about a minute.
test-fast: install
	$(BIN)/python -m pytest -m "not slow"

## Regenerate the paired .ipynb from the .py sources (and the repository URL from _config.yml).
sync: install
	$(BIN)/paperlib sync

clean:
	rm -rf book/_build _stage results book/*/*.ipynb book/scorecard.md book/report.md
