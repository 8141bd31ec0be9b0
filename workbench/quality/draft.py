"""A starting guidelines file drafted from the data itself (``workbench guidelines draft DATA``).

Guidelines belong to a project and are written by its team; what a tool can do is propose a first
version from what it sees, for the team to edit:

- categories: the data's own ``category`` values when it has them, else the task types inferred by the
  ``task_type`` signal; today's shares become a first ``target_mix``;
- length: the observed p5-p95 of response words, overall (``length_window``) and per category or task
  type with enough records (``length_window_per_category``); the rule that flags responses outside it
  is written switched off (by construction about a tenth of today's data is outside);
- topics (the ``topics`` signal, when available) listed as comments, to use as categories instead;
- criteria: a commented template; universal checks as in the neutral defaults.

The text is built here (YAML with comments) and always loads back with ``Guidelines.load``.
"""
from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from workbench.model.dataset import Dataset
from workbench.model.guidelines import RULE_OPTIONS, Guidelines
from workbench.quality.builtin import default_registry
from workbench.quality.engine import as_dataset, compute_signals

MIN_RECORDS = 20  # fewer responses than this in a category: no window of its own (p5/p95 of noise)


def _q(value: Any) -> str:
    """A YAML scalar for any string or number (JSON strings are valid YAML double-quoted scalars)."""
    return json.dumps(value, ensure_ascii=False)


