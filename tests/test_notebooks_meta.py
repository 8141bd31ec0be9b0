"""The notebooks stay small, clean and runnable by nbval (their cells themselves run under `make test`)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = ["01_explore", "02_review", "03_agreement", "04_export", "app"]


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_every_notebook_is_there():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_clean(name):
    nb = _load(name)
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
    assert (NOTEBOOKS / f"{name}.ipynb").stat().st_size < 100_000, "outputs (plotly.js?) were committed"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "NBVAL_CHECK_OUTPUT" not in _source(cell):
            assert not cell["outputs"], f"{name}: only checked cells keep outputs: {_source(cell)[:60]!r}"


@pytest.mark.parametrize("name", EXPECTED[:4])
def test_notebook_writes_only_under_a_temp_dir(name):
    code = "\n".join(_source(c) for c in _load(name)["cells"] if c["cell_type"] == "code")
    assert "tempfile.mkdtemp" in code
    for call in ("sample_project(", "out="):
        for line in (x for x in code.splitlines() if call in x and "def " not in x):
            assert "WORK" in line, f"{name}: {line.strip()!r} should write under WORK"
