import numpy as np
import pandas as pd
import pytest

from workbench.agreement import as_matrix, encode, to_matrix


def _long():
    return pd.DataFrame(
        {
            "record_id": ["r1", "r1", "r2", "r2", "r1", "r3", "r1"],
            "annotator": ["a", "b", "a", "b", "a", "a", "c"],
            "field": ["q", "q", "q", "q", "q", "q", "other"],
            "value": [1, 2, 3, 3, 5, 4, 9],
            "time": [1, 2, 3, 4, 0, 5, 6],
        }
    )


def test_to_matrix_keeps_last_by_time():
    wide = to_matrix(_long(), field="q")
    assert list(wide.index) == ["a", "b"] and list(wide.columns) == ["r1", "r2", "r3"]
    # (a, r1) appears twice: value 1 at time 1 and value 5 at time 0 -> the later (1) wins
    assert wide.loc["a", "r1"] == 1.0
    assert wide.loc["b", "r2"] == 3.0 and np.isnan(wide.loc["b", "r3"])
    assert wide.dtypes.iloc[0] == float


def test_to_matrix_last_row_without_time():
    wide = to_matrix(_long().drop(columns="time"), field="q")
    assert wide.loc["a", "r1"] == 5.0


def test_to_matrix_needs_field_when_several():
    with pytest.raises(ValueError, match="field"):
        to_matrix(_long())


def test_to_matrix_order_maps_ranks_and_rejects_unknown():
    long = pd.DataFrame(
        {"record_id": ["x", "x", "y"], "annotator": ["a", "b", "a"], "value": ["good", "bad", "ok"]}
    )
    wide = to_matrix(long, order=["bad", "ok", "good"])
    assert wide.loc["a", "x"] == 2.0 and wide.loc["b", "x"] == 0.0 and wide.loc["a", "y"] == 1.0
    assert np.isnan(wide.loc["b", "y"])
    with pytest.raises(ValueError, match="declared order"):
        to_matrix(long, order=["bad", "ok"])
    strings = to_matrix(long)
    assert strings.loc["a", "x"] == "good" and pd.isna(strings.loc["b", "y"])


def test_as_matrix_accepts_all_shapes():
    arr, rows, cols = as_matrix([[1, None], [2, 3]])
    assert arr.dtype == float and np.isnan(arr[0, 1]) and len(rows) == 2 and len(cols) == 2
    df = pd.DataFrame([["a", None], ["b", "c"]], index=["u", "v"], columns=["i1", "i2"])
    arr, rows, cols = as_matrix(df)
    assert arr.dtype == object and list(rows) == ["u", "v"] and list(cols) == ["i1", "i2"]
    arr, rows, _ = as_matrix(_long(), field="q")
    assert arr.shape == (2, 3) and list(rows) == ["a", "b"]
    with pytest.raises(ValueError):
        as_matrix(np.arange(3))


def test_encode_codes_and_domain():
    codes, domain = encode([["b", None, "a"], ["a", "c", np.nan]])
    assert list(domain) == ["a", "b", "c"]
    assert codes.tolist() == [[1, -1, 0], [0, 2, -1]]
    codes, domain = encode(np.array([[2.5, np.nan], [1.0, 2.5]]))
    assert domain.tolist() == [1.0, 2.5] and codes.tolist() == [[1, -1], [0, 1]]
    codes, domain = encode([["ok", None]], order=["bad", "ok", "good"])
    assert codes.tolist() == [[1, -1]] and domain.tolist() == [0.0, 1.0, 2.0]
    codes, domain = encode([[["x", "y"], ["y"]], [("x", "y"), None]])  # lists become tuples
    assert codes[0, 0] == codes[1, 0] != codes[0, 1] and codes[1, 1] == -1
    with pytest.raises(ValueError):
        encode([["a", "b"]], numeric=True)
