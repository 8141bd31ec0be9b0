"""`workbench serve` without a browser: target resolution, the Voila command line, the sample project."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from workbench import app
from workbench.sample import sample_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_voila_command_is_safe_by_default():
    cmd = app.voila_command(Path("app.ipynb"), port=9000)
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=9000" in cmd and "--no-browser" in cmd
    assert "--show_tracebacks=False" in cmd
    assert not any(c.startswith("--token") for c in cmd)


def test_voila_command_token_and_pool():
    cmd = app.voila_command(Path("app.ipynb"), host="0.0.0.0", token="s3cret", pool_size=0)
    assert "--token=s3cret" in cmd and "--Voila.ip=0.0.0.0" in cmd
    assert "--preheat_kernel=False" in cmd and "--pool_size=0" in cmd


def test_repository_notebook_matches_the_packaged_cells():
    nb = json.loads((REPO / "notebooks" / "app.ipynb").read_text(encoding="utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code == app.APP_CELLS


def test_generated_notebook_when_the_repository_is_absent(monkeypatch, cache):
    monkeypatch.setattr(app, "REPO_NOTEBOOK", Path("/nonexistent/app.ipynb"))
    path = app.app_notebook()
    assert path.parent.parent == cache
    assert json.loads(path.read_text())["cells"][0]["source"] == app.APP_CELLS[0]


def test_resolve_a_project_folder(tmp_path):
    project = sample_project(tmp_path / "p", annotations=False, signals=False)
    assert app.resolve_target(project.path) == project.path.resolve()


def test_resolve_a_dataset_makes_a_project_once(tmp_path, cache):
    from workbench.store import Project

    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"messages": [{"role": "user", "content": "Hi?"},
                                             {"role": "assistant", "content": "Hello."}]}) + "\n")
    first = app.resolve_target(data)
    assert first.parent == cache / "projects" and Project.open(first).dataset.ids.size == 1
    assert app.resolve_target(data) == first


def test_resolve_nothing_is_the_sample(cache):
    path = app.resolve_target(None)
    assert path.parent == cache and path.name.startswith("sample-project-") and (path / "project.json").is_file()
    assert app.resolve_target(None) == path


def test_resolve_errors_are_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        app.resolve_target(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="empty folder"):
        app.resolve_target(tmp_path / "empty")


def test_serve_cli_reports_a_missing_target(tmp_path, capsys):
    from workbench.cli import main

    assert main(["serve", str(tmp_path / "nope"), "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err


def test_sample_project_imports_annotations_and_gold(tmp_path):
    p = sample_project(tmp_path / "s", signals=False)
    assert {"alice", "bob", "chen", "dana"} <= set(p.reviewers) and p.reviewers["expert"] == "adjudicator"
    long = p.annotations_long()
    rows = sum(1 for _ in open(REPO / "data" / "annotations.jsonl", encoding="utf-8"))
    gold = sum(1 for _ in open(REPO / "data" / "gold.jsonl", encoding="utf-8"))
    assert (~long["is_gold"]).sum() == rows and long["is_gold"].sum() == gold
    first = json.loads(open(REPO / "data" / "annotations.jsonl", encoding="utf-8").readline())
    ev = p.log.frame(reviewer=first["annotator"]).query("record_id != '*'").iloc[0]
    assert pd.Timestamp(ev["time"]) == pd.Timestamp(first["time"])  # the annotation's own time is kept
    n = p.log.count()
    p.close()
    again = sample_project(tmp_path / "s")  # idempotent: opened, not rebuilt
    assert again.log.count() == n


def test_sample_project_rebuild_and_refusal(tmp_path):
    p = sample_project(tmp_path / "s", annotations=False, signals=False)
    p.decide("zoe", p.dataset.ids[0], "accept")
    p.close()
    fresh = sample_project(tmp_path / "s", rebuild=True, annotations=False, signals=False)
    assert fresh.log.frame(reviewer="zoe").empty
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        sample_project(other)


def test_missing_sample_data_is_a_clear_error(tmp_path, monkeypatch):
    from workbench.sample import data_dir

    monkeypatch.setenv("WORKBENCH_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="sample data is not available"):
        data_dir()


def test_a_data_folder_without_guidelines_uses_the_repository_copy(tmp_path, monkeypatch):
    from workbench.sample import (
        ANNOTATIONS_FILE,
        GOLD_FILE,
        GUIDELINES_FILE,
        REPO_DATA,
        SFT_FILE,
        data_hash,
        support_guidelines_path,
    )

    for name in (SFT_FILE, ANNOTATIONS_FILE, GOLD_FILE):
        (tmp_path / name).write_bytes((REPO_DATA / name).read_bytes())
    monkeypatch.setenv("WORKBENCH_DATA", str(tmp_path))
    assert support_guidelines_path() == REPO_DATA / GUIDELINES_FILE
    before = data_hash()
    monkeypatch.delenv("WORKBENCH_DATA")
    assert data_hash() == before  # the same files, found in two places: the same sample project
    monkeypatch.setenv("WORKBENCH_DATA", str(tmp_path))
    (tmp_path / GUIDELINES_FILE).write_text("task: other rules\n", encoding="utf-8")
    assert support_guidelines_path() == tmp_path / GUIDELINES_FILE and data_hash() != before
