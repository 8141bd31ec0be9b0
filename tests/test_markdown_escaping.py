"""Names from people and data never become markup in the Markdown documents the workbench writes:
the agreement report, the dataset card, the curation summary, the annotation guidelines and the
quality report (and its HTML)."""
from __future__ import annotations

import json
import os
import re

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from helpers import make_dataset, msg  # noqa: E402

from workbench.agreement.report import write_agreement_report  # noqa: E402
from workbench.export import export  # noqa: E402
from workbench.export.card import render_dataset_card  # noqa: E402
from workbench.export.guidelines_md import render_guidelines_md  # noqa: E402
from workbench.model import Guidelines  # noqa: E402
from workbench.model.markdown import md_code, md_inline, md_prose  # noqa: E402
from workbench.store import Project  # noqa: E402
from workbench.workflows.agreement import run_agreement  # noqa: E402

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg onload=alert(2)>"
RAW_TAG = re.compile(r"<\s*/?\s*(script|img|svg|b|iframe)\b", re.I)


def _no_raw_tags(text: str, where: str) -> None:
    found = RAW_TAG.search(text)
    assert found is None, f"raw tag {found.group()!r} in {where}: ...{text[max(found.start() - 60, 0):found.end() + 60]}..."


# -- the helper ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", [SCRIPT, IMG, SVG, "<b>bold</b>", "a\n<script>\nb"])
def test_md_inline_leaves_no_angle_bracket(payload):
    out = md_inline(payload)
    assert "<" not in out and ">" not in out and "\n" not in out
    assert "&lt;" in out


def test_md_inline_neutralises_links_code_and_table_cells():
    out = md_inline("[click](javascript:alert(1)) `code` a|b *x* \\")
    assert out == "\\[click\\](javascript:alert(1)) \\`code\\` a\\|b \\*x\\* \\\\"
    assert md_inline("open_qa") == "open_qa" and md_inline(None) == ""


def test_md_prose_keeps_markdown_but_not_html():
    assert md_prose("**Be kind.** <script>x</script>") == "**Be kind.** &lt;script&gt;x&lt;/script&gt;"


