"""Clicks and selections on a static plotly figure, sent to Python by a small anywidget.

The Overview's linked charts used to be a plotly ``FigureWidget``: it carries plotly.js (a 5 MB ES module)
in its own state, which every page received over the kernel's websocket and compiled before ANY widget
of the page was shown (5-6 s of a 8 s warm page load at 1k records, measured by
``benchmarks/bench_pages.py``), and importing it cost the kernel 1-8 s more (``plotly.basewidget`` ->
``plotly.io._renderers`` -> nbformat -> jsonschema, which compiles 39 grammars with lark). The figure is
now a static plotly output, drawn by the page's plotly extension (loaded with the page, once), and
:class:`PlotEvents` — inline JavaScript of about 2 KB, nothing loaded — finds that figure's graph
element in the page (the ``Output`` carrying its ``target`` class), listens to plotly's own
``plotly_click`` / ``plotly_selected`` events on it (again after the output is redrawn), and sends each
event's trace and point indices (and a selection's box or lasso) to Python.
"""
from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets as t

ESM = r"""
function axisPair(obj) {
  // plotly keys a selection's range / lasso by axis id (x, y, x2, y2, ...): the first x and y
  if (!obj) return null;
  const xk = Object.keys(obj).find(k => /^x\d*$/.test(k)), yk = Object.keys(obj).find(k => /^y\d*$/.test(k));
  return xk && yk ? [Array.from(obj[xk]), Array.from(obj[yk])] : null;
}
function points(ev) {
  return (ev && ev.points || []).map(p => [p.curveNumber, p.pointIndex !== undefined ? p.pointIndex : p.pointNumber])
    .filter(p => Number.isInteger(p[0]) && Number.isInteger(p[1]));
}
function render({ model, el }) {
  el.style.display = 'none';
  let observer = null, timer = null;
  const hook = () => {
    for (const gd of document.querySelectorAll('.' + model.get('target') + ' .js-plotly-plot')) {
      if (gd.wbLinked || typeof gd.on !== 'function') continue;
      gd.wbLinked = true;
      gd.on('plotly_click', ev => {
        const pts = points(ev);
        if (pts.length) model.send({ event: 'click', points: pts.slice(0, 1) });
      });
      gd.on('plotly_selected', ev => {
        if (!ev) return;  // a double click clears the selection: nothing to filter
        const range = axisPair(ev.range), lasso = axisPair(ev.lassoPoints);
        model.send({ event: 'select', points: points(ev).slice(0, 50000), box: range, lasso: lasso });
      });
    }
  };
  // the figure is drawn by the plotly extension at its own pace, and drawn anew when the output changes
  observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(hook, 50); });
  observer.observe(document.body, { childList: true, subtree: true });
  hook();
  return () => { observer.disconnect(); clearTimeout(timer); };
}
export default { render };
"""

_ids = itertools.count()


class PlotEvents(anywidget.AnyWidget):
    """Sends ``{"event": "click"|"select", "points": [[trace, point], ...], "box"|"lasso": [xs, ys]}``
    from the plotly figure inside the element of class ``target`` to ``on_event`` (a callable)."""

    _esm = t.Unicode(ESM).tag(sync=True)
    target = t.Unicode().tag(sync=True)

    def __init__(self, on_event: Callable[[dict], Any], **kwargs: Any):
        super().__init__(target=kwargs.pop("target", f"wb-plot-{next(_ids)}-{id(self):x}"), **kwargs)
        self.layout.display = "none"
        self._on_event = on_event
        self.on_msg(self._receive)

    def _receive(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") in ("click", "select"):
            self._on_event(content)
