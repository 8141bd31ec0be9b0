"""The Export tab: where files go (before writing), progress, the error in place, the manifest and a zip
download for a reviewer on another machine."""
from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from pathlib import Path

from workbench.export.export import STEPS
from workbench.ui.dashboard import Dashboard
from workbench.ui.export_tab import export_root


def _dashboard(project) -> Dashboard:
    d = Dashboard(project, reviewer=project.owner)  # exports need an owner or adjudicator
    d.tabs.selected_index = 3
    return d


def test_the_tab_says_where_files_go_before_writing(project):
    d = _dashboard(project)
    where = d.export_where.value
    assert f"{project.path / 'exports'}/openai-&lt;time&gt;" in where
    d.export_format.value = "sharegpt"
    assert "sharegpt-&lt;time&gt;" in d.export_where.value
    assert not (project.path / "exports").exists() and d.export_result.value == ""


def test_a_served_file_exports_beside_the_file_not_into_the_cache(tmp_path):
    data = tmp_path / "mydata" / "alpaca_small.json"
    data.parent.mkdir()
    data.write_text("[]", encoding="utf-8")

    class Served:  # the project `workbench serve FILE` keeps in the cache folder
        path = tmp_path / ".cache" / "workbench" / "projects" / "alpaca_small-0123456789ab"
        meta = {"source": {"path": str(data)}}

    assert export_root(Served()) == data.parent / "alpaca_small-exports"

    class Named:
        path = tmp_path / "support-q3"
        meta = {"source": {"path": str(data)}}

    assert export_root(Named()) == Named.path / "exports"


def test_writing_shows_progress_lists_the_manifest_and_offers_a_zip(project):
    d = _dashboard(project)
    d.export_splits.value = "0.5, 0.5"
    seen: list[tuple[int, str]] = []
    d.export_progress.observe(lambda c: seen.append((d.export_progress.value, c["new"])), names="description")
    d.export_button.click()
    assert "wb-error" not in d.message.value, d.message.value
    (folder,) = [p for p in (project.path / "exports").iterdir() if p.is_dir()]
    result = d.export_result.value
    assert "writing..." not in result and d.export_progress.value == d.export_progress.max == len(STEPS) + 1
    # every step of the export moved the bar, in order, then the zip, then done
    assert [text for _, text in seen] == ["starting", *STEPS, "zipping", "done"]
    assert [value for value, _ in seen[1:-1]] == list(range(len(STEPS) + 1))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert f"manifest.json ({len(manifest['files'])} files)" in result
    for name in manifest["files"]:
        assert f"<code>{name}</code>" in result
    zip_path = folder.parent / f"{folder.name}.zip"
    assert zip_path.is_file()
    link = re.search(r"download='([^']+)' href='data:application/zip;base64,([A-Za-z0-9+/=]+)'", result)
    assert link and link.group(1) == zip_path.name
    names = zipfile.ZipFile(io.BytesIO(base64.b64decode(link.group(2)))).namelist()
    assert f"{folder.name}/train.jsonl" in names and f"{folder.name}/manifest.json" in names


def test_a_failure_replaces_writing_with_the_error_in_place(project):
    d = _dashboard(project)
    d.export_splits.value = "0.5,0.2"  # does not sum to 1
    d.export_button.click()  # must not raise
    result = d.export_result.value
    assert "wb-error" in result and "export failed" in result and "writing" not in result
    assert d.export_progress.layout.visibility == "hidden"
    assert "export failed" in d.message.value
    assert not any(Path(project.path / "exports").glob("*.zip"))


def test_a_reviewer_gets_no_export_button_and_cannot_export(project):
    import pytest

    from workbench.store.errors import PermissionDenied

    d = Dashboard(project, reviewer="alice")  # a reviewer: exports need an owner or adjudicator
    d.build_tab(3)
    (note,) = d.tabs.children[3].children
    assert "Exports are made by an owner or adjudicator" in note.value and "alice" in note.value
    assert not hasattr(d, "export_button")
    with pytest.raises(PermissionDenied, match="may not export"):
        d.run_export(project.path / "out")
    assert not (project.path / "out").exists()
