"""Bands of an agreement coefficient (kappa, alpha): the one definition the agreement package (its
reports and queues) and the plots (their colours) both read.

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

__all__ = ["BANDS", "EDGES", "EXCELLENT", "GOOD", "LOW", "MODERATE", "UNDEFINED", "interpret"]

LOW = "low (review the guidelines)"
MODERATE = "moderate"
GOOD = "good"
EXCELLENT = "excellent"
UNDEFINED = "undefined"
BANDS = (LOW, MODERATE, GOOD, EXCELLENT, UNDEFINED)
EDGES = (0.4, 0.6, 0.8)  # low | moderate | good | excellent (0.8 itself is good)


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
    if v < EDGES[0]:
        return LOW
    if v < EDGES[1]:
        return MODERATE
    if v <= EDGES[2]:
        return GOOD
    return EXCELLENT
