"""``quality.json``: the stable machine-readable summary of a dataset's quality.

Keys (always present): ``rows``, ``duplicates``, ``prompt_duplicates``, ``lengths``, ``languages``,
``pii``, ``safety``, ``rules``, ``categories``, ``preference``; plus ``response_duplicates``,
``task_types``, ``multiturn``, ``issues`` and ``source``. Counts under ``pii``, ``safety`` and ``rules``
are numbers of records (a record with two e-mail addresses counts once).
"""
from __future__ import annotations

from typing import Any

from workbench.model.dataset import Dataset
from workbench.quality.base import jsonable
from workbench.quality.engine import SignalReport

_FIVE = ("mean", "median", "p5", "p95", "max")


def _dups(exact: dict, near: dict | None) -> dict[str, int]:
    near = near or {}
    return {"exact_groups": int(exact.get("groups", 0)), "exact_extra_rows": int(exact.get("extra_rows", 0)),
            "near_clusters": int(near.get("clusters", 0)), "near_extra_rows": int(near.get("extra_rows", 0))}


def _lengths(stats: dict) -> dict[str, Any]:
    out: dict[str, Any] = {"unit": "words"}
    for role, s in stats.get("roles", {}).items():
        if not s.get("records"):
            continue
        out[role] = {**{k: s["words"][k] for k in _FIVE}, "records": s["records"], "turns": s["turns"],
                     "chars": s["chars"], "tokens": s["tokens"]}
    resp = stats.get("response")
    if resp and resp.get("records"):
        out["response"] = {**{k: resp["words"][k] for k in _FIVE}, "records": resp["records"],
                           "chars": resp["chars"]}
    out["outliers"] = int(stats.get("outliers", 0))
    out["empty_turns"] = int(stats.get("empty_turns", 0))
    return out


def build_quality(dataset: Dataset, report: SignalReport) -> dict[str, Any]:
    """The ``quality.json`` document for ``dataset`` and its signal results."""
    s = report.summaries
    exact, near = s.get("exact_duplicates", {}), s.get("near_duplicates", {})
    # a near cluster holds its exact copies: keep the documented invariant even for partial reports
    dups = _dups(exact.get("record", {}), near.get("record"))
    pdups = _dups(exact.get("prompt", {}), near.get("prompt"))
    for d in (dups, pdups):
        if not near:
            d["near_clusters"], d["near_extra_rows"] = d["exact_groups"], d["exact_extra_rows"]
    pref = s.get("preference", {})
    coverage = s.get("coverage", {})
    categories = {k: v["count"] for k, v in coverage.get("categories", {}).items() if v.get("count")}
    if not coverage:
        counts = dataset.table.column("category").fill_null("(none)").value_counts().to_pylist()
        categories = {c["values"]: c["counts"] for c in counts}
    doc = {
        "rows": {"read": dataset.rows_read, "valid": len(dataset), "quarantined": len(dataset.quarantine)},
        "duplicates": dups,
        "prompt_duplicates": pdups,
        "response_duplicates": {k: v for k, v in _dups(exact.get("response", {}), None).items()
                                if k.startswith("exact")},
        "lengths": _lengths(s.get("text_stats", {})),
        "languages": s.get("language", {}).get("languages", {}),
        "pii": s.get("pii", {}).get("records", {}),
        "safety": s.get("safety", {}).get("counts", {}),
        "rules": s.get("rules", {}).get("counts", {}),
        "categories": categories,
        "task_types": {k: v["count"] for k, v in coverage.get("task_types", {}).items()},
        "preference": {"applies": bool(pref.get("applies", False)), "pairs": int(pref.get("pairs", 0)),
                       "identical_pairs": int(pref.get("identical_pairs", 0)),
                       "near_identical_pairs": int(pref.get("near_identical_pairs", 0)),
                       "chosen_longer_share": pref.get("chosen_longer_share"),
                       "prompts_in_many_pairs": int(pref.get("prompts_in_many_pairs", 0))},
        "multiturn": s.get("multiturn", {}).get("counts", {}),
        "issues": report.issues(),
        "source": {"path": dataset.source, "format": dataset.format, "kind": dataset.kind,
                   "fingerprint": report.fingerprint or dataset.fingerprint,
                   "quarantine_reasons": dataset.reasons},
    }
    return jsonable(doc)
