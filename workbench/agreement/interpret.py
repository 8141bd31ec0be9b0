"""Reading an agreement coefficient: the band shown next to every figure.

The bands are defined once in :mod:`workbench.model.bands` (the plots colour by the same edges):
``< 0.4`` low (review the guidelines), ``0.4-0.6`` moderate, ``0.6-0.8`` good, ``> 0.8`` excellent,
NaN / None undefined.
"""

from __future__ import annotations

from workbench.model.bands import BANDS, interpret

__all__ = ["interpret", "BANDS"]
