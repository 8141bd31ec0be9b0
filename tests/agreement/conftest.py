"""Fixtures for the agreement tests (data helpers live in agreement_data.py)."""

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
