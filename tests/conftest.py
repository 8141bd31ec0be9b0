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
