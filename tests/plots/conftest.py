"""Fixtures for the plot tests: small, hand-checkable signal frames and summaries."""
from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def signal_frame() -> pd.DataFrame:
    """Twelve records with the text-statistics, duplicate, language and PII signals' columns."""
    return pd.DataFrame({
        "id": [f"r{i}" for i in range(12)],
        "category": ["billing"] * 5 + ["code"] * 4 + ["qa"] * 3,
        "prompt_words": [10, 12, 8, 15, 9, 30, 25, 40, 35, 5, 6, 7],
        "response_words": [120, 150, 90, 400, 200, 250, 260, 280, 900, 50, 110, 130],
        "response_chars": [700, 800, 500, 2400, 1100, 1500, 1600, 1700, 5000, 300, 600, 700],
        "user_chars": [50, 60, 40, 80, 45, 150, 130, 200, 180, 25, 30, 35],
        "is_length_outlier": [i in (3, 8) for i in range(12)],
        "is_text_stats_issue": [i in (3, 8) for i in range(12)],
        "is_pii_issue": [i in (0, 11) for i in range(12)],
        "record_dup_group": ["r0", "r0", None, None, None, "r5", "r5", "r5", None, None, None, None],
        "near_dup_cluster": ["r0", "r0", "r0", None, None, "r5", "r5", "r5", None, "r9", "r9", None],
        "near_dup_jaccard": [0.95, 0.95, 0.85, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.82, 0.82, 0.0],
        "language": ["en"] * 8 + ["de", "de", None, "fr"],
        "pii_types": ["email,phone", "", "", "", "", "", "", "", "", "", "", "email"],
    })


@pytest.fixture
def kappa_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 3-annotator kappa matrix (one low, one good pair; one undefined) and its shared counts."""
    names = ["ann", "bob", "cy"]
    kappa = pd.DataFrame([[1.0, 0.75, 0.3], [0.75, 1.0, np.nan], [0.3, np.nan, 1.0]],
                         index=names, columns=names)
    n = pd.DataFrame([[40, 12, 9], [12, 30, 0], [9, 0, 25]], index=names, columns=names)
    return kappa, n


def _colour_at(colorscale, z: float, zmin: float, zmax: float) -> str:
    """The colour a stepwise plotly colourscale gives ``z`` (the upper stop wins at a step)."""
    p = (z - zmin) / (zmax - zmin)
    stops = [(float(pos), col) for pos, col in colorscale]
    for (p0, c0), (p1, _c1) in pairwise(stops):
        if p0 <= p < p1:
            return c0
    return stops[-1][1]


@pytest.fixture
def colour_at():
    """``colour_at(colorscale, z, zmin, zmax)``: the colour a stepwise colourscale gives ``z``."""
    return _colour_at
