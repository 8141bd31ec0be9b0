"""The Agreement and Export tabs of the dashboard (mixins of :class:`workbench.ui.dashboard.Dashboard`).

They use the dashboard's ``project``, ``guard``, ``say``, ``_figure`` and ``filter_review``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import ipywidgets as W
import pandas as pd

from workbench.ui.blind import sees_all
from workbench.ui.render import esc

FORMATS = ("openai", "sharegpt", "alpaca", "dpo", "kto")
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
        if not sees_all(self.project, getattr(self, "reviewer", None)):
            gold = gold.iloc[0:0]  # gold items are unmarked to reviewers: answers and accuracy for adjudicators
        if work["annotator"].nunique() < 2:
            return [W.HTML("<div class='wb-info'>No agreement yet: it needs records annotated by at least "
                           "two reviewers.</div>")]
        fields = [f for f in pd.unique(work["field"]) if f not in ("edit", "tags")]
        choose = W.Dropdown(options=fields, value="overall" if "overall" in fields else fields[0],
                            description="Field:")
        body = W.VBox()
        show = self.guard(lambda *_: setattr(body, "children", self._agreement_field(work, gold, choose.value)),
                          "agreement")
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

    def _agreement_field(self, work: pd.DataFrame, gold: pd.DataFrame, field: str) -> list:
        from workbench import plots
        from workbench.agreement import adjudication_queue, calibration_report, cohen_kappa_matrix, gold_accuracy

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
        if not sees_all(self.project, getattr(self, "reviewer", None)):
            queue = queue[[c for c in ("record_id", "disagreement", "n_ratings") if c in queue.columns]]
        disputed = W.Button(description="Review disputed", tooltip="open the Review tab on the disputed records",
                            layout=W.Layout(width="auto"))
        disputed.on_click(self.guard(lambda _: self.filter_review(status="disputed"), "disputed filter"))
        out += [W.HTML(f"<h4>Adjudication queue ({len(queue)} records)</h4>" + html_table(queue, 20)), disputed]
        return out


class ExportTab:
    def _export(self) -> list:
        self.export_format = W.Dropdown(options=FORMATS, value="openai", description="Format:")
        self.export_splits = W.Text(value="0.8,0.1,0.1", description="Splits:")
        self.export_seed = W.IntText(value=0, description="Seed:")
        self.export_include = W.Dropdown(options=("unrejected", "accepted", "all"), description="Include:")
        self.export_button = W.Button(description="Write files", button_style="primary")
        self.export_result = W.HTML()
        self.export_button.on_click(self.guard(lambda _: self.run_export(), "export"))
        return [W.HTML("<div>Cleaned, leak-free splits with a manifest, dataset card and quality report.</div>"),
                self.export_format, self.export_splits, self.export_seed, self.export_include,
                self.export_button, self.export_result]

    def run_export(self, out: str | Path | None = None) -> dict:
        """Write the export chosen in the tab into ``out`` (default: a new folder under ``exports/``)."""
        from workbench.export import export

        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        out = Path(out) if out else self.project.path / "exports" / f"{self.export_format.value}-{stamp}"
        splits = tuple(float(x) for x in self.export_splits.value.replace(" ", "").split(",") if x)
        self.export_result.value = "<div class='wb-info'>writing...</div>"
        res = export(self.project, out=out, format=self.export_format.value, splits=splits,
                     seed=int(self.export_seed.value), include=self.export_include.value)
        files = "".join(f"<li>{esc(f)}</li>" for f in res.get("files", []))
        counts = ", ".join(f"{esc(k)} {v}" for k, v in res["counts"].items())
        self.export_result.value = (f"<div class='wb-export-done'>Wrote {counts} to "
                                    f"<code>{esc(res.get('out', out))}</code></div><ul>{files}</ul>")
        self.say(f"export written to {res.get('out', out)}")
        return res
