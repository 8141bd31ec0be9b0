"""A plotly figure drawn by a small anywidget that loads plotly.js itself, when a figure is first shown.

In the served app every page used to load the jupyterlab-plotly extension, whose 4.8 MB chunk Voila
fetches and compiles with the page before any widget appears, whether or not a figure is ever drawn:
measured with ``benchmarks/bench_pages.py``'s page trace (1k records), the Overview painted in 1.72 s with
the extension and in 1.14-1.39 s without it. ``workbench serve`` now leaves that extension out of its
pages, and each figure of the served dashboard is a :class:`PlotlyView`: the figure's JSON in a trait,
and about 1 KB of JavaScript that adds the ``plotly.min.js`` shipped inside the ``plotly`` package (served
by Voila from beside the notebook, see :func:`workbench.app.plotly_asset`) to the page the first time a
figure is drawn, then draws with ``Plotly.react``. The figure's element is a plotly graph div like the
extension's, so :class:`workbench.ui.plot_events.PlotEvents` links its clicks and selections unchanged.
Notebooks keep plotly's own renderer.
"""
from __future__ import annotations

import os
from typing import Any

import anywidget
import traitlets as t

ASSET = "wb-static/plotly.min.js"  # beside the served notebook; Voila serves it under voila/files/

ESM = r"""
function loadPlotly(src) {
  if (window.Plotly && window.Plotly.react) return Promise.resolve(window.Plotly);
  if (!window.__wbPlotly) {
    window.__wbPlotly = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = () => (window.Plotly && window.Plotly.react) ? resolve(window.Plotly)
        : reject(new Error('plotly.js loaded but did not define Plotly'));
      script.onerror = () => { window.__wbPlotly = null; reject(new Error('plotly.js could not be fetched')); };
      document.head.appendChild(script);
    });
  }
  return window.__wbPlotly;
}
function render({ model, el }) {
  const div = document.createElement('div');
  div.className = 'wb-plotly-view';
  el.appendChild(div);
  let alive = true;
  const draw = () => {
    const fig = model.get('figure') || {};
    loadPlotly(model.get('src')).then(Plotly => {
      if (!alive) return;
      Plotly.react(div, fig.data || [], fig.layout || {},
                   Object.assign({ displaylogo: false, responsive: true }, fig.config || {}));
    }).catch(err => { div.textContent = 'The figure could not be drawn: ' + err.message; });
  };
  model.on('change:figure', draw);
  draw();
  return () => { alive = false; model.off('change:figure', draw); if (window.Plotly) window.Plotly.purge(div); };
}
export default { render };
"""


def asset_url(env: dict[str, str] | None = None) -> str:
    """Where the page fetches plotly.js: Voila's files route under the server's base URL."""
    env = dict(os.environ) if env is None else env
    base = env.get("VOILA_BASE_URL", "/") or "/"
    return base.rstrip("/") + "/voila/files/" + ASSET


class PlotlyView(anywidget.AnyWidget):
    """One plotly figure (its ``to_json()`` as a dict in ``figure``), drawn in the browser by plotly.js."""

    _esm = ESM
    figure = t.Dict().tag(sync=True)
    src = t.Unicode().tag(sync=True)

    def __init__(self, figure: dict[str, Any] | None = None, **kwargs: Any):
        super().__init__(figure=figure or {}, src=kwargs.pop("src", None) or asset_url(), **kwargs)


PLOTLY_MIME = "application/vnd.plotly.v1+json"


def show_in(out: Any, bundle: dict) -> None:
    """Show a plotly display bundle in the ``Output`` widget ``out`` as a :class:`PlotlyView` (the one
    already there is given the new figure); any other bundle is shown as it is."""
    figure = bundle.get("data", {}).get(PLOTLY_MIME)
    if figure is None:
        out.outputs = (bundle,)
        return
    view = getattr(out, "_wb_plotly_view", None)
    if isinstance(view, PlotlyView):
        view.figure = figure
    else:
        view = PlotlyView(figure)
        out._wb_plotly_view = view
    out.outputs = ({"output_type": "display_data", "metadata": {},
                    "data": {"application/vnd.jupyter.widget-view+json":
                             {"model_id": view.model_id, "version_major": 2, "version_minor": 0},
                             "text/plain": bundle.get("data", {}).get("text/plain", "<figure>")}},)
