"""Clicks and selections on a static plotly figure, sent to Python by a small anywidget.

The Overview's linked charts used to be a plotly ``FigureWidget``: it carries plotly.js (a 5 MB ES module)
in its own state, which every page received over the kernel's websocket and compiled before ANY widget
of the page was shown (5-6 s of a 8 s warm page load at 1k records, measured by
``benchmarks/bench_pages.py``), and importing it cost the kernel 1-8 s more (``plotly.basewidget`` ->
``plotly.io._renderers`` -> nbformat -> jsonschema, which compiles 39 grammars with lark). The figure is
now a static figure (a plotly output in notebooks; in the served app a
:class:`~workbench.ui.plotly_view.PlotlyView`, which fetches plotly.js itself), and
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
  // the figure is drawn (by plotly's renderer or a PlotlyView) at its own pace, and anew when the output changes
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


SHOWN_ESM = r"""
function render({ model, el }) {
  // one pixel high, so that the browser can tell when it is on screen (not in a hidden tab)
  el.style.height = '1px';
  // Sent once the element has stayed on screen for `delay` ms: a reviewer who goes straight on to the
  // Review tab never makes the page load plotly; someone who stays sees the figures a moment after the text.
  let timer = null;
  const io = new IntersectionObserver(entries => {
    const visible = entries[entries.length - 1].isIntersecting;
    clearTimeout(timer);
    if (!visible) return;
    timer = setTimeout(() => { io.disconnect(); model.send({ event: 'shown' }); }, model.get('delay'));
  }, { rootMargin: '400px' });
  io.observe(el);
  return () => { io.disconnect(); clearTimeout(timer); };
}
export default { render };
"""


SHOWN_DELAY_MS = 500  # on screen this long before the figures are drawn (a tab switched away from sooner: never)


class DeferredFigures(anywidget.AnyWidget):
    """Figures drawn when their part of the page is first on screen, not with the page.

    A plotly output made the page load the plotly extension's 4.8 MB chunk and draw before the browser
    showed ANY widget of the page: measured with ``benchmarks/bench_pages.py``'s tabs (1k records, load
    average 4-7), the second tab's Overview painted in 5.1-5.2 s with its figures and in 2.3-3.3 s without
    them (the served pages now carry no plotly extension at all: the dashboard's ``show`` draws each figure
    as a :class:`~workbench.ui.plotly_view.PlotlyView`, which fetches plotly.js when it first draws). So in the
    served app the Overview is painted first, and its figures are put into their outputs
    when this widget (a 1 px element above them) has been on screen for :data:`SHOWN_DELAY_MS`: half a
    second after the Overview's first paint when one stays on it; never for a reviewer who opens the
    Review tab at once (the plotly chunk would hold that tab's first keys back). ``put`` draws at once
    where nothing is deferred (a notebook, a test) and after the first ``shown`` message.
    """

    _esm = t.Unicode(SHOWN_ESM).tag(sync=True)
    delay = t.Int(SHOWN_DELAY_MS).tag(sync=True)

    def __init__(self, defer: bool = True, show: Callable[[Any, dict], Any] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.deferred = defer
        # how a bundle reaches its output (the served dashboard: a PlotlyView; default: the output itself)
        self._show = show or (lambda out, bundle: setattr(out, "outputs", (bundle,)))
        self._pending: list[tuple[Any, dict]] = []
        self.on_msg(self._receive)

    def put(self, out: Any, bundle: dict) -> None:
        """Show ``bundle`` (one display_data output) in the ``Output`` widget ``out``, now or once shown."""
        if self.deferred:
            self._pending = [(o, b) for o, b in self._pending if o is not out] + [(out, bundle)]
        else:
            self._show(out, bundle)

    def draw(self) -> int:
        """Draw everything pending (the browser's ``shown``; tests call it); how many outputs were drawn."""
        pending, self._pending, self.deferred = self._pending, [], False
        for out, bundle in pending:
            self._show(out, bundle)
        return len(pending)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _receive(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "shown":
            self.draw()
