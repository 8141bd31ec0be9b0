"""``wb.report()`` and ``wb.export()`` return small result objects: still the dicts callers index, with
attributes and a repr that names the folder, the counts and the files."""
from __future__ import annotations

import json

import pytest

import workbench as wb
from workbench.export.export import ExportResult
from workbench.report import ReportResult


@pytest.fixture
def data(tmp_path):
    rows = [{"instruction": f"Write a short line about the number {i}.", "output": f"The number {i} is here."}
            for i in range(20)]
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return wb.load(path)


def test_report_result(data, tmp_path):
    res = wb.report(data, tmp_path / "rep")
    assert isinstance(res, ReportResult) and isinstance(res, dict)
    assert set(res) == {"quality", "files", "report"} and res.quality is res["quality"]
    assert res["quality"]["rows"]["valid"] == 20
    text = repr(res)
    assert text.startswith(f"ReportResult(out={str(tmp_path / 'rep')!r}, records=20, quarantined=0, issues=")
    assert "'report.html'" in text and "'quality.json'" in text
    assert "<b>ReportResult</b>" in res._repr_html_()


def test_export_result(data, tmp_path):
    res = wb.export(data, tmp_path / "exp", splits=(0.8, 0.1, 0.1), report=False)
    assert isinstance(res, ExportResult) and isinstance(res, dict)
    assert res.counts == res["counts"] == {"train": 16, "val": 2, "test": 2} and res.total == 20
    assert res["manifest"]["total"] == 20 and json.loads(json.dumps(res))["total"] == 20
    text = repr(res)
    assert text.startswith(f"ExportResult(out={str(tmp_path / 'exp')!r}, counts={{'train': 16, 'val': 2, "
                           "'test': 2}, total=20, left_out={}, files=[")
    assert "leakage_check='passed'" in text and f"fingerprint={data.fingerprint[:12]!r}" in text
