"""The manifest (hashes, counts, reasons) and the hand-over documents."""
from __future__ import annotations

import hashlib
import json

import yaml
from export.export_helpers import corpus
from helpers import make_dataset

from workbench.export import export, render_guidelines_md
from workbench.model import Guidelines
from workbench.sample import support_guidelines


def test_manifest_hashes_match_every_file(tmp_path):
    res = export(make_dataset(corpus(120, seed=3)), tmp_path / "out", container="hf",
                 guidelines=Guidelines.default())
    out = tmp_path / "out"
    manifest = json.loads((out / "manifest.json").read_text())
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
    assert manifest["tool_version"] == __import__("workbench").__version__
    assert manifest["options"]["seed"] == 0 and manifest["options"]["container"] == "hf"
    assert sum(manifest["counts"].values()) == manifest["total"] == res["total"]
    for split, cats in manifest["counts_per_category"].items():
        assert sum(cats.values()) == manifest["counts"][split]


def test_hand_over_documents(tmp_path):
    rows = corpus(200, seed=6)
    for i, r in enumerate(rows):
        r["metadata"] = json.dumps({"provenance": ["human", "model", "model_edited"][i % 3]})
    export(make_dataset(rows), tmp_path / "out", guidelines=support_guidelines())  # they set a target mix
    out = tmp_path / "out"
    for name in ("dataset_quality_report.md", "report.html", "quality.json", "category_distribution.json",
                 "annotation_guidelines.md", "README.md", "manifest.json"):
        assert (out / name).is_file(), name
    dist = json.loads((out / "category_distribution.json").read_text())
    assert set(dist["splits"]) == {"train", "val", "test"}
    assert sum(v["count"] for v in dist["overall"].values()) == 200
    assert "target_mix" in dist
    report = (out / "dataset_quality_report.md").read_text()
    assert "Curation: before and after" in report
    quality = json.loads((out / "quality.json").read_text())
    assert quality["curation"]["exported"] == 200
    assert quality["curation"]["provenance"]["counts"] == {"human": 67, "model": 67, "model_edited": 66}
    assert quality["curation"]["provenance"]["synthetic_to_human"] == 1.0


def test_dataset_card_structure(tmp_path):
    export(make_dataset(corpus(150, seed=7)), tmp_path / "out", format="alpaca", container="parquet")
    card = (tmp_path / "out" / "README.md").read_text()
    head = yaml.safe_load(card.split("---\n")[1])
    assert head["task_categories"] == ["text-generation"]
    assert head["size_categories"] == ["n<1K"]
    assert [f["split"] for f in head["configs"][0]["data_files"]] == ["train", "val", "test"]
    assert head["configs"][0]["data_files"][0]["path"] == "train.parquet"
    for section in ("## Dataset Summary", "## Dataset Structure", "## Data Splits", "## Curation",
                    "## Known Limitations"):
        assert section in card
    assert "annotation_guidelines.md" not in (tmp_path / "out" / "manifest.json").read_text()


def test_guidelines_markdown_of_the_neutral_defaults_sets_no_domain_rules():
    md = render_guidelines_md(Guidelines.default())
    assert "no fixed length window" in md and "100-300" not in md and "0-1000000000" not in md
    assert "repeat the user's question" not in md and "_No categories are defined._" in md
    assert '"As an AI language model"' in md


def test_guidelines_markdown_covers_the_file():
    g = support_guidelines()
    md = render_guidelines_md(g)
    assert "100-300 words" in md and "repeat the user's question" in md
    assert md.startswith("# Annotation guidelines")
    assert g.task.split()[0] in md
    for c in g.criteria:
        assert f"| {c.name} |" in md
    assert "1 (worst) - 5 (best)" in md
    for phrase in g.forbidden_phrases:
        assert f'"{phrase}"' in md
    for cat in g.categories:
        assert f"| {cat} |" in md
    for tag in g.tags:
        assert f"- {tag}" in md
    assert "### Good example 1" in md and "### Bad example 1" in md
    assert "**Why it is bad:**" in md
    assert render_guidelines_md(g) == md


def test_project_export_reports_agreement(project, tmp_path):
    ids = list(project.dataset.ids)
    for i, rid in enumerate(ids[:20]):
        project.rate("ana", rid, 4 + (i % 2))
        project.rate("ben", rid, 4 + (i % 2) if i % 5 else 2)
        project.label("ana", rid, "billing")
        project.label("ben", rid, "billing" if i % 4 else "account")
    res = export(project, tmp_path / "out", min_agreement=None)
    quality = json.loads((tmp_path / "out" / "quality.json").read_text())
    ag = quality["curation"]["agreement"]
    assert {"overall", "category"} <= set(ag)
    assert ag["overall"]["metric"].startswith("alpha") and ag["overall"]["band"]
    card = (tmp_path / "out" / "README.md").read_text()
    assert "agreement on overall" in card
    assert (tmp_path / "out" / "annotation_guidelines.md").is_file()
    assert res["manifest"]["source"]["kind"] == "project"
