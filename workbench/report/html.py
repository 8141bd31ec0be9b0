"""A self-contained HTML report: the Markdown sections rendered (raw HTML escaped) with plotly figures.

plotly.js is embedded once, inline, so the file opens offline; later figures reuse it.
"""
from __future__ import annotations

import html
from typing import Any

from workbench.report import figures
from workbench.report.sections import Section

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f5f5f5}code{background:#f3f3f3;padding:0 .2em}h2{border-bottom:1px solid #eee;padding-top:.5em}
nav a{margin-right:1em}
"""


def _figures_for(key: str, q: dict[str, Any], summaries: dict[str, dict]) -> list:
    cov = summaries.get("coverage", {})
    by_key = {
        "summary": [figures.issues_figure(q.get("issues", {}))],
        "duplicates": [figures.duplicates_figure(q)],
        "lengths": [figures.lengths_figure(q.get("lengths", {}))],
        "language": [figures.counts_figure(q.get("languages", {}), "Records per language", "language")],
        "pii": [figures.counts_figure(q.get("pii", {}), "Records with PII, by type", "type")],
        "safety": [figures.counts_figure(q.get("safety", {}), "Records per safety category", "category")],
        "rules": [figures.counts_figure(q.get("rules", {}), "Records breaking each rule", "rule")],
        "coverage": [figures.category_figure(cov.get("categories", {})),
                     figures.counts_figure(q.get("task_types", {}), "Records per task type", "task type")],
    }
    return [f for f in by_key.get(key, []) if f is not None]


def _for_mistune(markdown: str) -> str:
    """The Markdown with the ``&lt;`` / ``&gt;`` entities of :mod:`workbench.model.markdown` turned into
    backslash escapes: mistune's ``escape=True`` would show entities as written (``&amp;lt;``), while
    it renders ``\\<`` as ``&lt;``. Raw HTML stays escaped either way."""
    return markdown.replace("&lt;", "\\<").replace("&gt;", "\\>")


def render_html(title: str, sections: list[Section], q: dict[str, Any], summaries: dict[str, dict],
                extra_html: dict[str, str] | None = None) -> str:
    """The whole report as one HTML document; ``extra_html`` (section key -> trusted HTML made by the
    report itself, e.g. the composition map's image) is placed after that section's figures."""
    import mistune  # a dependency of nbconvert (jupyterlab); escape=True turns raw HTML into text

    md = mistune.create_markdown(escape=True, plugins=["table"])
    body, js_done = [], False
    nav = " ".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in sections)
    for sec in sections:
        body.append(f'<section id="{html.escape(sec.key)}"><h2>{html.escape(sec.title)}</h2>')
        body.append(md(_for_mistune(sec.body)))
        for i, fig in enumerate(_figures_for(sec.key, q, summaries)):
            # fixed div ids (plotly's default is a random uuid) keep the same input's report byte-identical
            body.append(fig.to_html(full_html=False, include_plotlyjs=("inline" if not js_done else False),
                                    config={"displaylogo": False}, div_id=f"fig-{sec.key}-{i}"))
            js_done = True
        body.append((extra_html or {}).get(sec.key, ""))
        body.append("</section>")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>"
            f"<h1>{html.escape(title)}</h1><nav>{nav}</nav>\n" + "\n".join(body) + "\n</body></html>\n")
