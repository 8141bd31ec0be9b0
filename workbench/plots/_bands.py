"""Interpretation bands of agreement coefficients, their colours and a discrete colourscale.

The band labels come from :func:`workbench.agreement.interpret` (< 0.4 low, 0.4-0.6 moderate,
0.6-0.8 good, > 0.8 excellent); this module adds only what a chart needs: colours and ranges.
"""
from __future__ import annotations

from typing import Any

from workbench.agreement.interpret import interpret as _interpret  # one source of truth for the bands

LOW = "low (review the guidelines)"
MODERATE = "moderate"
GOOD = "good"
EXCELLENT = "excellent"
UNDEFINED = "undefined"
EDGES = (0.4, 0.6, 0.8)
ORDER = (LOW, MODERATE, GOOD, EXCELLENT)
COLORS = {LOW: "#d73027", MODERATE: "#fdae61", GOOD: "#a6d96a", EXCELLENT: "#1a9850", UNDEFINED: "#d9d9d9"}
# the coefficient range each band covers on a chart (kappa and alpha can go below 0)
RANGES = {LOW: (-1.0, 0.4), MODERATE: (0.4, 0.6), GOOD: (0.6, 0.8), EXCELLENT: (0.8, 1.0)}
# interpret() puts exactly 0.8 in "good"; the colourscale edge sits a hair above it to agree
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
    cuts = [min(max((e + (_EPS if e == 0.8 else 0.0) - zmin) / span, 0.0), 1.0) for e in EDGES]
    bounds = [0.0, *cuts, 1.0]
    scale: list[list] = []
    for label, lo, hi in zip(ORDER, bounds[:-1], bounds[1:]):
        scale += [[lo, COLORS[label]], [hi, COLORS[label]]]
    return scale
