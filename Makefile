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

# the inner loop: the library layers' unit tests (model, io, store, quality, agreement, plots, report,
# workflows, the import-layering and environment checks), no slow or browser tests; ui, app, export, assist
# and the CLI run in `make test`
FAST_TESTS := tests/model tests/io tests/store tests/quality tests/agreement tests/plots tests/report \
	tests/workflows tests/test_layering.py tests/test_environment.py tests/test_model.py tests/test_results.py tests/test_public_api.py

test-fast: $(STAMP)
	$(BIN)/python -m pytest $(FAST_TESTS) -q -m "not slow and not browser" -p no:cacheprovider

app: $(STAMP)
	$(BIN)/workbench serve

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
