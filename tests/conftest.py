"""Shared fixtures: tiny canonical datasets built in memory and the third-party sample files."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_dataset, msg

from workbench.model import Dataset

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def small_sft() -> Dataset:
    rows = [
        {"id": f"r{i}", "kind": "sft", "category": cat,
         "messages": [msg("user", f"Question {i} about {cat}?"), msg("assistant", f"Answer {i} for {cat}.")]}
        for i, cat in enumerate(["billing", "account", "shipping", "billing", "returns", "technical"])
    ]
    return make_dataset(rows)


# Modules (and single tests) that are end-to-end or heavy (a served app, whole reports and exports, real-data property
# checks, a PostgreSQL cluster): marked slow here, in one place, so `make test-fast` (-m "not slow")
# leaves them to `make test`. Measured per module on the shared 2-core machine (see the commit).
SLOW_MODULES = {
    "io/test_fast_exact_property.py",
    "io/test_only_load_error.py",      # 15 s: loads many generated files in both paths
    "store/test_record_fold.py",       # 6 s: the hypothesis equivalence of the two folds
    "store/test_follow.py",            # 3 s: a second process appending
    "quality/test_report.py",
    "quality/test_topics.py",
    "store/test_pg_store.py",
    "store/test_migrate.py",           # a PostgreSQL cluster
    "quality/test_batches.py",         # 60 s: random batch sizes over real files, and a local Ray
    "agreement/test_agreement_sources.py",
    "store/test_readonly_after_undo.py",  # 13 tests over a whole project: report, export, agreement
    # single tests over 1 s (module path :: test function, every parameter)
    "io/test_fastpath.py::test_arrow_blank_equals_python_strip",
    "io/test_fastpath.py::test_byte_scan_utf8_equals_python",
    "io/test_bad_rows.py::test_invalid_utf8_in_big_jsonl",
    "model/test_query.py::test_package_never_evaluates_text",
}


def pytest_collection_modifyitems(config, items):
    root = Path(__file__).parent
    for item in items:
        try:
            rel = Path(str(item.fspath)).relative_to(root).as_posix()
        except ValueError:
            continue
        if rel in SLOW_MODULES or f"{rel}::{item.originalname}" in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
