import json
import re

import pytest
from quality.quality_data import answer, dataset, pref, sft

from workbench.model import QuarantinedRow
from workbench.model.taxonomy import TASK_TYPES
from workbench.quality import compute_signals
from workbench.report import FILES, report, write_report
from workbench.sample import support_guidelines_path

HOSTILE = "<script>alert('x')</script> **bold** | pipe [link](javascript:alert(1))"


@pytest.fixture(scope="module")
def data():
    rows = [sft("a", "How do I change my billing address?", answer(150), "billing"),
            sft("b", "How do I change my billing address?", answer(150), "billing"),  # exact copy
            sft("c", "how do I change my billing address", answer(150) + " Thanks!", "billing"),  # near copy
            sft("d", "Mail me at jane@example.com " + HOSTILE, "As an AI language model, I cannot. " + HOSTILE,
                "account"),
            sft("e", "Where is my parcel?", answer(140, 4), "shipping"),
            pref("p1", "Pick the better answer", "The same answer.", "the same answer"),
            pref("p2", "Pick the better reply", "A long, careful and complete answer.", "Short.")]
    ds = dataset(rows)
    ds.quarantine = [QuarantinedRow(12, ("invalid_json",), "Expecting value", "{oops", "data.jsonl")]
    return ds


@pytest.fixture(scope="module")
def written(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return out, report(data, out)


def test_all_files_are_written(written):
    out, result = written
    for name in FILES:
        assert (out / name).exists(), name
    assert set(result["files"]) == set(FILES)


def test_quality_json_contract(written):
    out, _ = written
    q = json.loads((out / "quality.json").read_text())
    assert q["rows"] == {"read": 8, "valid": 7, "quarantined": 1}
    for key in ("duplicates", "prompt_duplicates"):
        assert set(q[key]) == {"exact_groups", "exact_extra_rows", "near_clusters", "near_extra_rows"}
    assert q["duplicates"]["exact_groups"] == 1 and q["duplicates"]["exact_extra_rows"] == 1
    assert q["duplicates"]["near_clusters"] == 1 and q["duplicates"]["near_extra_rows"] == 2
    assert q["prompt_duplicates"]["exact_extra_rows"] == 2
    assert q["duplicates"]["near_extra_rows"] >= q["duplicates"]["exact_extra_rows"]
    for role in ("user", "assistant"):
        assert {"mean", "median", "p5", "p95", "max"} <= set(q["lengths"][role])
    assert "outliers" in q["lengths"]
    assert q["languages"]["en"] >= 5
    assert q["pii"]["email"] == 1
    assert set(q["safety"]) >= {"profanity", "hate", "violence", "self_harm", "sexual", "dangerous"}
    assert q["rules"]["forbidden_phrase"] == 1
    assert q["categories"] == {"billing": 3, "(none)": 2, "account": 1, "shipping": 1}
    assert q["preference"]["pairs"] == 2 and q["preference"]["identical_pairs"] == 1
    assert q["preference"]["chosen_longer_share"] == 0.5


def test_markdown_summary_first_and_escaped(written):
    out, _ = written
    md = (out / "dataset_quality_report.md").read_text()
    heads = re.findall(r"^## (.+)$", md, flags=re.M)
    assert heads[:2] == ["Summary", "What to fix"]
    assert {"Duplicates", "Lengths", "Language", "Personal data and secrets", "Safety", "Guideline rules",
            "Coverage", "Quarantine"} <= set(heads)
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "forbidden phrase" in md and "`d`" in md


def test_html_is_self_contained_and_escaped(written):
    out, _ = written
    html = (out / "report.html").read_text()
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html)  # no external stylesheet either
    assert html.count("<script>alert") == 0 and "&lt;script&gt;alert" in html
    assert 'href="javascript' not in html
    assert html.count("Plotly.newPlot") >= 3
    assert len(re.findall(r"<script[^>]*>", html)) >= 3


def test_category_distribution_and_quarantine(written):
    out, _ = written
    dist = json.loads((out / "category_distribution.json").read_text())
    # no guidelines file: neutral defaults, so no target mix is invented for the data
    assert dist["billing"] == {"count": 3, "share": pytest.approx(3 / 7, abs=1e-3)}
    assert dist["(none)"]["count"] == 2 and not any("target" in v for k, v in dist.items()
                                                    if k not in ("task_types", "source"))
    # the data has categories, so they are the distribution; the inferred task types ride along
    assert dist["source"] == "categories"
    assert sum(v["count"] for v in dist["task_types"].values()) == 7
    assert set(dist["task_types"]) <= set(TASK_TYPES)
    lines = (out / "quarantine.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["reasons"] == ["invalid_json"]


def test_reuses_a_signal_report_and_appends_sections(data, tmp_path):
    rep = compute_signals(data)
    res = write_report(data, tmp_path, signal_report=rep, extra_sections={"Agreement": "Kappa **0.7** <b>x</b>"})
    assert res["report"] is rep
    md = (tmp_path / "dataset_quality_report.md").read_text()
    assert "## Agreement" in md
    html = (tmp_path / "report.html").read_text()
    assert "<strong>0.7</strong>" in html and "<b>x</b>" not in html


def test_report_uses_the_cache(data, tmp_path):
    report(data, tmp_path / "one", cache_dir=tmp_path / "cache")
    again = report(data, tmp_path / "two", cache_dir=tmp_path / "cache")
    assert len(again["report"].cached) == len(again["report"].results)


def test_empty_dataset(tmp_path):
    res = report(dataset([]), tmp_path)
    assert res["quality"]["rows"] == {"read": 0, "valid": 0, "quarantined": 0}
    assert (tmp_path / "report.html").exists()


def test_partial_signal_report(data, tmp_path):
    rep = compute_signals(data, signals=["pii", "exact_duplicates"])
    res = write_report(data, tmp_path, signal_report=rep)
    q = res["quality"]
    assert q["pii"]["email"] == 1 and q["languages"] == {} and q["rules"] == {}
    # without the near-duplicate signal, near counts fall back to the exact ones (never below them)
    assert q["duplicates"]["near_extra_rows"] == q["duplicates"]["exact_extra_rows"] == 1
    assert q["categories"]["billing"] == 3
    assert (tmp_path / "report.html").exists()


def test_html_report_is_byte_identical_for_the_same_input(tmp_path):
    from pathlib import Path

    from workbench.io import load
    from workbench.report import report

    data = Path(__file__).resolve().parents[2] / "data" / "support_preferences.jsonl"
    ds = load(data)
    report(ds, out=tmp_path / "a")
    report(ds, out=tmp_path / "b")
    for name in ("report.html", "quality.json", "dataset_quality_report.md", "category_distribution.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_report_names_its_guidelines(data, written, tmp_path):
    out, _ = written
    assert json.loads((out / "quality.json").read_text())["guidelines"] == "none: neutral defaults"
    assert "Guidelines: `none: neutral defaults`" in (out / "dataset_quality_report.md").read_text()
    assert "Guidelines: <code>none: neutral defaults</code>" in (out / "report.html").read_text()
    path = support_guidelines_path()
    report(data, tmp_path, guidelines=path)
    assert json.loads((tmp_path / "quality.json").read_text())["guidelines"] == str(path)
    dist = json.loads((tmp_path / "category_distribution.json").read_text())
    assert dist["billing"]["target"] == 0.15 and dist["returns"] == {"count": 0, "share": 0.0, "target": 0.15}
    assert f"Guidelines: `{path}`" in (tmp_path / "dataset_quality_report.md").read_text()
