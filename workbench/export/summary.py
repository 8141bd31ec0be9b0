"""Numbers the hand-over documents share: category distribution, provenance, the curation summary.

Each function returns plain JSON-ready dicts; :func:`curation_markdown` renders the before/after
section the quality report carries.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.export.select import Selection
from workbench.export.source import ExportSource
from workbench.model.markdown import md_code
from workbench.model.markdown import md_inline as md

PROVENANCE = ("human", "model", "model_edited")
_PROV = r'"provenance":\s*"(?P<p>[^"]*)"'
HEADLINE = {"rating": ("alpha_ordinal", "alpha_interval"), "tags": ("alpha_nominal_macro",)}


def _shares(counts: dict[str, int]) -> dict[str, dict[str, float]]:
    total = sum(counts.values())
    return {k: {"count": int(v), "share": round(v / total, 6) if total else 0.0}
            for k, v in sorted(counts.items())}


def split_category_distribution(per_split: dict[str, dict[str, int]],
                                target_mix: dict[str, float] | None = None) -> dict:
    """``{"overall": {cat: {count, share}}, "splits": {split: {...}}, "target_mix": ...}``."""
    overall: Counter = Counter()
    for counts in per_split.values():
        overall.update(counts)
    out: dict[str, Any] = {"overall": _shares(dict(overall)),
                           "splits": {name: _shares(c) for name, c in per_split.items()}}
    if target_mix:
        out["target_mix"] = {k: float(v) for k, v in sorted(target_mix.items())}
        out["deviation_from_target"] = {k: round(out["overall"].get(k, {"share": 0.0})["share"] - float(v), 6)
                                        for k, v in sorted(target_mix.items())}
    return out


def provenance(table: pa.Table, edited_ids: set[str] | frozenset = frozenset(),
               overrides: dict[str, str] | None = None) -> dict[str, Any] | None:
    """Counts of human-written, model-generated and model-then-edited records, and the synthetic share.

    A record whose metadata says ``"provenance": "model"`` but which reviewers edited in the project
    counts as model_edited. ``overrides`` (record id -> provenance, from the project's events: accepted
    model drafts, human answers) take precedence over the metadata. None when nothing carries one.
    """
    meta = pc.fill_null(table.column("metadata"), "")
    found = pc.extract_regex(meta, _PROV)
    prov = np.array(pc.struct_field(found, "p").to_pylist(), dtype=object)
    if overrides:
        from_events = pd.Series(table.column("id").to_pylist(), dtype=object).map(overrides).to_numpy(dtype=object)
        has = pd.notna(from_events)
        prov[has] = from_events[has]
    if all(p is None for p in prov):
        return None
    ids = np.array(table.column("id").to_pylist(), dtype=object)
    prov[(prov == "model") & np.isin(ids, list(edited_ids))] = "model_edited"
    counts = Counter("unknown" if p is None else str(p) for p in prov)
    human, synthetic, edited = counts.get("human", 0), counts.get("model", 0), counts.get("model_edited", 0)
    return {"counts": dict(sorted(counts.items())),
            "synthetic_to_human": round(synthetic / human, 4) if human else None,
            "synthetic_share": round(synthetic / len(prov), 4) if len(prov) else None,
            "machine_drafted_share": round((synthetic + edited) / len(prov), 4) if len(prov) else None}


def project_provenance(src: ExportSource) -> dict[str, str] | None:
    """Provenance the project's events establish (model drafts accepted or edited, human answers)."""
    if src.project is None:
        return None
    from workbench.assist.drafts import provenance_frame

    frame = provenance_frame(src.project)
    frame = frame[frame["origin"] == "events"]
    return dict(zip(frame["record_id"], frame["provenance"])) or None


def edited_ids(src: ExportSource) -> set[str]:
    """Ids of records with a consolidated text edit in effect."""
    c = src.consolidated
    if c is None or c.empty:
        return set()
    return set(c.loc[c["kind"] == "edit", "record_id"])


def rating_distribution(ratings: pd.Series, ids: list[str] | None = None) -> dict[str, int]:
    """How many records have each overall rating (of ``ids`` when given), keys as short numbers."""
    r = ratings if ids is None else ratings.reindex(ids)
    r = r.dropna()
    return {f"{k:g}": int(v) for k, v in sorted(Counter(r.round(1)).items())}


