# govreport: set up, test, build the corpus, render the briefings.
#   make all     set up, build the corpus (data/store) and render the briefings (briefings/)
#   make test    set up, then every test: unit, doctests, browser, notebooks (nbval)

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
LAB_VENV ?= .venv-lab
APT_PACKAGES := chromium chromium-driver fonts-noto-cjk
STAMP := $(VENV)/.govreport-test-installed
NBVAL_OPTS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: help setup system-deps test corpus briefings all lab bench

help:
	@echo "make all        set up, build the corpus and render the briefings"
	@echo "make test       set up, then run every test"
	@echo "make setup      system packages (apt, needs root or sudo) and $(VENV) with govreport[test]"
	@echo "make corpus     data/reports -> data/store"
	@echo "make briefings  notebooks/*.ipynb -> briefings/*.html"
	@echo "make lab        JupyterLab in $(LAB_VENV) (kept apart: it slows every kernel start)"
	@echo "make bench      run the benchmarks in bench/"

setup: system-deps $(STAMP)

# Debian/Ubuntu packages the browser tests and the briefings' fonts need.  Installed only
# when missing; 'apt-get update' runs only when the install fails without it.
system-deps:
	@missing=""; \
	if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "setup: no dpkg (not Debian/Ubuntu): install $(APT_PACKAGES) yourself"; exit 0; \
	fi; \
	for p in $(APT_PACKAGES); do dpkg -s "$$p" >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	else echo "setup: need root or sudo to install:$$missing (browser tests will skip, or fail on CI)"; exit 0; fi; \
	echo "setup: apt-get install$$missing"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$sudo apt-get install -y $$missing || { $$sudo apt-get update && $$sudo apt-get install -y $$missing; }

$(PY):
	$(PYTHON) -m venv $(VENV)

# Re-install when pyproject.toml changes (the stamp lives inside the venv).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[test]'
	@touch $@

# Two pytest runs: (1) unit and browser tests and the package's doctests; (2) the notebooks
# under nbval, in a process of their own, so that nothing the test suite sets (tests/conftest.py
# sets MPLBACKEND=Agg, which the notebook kernels would inherit) changes their outputs.
# Exit code 5 ("no tests collected") of the notebook run is accepted while notebooks/ has none
# (and notebooks/ is left out while it does not exist: git keeps no empty folder).
test: setup
	$(PY) -m pytest tests govreport --doctest-modules
	@if [ ! -d notebooks ]; then echo "nbval: no notebooks/ folder yet"; exit 0; fi; \
	echo "$(PY) -m pytest $(NBVAL_OPTS) notebooks"; \
	env -u MPLBACKEND $(PY) -m pytest $(NBVAL_OPTS) notebooks; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "nbval: no notebooks to check yet"; rc=0; fi; exit $$rc

corpus: setup
	$(VENV)/bin/govreport build data/reports --store data/store

briefings: setup
	$(PY) -m govreport.briefing notebooks -o briefings --execute

all: setup
	@$(MAKE) --no-print-directory corpus
	@$(MAKE) --no-print-directory briefings

lab: system-deps
	@test -x $(LAB_VENV)/bin/python || $(PYTHON) -m venv $(LAB_VENV)
	$(LAB_VENV)/bin/python -m pip install -e '.[lab]'
	@echo "start it with: $(LAB_VENV)/bin/jupyter lab notebooks"

bench: setup
	@shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "bench: no benchmarks in bench/ yet"; exit 0; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(PY) "$$f" || exit 1; done
