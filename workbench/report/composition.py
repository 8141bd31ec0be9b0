"""The report's Composition section: what the data is made of, for data that came with or without labels.

Task types (``task_type`` signal, :mod:`workbench.model.taxonomy`), topics with their labels and sizes
(``topics`` signal), semantic duplicate examples (``semantic_dup`` signal) and, in the HTML report, the
map of the records as a static PNG drawn here with numpy (no browser, kaleido or matplotlib needed) and
encoded by a tiny deterministic PNG writer, so the same input gives the same bytes.
``category_distribution.json`` holds the data's categories when it has them, else the inferred task
types, and says which (:func:`composition_distribution`).
"""
from __future__ import annotations

import base64
import html
import struct
import zlib
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.dataset import Dataset
from workbench.model.text import prompt_text
from workbench.quality.engine import SignalReport
from workbench.report.sections import Section, pct, table

TOP_TOPICS = 15
EXAMPLES = 8
# plotly's qualitative palette: the same colours as the dashboard's map
PALETTE = ("#636efa", "#EF553B", "#00cc96", "#ab63fa", "#FFA15A", "#19d3f3", "#FF6692", "#B6E880", "#FF97FF",
           "#FECB52")


def task_type_counts(frame: pd.DataFrame) -> dict[str, int]:
    """Inferred task type -> records, most first (ties by name)."""
    if "task_type" not in frame.columns:
        return {}
    counts = frame["task_type"].astype(str).value_counts()
    return {k: int(counts[k]) for k in sorted(counts.index, key=lambda k: (-counts[k], k))}


def topic_table(frame: pd.DataFrame) -> pd.DataFrame | None:
    """``quality.topics.topic_overview`` of the frame (None without the ``topics`` signal)."""
    if "topic" not in frame.columns:
        return None
    from workbench.quality.topics import topic_overview

    return topic_overview(frame)


def composition_distribution(dataset: Dataset, frame: pd.DataFrame, by_category: dict[str, Any]) -> dict[str, Any]:
    """The content of ``category_distribution.json``.

    ``by_category`` (category -> {count, share[, target]}) is used when the data has categories
    (``"source": "categories"``); otherwise the entries are the inferred task types
    (``"source": "task_type"``). ``task_types`` always holds the inferred task types.
    """
    n = max(len(frame), 1)
    types = {k: {"count": v, "share": round(v / n, 4)} for k, v in task_type_counts(frame).items()}
    if dataset.has_categories or not types:
        return {"source": "categories", **by_category, "task_types": types}
    return {"source": "task_type", **types, "task_types": types}


def composition_section(dataset: Dataset, report: SignalReport, topics: pd.DataFrame | None = None) -> Section:
    """Task types, the largest topics, the map (HTML) and semantic duplicate examples, as Markdown
    (``topics``: the frame's :func:`topic_table` when the caller already has it)."""
    frame = report.frame
    n = max(len(frame), 1)
    parts = []
    if dataset.has_categories:
        parts.append("The data has its own categories (see Coverage); the task types and topics below are "
                     "inferred from the prompts beside them.")
    else:
        parts.append("The data has no categories: the task types and topics below are inferred from the prompts.")
    types = task_type_counts(frame)
    if types:
        parts.append("**Task types**\n\n" + table(["task type", "records", "share"],
                                                 [[k, v, pct(v, n)] for k, v in types.items()]))
    topics = topic_table(frame) if topics is None else topics
    if topics is not None and len(topics):
        shown = topics.head(TOP_TOPICS)
        rows = [[int(t), str(r.get("label", "")), int(r["size"]), pct(int(r["size"]), n),
                 ", ".join(list(r["task_types"])[:2]) if isinstance(r.get("task_types"), dict) else ""]
                for t, r in shown.iterrows()]
        more = f" (the {len(shown)} largest of {len(topics)})" if len(topics) > len(shown) else f" ({len(topics)})"
        parts.append(f"**Topics**{more}: each labelled by its most distinctive terms.\n\n"
                     + table(["topic", "label", "records", "share", "main task types"], rows))
    if {"map_x", "map_y"} <= set(frame.columns):
        parts.append("The HTML report shows the map of the records (similar prompts lie close together), "
                     "coloured by topic.")
    parts.append(_semantic_duplicates(dataset, report))
    return Section("composition", "Composition", "\n\n".join(p for p in parts if p))


