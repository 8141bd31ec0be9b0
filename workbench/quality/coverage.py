"""Coverage: category distribution against the guidelines' target mix, task types and languages."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.turns import shared_strings
from workbench.quality.base import Signal, SignalContext, SignalResult

NO_CATEGORY = "(none)"


def distribution(values: np.ndarray) -> dict[str, dict]:
    counts = pd.Series(values).value_counts()
    total = max(int(counts.sum()), 1)
    return {str(k): {"count": int(v), "share": round(int(v) / total, 4)} for k, v in counts.items()}


class CoverageSignal(Signal):
    """Category shares against the target mix, task types and languages.

    Columns: ``category_share``, ``category_target`` (task types come from the ``task_type`` signal).
    Issue: the record's category is over-represented (share above target x (1 + tolerance)) or not a category of the guidelines.
    Score: target / share for over-represented categories, 0.5 for unknown ones, else 1.
    """

    name = "coverage"
    requires = ("language", "task_type")
    uses_guidelines = True
    batchable = True  # nothing per record: everything is a share of the whole data set

    @dataclass(frozen=True)
    class Config:
        tolerance: float = 0.5

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        return pd.DataFrame(index=pd.RangeIndex(table.num_rows))

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        gl = ctx.guidelines
        n = keys.num_rows
        names = shared_strings(keys.column("category"))
        cats = np.where(names == "", NO_CATEGORY, names).astype(object)
        dist = distribution(cats)
        target = dict(gl.target_mix)
        share = pd.Series(cats).map({k: v["share"] for k, v in dist.items()}).to_numpy(dtype=float)
        tgt = pd.Series(cats).map(target).to_numpy(dtype=float)  # NaN where no target
        over = np.nan_to_num(share) > np.nan_to_num(tgt, nan=np.inf) * (1 + self.config.tolerance)
        known = set(gl.categories) | set(target)
        unknown = np.zeros(n, dtype=bool)
        if known:  # a record without a category is not "unknown": many datasets have none at all
            unknown = ~pd.Series(cats).isin(known | {NO_CATEGORY}).to_numpy()
        score = np.where(over, np.divide(tgt, share, out=np.ones(n), where=share > 0), 1.0)
        score = np.where(unknown, np.minimum(score, 0.5), score)
        frame = pd.DataFrame({f"is_{self.name}_issue": over | unknown, f"{self.name}_score": np.clip(score, 0, 1),
                              "category_share": share, "category_target": tgt})
        categories = {}
        # data without any category cannot be measured against a target mix: say so instead of
        # reporting every target as missing beside one "(none)" bar
        unmeasured = bool(target) and set(dist) == {NO_CATEGORY}
        for name in list(dist) + [k for k in target if k not in dist]:
            row = dist.get(name, {"count": 0, "share": 0.0})
            t = target.get(name)
            status = "no target"
            if t is not None and unmeasured:
                status = "unmeasured"
            elif t is not None:
                ratio = row["share"] / t if t else np.inf
                status = ("over" if ratio > 1 + self.config.tolerance else
                          "under" if ratio < 1 / (1 + self.config.tolerance) else "ok")
            categories[name] = {**row, "target": t,
                                "deviation": None if t is None else round(row["share"] - t, 4), "status": status}
        lang = ctx.results.get("language")
        summary = {
            "categories": categories,
            "task_types": ctx.results["task_type"].summary.get("task_types", {}) if "task_type" in ctx.results else {},
            "languages": lang.summary.get("languages", {}) if lang is not None else {},
            "over_represented": [k for k, v in categories.items() if v["status"] == "over"],
            "under_represented": [k for k, v in categories.items() if v["status"] == "under"],
            "missing": [k for k, v in categories.items() if v["count"] == 0 and v["status"] != "unmeasured"],
            "unmeasured": "the data has no category column" if unmeasured else None,
            "unknown_categories": sorted({str(c) for c in cats[unknown]}),
            "tolerance": self.config.tolerance,
        }
        return self.result(frame, summary)
