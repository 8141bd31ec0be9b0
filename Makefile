# Two commands do all set-up on a fresh machine with Python 3.11+:
#   make test   create .venv if missing, install the project (editable, with test extras), lint (ruff, mypy), run every test
#   make app    the same set-up, then serve the dashboard on the bundled sample data
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install test test-fast app bench lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	WORKBENCH_CACHE=$(CURDIR)/.cache/workbench $(BIN)/python -m pytest tests notebooks --nbval-lax -p no:cacheprovider

test-fast: $(STAMP)
	$(BIN)/python -m pytest tests -q -m "not slow and not browser"

app: $(STAMP)
	$(BIN)/workbench serve

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
