# Dialogue: build the sample site and run the tests.
#
#   make site        build the sample site into public/
#   make test        set everything up and run the whole suite (what CI runs)
#
# Set-up is incremental: the virtualenv, the pip installs and `npm ci` are
# redone only when pyproject.toml or package-lock.json changed (stamp files),
# so a second `make test` goes straight to the checks.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-print-directory
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --quiet --disable-pip-version-check --no-input

# Stamp files: their age against pyproject.toml / package-lock.json decides
# whether an install is redone. They live inside .venv and node_modules, so
# removing either folder redoes its install.
STAMP_INSTALL := $(VENV)/.stamp-install
STAMP_TEST := $(VENV)/.stamp-test
STAMP_NPM := node_modules/.stamp-npm-ci

# Extra arguments: `make bench ARGS="--pages 1000"`, `make test PYTEST_ARGS="-x -k feed"`,
# `make lighthouse URLS="http://127.0.0.1:8000/"`.
ARGS ?=
PYTEST_ARGS ?=
URLS ?=

.PHONY: help site test test-fast lint format bench lighthouse clean distclean \
        venv install install-test system-tools npm

help:
	@echo "Dialogue"
	@echo "  make site        build the sample site into public/ (sets up .venv)"
	@echo "  make test        install everything and run ruff, mypy and the whole pytest suite"
	@echo "  make test-fast   pytest without the browser, external-tool and wheel tests"
	@echo "  make lint        ruff check, ruff format --check, mypy"
	@echo "  make format      ruff format and ruff check --fix"
	@echo "  make bench       benchmarks/run.py (pass options with ARGS=\"...\")"
	@echo "  make lighthouse  Lighthouse scores of the sample site (or URLS=\"...\")"
	@echo "  make clean       remove public/, .dialogue/ and caches (keeps .venv, node_modules)"
	@echo "  make distclean   clean, and remove .venv and node_modules too"

# --- set-up -----------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python

$(STAMP_INSTALL): pyproject.toml | $(BIN)/python
	@echo "Installing dialogue into $(VENV) ..."
	$(PIP) install -e .
	@touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	@echo "Installing dialogue[test] into $(VENV) ..."
	$(PIP) install -e '.[test]'
	@touch $@ $(STAMP_INSTALL)

install: $(STAMP_INSTALL)

install-test: $(STAMP_TEST)

# Debian packages: chromium, jing, wrk, postgresql (does nothing when they are present).
system-tools:
	@bash scripts/setup-system-tools.sh

# `npm ci` wipes node_modules first, so the stamp inside it goes too.
# --ignore-scripts: vnu-jar's postinstall only tries to download a Java
# runtime; the jar itself is in the package and Java 17 is on the machine.
$(STAMP_NPM): package-lock.json package.json
	@echo "npm ci (lighthouse, axe-core, vnu-jar, linkinator) ..."
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

npm: $(STAMP_NPM)

# --- what people run ---------------------------------------------------------

site: $(STAMP_INSTALL)
	$(BIN)/dialogue build
	@echo "Sample site built: open public/index.html (or run: $(BIN)/dialogue serve)"

test: $(STAMP_TEST) system-tools $(STAMP_NPM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(STAMP_TEST)
	$(BIN)/pytest -m "not browser and not tools and not packaging" $(PYTEST_ARGS)

lint: $(STAMP_TEST)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP_TEST)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP_INSTALL)
	$(BIN)/python benchmarks/run.py $(ARGS)

lighthouse: $(STAMP_INSTALL) system-tools $(STAMP_NPM)
	bash scripts/lighthouse.sh $(URLS)

clean:
	rm -rf public .dialogue .pytest_cache .mypy_cache .ruff_cache
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -path ./.git -prune \
	    -o -type d -name __pycache__ -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV) node_modules
