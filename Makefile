# Two commands on a fresh machine: `make html` builds the sample site, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: html test test-fast lint check serve bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

html: $(STAMP)
	$(BIN)/hotline build

check: $(STAMP)
	$(BIN)/hotline check

serve: $(STAMP)
	$(BIN)/hotline serve

# One worker per core; each test module stays on one worker, so its built site is shared by its tests.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

# ruff (pycodestyle, pyflakes, bugbear, import order) and mypy, as pyproject.toml sets them: 0 findings.
lint: $(STAMP)
	$(BIN)/ruff check plugins tests bench
	$(BIN)/mypy

# The quick part of the suite while editing: no browser, no slow module (conftest.py).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile -m "not browser and not slow" $(PYTEST_ARGS)

# Our build (with and without search) against plain Pelican, Hugo and Hugo + Pagefind at
# 10,000 cases, 3 repetitions; the table goes into bench/README.md (bench/run.py -h).
bench: $(STAMP)
	$(BIN)/python bench/run.py --readme $(BENCH_ARGS)

clean:
	rm -rf output .output.* $(VENV)
