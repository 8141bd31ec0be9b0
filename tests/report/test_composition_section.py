"""The report's Composition section on real third-party text: self-instruct's human-eval prompts (no
categories) plus hand-written paraphrases of MT-bench questions (semantic duplicates)."""
from __future__ import annotations

import json
import zlib
from pathlib import Path

import pyarrow as pa
import pytest

from workbench.io import load
from workbench.model.dataset import Dataset
from workbench.quality import compute_signals
from workbench.quality.topics import TopicsSignal
from workbench.report import write_report
from workbench.report.composition import map_image, png_bytes
from workbench.report.sections import esc

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAIRS = 6
SIGNALS = ["task_type", "semantic_dup", "exact_duplicates", TopicsSignal(map_sample=150)]


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    folder = tmp_path_factory.mktemp("composition")
    rows = [json.loads(line) for line in (FIXTURES / "selfinstruct_text-davinci-003_predictions.jsonl").open()]
    alpaca = [{"instruction": r["instruction"], "input": r["input"], "output": r["response"]} for r in rows]
    pairs = [json.loads(line) for line in (FIXTURES / "mt_bench_paraphrases.jsonl").open()][:PAIRS]
    for p in pairs:
        alpaca += [{"instruction": p["original"], "input": "", "output": "An answer."},
                   {"instruction": p["paraphrase"], "input": "", "output": "Another answer."}]
    path = folder / "mixed.json"
    path.write_text(json.dumps(alpaca), encoding="utf-8")
    ds = load(path)
    rep = compute_signals(ds, signals=SIGNALS)
    out = folder / "report"
    write_report(ds, out, signal_report=rep)
    return ds, rep, out, pairs


def test_markdown_has_the_composition_of_the_real_file(real):
    ds, rep, out, _ = real
    md = (out / "dataset_quality_report.md").read_text(encoding="utf-8")
    section = md.split("## Composition", 1)[1].split("\n## ", 1)[0]
    assert "The data has no categories" in section
    types = rep.frame["task_type"].value_counts()
    top = types.index[0]
    assert f"| {top} | {types.iloc[0]:,} |" in section
    assert len(types) >= 5 and all(f"| {t} |" in section for t in types.index)
    labels = rep.frame.groupby("topic")["topic_label"].first()
    sizes = rep.frame["topic"].value_counts()
    for t in sizes.index[:3]:
        assert f"| {t} | {esc(labels[t], 80)} | {sizes[t]:,} |" in section
    assert "billing" not in section and "shipping" not in section
    assert md.index("## Composition") < md.index("## Duplicates")


def test_semantic_duplicate_examples_are_listed(real):
    ds, rep, out, pairs = real
    md = (out / "dataset_quality_report.md").read_text(encoding="utf-8")
    s = rep.summaries["semantic_dup"]
    assert s["groups"] >= PAIRS - 1  # hand-written paraphrases: MinHash misses them, embeddings do not
    first = s["examples"][0]
    assert f"| {first['a']} |" in md and f"| {first['b']} |" in md
    # the prompts are shown trimmed and escaped (the quoted report title of question 82 keeps its quotes)
    originals = {esc(p["original"], 80) for p in pairs}
    assert any(o in md for o in originals)


def test_html_has_the_map_image_and_the_section(real):
    _, rep, out, _ = real
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<section id="composition"><h2>Composition</h2>' in html
    figure = html.index('<figure class="wb-map">')  # plotly.js, inlined earlier, holds images of its own
    start = html.index("data:image/png;base64,", figure) + len("data:image/png;base64,")
    import base64

    png = base64.b64decode(html[start:html.index('"', start)])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    assert int.from_bytes(png[16:20], "big") == 640 and int.from_bytes(png[20:24], "big") == 440
    raw = zlib.decompress(png[png.index(b"IDAT") + 4:])
    coloured = sum(1 for i in range(0, len(raw) - 2, 3) if raw[i:i + 3] != b"\xff\xff\xff")
    assert coloured > len(rep.frame)  # every record is a dot of several pixels
    label = rep.frame.loc[rep.frame["topic"] == 0, "topic_label"].iloc[0]
    assert f"0: {label}" in html


def test_category_distribution_says_its_source(real, tmp_path):
    ds, rep, out, _ = real
    dist = json.loads((out / "category_distribution.json").read_text())
    types = rep.frame["task_type"].value_counts()
    assert dist["source"] == "task_type"
    assert {k: v["count"] for k, v in dist.items() if k not in ("source", "task_types")} == types.to_dict()
    assert dist["task_types"][types.index[0]]["count"] == int(types.iloc[0])
    table = ds.table.set_column(ds.table.column_names.index("category"), "category",
                                pa.array(["alpha" if i % 2 else "beta" for i in range(len(ds))], pa.string()))
    with_cats = Dataset(table)
    write_report(with_cats, tmp_path, signal_report=compute_signals(with_cats, signals=["task_type", "coverage"]))
    dist = json.loads((tmp_path / "category_distribution.json").read_text())
    assert dist["source"] == "categories" and dist["alpha"]["count"] == len(ds) // 2
    assert sum(v["count"] for v in dist["task_types"].values()) == len(ds)


def test_same_input_same_bytes(real, tmp_path):
    ds, rep, out, _ = real
    write_report(ds, tmp_path, signal_report=rep)
    for name in ("report.html", "dataset_quality_report.md", "category_distribution.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_png_writer_and_map_without_coordinates():
    import numpy as np
    import pandas as pd

    img = np.zeros((2, 3, 3), dtype=np.uint8)
    img[1, 2] = (255, 0, 0)
    png = png_bytes(img)
    raw = zlib.decompress(png[png.index(b"IDAT") + 4:])
    assert len(raw) == 2 * (1 + 9) and raw[-3:] == b"\xff\x00\x00"
    assert map_image(pd.DataFrame({"id": ["a"]})) is None
