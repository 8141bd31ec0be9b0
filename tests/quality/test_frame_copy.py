"""The cached report's combined signal frame, mapped copy-on-write from one Arrow file: the same report as
reading every signal's files, numeric columns over the mapped pages (no private copy), writable through
pandas without touching the file, and never trusted when damaged."""
from __future__ import annotations

import logging
import mmap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.io import load
from workbench.quality import compute_signals, frame_copy
from workbench.quality.engine import cached_signals
from workbench.store import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(params=["llamafactory_dpo_en_demo.json", "llamafactory_glaive_toolcall_en_demo_150.json",
                        "llamafactory_alpaca_zh_demo_200.json"])
def project(request, tmp_path):
    p = Project.create(tmp_path / "p", load(FIXTURES / request.param))
    compute_signals(p.dataset, p.guidelines, cache_dir=p.cache_dir)  # computes and writes the index
    yield p
    p.close()


def _copies(p: Project) -> list[Path]:
    return sorted(Path(p.cache_dir).glob("frame-*.arrow"))


def _is_mapped(values: np.ndarray) -> bool:
    base = values
    while base is not None:
        if isinstance(base, mmap.mmap):
            return True
        base = base.obj if isinstance(base, memoryview) else getattr(base, "base", None)
    return False


def _same_report(got, ref) -> None:
    assert list(got.frame.columns) == list(ref.frame.columns)
    assert list(got.frame.dtypes) == list(ref.frame.dtypes)
    pd.testing.assert_frame_equal(got.frame, ref.frame, check_exact=True)
    assert got.summaries == ref.summaries and got.infos == ref.infos
    assert list(got.results) == list(ref.results) and got.cached == ref.cached
    for name, result in got.results.items():
        pd.testing.assert_frame_equal(result.frame.reset_index(drop=True),
                                      ref.results[name].frame.reset_index(drop=True), check_exact=True)


def test_the_second_read_maps_the_frame_and_equals_the_first(project):
    assert _copies(project) == []
    first = cached_signals(project.dataset, project.guidelines, project.cache_dir)  # decodes, writes the copy
    assert first is not None and len(_copies(project)) == 1
    second = cached_signals(project.dataset, project.guidelines, project.cache_dir)
    _same_report(second, first)
    numeric = [c for c in second.frame.columns
               if second.frame[c].dtype.kind in "if" and not second.frame[c].isna().any()]
    assert numeric and all(_is_mapped(second.frame[c].array._ndarray) for c in numeric)
    assert not _is_mapped(first.frame[numeric[0]].array._ndarray)


def test_pandas_writes_stay_private_to_the_reader(project):
    cached_signals(project.dataset, project.guidelines, project.cache_dir)
    one = cached_signals(project.dataset, project.guidelines, project.cache_dir).frame
    column = next(c for c in one.columns if one[c].dtype == np.float64 and not one[c].isna().any())
    before = float(one.loc[0, column])
    one.loc[0, column] = before + 1000.0
    one[column] *= 2
    assert one.loc[0, column] == (before + 1000.0) * 2
    other = cached_signals(project.dataset, project.guidelines, project.cache_dir).frame
    assert other.loc[0, column] == before  # the file and other readers never see it


def test_a_damaged_copy_is_not_used(project, caplog):
    ref = cached_signals(project.dataset, project.guidelines, project.cache_dir)
    (copy,) = _copies(project)
    copy.write_bytes(copy.read_bytes()[:200])
    with caplog.at_level(logging.WARNING, logger="workbench.quality.frame_copy"):
        got = cached_signals(project.dataset, project.guidelines, project.cache_dir)
    assert "could not be read" in caplog.text
    _same_report(got, ref)
    again = cached_signals(project.dataset, project.guidelines, project.cache_dir)  # rewritten
    _same_report(again, ref)


def test_a_frame_that_does_not_round_trip_gets_no_copy(tmp_path):
    mixed = pd.DataFrame({"id": ["a", "b"], "odd": pd.Series([1, "x"], dtype=object),
                          "score": [0.5, 1.5]})
    assert frame_copy.write_frame(mixed, {"s": ["odd", "score"]}, tmp_path / "frame-x.arrow") is None
    # no copy, and a marker so that later readers do not try again
    assert [p.name for p in tmp_path.iterdir()] == ["frame-x.skip"]
    # (the marker is honoured: not even a frame that would round-trip is written under that name)
    assert frame_copy.write_frame(mixed.drop(columns="odd"), {"s": ["score"]}, tmp_path / "frame-x.arrow") is None
    assert not (tmp_path / "frame-x.arrow").exists()
    plain = mixed.drop(columns="odd")
    path = frame_copy.write_frame(plain, {"s": ["score"]}, tmp_path / "frame-y.arrow")
    frame, columns = frame_copy.read_frame(path)
    assert columns == {"s": ["score"]}
    pd.testing.assert_frame_equal(frame, plain, check_exact=True)
