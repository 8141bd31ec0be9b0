"""Fixtures: a fresh project (owner olga, adjudicator ada) over a 12-record dataset."""
from __future__ import annotations

import pytest
from store.store_helpers import make_dataset

from workbench.sample import support_guidelines_path
from workbench.store import Project


@pytest.fixture
def dataset():
    return make_dataset()


@pytest.fixture
def project(tmp_path, dataset):
    # support-style records rated on the support criteria: the sample's guidelines, passed explicitly
    p = Project.create(tmp_path / "proj", dataset, support_guidelines_path(), owner="olga")
    p.add_reviewer("ada", "adjudicator", by="olga")
    yield p
    p.close()
