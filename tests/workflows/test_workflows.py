"""The workflow layer: a project's signals through its cache (failures logged and shown, never dropped),
projects made from files, the review's signal frame, and agreement from a project folder."""
from __future__ import annotations

import json
import logging
import warnings

import pandas as pd
import pytest
from helpers import make_dataset, sft

import workbench.store as store
from workbench.store import Project
from workbench.store.folder import is_project_folder
from workbench.workflows.agreement import long_table, run_agreement
from workbench.workflows.projects import init_project, open_project
from workbench.workflows.review import review_signal_frame
from workbench.workflows.signals import project_signals, signals_or_none

ROWS = [sft(f"r{i}", f"How do I change setting number {i}?", f"Open the settings page and pick option {i}.",
            "account") for i in range(6)]


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "p", make_dataset(ROWS), owner="olga")
    yield p
    p.close()


@pytest.fixture
def broken_signals(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the signal engine is broken\nsecond line")

    monkeypatch.setattr("workbench.quality.compute_signals", fail)


def test_project_signals_are_cached_in_the_project_folder(project):
    first = project_signals(project, signals=["text_stats"])
    assert project.cache_dir == project.path / "cache"
    assert sorted(p.suffix for p in project.cache_dir.glob("text_stats-*")) == [".json", ".parquet"]
    second = project_signals(project, signals=["text_stats"])
    assert first.cached == [] and second.cached == ["text_stats"]
    pd.testing.assert_frame_equal(first.frame, second.frame, check_dtype=False)


def test_a_failure_is_raised_by_project_signals_and_logged_and_shown_by_signals_or_none(
        project, broken_signals, caplog):
    with pytest.raises(RuntimeError, match="broken"):
        project_signals(project)
    said = []
    with caplog.at_level(logging.WARNING, logger="workbench.workflows.signals"):
        assert signals_or_none(project, say=said.append) is None
    assert said == ["quality signals are unavailable: the signal engine is broken"]
    record, = [r for r in caplog.records if r.name == "workbench.workflows.signals"]
    assert record.levelno == logging.WARNING and record.exc_info is not None
    assert str(project.path) in record.getMessage()


def test_review_opens_without_signals_when_they_fail_and_says_why(project, broken_signals, caplog):
    with caplog.at_level(logging.WARNING, logger="workbench.workflows.signals"):
        assert review_signal_frame(project, "auto") is None
    assert "quality signals are unavailable" in caplog.text
    frame = pd.DataFrame({"id": ["r0"], "is_x_issue": [True]})
    assert review_signal_frame(project, frame) is frame and review_signal_frame(project, None) is None
    with pytest.raises(ValueError, match="signals must be"):
        review_signal_frame(project, "everything")


def test_the_sample_and_the_dashboard_report_a_failure(project, broken_signals):
    from workbench.sample import warm_signals

    with pytest.warns(UserWarning, match="signal engine is broken.*not cached for the sample"):
        assert warm_signals(project) is False

    from workbench.ui.dashboard import Dashboard

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # widget libraries, not this code
        dash = Dashboard(project, reviewer="olga", query_string="")
    assert dash.signals() is None
    assert "quality signals are unavailable: the signal engine is broken" in dash.message.value


def test_init_project_from_a_file_and_open_project(tmp_path):
    src = tmp_path / "data.jsonl"
    src.write_text("".join(json.dumps({"instruction": f"Say {i}.", "output": f"{i}."}) + "\n" for i in range(4)))
    with init_project(tmp_path / "proj", src, owner="olga") as p:
        assert len(p.dataset) == 4 and p.owner == "olga"
    assert is_project_folder(tmp_path / "proj") and not is_project_folder(src) and not is_project_folder(None)
    with open_project(tmp_path / "proj") as p:
        assert open_project(p) is p
    assert not hasattr(store, "init_project") and not hasattr(Project, "review")  # no back-arrows


def test_agreement_from_a_project_folder(project, tmp_path):
    project.add_reviewer("ann", "reviewer", by="olga")
    project.add_reviewer("ben", "reviewer", by="olga")
    for rid, (a, b) in zip(["r0", "r1", "r2", "r3"], [(5, 5), (4, 4), (2, 3), (1, 1)]):
        project.rate("ann", rid, a)
        project.rate("ben", rid, b)
    project.close()
    long, gold = long_table(project.path)
    assert gold is None
    assert sorted(long.loc[long["annotator"] == "ben", "value"].tolist()) == [1, 3, 4, 5]
    res = run_agreement(project.path, tmp_path / "agr")
    assert (tmp_path / "agr" / "agreement.json").is_file() and res
