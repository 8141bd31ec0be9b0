"""Shared fixtures and data for the agreement tests."""

import numpy as np
import pandas as pd

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x 12 units.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]

# Fleiss (1971) as in the Wikipedia article: 10 items x 5 categories, 14 raters each; kappa = 0.210.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def random_matrix(rng, n_ann, n_items, n_cat, missing=0.3, scale=1.0, offset=0.0):
    """Annotators x items float matrix with NaN missing, correlated with a latent truth."""
    truth = rng.integers(0, n_cat, size=n_items)
    noise = rng.integers(0, n_cat, size=(n_ann, n_items))
    m = np.where(rng.random((n_ann, n_items)) < 0.6, truth[None, :], noise).astype(float)
    m = m * scale + offset
    m[rng.random(m.shape) < missing] = np.nan
    return m


SHAPES = [(2, 15, 2), (3, 40, 3), (5, 120, 5), (8, 60, 4), (12, 300, 7)]


def long_from_matrix(matrix, field="label", annotators=None):
    """Long table from an annotators x items matrix (missing cells skipped)."""
    rows = []
    annotators = annotators or [f"ann{i}" for i in range(len(matrix))]
    for a, row in zip(annotators, matrix):
        for j, v in enumerate(row):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            rows.append({"record_id": f"r{j:03d}", "annotator": a, "field": field, "value": v})
    return pd.DataFrame(rows)
