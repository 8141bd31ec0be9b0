"""What a signal run found, in the shape of cleanlab's Datalab: a summary per issue type (worst first),
the flagged records of one issue type, and a short printed report.

The methods of :class:`~workbench.quality.engine.SignalReport` (``issue_summary``, ``get_issues``,
``report``, the reprs) call these functions.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.model.display import call_repr, cut, html_card, html_table

SUMMARY_COLUMNS = ["issue_type", "num_issues", "share", "score"]


def issue_summary(report: Any) -> pd.DataFrame:
    """One row per signal: ``issue_type``, ``num_issues``, ``share`` of records flagged and ``score``
    (the mean ``<name>_score``, 1 = no issue), sorted worst score first (as cleanlab's
    ``Datalab.get_issue_summary``)."""
    n = len(report.frame)
    rows = []
    for name, result in report.results.items():
        flags = report.frame[result.issue_column].to_numpy(dtype=bool)
        scores = report.frame[result.score_column].to_numpy(dtype=float)
        score = float(np.nanmean(scores)) if n and not np.isnan(scores).all() else float("nan")
        rows.append((name, int(flags.sum()), flags.sum() / n if n else 0.0, score))
    out = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    return out.sort_values(["score", "issue_type"], kind="stable", na_position="last").reset_index(drop=True)


def get_issues(report: Any, name: str, flagged_only: bool = True) -> pd.DataFrame:
    """The records of one issue type: ``id``, its flag, score and other columns, worst score first.

    Raises
    ------
    KeyError
        For a signal that was not part of the run (the message lists those that were).
    """
    if name not in report.results:
        raise KeyError(f"no signal {name!r} in this report; it has: {', '.join(report.results) or 'none'}")
    result = report.results[name]
    cols = ["id", result.issue_column, result.score_column]
    cols += [c for c in result.frame.columns if c not in cols]
    frame = report.frame[cols]
    if flagged_only:
        frame = frame[frame[result.issue_column].to_numpy(dtype=bool)]
    return frame.sort_values(result.score_column, kind="stable").reset_index(drop=True)


def report_text(report: Any, num_examples: int = 3) -> str:
    """A plain-text report: records and issue types found, the summary, and the worst examples of each
    issue type with an issue (as cleanlab's ``Datalab.report``)."""
    summary = issue_summary(report)
    found = summary[summary["num_issues"] > 0]
    lines = [f"{len(report.frame):,} records, {len(report.results)} signals; "
             f"{len(found)} issue types found in {int(_any_flag(report).sum()):,} records.", ""]
    lines.append(summary.to_string(index=False, formatters={"share": "{:.1%}".format,
                                                           "score": "{:.3f}".format}))
    for name in found["issue_type"]:
        worst = get_issues(report, name).head(num_examples)
        result = report.results[name]
        lines += ["", f"--- {name}: {int(found.loc[found['issue_type'] == name, 'num_issues'].iloc[0]):,} "
                      f"records, worst {len(worst)} ---"]
        lines += [f"  {cut(rid, 40)}  score {score:.3f}" for rid, score in
                  zip(worst["id"], worst[result.score_column])]
    return "\n".join(lines)


def _any_flag(report: Any) -> np.ndarray:
    flags = [report.frame[r.issue_column].to_numpy(dtype=bool) for r in report.results.values()]
    return np.logical_or.reduce(flags) if flags else np.zeros(len(report.frame), dtype=bool)


def report_repr(report: Any) -> str:
    return call_repr("SignalReport", {"rows": len(report.frame), "signals": list(report.results),
                                      "flagged": report.issues(), "cached": list(report.cached)})


def report_html(report: Any) -> str:
    summary = issue_summary(report)
    rows = [(r.issue_type, f"{r.num_issues:,}", f"{r.share:.1%}", "" if r.score != r.score else f"{r.score:.3f}")
            for r in summary.itertuples()]
    fields = {"records": f"{len(report.frame):,}", "signals": len(report.results),
              "records with an issue": f"{int(_any_flag(report).sum()):,}",
              "read from the cache": ", ".join(report.cached) or "none"}
    return html_card("SignalReport", fields, ("issues, worst score first", html_table(SUMMARY_COLUMNS, rows)))
