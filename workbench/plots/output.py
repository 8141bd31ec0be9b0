"""Figures as HTML fragments for self-contained reports."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

_CONFIG = {"displaylogo": False, "responsive": True}


def _plotlyjs(include_js: Any) -> bool | str:
    if include_js in ("inline", True):
        return True
    if include_js in (False, None, "none"):
        return False
    if include_js in ("cdn", "require", "directory"):
        return include_js
    raise ValueError(f"include_js must be 'inline', 'cdn' or False, not {include_js!r}")


def figure_to_html(fig: go.Figure, include_js: str | bool = "inline", div_id: str | None = None) -> str:
    """An HTML ``<div>`` fragment of ``fig``.

    Parameters
    ----------
    fig : Figure
    include_js : {"inline", "cdn", False}
        ``"inline"`` embeds plotly.js (about 4 MB) so the page opens offline; ``False`` leaves it out
        (the page already loaded it: see :func:`figures_to_html`); ``"cdn"`` links to it.
    div_id : str, optional
        Id of the figure's ``<div>`` (plotly generates one otherwise).

    Returns
    -------
    str
    """
    return fig.to_html(full_html=False, include_plotlyjs=_plotlyjs(include_js), div_id=div_id,
                       config=_CONFIG)


def figures_to_html(figs: Iterable[go.Figure], include_js: str | bool = "inline") -> str:
    """Several figures as one fragment, plotly.js included (at most) once, before the first one."""
    parts = [figure_to_html(f, include_js if i == 0 else False) for i, f in enumerate(figs)]
    return "\n".join(parts)
