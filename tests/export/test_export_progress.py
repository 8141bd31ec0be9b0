"""An export says what it is doing, step by step, can be interrupted at any step without leaving output,
and writes the same quality report whether its signals ran whole-table or batch by batch."""
from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from workbench.export import export
from workbench.export.export import STEPS

FIX = Path(__file__).resolve().parent.parent / "fixtures"
ZH = FIX / "llamafactory_alpaca_zh_demo_200.json"  # real third-party Alpaca (see SOURCES.md)
# the module, not the function of the same name that the package exports
export_module = importlib.import_module("workbench.export.export")
GLAIVE = FIX / "llamafactory_glaive_toolcall_en_demo_150.json"


def test_progress_names_every_step_in_order_then_done(tmp_path):
    seen: list[tuple[str, int, int]] = []
    res = export(str(ZH), tmp_path / "out", format="alpaca", progress=lambda *a: seen.append(a))
    assert seen == [*((step, i, len(STEPS)) for i, step in enumerate(STEPS)), ("done", len(STEPS), len(STEPS))]
    assert res["total"] > 0 and (tmp_path / "out" / "manifest.json").is_file()


def test_without_a_report_the_report_step_is_skipped(tmp_path):
    seen: list[str] = []
    export(str(ZH), tmp_path / "out", format="alpaca", report=False, progress=lambda s, *_: seen.append(s))
    assert "writing the quality report" not in seen
    assert seen[-2:] == ["writing the card and manifest", "done"]
    assert not (tmp_path / "out" / "dataset_quality_report.md").exists()


@pytest.mark.parametrize("step", STEPS)
def test_an_interrupt_at_any_step_leaves_nothing_behind(tmp_path, step):
    def stop(name: str, *_):
        if name == step:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export(str(ZH), tmp_path / "out", format="alpaca", progress=stop)
    assert list(tmp_path.iterdir()) == []  # no export, no hidden partial folder, no lock file
    # and the next export into the same place works
    assert export(str(ZH), tmp_path / "out", format="alpaca")["total"] > 0


def _report_files(folder: Path) -> dict[str, object]:
    quality = json.loads((folder / "quality.json").read_text(encoding="utf-8"))
    quality.pop("generated", None)
    quality.get("curation", {}).pop("created", None)
    return {"quality": quality,
            "md": (folder / "dataset_quality_report.md").read_text(encoding="utf-8"),
            "categories": json.loads((folder / "category_distribution.json").read_text(encoding="utf-8"))}


@pytest.mark.parametrize("path", [ZH, GLAIVE], ids=["alpaca_zh", "glaive_toolcall"])
def test_a_batched_report_is_the_whole_table_report(tmp_path, monkeypatch, path):
    whole = export(str(path), tmp_path / "whole", format="sharegpt")
    monkeypatch.setattr(export_module, "REPORT_BATCH", 7)  # every export above 7 records runs in batches of 7
    batched = export(str(path), tmp_path / "batched", format="sharegpt")
    assert whole["counts"] == batched["counts"] and whole["total"] > 7
    a, b = _report_files(tmp_path / "whole"), _report_files(tmp_path / "batched")
    assert a["quality"] == b["quality"]
    assert a["categories"] == b["categories"]
    assert a["md"].replace(str(tmp_path / "whole"), "") == b["md"].replace(str(tmp_path / "batched"), "")