def _window(words: np.ndarray) -> dict[str, int]:
    """p5-p95 of ``words`` rounded outwards: to whole words under 20, to 5 under 100, else to 10."""
    lo, hi = np.percentile(words, [5, 95])

    def step(x: float) -> int:
        return 1 if x < 20 else 5 if x < 100 else 10

    return {"min_words": int(lo // step(lo) * step(lo)), "max_words": int(-(-hi // step(hi)) * step(hi))}


def observe(dataset: Dataset, topics: bool = True, cache_dir: str | os.PathLike | None = None) -> dict[str, Any]:
    """What the draft is made of: categories and their shares, length windows and topics.

    Returns
    -------
    dict
        ``records``, ``category_source`` ("category" or "task_type" or None), ``categories`` {name:
        {count, share}}, ``length_window`` {min_words, max_words} or None, ``per_category`` {name:
        (window, responses)}, ``topics`` [{label, share, size}], ``signals`` (names computed).
    """
    wanted: list = ["text_stats", "task_type"]
    if topics:  # the draft lists topics, it draws no map
        wanted.append(default_registry().create("topics", map=False))
    rep = compute_signals(dataset, Guidelines.default(), signals=wanted, cache_dir=cache_dir)
    frame = rep.frame
    source = None
    if dataset.has_categories:
        cats = dataset.table.column("category").to_pandas().fillna("").astype(str).str.strip()
        source, groups = "category", cats.where(cats != "", "(none)")
    elif "task_type" in frame.columns:
        source, groups = "task_type", frame["task_type"].astype(str)
    else:
        groups = pd.Series([""] * len(frame))
    words = frame["response_words"].to_numpy()
    answered = words > 0
    out: dict[str, Any] = {"records": len(frame), "category_source": source, "categories": {},
                           "length_window": _window(words[answered]) if answered.any() else None,
                           "per_category": {}, "topics": [], "signals": sorted(rep.results)}
    if source:
        counts = groups.value_counts()
        out["categories"] = {str(k): {"count": int(v), "share": round(int(v) / max(len(groups), 1), 4)}
                             for k, v in counts.items()}
        for name in counts.index:
            sel = answered & (groups == name).to_numpy()
            if sel.sum() >= MIN_RECORDS:
                out["per_category"][str(name)] = (_window(words[sel]), int(sel.sum()))
    for t in rep.summaries.get("topics", {}).get("topics", []):
        if t.get("topic", 0) >= 0 and t.get("label"):
            out["topics"].append({"label": str(t["label"]), "share": float(t["share"]), "size": int(t["size"])})
    return out


def render(obs: dict[str, Any], source: str = "") -> str:
    """The guidelines YAML text (with comments) for the observations of :func:`observe`."""
    neutral = Guidelines.default()
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    src = obs["category_source"]
    lines = [f"# Guidelines drafted by `workbench guidelines draft` from {source or 'a dataset'} "
             f"({obs['records']:,} records) on {when}.",
             "# A starting point, not a verdict: edit every section, then pass the file with --guidelines",
             "# (or Project.set_guidelines) and re-run the report. Figures in comments are today's data.",
             "task: " + _q("TODO: what reviewers do with each example, and what an ideal response is."),
             "# Criteria: a template (each rated on its scale; 'overall' always exists). Replace or extend:",
             "criteria:"]
    for c in neutral.criteria:
        lines += [f"  - name: {_q(c.name)}", f"    description: {_q(c.description)}",
                  f"    scale: [{c.scale[0]}, {c.scale[1]}]"]
    lines += ["#  - name: tone", '#    description: "Professional and friendly; no needless apologies."',
              "#    scale: [1, 5]"]
    cats = obs["categories"]
    what = {"category": "the data's own category column",
            "task_type": "task types inferred by the task_type signal (the data has no category column; "
                         "label records with them to measure the mix)"}.get(src)
    if cats:
        lines += [f"# Categories: {what}.", "categories: [" + ", ".join(_q(k) for k in cats) + "]",
                  "# Today's shares as a first target mix: change them to the mix you want.", "target_mix:"]
        lines += [f"  {_q(k)}: {v['share']}  # {v['count']:,} records" for k, v in cats.items()]
    else:
        lines += ["# No categories: the data has none and no task types were inferred.", "categories: []",
                  "target_mix: {}"]
    if obs["topics"]:
        lines.append("# Topics found in the data (topics signal), if these are the categories that matter:")
        lines += [f"#   {_q(t['label'])}: {t['share']}  # {t['size']:,} records" for t in obs["topics"]]
    lines.append("tags: [" + ", ".join(_q(t) for t in neutral.tags) + "]")
    lines.append("forbidden_phrases:")
    lines += [f"  - {_q(p)}" for p in neutral.forbidden_phrases]
    lines += ["# Phrases for the apology and refusal rules (switch the rules on below):",
              "apology_phrases: []", "refusal_phrases: []"]
    w = obs["length_window"]
    if w:
        lines += ["# Observed response length (p5-p95 words, all records):",
                  f"length_window: {{min_words: {w['min_words']}, max_words: {w['max_words']}}}"]
    else:
        lines += ["# No responses to measure: no length window.", "length_window: {}"]
    per = obs["per_category"]
    if per:
        lines += [f"# Per category (p5-p95 words; categories under {MIN_RECORDS} responses use the window "
                  "above):", "length_window_per_category:"]
        lines += [f"  {_q(k)}: {{min_words: {win['min_words']}, max_words: {win['max_words']}}}  # {n:,} responses"
                  for k, (win, n) in per.items()]
    else:
        lines.append("length_window_per_category: {}")
    lines += [f"reasoning: {neutral.reasoning}",
              "refusals: " + _q(neutral.refusals), "sensitive_topics: " + _q(neutral.sensitive_topics),
              "examples: []",
              f"agreement: {{consolidation: {neutral.agreement.get('consolidation', 'majority')}, "
              f"min_agreement: {neutral.agreement.get('min_agreement', 0.6)}}}",
              "# Data-dependent rules, off until you switch them on (length_window flags ~10% of today's data):",
              "rules:"]
    lines += [f"  {name}: false  # {why}" for name, why in RULE_OPTIONS.items()]
    return "\n".join(lines) + "\n"


def draft_guidelines(dataset, out: str | os.PathLike | None = None, topics: bool = True,
                     cache_dir: str | os.PathLike | None = None, source: str | None = None) -> str:
    """Draft a starting guidelines file from ``dataset`` (see the module docstring).

    Parameters
    ----------
    dataset : Dataset or pyarrow.Table
        The data (``wb.draft_guidelines`` / :mod:`workbench.workflows.guidelines` also take a path).
    out : path, optional
        Write the YAML here (the folder must exist; an existing file is replaced).
    topics : bool
        Also list the topics found (slower on large data).
    cache_dir : path, optional
        Signal cache.
    source : str, optional
        Where the data came from, for the file's header (default: the dataset's own source).

    Returns
    -------
    str
        The YAML text; ``Guidelines.load`` reads it back.
    """
    dataset = as_dataset(dataset)
    text = render(observe(dataset, topics=topics, cache_dir=cache_dir), source or (dataset.source or ""))
    Guidelines.from_dict(yaml.safe_load(text))  # never hand out a file that does not load
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
    return text