def test_md_code_cannot_be_closed_from_inside():
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x") == "`` `x ``"


# -- documents written from hostile names -------------------------------------------------------------
def _hostile_guidelines() -> Guidelines:
    return Guidelines.from_dict({
        "task": f"Fix the answer. {SCRIPT}",
        "criteria": [{"name": "<b>accuracy</b>", "description": f"Right facts {IMG}", "scale": [1, 5]}],
        "categories": [IMG, "billing"],
        "target_mix": {IMG: 0.1, "billing": 0.9},
        "tags": [SCRIPT, "pii"],
        "forbidden_phrases": [f"As an AI {SVG}"],
        "refusals": f"Refuse politely. {SVG}",
        "examples": [{"kind": "good", "prompt": f"Hi {SCRIPT}", "response": f"Hello {IMG}",
                      "why": f"Friendly {SVG}"}],
    })


def _rows(n: int = 24) -> list[dict]:
    rows = []
    for i in range(n):
        cat = IMG if i % 2 else "billing"
        rows.append({"id": f"r{i:03d}", "kind": "sft", "category": cat,
                     "metadata": json.dumps({"provenance": SVG if i % 3 else "human"}),
                     "messages": [msg("user", f"Question number {i} about the invoice {i * 7}?"),
                                  msg("assistant", f"Answer {i}: open settings, then billing, then {i}.")]})
    return rows


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "proj"
    project = Project.create(path, make_dataset(_rows()), _hostile_guidelines(), owner="olga")
    for reviewer in (SCRIPT, "ada"):
        for i, rid in enumerate(project.dataset.ids[:12]):
            project.rate(reviewer, rid, 1 + (i + (reviewer == "ada")) % 5)
            project.label(reviewer, rid, IMG if (i + (reviewer == "ada")) % 3 else "billing")
            project.tag(reviewer, rid, [SCRIPT] if i % 2 else ["pii"])
    yield project
    project.close()


def test_agreement_report_escapes_reviewers_labels_and_tags(hostile_project, tmp_path):
    run_agreement(hostile_project.path, tmp_path / "agr")
    md = (tmp_path / "agr" / "agreement_report.md").read_text(encoding="utf-8")
    _no_raw_tags(md, "agreement_report.md")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md  # the reviewer is named, as text


def test_agreement_report_from_a_long_table_escapes_field_names(tmp_path):
    import pandas as pd

    long = pd.DataFrame({"record_id": [f"r{i % 6}" for i in range(12)],
                         "annotator": [SCRIPT if i < 6 else IMG for i in range(12)],
                         "field": [SVG] * 12, "value": [1 + i % 3 for i in range(12)]})
    paths = write_agreement_report(long, tmp_path, n_boot=20)
    md = paths["markdown"].read_text(encoding="utf-8")
    _no_raw_tags(md, "agreement_report.md")
    assert f"## {md_inline(SVG)}" in md and md_inline(IMG) in md


@pytest.fixture(scope="module")
def exported(hostile_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("exp") / "export"
    export(hostile_project, out, format="alpaca", splits=(0.5, 0.5), stratify="category")
    return out


def test_every_markdown_document_of_an_export_is_free_of_raw_html(exported):
    mds = sorted(exported.rglob("*.md"))
    assert {p.name for p in mds} >= {"README.md", "annotation_guidelines.md", "dataset_quality_report.md"}
    for p in mds:
        _no_raw_tags(p.read_text(encoding="utf-8"), p.name)
    card = (exported / "README.md").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in card  # the category is there, as text
    guide = (exported / "annotation_guidelines.md").read_text(encoding="utf-8")
    for name in (SCRIPT, IMG, SVG, "<b>accuracy</b>"):
        assert md_inline(name) in guide or md_prose(name) in guide


def test_the_html_report_shows_names_as_text(exported):
    html = (exported / "report.html").read_text(encoding="utf-8")
    body = html[html.index("<body>"):]
    assert "<img src=x" not in body and "<script>alert" not in body and "<svg onload" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&amp;lt;" not in body  # entities render as the characters, not as "&lt;" text


def test_the_quality_report_names_an_over_represented_category_safely(tmp_path):
    from workbench.report import write_report

    rows = _rows(40)
    for r in rows:
        r["category"] = IMG  # 100% against a target of 10%
    write_report(make_dataset(rows), tmp_path, guidelines=_hostile_guidelines())
    md = (tmp_path / "dataset_quality_report.md").read_text(encoding="utf-8")
    _no_raw_tags(md, "dataset_quality_report.md")
    assert f"**{md_inline(IMG)}** is 100% of the data" in md


def test_card_escapes_split_and_category_names_given_directly():
    info = {"name": f"exp {SCRIPT}", "format": "openai", "container": "jsonl", "total": 2,
            "split_files": {"train": "train.jsonl"}, "counts": {"train": 2},
            "counts_per_category": {"train": {IMG: 2}}, "options": {"splits": {"train": 1.0}, "seed": 0,
                                                                    "stratify": SVG, "include": "all",
                                                                    "dedupe": "near", "redact_pii": False},
            "leakage_check": {"ok": True, "near_threshold": 0.8},
            "category_distribution": {"deviation_from_target": {IMG: 0.5}},
            "curation": {"agreement": {SCRIPT: {"band": "low", "metric": "alpha", "value": 0.1}},
                         "left_out": {}, "edits": {"records_edited": 0},
                         "provenance": {"counts": {SVG: 2}, "synthetic_share": 0, "synthetic_to_human": None},
                         "source": {"kind": "dataset", "rows_read": 2, "where": None}},
            "source": {"fingerprint": "abc", "last_event_id": None}, "kind_counts": {"sft": 2},
            "tool_version": "0", "has_guidelines": False}
    card = render_dataset_card(info)
    _no_raw_tags(card, "README.md")
    assert md_inline(IMG) in card and md_inline(SVG) in card and md_inline(SCRIPT) in card


def test_guidelines_markdown_alone(tmp_path):
    text = render_guidelines_md(_hostile_guidelines())
    _no_raw_tags(text, "annotation_guidelines.md")
    assert "| &lt;b&gt;accuracy&lt;/b&gt; |" in text
