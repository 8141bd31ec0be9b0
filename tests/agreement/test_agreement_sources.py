"""`workbench agreement` reads a project, a Label Studio export and a long-table file alike."""
from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

from workbench.io import load
from workbench.store import Project
from workbench.workflows.agreement import long_table


def ls_task(tid, text, answers):
    return {"id": tid, "data": {"text": text}, "annotations": [
        {"completed_by": {"email": who}, "was_cancelled": who == "cancelled@x",
         "result": [{"type": "choices", "from_name": "category", "to_name": "text", "value": {"choices": [lab]}}]}
        for who, lab in answers]}


def test_labelstudio_export_to_long_table(tmp_path):
    tasks = [ls_task(1, "a", [("ann@x", "billing"), ("bob@x", "billing"), ("cancelled@x", "other")]),
             ls_task(2, "b", [("ann@x", "account"), ("bob@x", "billing")])]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks))
    long, gold = long_table(path)
    assert gold is None
    cat = long[long["field"] == "category"].sort_values(["record_id", "annotator"])
    assert cat[["record_id", "annotator", "value"]].values.tolist() == [
        ["1", "ann@x", "billing"], ["1", "bob@x", "billing"], ["2", "ann@x", "account"], ["2", "bob@x", "billing"]]
    # the same events land in a project created from the export
    with Project.create(tmp_path / "p", load(path)) as project:
        assert len(project.annotations_long()) == len(long)
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "agreement", str(path), "--out", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    report = json.loads((out / "agreement.json").read_text())
    assert "category" in json.dumps(report)
    assert (out / "agreement_report.md").exists()


def test_long_table_csv_with_gold(tmp_path):
    df = pd.DataFrame({"record_id": ["a", "a", "b", "b", "a"], "annotator": ["x", "y", "x", "y", "expert"],
                       "field": "overall", "value": [4, 4, 2, 3, 4], "is_gold": [False] * 4 + [True]})
    path = tmp_path / "long.csv"
    df.to_csv(path, index=False)
    long, gold = long_table(path)
    assert len(long) == 4 and gold.values.tolist() == [["a", "overall", 4]]


def test_not_annotations_is_one_line_error(tmp_path, fixtures):
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "agreement",
                          str(fixtures / "fastchat_dummy_conversation.json"), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True)
    assert res.returncode == 2 and "holds no annotations" in res.stderr and res.stderr.count("\n") == 1
