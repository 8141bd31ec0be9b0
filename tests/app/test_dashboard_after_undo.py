"""Issue 15's blocker, as a reviewer met it: rate, undo, then a new tab's Overview and Export must work.

Before the fix every page opened after an undo showed "Overview could not be shown: output array is
read-only" and Export failed the same way (the suggestion frame wrote into a read-only pandas array).
"""
from __future__ import annotations

import pytest
from helpers import make_dataset, msg, widget_texts

from workbench.store import Project
from workbench.ui import ReviewSession
from workbench.ui.dashboard import TAB_TITLES, Dashboard

CATEGORIES = ["billing", "account", "shipping", "billing", "returns", "technical"]


@pytest.fixture
def project(tmp_path):
    rows = [{"id": f"r{i}", "kind": "sft", "category": cat,
             "messages": [msg("user", f"Question {i} about {cat}: what should I do now?"),
                          msg("assistant", f"Answer {i}: for {cat}, open the settings page and follow "
                                           f"the {i + 2} steps listed there, one after another.")]}
            for i, cat in enumerate(CATEGORIES)]
    p = Project.create(tmp_path / "project", make_dataset(rows), owner="olga")
    p.add_reviewer("alice", "reviewer", by="olga")
    p.suggest("model:clf", "r1", "category", "account", score=0.9)
    yield p
    p.close()


def test_new_tab_after_undo_shows_every_view_and_exports(project, tmp_path):
    s = ReviewSession(project, "alice", signals=None)
    rated = s.current_id
    s.rate(4)
    s.decide("accept")
    s.undo()  # the decision
    assert (project.frame()["kind"] == "undo").any()
    assert s.progress().mine == 1 and s.level != "error"

    d = Dashboard(project, reviewer="olga", query_string="")  # a page opened after the undo
    for i in range(len(TAB_TITLES)):
        d.tabs.selected_index = i
    text = widget_texts(d.widget)
    assert "could not be shown" not in text and "read-only" not in text
    assert "Machine suggestions" in text and "model:clf" in text  # the overview's suggestion box
    assert "<b>1</b> reviewed" in d.counts_html.value
    st = project.status_frame().set_index("record_id")
    assert st.at[rated, "n_reviews"] == 1 and st.at[rated, "decision"] is None

    res = d.run_export(tmp_path / "export")
    assert "wb-error" not in d.message.value, d.message.value
    assert sum(res["counts"].values()) == len(CATEGORIES)
    assert (tmp_path / "export" / "manifest.json").is_file()
