"""A region of the map as a review-queue filter: a box or a lasso polygon in map coordinates.

A selection on the map's drawn (possibly sampled) markers is kept as its geometry, not as the list of
records it touched: the filter then reaches ALL records inside it (``plots.map.records_in_region`` /
``records_in_polygon`` read the full ``map_x`` / ``map_y`` columns), and it stays small when it is
saved with the session's filters, whatever the dataset's size.

    {"box": [x0, x1, y0, y1]}
    {"lasso": {"x": [x0, x1, ...], "y": [y0, y1, ...]}}
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

MAX_VERTICES = 2_000  # a lasso drawn by hand has tens to hundreds of vertices


def _numbers(values: Any, what: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        raise ValueError(f"map region: {what} must be numbers") from None
    if not all(math.isfinite(v) for v in out):
        raise ValueError(f"map region: {what} must be finite numbers")
    return out


def check_region(region: Any) -> dict[str, Any]:
    """``region`` validated and normalised to plain floats (ValueError, one line, when it is not a region)."""
    if not isinstance(region, dict) or len(region) != 1 or not {"box", "lasso"} & set(region):
        raise ValueError('map region must be {"box": [x0, x1, y0, y1]} or {"lasso": {"x": [...], "y": [...]}}')
    if "box" in region:
        box = _numbers(region["box"], "box bounds")
        if len(box) != 4:
            raise ValueError("map region: a box needs four bounds [x0, x1, y0, y1]")
        return {"box": box}
    lasso = region["lasso"]
    if not isinstance(lasso, dict):
        raise ValueError('map region: a lasso needs {"x": [...], "y": [...]}')
    xs, ys = _numbers(lasso.get("x", ()), "lasso x"), _numbers(lasso.get("y", ()), "lasso y")
    if len(xs) != len(ys) or not 3 <= len(xs) <= MAX_VERTICES:
        raise ValueError(f"map region: a lasso needs 3 to {MAX_VERTICES} vertices with as many x as y")
    return {"lasso": {"x": xs, "y": ys}}


def region_positions(frame: pd.DataFrame, region: Any) -> np.ndarray:
    """Row positions of ``frame`` (its ``map_x`` / ``map_y``) inside ``region``."""
    from workbench.plots.map import records_in_polygon, records_in_region  # plotly: imported when used

    r = check_region(region)
    if "map_x" not in frame.columns or "map_y" not in frame.columns:
        raise ValueError("no map coordinates to filter on: compute the 'topics' signal")
    if "box" in r:
        return records_in_region(frame, *r["box"])
    return records_in_polygon(frame, r["lasso"]["x"], r["lasso"]["y"])


def region_mask(frame: pd.DataFrame, region: Any) -> np.ndarray:
    """Boolean mask over the rows of ``frame`` for the records inside ``region``."""
    mask = np.zeros(len(frame), dtype=bool)
    mask[region_positions(frame, region)] = True
    return mask


def describe_region(region: Any) -> str:
    """A short human description ("a box on the map", "a lasso of 12 points on the map")."""
    r = check_region(region)
    return "a box on the map" if "box" in r else f"a lasso of {len(r['lasso']['x'])} points on the map"
