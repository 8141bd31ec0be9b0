"""``wb.export`` and ``wb.report`` stay callable after their packages' submodules were imported."""
from __future__ import annotations

import importlib
import json

import workbench as wb


def test_report_and_export_callable_after_submodule_imports(tmp_path):
    importlib.import_module("workbench.report.sections")
    importlib.import_module("workbench.export.splits")
    assert callable(wb.report) and callable(wb.export)
    rows = [{"instruction": f"Write a haiku about the number {i}.", "output": f"Number {i} stands alone."}
            for i in range(20)]
    src = tmp_path / "data.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ds = wb.load(src)
    wb.report(ds, tmp_path / "rep")
    md = (tmp_path / "rep" / "dataset_quality_report.md").read_text()
    assert "20 records" in md or "| 20 |" in md or " 20 " in md
    assert (tmp_path / "rep" / "category_distribution.json").exists()
