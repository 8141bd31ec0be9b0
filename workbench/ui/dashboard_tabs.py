"""The Agreement tab of the dashboard, a mixin of :class:`workbench.ui.dashboard.Dashboard` (the Export tab
is in export_tab.py).

They use the dashboard's ``project``, ``guard``, ``say``, ``_figure`` and ``filter_review``.
"""
from __future__ import annotations

from typing import Any

import ipywidgets as W
import pandas as pd

from workbench.ui.blind import sees_all
from workbench.ui.render import esc

FIELD_KINDS_CATEGORICAL = ("category", "decision")


def html_table(df: pd.DataFrame, max_rows: int = 30, digits: int = 2) -> str:
    """``df`` as an escaped HTML table (at most ``max_rows`` rows)."""
    def cell(v: Any) -> str:
        if isinstance(v, float):
            return "" if v != v else f"{v:.{digits}f}"
        return esc(v)

    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in r) + "</tr>"
                   for r in df.head(max_rows).itertuples(index=False))
    more = f"<div class='wb-more'>{len(df) - max_rows} more rows</div>" if len(df) > max_rows else ""
    return f"<table class='wb-table'><tr>{head}</tr>{rows}</table>{more}"


class AgreementTab:
    def _agreement(self) -> list:
        long = self.project.annotations_long()
        work, gold = long[~long["is_gold"]], long[long["is_gold"]][["record_id", "field", "value"]]
        full = sees_all(self.project, getattr(self, "reviewer", None))  # blind review: see workbench.ui.blind
        if not full:
            gold = gold.iloc[0:0]  # gold items are unmarked to reviewers: answers and accuracy for adjudicators
        if work["annotator"].nunique() < 2:
            return [W.HTML("<div class='wb-info'>No agreement yet: it needs records annotated by at least "
                           "two reviewers.</div>")]
        fields = [f for f in pd.unique(work["field"]) if f not in ("edit", "tags")]
        choose = W.Dropdown(options=fields, value="overall" if "overall" in fields else fields[0],
                            description="Field:")
        body = W.VBox()

        def show(*_):
            body.children = self._agreement_field(work, gold, choose.value, full)

        show = self.guard(show, "agreement")
        choose.observe(show, names="value")
        show()
        return [self._alpha_view(work, fields), choose, body]

    def _alpha_view(self, work: pd.DataFrame, fields: list[str]) -> W.Widget:
        from workbench import plots
        from workbench.agreement import field_agreement

        rows = {}
        for f in fields:
            fa = field_agreement(work, f)
            rows[f] = fa.get("alpha_ordinal", fa.get("alpha_nominal", float("nan")))
        return self._figure(plots.alpha_by_field(rows))

    def _agreement_field(self, work: pd.DataFrame, gold: pd.DataFrame, field: str, full: bool) -> list:
        from workbench import plots
        from workbench.agreement import (
            adjudication_queue,
            calibration_report,
            cohen_kappa_matrix,
            gold_accuracy,
        )

        weights = None if field in FIELD_KINDS_CATEGORICAL else "quadratic"
        km = cohen_kappa_matrix(work, field, weights=weights)
        out = [self._figure(plots.kappa_heatmap(km.kappa, km.n_shared, title=f"Cohen's kappa: {field}"))]
        if len(gold):
            acc = gold_accuracy(work, gold, field=field)
            out.append(W.HTML(f"<h4>Accuracy on gold ({esc(field)})</h4>" + html_table(acc)))
        per_item = work[work["field"] == field].groupby("record_id")["annotator"].nunique()
        shared = per_item[per_item == work["annotator"].nunique()].index.tolist()
        if shared:
            cal = calibration_report(work, field, items=shared)
            out.append(W.HTML(f"<h4>Calibration: {len(shared)} records every reviewer annotated</h4>"
                              f"<div>alpha {cal.get('alpha', float('nan')):.2f} ({esc(cal.get('band', ''))}), "
                              f"agreement {cal.get('percent_agreement', float('nan')):.0%}</div>"))
        queue = adjudication_queue(work, field)
        if not full:  # who rated what stays hidden from reviewers
            queue = queue[[c for c in ("record_id", "disagreement", "n_ratings") if c in queue.columns]]
        disputed = W.Button(description="Review disputed", tooltip="open the Review tab on the disputed records",
                            layout=W.Layout(width="auto"))
        disputed.on_click(self.guard(lambda _: self.filter_review(status="disputed"), "disputed filter"))
        out += [W.HTML(f"<h4>Adjudication queue ({len(queue)} records)</h4>" + html_table(queue, 20)), disputed]
        return out
