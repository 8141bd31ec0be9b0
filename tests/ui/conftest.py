"""Fixtures for the review widget tests (data builders live in ui_data.py)."""
from __future__ import annotations

import pytest
from helpers import make_dataset
from ui.ui_data import rows, signals_frame

from workbench.sample import support_guidelines_path
from workbench.store import Project


@pytest.fixture
def make_project(tmp_path):
    """``make_project(rows=None, name="p")`` -> a fresh Project; support-style rows, so the sample's support
    guidelines unless ``guidelines=`` says otherwise (None: the neutral defaults)."""

    def make(records: list[dict] | None = None, name: str = "p", **kw) -> Project:
        kw.setdefault("guidelines", support_guidelines_path())
        return Project.create(tmp_path / name, make_dataset(records or rows()), **kw)

    return make


@pytest.fixture
def project(make_project):
    p = make_project()
    p.add_reviewer("alice", "reviewer")
    p.add_reviewer("bob", "reviewer")
    p.add_reviewer("judge", "adjudicator")
    return p


@pytest.fixture
def signals(project):
    return signals_frame(list(project.dataset.ids))


@pytest.fixture
def session(project, signals):
    from workbench.ui import ReviewSession

    return ReviewSession(project, "alice", signals=signals)
