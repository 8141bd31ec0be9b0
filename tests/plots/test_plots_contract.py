"""Contract of the package: pure functions, empty input never raises, figures serialise, small modules."""
from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from workbench import plots
from workbench.plots._common import NO_DATA

PACKAGE = Path(plots.__file__).parent
FIGURE_FUNCTIONS = [
    "length_histogram", "length_by_role", "category_distribution", "tag_distribution",
    "language_distribution", "duplicate_cluster_sizes", "near_duplicate_similarity", "flag_counts",
    "pii_by_type", "safety_by_category", "kappa_heatmap", "alpha_by_field", "rating_distributions",
    "gold_accuracy", "annotator_drift", "edit_effort", "split_composition", "distribution_shift",
]
WRONG_FRAMES = [pd.DataFrame({"x": [1, 2]}), pd.DataFrame({"id": ["a"], "value": [None]})]
ODD_INPUTS = [None, pd.DataFrame(), pd.Series(dtype=float), {}, [], *WRONG_FRAMES, 3]
# functions that read named columns of a frame: rows without those columns are a mistake (a typo, a
# signal not computed) and raise, where no rows at all still give an empty figure
NAMED_COLUMNS = {"length_histogram", "near_duplicate_similarity", "rating_distributions", "gold_accuracy",
                 "annotator_drift", "edit_effort"}


@pytest.mark.parametrize("name", FIGURE_FUNCTIONS)
def test_odd_inputs_give_a_figure_or_a_one_line_error(name):
    fn = getattr(plots, name)
    for value in ODD_INPUTS:
        args = (value, value) if name == "distribution_shift" else (value,)
        if name in NAMED_COLUMNS and any(value is w for w in WRONG_FRAMES):
            with pytest.raises(ValueError, match=rf"^plots\.{name}: no column '") as err:
                fn(*args)
            assert "\n" not in str(err.value)
            continue
        fig = fn(*args)
        assert isinstance(fig, go.Figure), (name, value)
        fig.to_json()


def test_a_typo_in_a_column_name_raises_instead_of_drawing_no_data(signal_frame):
    with pytest.raises(ValueError, match=r"plots.length_histogram: no column 'response_wrds' .*response_words"):
        plots.length_histogram(signal_frame, column="response_wrds")
    with pytest.raises(ValueError, match=r"plots.length_by_role: no column 'missing'"):
        plots.length_by_role(signal_frame, columns={"answer": "response_words", "nope": "missing"})
    empty = plots.length_histogram(signal_frame.iloc[:0], column="response_wrds")  # no rows: no data
    assert empty.data == () and empty.layout.annotations[0].text == NO_DATA


@pytest.mark.parametrize("name", FIGURE_FUNCTIONS)
def test_empty_input_is_annotated(name):
    fn = getattr(plots, name)
    fig = fn(None, None) if name == "distribution_shift" else fn(None)
    assert fig.data == ()
    assert [a.text for a in fig.layout.annotations] == [NO_DATA]


@pytest.mark.parametrize("name", FIGURE_FUNCTIONS)
def test_documented_numpy_style(name):
    doc = inspect.getdoc(getattr(plots, name))
    assert "Parameters\n----------" in doc and "Returns\n-------" in doc


def test_linked_traces_carry_customdata_and_meta(signal_frame):
    figs = [plots.length_histogram(signal_frame, by="category", outlier_column="is_length_outlier"),
            plots.length_by_role(signal_frame),
            plots.category_distribution(signal_frame["category"], {"qa": 1}),
            plots.tag_distribution({"a": 1}), plots.language_distribution(signal_frame["language"]),
            plots.duplicate_cluster_sizes(signal_frame), plots.near_duplicate_similarity(signal_frame),
            plots.flag_counts(signal_frame), plots.pii_by_type(signal_frame["pii_types"]),
            plots.split_composition({"a": signal_frame}), plots.distribution_shift({"a": 1}, {"b": 1})]
    for fig in figs:
        for trace in fig.data:
            assert trace.customdata is not None and len(trace.customdata) > 0, fig.layout.title.text
            assert trace.meta["link"] in {"ids", "key", "groups", "pairs", "pair", "annotator_value"}


def test_figures_serialise_with_object_ids(signal_frame):
    df = signal_frame.assign(id=[("tuple", i) for i in range(12)], response_words=np.arange(12) * 1.5)
    hist = json.loads(plots.length_histogram(df, by="category").to_json())
    assert any("customdata" in t for t in hist["data"])
    box = json.loads(plots.length_by_role(df).to_json())
    assert box["data"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module or "")
    return names


def test_imports_stay_pure():
    allowed_workbench = {"workbench.model", "workbench.agreement.interpret"}
    for path in PACKAGE.glob("*.py"):
        for name in _imports(path):
            assert not name.startswith(("ipywidgets", "IPython", "anywidget", "voila")), (path.name, name)
            if name.startswith("workbench"):
                ok = any(name == a or name.startswith(a + ".") for a in allowed_workbench)
                assert ok, (path.name, name)


def test_modules_stay_small():
    for path in PACKAGE.glob("*.py"):
        assert len(path.read_text().splitlines()) < 300, path.name


def test_no_display_or_file_io():
    for path in PACKAGE.glob("*.py"):
        text = path.read_text()
        for bad in (".show(", "open(", "write_html", "write_image", "display("):
            assert bad not in text, (path.name, bad)
