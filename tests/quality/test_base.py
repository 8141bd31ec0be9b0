from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from workbench.quality import Registry, Signal, SignalResult, default_registry
from workbench.quality.base import jsonable

BUILTINS = {"text_stats", "exact_duplicates", "near_duplicates", "language", "pii", "safety", "rules",
            "multiturn", "preference", "coverage", "task_type", "semantic_dup", "topics"}


class Dummy(Signal):
    name = "dummy"

    @dataclass(frozen=True)
    class Config:
        k: int = 1


def test_default_registry_is_fresh_and_complete():
    a, b = default_registry(), default_registry()
    assert set(a.names()) == BUILTINS
    a.register(Dummy)
    assert "dummy" in a and "dummy" not in b  # nothing global to clean up


def test_register_rejects_non_signals():
    reg = Registry()
    with pytest.raises(TypeError):
        reg.register(int)
    with pytest.raises(KeyError, match="unknown signal"):
        reg.get("nope")


def test_config_overrides_and_cache_key():
    s1, s2 = Dummy(), Dummy(k=2)
    assert s1.config.k == 1 and s2.config.k == 2
    assert Dummy({"k": 2}).config == s2.config
    assert s1.cache_key("fp", None, {}) != s2.cache_key("fp", None, {})
    assert s1.cache_key("fp", None, {}) == Dummy().cache_key("fp", None, {})
    assert s1.cache_key("fp", None, {}) != s1.cache_key("other", None, {})


def test_result_validation():
    ok = SignalResult("x", pd.DataFrame({"is_x_issue": [True, False], "x_score": [0.0, 1.0]}), {"a": np.int64(3)})
    assert ok.validate(2).summary == {"a": 3} and ok.issues == 1
    with pytest.raises(ValueError, match="rows"):
        ok.validate(3)
    bad = SignalResult("x", pd.DataFrame({"is_x_issue": [True], "x_score": [1.5]}))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bad.validate(1)
    with pytest.raises(ValueError, match="missing"):
        SignalResult("x", pd.DataFrame({"is_x_issue": [True]})).validate(1)


def test_jsonable():
    assert jsonable({"a": np.float64("nan"), "b": (np.int32(1), np.bool_(True)), 3: np.arange(2)}) == {
        "a": None, "b": [1, True], "3": [0, 1]}
