"""Interpretation bands of agreement coefficients, their colours and a discrete colourscale.

The bands and their edges come from :mod:`workbench.model.bands` (< 0.4 low, 0.4-0.6 moderate,
0.6-0.8 good, > 0.8 excellent), as :func:`workbench.agreement.interpret` reads them; this module adds
only what a chart needs: colours and ranges.
"""
from __future__ import annotations

from typing import Any

from workbench.model.bands import EDGES, EXCELLENT, GOOD, LOW, MODERATE, UNDEFINED
from workbench.model.bands import interpret as _interpret

ORDER = (LOW, MODERATE, GOOD, EXCELLENT)
COLORS = {LOW: "#d73027", MODERATE: "#fdae61", GOOD: "#a6d96a", EXCELLENT: "#1a9850", UNDEFINED: "#d9d9d9"}
# the coefficient range each band covers on a chart (kappa and alpha can go below 0)
RANGES = {LOW: (-1.0, EDGES[0]), MODERATE: (EDGES[0], EDGES[1]), GOOD: (EDGES[1], EDGES[2]),
          EXCELLENT: (EDGES[2], 1.0)}
# interpret() puts the top edge (0.8) itself in "good"; the colourscale edge sits a hair above it to agree
_EPS = 1e-9


def band(value: Any) -> str:
    """Band label of a kappa / alpha value (``"undefined"`` for None / NaN)."""
    return _interpret(value)


def band_color(value: Any) -> str:
    """Colour of the band ``value`` falls in."""
    return COLORS[band(value)]


def colorscale(zmin: float = -1.0, zmax: float = 1.0) -> list[list]:
    """A discrete plotly colourscale over ``[zmin, zmax]`` with steps at the band edges 0.4/0.6/0.8."""
    span = zmax - zmin
    cuts = [min(max((e + (_EPS if e == EDGES[-1] else 0.0) - zmin) / span, 0.0), 1.0) for e in EDGES]
    bounds = [0.0, *cuts, 1.0]
    scale: list[list] = []
    for label, lo, hi in zip(ORDER, bounds[:-1], bounds[1:]):
        scale += [[lo, COLORS[label]], [hi, COLORS[label]]]
    return scale
