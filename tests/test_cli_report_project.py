"""``workbench report PROJECT_DIR`` and ``workbench.report(project, out)``: a project is reported on its
dataset with its own guidelines and its signal cache."""
from __future__ import annotations

import json

import pytest
from helpers import make_dataset, msg

from workbench.cli import main
from workbench.model import Guidelines
from workbench.report import report
from workbench.store import Project


def _rows(n: int = 30) -> list[dict]:
    cats = ("billing", "shipping", "account")
    return [{"id": f"r{i:03d}", "kind": "sft", "category": cats[i % 3],
             "messages": [msg("user", f"How do I change the billing address on invoice {i}?"),
                          msg("assistant", f"Open Settings, choose Billing, edit the address for invoice {i} "
                                           "and save; the next invoice uses it.")]} for i in range(n)]


@pytest.fixture
def project_dir(tmp_path):
    g = Guidelines.from_dict({"categories": ["billing", "shipping", "account", "returns"],
                              "target_mix": {"billing": 0.1, "shipping": 0.3, "account": 0.3, "returns": 0.3}})
    with Project.create(tmp_path / "proj", make_dataset(_rows()), g, owner="olga") as p:
        path = p.path
    return path


def test_cli_report_on_a_project_folder(project_dir, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["report", str(project_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert "wrote the quality report" in printed.out and "30 records" in printed.out
    assert printed.err == ""
    for name in ("dataset_quality_report.md", "report.html", "quality.json", "category_distribution.json"):
        assert (out / name).is_file(), name
    quality = json.loads((out / "quality.json").read_text())
    assert quality["rows"]["valid"] == 30
    dist = json.loads((out / "category_distribution.json").read_text())
    # the project's guidelines judged the data: their target mix is in the distribution
    assert dist["billing"]["target"] == pytest.approx(0.1)
    assert dist["billing"]["count"] == 10
    assert any((project_dir / "cache").rglob("*.parquet"))  # signals cached in the project


def test_cli_report_on_a_project_takes_guidelines_given_on_the_command_line(project_dir, tmp_path):
    other = tmp_path / "g.yaml"
    other.write_text("categories: [billing, shipping, account]\ntarget_mix: {billing: 0.5, shipping: 0.25, "
                     "account: 0.25}\n")
    out = tmp_path / "report"
    assert main(["report", str(project_dir), "--out", str(out), "--guidelines", str(other)]) == 0
    dist = json.loads((out / "category_distribution.json").read_text())
    assert dist["billing"]["target"] == pytest.approx(0.5)


def test_report_api_accepts_a_project(project_dir, tmp_path):
    with Project.open(project_dir) as project:
        res = report(project, tmp_path / "r")
    assert res["quality"]["rows"]["valid"] == 30
    assert (tmp_path / "r" / "dataset_quality_report.md").read_text().startswith("# Dataset quality report")


def test_cli_report_on_a_folder_that_is_not_a_project_is_one_line(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty"), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("workbench report: error:") and "\n" not in err
