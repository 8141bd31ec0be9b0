"""Reading an agreement coefficient: the band shown next to every figure.

Bands (the team's quality-control convention):

========================  =============================
value                     band
========================  =============================
``< 0.4``                 ``"low (review the guidelines)"``
``0.4 <= v < 0.6``        ``"moderate"``
``0.6 <= v <= 0.8``       ``"good"``
``> 0.8``                 ``"excellent"``
NaN / None                ``"undefined"``
========================  =============================
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["interpret", "BANDS"]

LOW = "low (review the guidelines)"
MODERATE = "moderate"
GOOD = "good"
EXCELLENT = "excellent"
UNDEFINED = "undefined"
BANDS = (LOW, MODERATE, GOOD, EXCELLENT, UNDEFINED)


def interpret(value: Any) -> str:
    """Band label of a kappa / alpha value.

    Parameters
    ----------
    value : float or None
        Agreement coefficient.

    Returns
    -------
    str
        One of :data:`BANDS`; ``"undefined"`` for None, NaN or a non-number.

    Examples
    --------
    >>> interpret(0.35), interpret(0.5), interpret(0.8), interpret(0.81), interpret(float("nan"))
    ('low (review the guidelines)', 'moderate', 'good', 'excellent', 'undefined')
    """
    try:
        v = float(value)
    except (TypeError, ValueError):
        return UNDEFINED
    if math.isnan(v):
        return UNDEFINED
    if v < 0.4:
        return LOW
    if v < 0.6:
        return MODERATE
    if v <= 0.8:
        return GOOD
    return EXCELLENT
