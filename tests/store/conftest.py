"""Fixtures: a fresh project (owner olga, adjudicator ada) over a 12-record dataset."""
from __future__ import annotations

import pytest

from store.store_helpers import make_dataset
from workbench.store import Project


@pytest.fixture
def dataset():
    return make_dataset()


@pytest.fixture
def project(tmp_path, dataset):
    p = Project.create(tmp_path / "proj", dataset, owner="olga")
    p.add_reviewer("ada", "adjudicator", by="olga")
    yield p
    p.close()