def _semantic_duplicates(dataset: Dataset, report: SignalReport) -> str:
    s = report.summaries.get("semantic_dup")
    if not s:
        return ""
    head = (f"**Semantic duplicates** (same meaning in other words; cosine >= {s.get('threshold')}): "
            f"{s.get('groups', 0):,} groups, {s.get('extra_rows', 0):,} records beyond the first of their group.")
    examples = s.get("examples", [])[:EXAMPLES]
    if not examples:
        return head
    ids = [e["a"] for e in examples] + [e["b"] for e in examples]
    pos = dataset.ids.get_indexer(ids)
    texts = prompt_text(dataset.table.take(pa.array(np.where(pos >= 0, pos, 0), pa.int64()))).to_pylist()
    text = {i: (t if p >= 0 else "") for i, t, p in zip(ids, texts, pos)}
    rows = [[f"{e['similarity']:.2f}", e["a"], text[e["a"]], e["b"], text[e["b"]]] for e in examples]
    return head + "\n\n" + table(["cosine", "record", "prompt", "duplicate", "its prompt"], rows)


# the map as a PNG ---------------------------------------------------------------------------------------
def map_image(frame: pd.DataFrame, width: int = 640, height: int = 440, color: str = "topic") -> bytes | None:
    """The map of the records as PNG bytes (one 3x3 dot per record, coloured by ``color``), or None
    without map coordinates. Every record is drawn (numpy, vectorised): 1M records take about a second."""
    if not {"map_x", "map_y"} <= set(frame.columns) or not len(frame):
        return None
    x = frame["map_x"].to_numpy(dtype=float)
    y = frame["map_y"].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return None
    pad = 4
    px = _scale(x[ok], width, pad)
    py = (height - 1) - _scale(y[ok], height, pad)
    codes = _codes(frame[color].to_numpy()[ok] if color in frame.columns else np.zeros(ok.sum()))
    rgb = np.array([_rgb(c) for c in PALETTE], dtype=np.uint8)[codes % len(PALETTE)]
    img = np.full((height, width, 3), 255, dtype=np.uint8)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            img[np.clip(py + dy, 0, height - 1), np.clip(px + dx, 0, width - 1)] = rgb
    return png_bytes(img)


def _scale(v: np.ndarray, size: int, pad: int) -> np.ndarray:
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo if hi > lo else 1.0
    return (pad + (v - lo) / span * (size - 1 - 2 * pad)).round().astype(np.int64)


def _codes(values: np.ndarray) -> np.ndarray:
    """Colour index per record: topic ids as they are (0 = largest), other values by frequency."""
    if values.dtype.kind in "iu":
        return np.where(values < 0, len(PALETTE) - 1, values).astype(np.int64)
    s = pd.Series(values).astype(str)
    order = {k: i for i, k in enumerate(s.value_counts().index)}
    return s.map(order).to_numpy(dtype=np.int64)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def png_bytes(img: np.ndarray) -> bytes:
    """An RGB ``uint8`` array (height, width, 3) as PNG bytes (filter 0 rows, zlib level 9)."""
    h, w, _ = img.shape
    raw = np.concatenate([np.zeros((h, 1), dtype=np.uint8), img.reshape(h, w * 3)], axis=1).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def map_html(frame: pd.DataFrame, topics: pd.DataFrame | None = None) -> str:
    """The map as an inline ``<img>`` with a legend of the largest topics (labels escaped); "" without a map.
    ``topics``: the frame's :func:`topic_table` when the caller already has it."""
    png = map_image(frame)
    if png is None:
        return ""
    legend = ""
    topics = topic_table(frame) if topics is None else topics
    if topics is not None:
        items = [f'<li><span style="display:inline-block;width:.8em;height:.8em;background:'
                 f'{PALETTE[(int(t) if t >= 0 else len(PALETTE) - 1) % len(PALETTE)]}"></span> '
                 f'{int(t)}: {html.escape(str(r.get("label", "")))} ({int(r["size"]):,})</li>'
                 for t, r in topics.head(TOP_TOPICS).iterrows()]
        legend = f'<ul style="columns:2;list-style:none;padding:0">{"".join(items)}</ul>'
    src = base64.b64encode(png).decode("ascii")
    return (f'<figure class="wb-map"><img alt="map of the records, coloured by topic" '
            f'src="data:image/png;base64,{src}"><figcaption>Map of the records (similar prompts lie close '
            f"together), coloured by topic.</figcaption>{legend}</figure>")
