"""Bad input gives one clear ExportError and leaves nothing behind."""
from __future__ import annotations

import importlib
import json

import pytest
from export.export_helpers import corpus
from helpers import make_dataset

from workbench.export import ExportError, export


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("kwargs, message", [
    ({"format": "nonsense"}, "unknown format"),
    ({"splits": (0.8, 0.1, 0.2)}, "sum to 1"),
    ({"splits": (0.8, 0.3, -0.1)}, "non-negative"),
    ({"container": "zip"}, "unknown container"),
    ({"include": "some"}, "include must be"),
    ({"min_rating": 4}, "nothing to export"),
    ({"format": "kto"}, "nothing to export"),
])
def test_bad_input_raises_and_writes_nothing(tmp_path, kwargs, message):
    with pytest.raises(ExportError, match=message):
        export(make_dataset(corpus(20)), tmp_path / "deep" / "out", **kwargs, report=False)
    assert _leftovers(tmp_path) == []  # not even the parent folders


def test_export_error_is_a_value_error():
    assert issubclass(ExportError, ValueError)


def test_existing_export_needs_overwrite(tmp_path):
    out = tmp_path / "out"
    first = export(make_dataset(corpus(30, seed=1)), out, report=False)
    with pytest.raises(ExportError, match="already holds an export"):
        export(make_dataset(corpus(40, seed=2)), out, report=False)
    assert json.loads((out / "manifest.json").read_text())["total"] == first["total"]
    second = export(make_dataset(corpus(40, seed=2)), out, overwrite=True, report=False)
    assert json.loads((out / "manifest.json").read_text())["total"] == second["total"] == 40
    assert _leftovers(tmp_path) == ["out"]


def test_overwrite_refuses_a_folder_that_is_not_an_export(tmp_path):
    out = tmp_path / "notes"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    with pytest.raises(ExportError, match="not a workbench export"):
        export(make_dataset(corpus(10)), out, overwrite=True, report=False)
    assert (out / "precious.txt").read_text() == "keep me"


def test_an_empty_existing_folder_is_fine(tmp_path):
    (tmp_path / "out").mkdir()
    assert export(make_dataset(corpus(10)), tmp_path / "out", report=False)["total"] == 10


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    mod = importlib.import_module("workbench.export.export")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(mod, "render_dataset_card", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        export(make_dataset(corpus(20)), tmp_path / "out", report=False)
    assert _leftovers(tmp_path) == []


def test_a_failed_overwrite_keeps_the_old_export(tmp_path, monkeypatch):
    mod = importlib.import_module("workbench.export.export")

    out = tmp_path / "out"
    export(make_dataset(corpus(20)), out, report=False)
    before = (out / "manifest.json").read_text()
    monkeypatch.setattr(mod, "render_dataset_card", lambda info: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        export(make_dataset(corpus(25)), out, overwrite=True, report=False)
    assert (out / "manifest.json").read_text() == before and _leftovers(tmp_path) == ["out"]


def test_missing_source_path(tmp_path):
    with pytest.raises(ExportError, match="no such project or dataset"):
        export(tmp_path / "missing.jsonl", tmp_path / "out", report=False)
    assert _leftovers(tmp_path) == []
