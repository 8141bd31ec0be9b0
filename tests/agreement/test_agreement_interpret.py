import math

import numpy as np
import pytest

from workbench.agreement import BANDS, interpret


@pytest.mark.parametrize(
    "value, band",
    [
        (-0.2, "low (review the guidelines)"),
        (0.0, "low (review the guidelines)"),
        (0.399, "low (review the guidelines)"),
        (0.4, "moderate"),
        (0.599, "moderate"),
        (0.6, "good"),
        (0.8, "good"),
        (0.8001, "excellent"),
        (1.0, "excellent"),
        (np.float64(0.7), "good"),
        (float("nan"), "undefined"),
        (None, "undefined"),
        ("n/a", "undefined"),
    ],
)
def test_bands(value, band):
    assert interpret(value) == band
    assert band in BANDS


def test_nan_variants():
    assert interpret(np.nan) == interpret(math.nan) == "undefined"
