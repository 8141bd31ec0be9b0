"""The calibration report and the adjudication queue.

Disagreements go to a senior reviewer who decides; they are not averaged away.  The queue orders
the items by how much their annotators disagree; the calibration report shows the same on the
calibration set, with each annotator's answer, as the agenda of the calibration discussion.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .annotators import _kind, _primary_alpha
from .interpret import interpret
from .kappa import cohen_kappa_matrix, percent_agreement
from .kinds import _per_record
from .tables import encode, select_field, value_counts
from .values import canonical_matrix

__all__ = ["calibration_report", "adjudication_queue"]


def calibration_report(
    long: pd.DataFrame,
    field: str | None = None,
    items: Sequence[Any] | None = None,
    kind: str | None = None,
    order: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """Agreement on the calibration set and its most disputed items.

    Returns a dict with ``n_items, n_annotators, alpha, level, band, percent_agreement,
    kappa_matrix`` (:class:`KappaMatrix`) and ``items``: every calibration item with its
    disagreement and each annotator's answer, most disputed first (the discussion agenda).
    """
    df = select_field(long, field)
    if items is not None:
        df = df[df["record_id"].isin(list(items))]
    kind = _kind(df, kind)
    table = adjudication_queue(df, None, threshold=-np.inf, kind=kind, order=order)
    out: dict[str, Any] = {
        "n_items": int(df["record_id"].nunique()),
        "n_annotators": int(df["annotator"].nunique()),
        "kind": kind,
    }
    if kind in ("ranking", "text"):
        out.update(alpha=np.nan, level=None, percent_agreement=np.nan, kappa_matrix=None)
    else:
        m = canonical_matrix(df, None, kind, order=order)
        out["alpha"], out["level"] = _primary_alpha(m, kind)
        out["percent_agreement"] = percent_agreement(m)
        out["kappa_matrix"] = cohen_kappa_matrix(m, weights="quadratic" if kind == "rating" else None)
    out["band"] = interpret(out["alpha"])
    out["items"] = table
    return out


def adjudication_queue(
    long: pd.DataFrame,
    field: str | None = None,
    threshold: float = 0.0,
    kind: str | None = None,
    order: Sequence[Any] | None = None,
    measure: str = "range",
) -> pd.DataFrame:
    """Items whose annotators disagree beyond ``threshold``, most disputed first.

    Disagreement per item (items with >= 2 annotations): labels, preferences, tags ->
    ``1 - share of the modal value``; ratings -> ``range`` (max - min, default) or ``std``
    (population standard deviation) of the ratings; rankings -> ``1 - Kendall's W``; texts ->
    ``1 - mean pairwise similarity``.

    Returns
    -------
    DataFrame
        ``record_id, disagreement, n_ratings`` and one column per annotator with their
        (canonical) answer; rows with ``disagreement > threshold``.
    """
    df = select_field(long, field)
    kind = _kind(df, kind)
    if kind in ("ranking", "text"):
        rec = _per_record(df, None, kind)
        if rec.empty:
            return pd.DataFrame(columns=["record_id", "disagreement", "n_ratings"])
        score = 1.0 - rec["kendall_w" if kind == "ranking" else "similarity"].to_numpy(dtype=float)
        dis = pd.Series(score, index=rec["record_id"].to_numpy())
        m = df.set_index(["annotator", "record_id"])["value"].unstack("annotator")
        n = rec.set_index("record_id")["n_annotators"]
    else:
        wide = canonical_matrix(df, None, kind, order=order)
        if kind == "rating":
            x = wide.to_numpy(dtype=float)
            has = ~np.isnan(x)
            n_arr = has.sum(axis=0)
            score = np.full(x.shape[1], np.nan)
            ok = n_arr >= 2
            if measure == "range":
                score[ok] = np.nanmax(x[:, ok], axis=0) - np.nanmin(x[:, ok], axis=0)
            elif measure == "std":
                score[ok] = np.nanstd(x[:, ok], axis=0)
            else:
                raise ValueError("measure must be 'range' or 'std'")
            if order is not None:
                labels = np.array(list(order), dtype=object)
                wide = pd.DataFrame(np.where(has, labels[np.nan_to_num(x).astype(int)], None),
                                    index=wide.index, columns=wide.columns)
        else:
            codes, domain = encode(wide)
            counts = value_counts(codes, max(len(domain), 1))
            n_arr = counts.sum(axis=1)
            score = np.full(len(n_arr), np.nan)
            ok = n_arr >= 2
            score[ok] = 1.0 - counts[ok].max(axis=1) / n_arr[ok]
        dis = pd.Series(score, index=wide.columns.to_numpy())
        n = pd.Series(n_arr, index=wide.columns.to_numpy())
        m = wide.T
    keep = dis[(n.reindex(dis.index) >= 2) & (dis > threshold)]
    out = pd.DataFrame({"record_id": keep.index, "disagreement": keep.to_numpy(),
                        "n_ratings": n.reindex(keep.index).to_numpy().astype(int)})
    answers = m.reindex(keep.index)
    for ann in answers.columns:
        out[ann] = answers[ann].to_numpy(dtype=object)
    out = out.sort_values(["disagreement", "record_id"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)
