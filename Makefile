# nrqb: the two entry points are `make book` and `make test` (see README.md); `make` alone lists every target.
# Each target has a `## name: what it does` line above it: `make help` prints those lines.
SHELL := /bin/bash
# One BLAS thread: the 2-core machines run kernels and sparse solves side by side (QuTiP's steady state
# was 5-10x slower with BLAS threads contending).
export OPENBLAS_NUM_THREADS := 1
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Incremental and still exact: tools/book_ext/nrqb_exec.py executes (in parallel) only the chapters whose code,
# nrqb/, requirements.txt or a file their code read changed, re-reads every page after an unclean build and
# rewrites every page when one changed, so -W -n see what a fresh build (--all) sees.
BUILD_FLAGS := -W -n --keep-going
# pytest-xdist workers for `make unit` (auto: one per CPU; 0 runs the tests in this process).
TEST_JOBS ?= auto

# What `make test` runs, in this order. To add a check, add its target to one list:
#   CODE_CHECKS: checks of the sources that need no book (lint, type check, ...);
#   BOOK_CHECKS: checks of the built book (browser, PDF, links, ...): each depends on `book`, which make runs at
#                most once per invocation, so the book is built and executed once and every consumer reuses it.
CODE_CHECKS := lint typecheck
BOOK_CHECKS := browser published

.PHONY: help book book-student test lint typecheck format unit fuzz browser browser-deps pdf pdf-deps published benchmark bench-build figures ledger readme-figure lab clean

.DEFAULT_GOAL := help

## help: list every target with what it does (the default goal)
help:
	@awk 'match($$0, /^## [A-Za-z0-9_.-]+: /) { printf "  make %-14s %s\n", substr($$0, 4, RLENGTH - 5), substr($$0, RLENGTH + 1) }' $(MAKEFILE_LIST)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## book: create .venv, install, build the HTML (solutions collapsed; executes only chapters whose inputs changed)
book: $(STAMP) js-deps
	$(VENV)/bin/jupyter-book build . $(BUILD_FLAGS)
	@echo
	@echo "Book built: open file://$(CURDIR)/_build/html/index.html"

## book-student: the same book with every solution removed from the HTML
book-student: $(STAMP)
	$(PY) tools/build_student.py
	@echo "Student book built: open file://$(CURDIR)/_build/student/_build/html/index.html"

## test: everything CI checks: CODE_CHECKS, unit tests, the book (built and executed once, -W), BOOK_CHECKS
test: $(STAMP) $(CODE_CHECKS) unit $(BOOK_CHECKS)

$(BOOK_CHECKS): book

## lint: ruff check and ruff format --check on the whole tree
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## typecheck: mypy on the package (configuration in pyproject.toml, [tool.mypy])
typecheck: $(STAMP)
	$(VENV)/bin/mypy

## format: apply ruff's fixes and formatting
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## unit: the unit tests (pytest, everything but the browser check and the checks of the built book), in parallel (TEST_JOBS=auto)
unit: $(STAMP) js-deps
	$(PY) -m pytest -m "not browser and not published" -q -n $(TEST_JOBS)

## fuzz: the property-based tests with 2,000 random examples per property (make test runs a short, fixed set)
fuzz: $(STAMP)
	NRQB_HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_properties.py

## js-deps: node/npm (apt, if missing) and the pinned JS toolchain in tools/js (esbuild, uPlot, MathJax)
.PHONY: js-deps js-bundle
js-deps:
	bash tools/js/install.sh

## js-bundle: rebuild nrqb/widgets/static/ (the explorers' front end, committed) after editing nrqb/widgets/*.mjs
js-bundle: js-deps
	node tools/js/build.mjs

## browser-deps: install Chromium (apt) for the offline browser check
browser-deps: $(STAMP)
	bash tools/browser/install.sh

## browser: check the built HTML in headless Chromium with every off-site request refused
browser: browser-deps
	$(PY) -m pytest -m browser -q tests/test_browser.py tests/test_browser_explorers.py

## pdf-deps: Debian's poppler-utils (pdftotext, pdfinfo, pdfimages) for the PDF and its test
pdf-deps: browser-deps
	bash tools/pdf/install.sh

## pdf: the whole book as one PDF, _build/pdf/nrqb-book.pdf (from the book's build: nothing executes twice)
pdf: pdf-deps book
	$(PY) tools/pdf/build_pdf.py

## published: check what the book publishes: notebooks, launch links, the PDF, internal links
published: pdf
	$(PY) -m pytest -m published -q tests/test_notebooks.py tests/test_pdf.py tests/test_links.py

## benchmark: time the closed form against solve_ivp, the explorers in Chromium (needs a built book) and the robustness Monte Carlo
benchmark: $(STAMP)
	$(PY) benchmarks/bench_evolve.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/bench_robustness.py

## bench-build: time the book build (cold with 1 and 2 workers, no-op and prose-edit rebuilds, kernel start)
bench-build: $(STAMP)
	$(PY) benchmarks/bench_build.py

## figures: write every panel of the paper's Figs. 2-4 to _build/figures
figures: $(STAMP)
	$(PY) -m nrqb figures --outdir _build/figures

## ledger: print the reproduction ledger (every number the paper quotes beside ours)
ledger: $(STAMP)
	$(PY) -m nrqb ledger

## readme-figure: regenerate docs/fig2a.png, the README's figure
readme-figure: $(STAMP)
	MPLBACKEND=Agg $(PY) -m nrqb figures --outdir docs --panel fig2a

## lab: the chapters as live notebooks in JupyterLab (jupytext opens the .md files as notebooks)
lab: $(STAMP)
	JUPYTER_CONFIG_DIR=$(CURDIR)/$(VENV)/etc/jupyter-config $(VENV)/bin/jupytext-config set-default-viewer markdown myst
	JUPYTER_CONFIG_DIR=$(CURDIR)/$(VENV)/etc/jupyter-config $(VENV)/bin/jupyter lab chapters/

## clean: remove _build and .pytest_cache
clean:
	rm -rf _build .pytest_cache