def agreement_headline(src: ExportSource, seed: int = 0) -> dict[str, Any]:
    """One line per annotated field: its main coefficient, mean pairwise kappa and reading band."""
    long = src.annotations
    if long is None or long.empty:
        return {}
    if "is_gold" in long.columns:
        long = long[~long["is_gold"].astype(bool)]
    long = long[long["field"] != "edit"]
    if long.empty or long.groupby("record_id")["annotator"].nunique().max() < 2:
        return {}
    try:
        from workbench.agreement import agreement_summary

        summary = agreement_summary(long, seed=seed, n_boot=200)
    except Exception as exc:  # noqa: BLE001 - a report section must not sink the export
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {"error": f"agreement could not be computed: {why}"}
    out = {}
    for name, f in summary.get("fields", {}).items():
        if not f.get("n_items_multi"):
            continue
        metrics = f.get("metrics", {})
        main = next((k for k in HEADLINE.get(f.get("kind"), ()) + ("alpha_nominal", "kendall_w",
                     "pairwise_preference_agreement", "mean_similarity") if k in metrics), None)
        entry = {"kind": f.get("kind"), "items_multi": f.get("n_items_multi"),
                 "annotators": f.get("n_annotators")}
        if main:
            entry.update(metric=main, value=metrics[main]["value"], band=metrics[main]["band"])
        if "mean_pairwise_kappa" in metrics:
            entry["mean_pairwise_kappa"] = metrics["mean_pairwise_kappa"]["value"]
        out[name] = entry
    return out


def curation_summary(src: ExportSource, sel: Selection, exported: pa.Table, seed: int = 0) -> dict[str, Any]:
    """Before/after: rows read, left out by reason, edits made, ratings, agreement, provenance."""
    ds = src.dataset
    ids = exported.column("id").to_pylist()
    eff = src.edit_effort
    edits: dict[str, Any] = {"records_edited": len(edited_ids(src))}
    if eff is not None and len(eff):
        applied = eff[eff["applied"].astype(bool)] if "applied" in eff.columns else eff
        edits.update(edit_events=int(len(applied)),
                     mean_char_change=round(float(applied["char_ratio"].mean()), 4) if len(applied) else None,
                     cosmetic_edits_on_poor_records=int(applied["cosmetic_on_poor"].sum())
                     if "cosmetic_on_poor" in applied.columns else None)
        edits["records_edited_exported"] = int(len(set(applied["record_id"]) & set(ids)))
    return {
        "source": {"kind": src.kind, "where": src.where, "format": ds.format, "rows_read": ds.rows_read,
                   "rows_valid": len(ds)},
        "exported": len(ids),
        "left_out": sel.left_out,
        "edits": edits,
        "ratings": {"before": rating_distribution(sel.ratings),
                    "after": rating_distribution(sel.ratings, ids)},
        "agreement": agreement_headline(src, seed),
        "provenance": provenance(exported, edited_ids(src), project_provenance(src)),
        "redaction": sel.redacted or None,
    }


def curation_markdown(cs: dict[str, Any]) -> str:
    """The curation summary as a markdown section body."""
    s = cs["source"]
    where = md_code(s["where"]) if s["where"] else "(in memory)"
    lines = [f"Source: {s['kind']} {where} ({s['format']}), {s['rows_read']} rows read, "
             f"{s['rows_valid']} valid; **{cs['exported']} exported**.", "",
             "| Left out because | Records |", "|---|---|"]
    lines += [f"| {md(k.replace('_', ' '))} | {v} |" for k, v in cs["left_out"].items()] or ["| (nothing) | 0 |"]
    e = cs["edits"]
    lines += ["", f"Edits: {e['records_edited']} records edited by reviewers"
              + (f", {e['edit_events']} edits in effect, mean character change {e['mean_char_change']}, "
                 f"{e['cosmetic_edits_on_poor_records']} cosmetic edits on poorly rated or rejected records"
                 if "edit_events" in e else "") + "."]
    before, after = cs["ratings"]["before"], cs["ratings"]["after"]
    if before:
        lines += ["", "| Overall rating | Reviewed | Exported |", "|---|---|---|"]
        lines += [f"| {k} | {before.get(k, 0)} | {after.get(k, 0)} |" for k in sorted(before, key=float)]
    ag = cs["agreement"]
    if ag.get("error"):
        lines += ["", md(ag["error"])]
    elif ag:
        lines += ["", "| Field | Kind | Metric | Value | Band | Mean pairwise kappa "
                  "| Items with 2+ reviewers |",
                  "|---|---|---|---|---|---|---|"]
        for name, a in ag.items():
            lines.append(f"| {md(name)} | {a['kind']} | {a.get('metric', '-')} | {_num(a.get('value'))} | "
                         f"{a.get('band') or '-'} | {_num(a.get('mean_pairwise_kappa'))} "
                         f"| {a.get('items_multi')} |")
    else:
        lines += ["", "No record was annotated by two or more reviewers, so no agreement can be reported."]
    p = cs["provenance"]
    if p:
        lines += ["", "Provenance: " + ", ".join(f"{md(k)} {v}" for k, v in p["counts"].items())
                  + f"; synthetic-to-human ratio {_num(p['synthetic_to_human'])}."]
    if cs.get("redaction"):
        r = cs["redaction"]
        lines += ["", f"PII redacted with typed placeholders in {r['records_changed']} records "
                  f"({r['texts_changed']} texts)."]
    return "\n".join(lines) + "\n"


def _num(v: Any) -> str:
    return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))
