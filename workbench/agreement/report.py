"""Agreement summary (JSON-serialisable dict) and the written report (JSON + markdown)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.model.markdown import md_inline

from .adjudication import adjudication_queue
from .alpha import krippendorff_alpha
from .annotators import gold_accuracy, leniency, majority_disagreement
from .bootstrap import alpha_ci, bootstrap_ci
from .interpret import interpret
from .kappa import cohen_kappa_matrix, fleiss_kappa, percent_agreement
from .kinds import canonical_matrix, field_agreement, infer_kind, normalize_kind, tag_matrices
from .tables import encode, select_field, value_counts

__all__ = ["agreement_summary", "write_agreement_report", "to_jsonable"]

_ALPHA_LEVELS = {"alpha_ordinal": "ordinal", "alpha_interval": "interval", "alpha_nominal": "nominal"}


def to_jsonable(obj: Any) -> Any:
    """Recursively convert to JSON types: NaN/inf -> None, numpy -> Python, DataFrame -> records."""
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset, np.ndarray, pd.Series, pd.Index)):
        return [to_jsonable(v) for v in list(obj)]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return None if not math.isfinite(float(obj)) else float(obj)
    if obj is None or isinstance(obj, str):
        return obj
    if obj is pd.NA or obj is pd.NaT:
        return None
    return str(obj)


def _entry(estimate: float, low: float = float("nan"), high: float = float("nan")) -> dict[str, Any]:
    return {"value": estimate, "low": low, "high": high, "band": interpret(estimate)}


def _fleiss_fn(method: str):
    def fn(m: Any) -> float:
        codes, domain = encode(m)
        return fleiss_kappa(value_counts(codes, max(len(domain), 1)), counts=True, method=method)

    return fn


def _scalar_cis(matrix: pd.DataFrame, fa: dict, kind: str, weights: str | None, boot: dict) -> dict:
    out = {}
    arr = matrix.to_numpy(dtype=float if kind == "rating" else object)
    for key, level in _ALPHA_LEVELS.items():
        if key in fa:
            out[key] = _entry(*alpha_ci(arr, level, **boot))
    w = weights if kind == "rating" else None
    fns = {
        "percent_agreement": percent_agreement,
        "mean_pairwise_kappa": lambda m: cohen_kappa_matrix(m, weights=w).mean(),
        "fleiss_kappa": _fleiss_fn("fleiss"),
        "randolph_kappa": _fleiss_fn("randolph"),
    }
    for key, fn in fns.items():
        if key in fa:
            out[key] = _entry(*bootstrap_ci(fn, arr, **boot))
    if "tie_rate" in fa:
        out["tie_rate"] = {"value": fa["tie_rate"], "low": None, "high": None, "band": None}
    return out


def _index_ci(n: int, fn, boot: dict) -> dict[str, Any]:
    """Bootstrap a statistic of item indices (resampling items)."""
    return _entry(*bootstrap_ci(lambda ix: fn(ix[0]), np.arange(n)[None, :], **boot))


def _nanmean(v: np.ndarray) -> float:
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else float("nan")


def _field_summary(long, field, kind, order, gold, weights, min_shared, top, boot) -> dict[str, Any]:
    fa = field_agreement(long, field, kind, order=order, weights=weights, min_shared=min_shared)
    kind = fa["kind"]
    res: dict[str, Any] = {k: fa[k] for k in ("kind", "n_items", "n_annotators", "n_items_multi")}
    if kind in ("ranking", "text"):
        per = fa["per_item"]
        per = per[per["n_annotators"] >= 2] if len(per) else per
        cols = {"kendall_w": "kendall_w", "pairwise_preference_agreement": "pairwise_agreement",
                "mean_similarity": "similarity"}
        res["metrics"] = {}
        for key, col in cols.items():
            if key in fa:
                vals = per[col].to_numpy(dtype=float) if len(per) else np.array([])
                res["metrics"][key] = _index_ci(len(vals), lambda ix, v=vals: _nanmean(v[ix]), boot)
    else:
        matrix = canonical_matrix(long, field, kind, order=order)
        if kind == "tags":
            tags = tag_matrices(matrix)
            stack = [t.to_numpy() for t in tags.values()]

            def macro(ix: np.ndarray) -> float:
                return _nanmean(np.array([krippendorff_alpha(b[:, ix], "nominal") for b in stack]))

            exact = bootstrap_ci(percent_agreement, matrix.to_numpy(object), **boot)
            res["metrics"] = {"alpha_nominal_macro": _index_ci(matrix.shape[1], macro, boot),
                              "exact_set_agreement": _entry(*exact)}
            per_tag = fa["per_tag"].to_dict("records")
            res["per_tag"] = [dict(r, band=interpret(r["alpha_nominal"])) for r in per_tag]
        else:
            res["metrics"] = _scalar_cis(matrix, fa, kind, weights, boot)
            km = fa["kappa_matrix"]
            pairs = km.pairs()
            res["kappa_matrix"] = {
                "weights": km.weights, "annotators": list(km.kappa.index),
                "kappa": km.kappa.to_numpy(dtype=float), "n_shared": km.n_shared.to_numpy(),
                "mean": km.mean(), "band": interpret(km.mean()),
                "pairs": [dict(r, band=interpret(r["kappa"])) for r in pairs.to_dict("records")],
            }
            res["majority_disagreement"] = majority_disagreement(long, field, kind, order=order)
            if kind == "rating":
                res["leniency"] = leniency(long, field, order=order)
    res["adjudication_queue"] = adjudication_queue(long, field, kind=kind, order=order).head(top)
    if gold is not None:
        g = gold if field is None or "field" not in gold.columns else gold[gold["field"] == field]
        res["gold_accuracy"] = gold_accuracy(long, g, field=field, kinds={field: kind}, order=order)
    return res


def agreement_summary(
    long: pd.DataFrame,
    fields: Sequence[str] | None = None,
    kinds: Mapping[str, str] | None = None,
    gold: pd.DataFrame | None = None,
    seed: int = 0,
    n_boot: int = 1000,
    ci: float = 0.95,
    orders: Mapping[str, Sequence[Any]] | None = None,
    weights: str | None = "quadratic",
    min_shared: int = 2,
    top: int = 20,
) -> dict[str, Any]:
    """Every agreement metric per field, with bootstrap interval and interpretation band.

    Parameters
    ----------
    long : DataFrame
        Long annotation table.
    fields : sequence of str, optional
        Fields to cover (default: all).
    kinds : mapping, optional
        Field -> annotation kind; inferred from the values otherwise (numbers -> rating, lists ->
        tags, ``{"choice"}`` -> preference, ``{"ranking"}`` -> ranking, long strings -> text,
        anything else -> category).
    gold : DataFrame, optional
        Gold answers ``record_id, field, value`` for per-annotator gold accuracy.
    seed, n_boot, ci
        Bootstrap settings (items are resampled).
    orders : mapping, optional
        Field -> declared order of ordinal labels.
    weights : {None, "linear", "quadratic"}
        Kappa weighting for ratings.
    min_shared : int
        Minimum shared items for a pairwise kappa.
    top : int
        Length of the adjudication queue kept per field.

    Returns
    -------
    dict
        ``{"n_records", "n_annotators", "bootstrap": {...}, "fields": {field: {"kind", "n_items",
        "n_annotators", "n_items_multi", "metrics": {name: {"value", "low", "high", "band"}},
        "kappa_matrix", "majority_disagreement", "leniency", "adjudication_queue", "gold_accuracy",
        "per_tag"}}}`` (keys present when they apply).  JSON-serialisable: NaN becomes None.  A
        table without a ``field`` column is reported under the field name ``"value"``.
    """
    if "field" in long.columns:
        all_fields = list(pd.unique(long["field"]))
        fields = list(fields) if fields is not None else all_fields
    else:
        fields = [None]  # type: ignore[list-item]  # one unnamed field
    boot = {"n_boot": n_boot, "seed": seed, "ci": ci}
    out: dict[str, Any] = {
        "n_records": int(long["record_id"].nunique()), "n_annotators": int(long["annotator"].nunique()),
        "bootstrap": {**boot, "resampled": "items", "interval": "percentile"}, "fields": {},
    }
    for f in fields:
        kind = (kinds or {}).get(f) if f is not None else None
        if kind is None:
            kind = infer_kind(select_field(long, f)["value"].tolist())
        summary = _field_summary(long, f, normalize_kind(kind), (orders or {}).get(f), gold, weights,
                                 min_shared, top, boot)
        out["fields"][f if f is not None else "value"] = summary
    return to_jsonable(out)


def _fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return md_inline(str(v)[:80])  # reviewer names, labels and tags are data: never markup


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(md_inline(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_fmt(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def _field_markdown(name: str, f: dict[str, Any], ci: float) -> list[str]:
    parts = [f"## {md_inline(name)} ({f['kind']})", "",
             f"{f['n_items']} items, {f['n_annotators']} annotators, "
             f"{f['n_items_multi']} items with 2+ annotations.", ""]
    rows = [(k, m["value"], f"[{_fmt(m['low'])}, {_fmt(m['high'])}]", m["band"])
            for k, m in f["metrics"].items()]
    parts += [_md_table(["metric", "value", f"{int(ci * 100)}% CI", "band"], rows), ""]
    if "per_tag" in f:
        keys = ("tag", "alpha_nominal", "percent_agreement", "prevalence", "n_items", "band")
        tag_rows = [[t[k] for k in keys] for t in f["per_tag"]]
        headers = ["tag", "alpha", "agreement", "prevalence", "items", "band"]
        parts += ["### Per tag", "", _md_table(headers, tag_rows), ""]
    if "kappa_matrix" in f:
        km = f["kappa_matrix"]
        names = km["annotators"]
        km_rows = [[a] + [f"{_fmt(km['kappa'][i][j])} (n={km['n_shared'][i][j]})" for j in range(len(names))]
                for i, a in enumerate(names)]
        title = (f"### Cohen's kappa matrix (weights: {km['weights'] or 'none'}; "
                 f"mean {_fmt(km['mean'])}, {km['band']})")
        parts += [title, "", _md_table([""] + names, km_rows), ""]
    sections = (("gold_accuracy", "Gold accuracy"), ("leniency", "Leniency (mean rating minus consensus)"),
                ("majority_disagreement", "Disagreement with the majority"),
                ("adjudication_queue", "Adjudication queue (most disputed first)"))
    for key, title in sections:
        if f.get(key):
            headers = list(f[key][0].keys())
            parts += [f"### {title}", "", _md_table(headers, [[r[h] for h in headers] for r in f[key]]), ""]
    return parts


def write_agreement_report(
    long: pd.DataFrame, out_dir: str | Path, fields: Sequence[str] | None = None,
    kinds: Mapping[str, str] | None = None, gold: pd.DataFrame | None = None, seed: int = 0, **kwargs: Any,
) -> dict[str, Path]:
    """Write ``agreement.json`` and ``agreement_report.md`` into ``out_dir``.

    Takes the arguments of :func:`agreement_summary` (extra ones via ``kwargs``).  The markdown has,
    per field: the metrics with their interval and band, the kappa matrix with shared-item counts,
    gold accuracy, leniency, disagreement with the majority and the top of the adjudication queue.

    Returns
    -------
    dict
        ``{"json": path, "markdown": path}``.
    """
    summary = agreement_summary(long, fields=fields, kinds=kinds, gold=gold, seed=seed, **kwargs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / "agreement.json", out / "agreement_report.md"
    json_path.write_text(json.dumps(summary, indent=2, allow_nan=False), encoding="utf-8")
    ci = summary["bootstrap"]["ci"]
    parts = ["# Inter-annotator agreement", "",
             f"{summary['n_records']} records, {summary['n_annotators']} annotators. Intervals: "
             f"{int(ci * 100)}% bootstrap percentile over items ({summary['bootstrap']['n_boot']} resamples, "
             f"seed {summary['bootstrap']['seed']}). Bands: <0.4 low (review the guidelines), "
             "0.4-0.6 moderate, 0.6-0.8 good, >0.8 excellent.", ""]
    for name, f in summary["fields"].items():
        parts += _field_markdown(name, f, ci)
    md_path.write_text("\n".join(parts), encoding="utf-8")
    return {"json": json_path, "markdown": md_path}
