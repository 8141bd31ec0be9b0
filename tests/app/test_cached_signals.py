"""The dashboard's cache-only signal read: the same report as computing, used only when the cache is fresh."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from helpers import make_dataset, msg

from workbench.quality import compute_signals, engine
from workbench.quality.engine import cached_signals
from workbench.store import Project
from workbench.ui.dashboard import Dashboard

ROOT = Path(__file__).resolve().parents[2]


def _rows(n: int = 12, tag: str = "") -> list[dict]:
    return [{"id": f"r{i}", "kind": "sft",
             "messages": [msg("user", f"Question {i}{tag}: how do I reset my password?"),
                          msg("assistant", f"Answer {i}{tag}: open settings, then security, then reset. " * (1 + i % 3))]}
            for i in range(n)]


@pytest.fixture
def project(tmp_path):
    p = Project.create(tmp_path / "project", make_dataset(_rows()))
    yield p
    p.close()


def _computed(p: Project):
    return compute_signals(p.dataset, p.guidelines, cache_dir=p.cache_dir)


def test_cache_only_read_equals_the_computed_report(project):
    first = _computed(project)  # computes, caches and writes the index
    assert list(Path(project.cache_dir).glob("index-*.json"))
    again = _computed(project)  # all from the cache: what the read must equal
    got = cached_signals(project.dataset, project.guidelines, project.cache_dir)
    assert got is not None
    for ref in (first, again):
        assert list(got.frame.columns) == list(ref.frame.columns)
        pd.testing.assert_frame_equal(got.frame, ref.frame)
        assert got.summaries == ref.summaries
        assert got.infos == ref.infos
    assert got.cached == again.cached and list(got.results) == list(again.results)
    assert got.timings == again.timings
    assert got.fingerprint == project.dataset.fingerprint
    for name, r in got.results.items():
        pd.testing.assert_frame_equal(r.frame.reset_index(drop=True),
                                      again.results[name].frame.reset_index(drop=True))


def test_cache_only_read_imports_no_signal(project):
    _computed(project)
    code = ("import sys\nfrom workbench.store import Project\nfrom workbench.quality.engine import cached_signals\n"
            f"p = Project.open({str(project.path)!r})\n"
            "r = cached_signals(p.dataset, p.guidelines, p.cache_dir)\n"
            "assert r is not None and len(r.frame) == 12, r\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('workbench.quality.'))\n"
            "import json; print(json.dumps(loaded))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.strip())
    assert "workbench.quality.builtin" not in loaded
    # the engine, its base classes and the mapped frame reader; no signal implementation
    assert set(loaded) <= {"workbench.quality.base", "workbench.quality.engine", "workbench.quality.frame_copy"}, \
        loaded


def test_not_used_without_an_index_or_when_stale(project, tmp_path, monkeypatch):
    assert cached_signals(project.dataset, project.guidelines, project.cache_dir) is None  # nothing cached
    _computed(project)
    assert cached_signals(project.dataset, project.guidelines, project.cache_dir) is not None
    assert cached_signals(project.dataset, project.guidelines, None) is None
    # other guidelines
    other = project.guidelines.to_dict()
    other["forbidden_phrases"] = [*other.get("forbidden_phrases", []), "reset my password"]
    from workbench.model.guidelines import Guidelines

    assert cached_signals(project.dataset, Guidelines.from_dict(other), project.cache_dir) is None
    # other data in the same cache folder
    assert cached_signals(make_dataset(_rows(tag="x")), project.guidelines, project.cache_dir) is None
    # other signal code
    monkeypatch.setattr(engine, "code_digest", lambda: "0" * 20)
    assert cached_signals(project.dataset, project.guidelines, project.cache_dir) is None
    monkeypatch.undo()
    assert cached_signals(project.dataset, project.guidelines, project.cache_dir) is not None


def test_not_used_when_an_entry_is_missing_or_the_index_damaged(project):
    _computed(project)
    cache = Path(project.cache_dir)
    index = next(cache.glob("index-*.json"))
    entries = json.loads(index.read_text())["signals"]
    name, key = entries[0]
    (cache / f"{name}-{key}.parquet").unlink()
    assert cached_signals(project.dataset, project.guidelines, cache) is None
    _computed(project)  # recomputes the missing entry and writes the index again
    assert cached_signals(project.dataset, project.guidelines, cache) is not None
    text = json.loads(index.read_text())
    text["signals"][0][0] = "../escape"
    index.write_text(json.dumps(text))
    assert cached_signals(project.dataset, project.guidelines, cache) is None
    index.write_text("{not json")
    assert cached_signals(project.dataset, project.guidelines, cache) is None


def test_dashboard_reads_the_fresh_cache_and_computes_when_stale(project, monkeypatch):
    import workbench.workflows.signals as ws

    _computed(project)
    calls = []
    real = ws.signals_or_none

    def counting(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(ws, "signals_or_none", counting)
    d = Dashboard(project, query_string="")
    assert d.signals() is not None and not calls, "fresh cache: read, not computed"
    pd.testing.assert_frame_equal(d.signals(), _computed(project).frame)
    monkeypatch.setattr(engine, "code_digest", lambda: "f" * 20)  # the signal code changed
    d2 = Dashboard(project, query_string="")
    assert d2.signals() is not None and calls == [1], "stale cache: computed"
    pd.testing.assert_frame_equal(d2.signals(), d.signals())


def test_serve_warms_only_a_stale_cache(project, monkeypatch):
    import workbench.workflows.signals as ws
    from workbench.app import _warm_signals

    calls = []
    real = ws.signals_or_none
    monkeypatch.setattr(ws, "signals_or_none", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    _warm_signals(project.path)  # nothing cached: computed, index written
    assert calls == [1] and list(Path(project.cache_dir).glob("index-*.json"))
    _warm_signals(project.path)  # fresh: only checked
    assert calls == [1]
    assert cached_signals(project.dataset, project.guidelines, project.cache_dir) is not None


def test_a_large_project_computes_in_batches_with_progress_and_the_same_frame(project, monkeypatch):
    import workbench.workflows.signals as ws

    whole = _computed(project).frame  # 12 records, one whole-table run
    monkeypatch.setattr(ws, "BATCH_ABOVE", 5)  # now "large": batches of 5
    for entry in Path(project.cache_dir).iterdir():  # nothing cached: computed again
        entry.unlink()
    shown: list[str] = []
    real_say = Dashboard.say

    def say(self, text, level="info"):
        shown.append(text)
        real_say(self, text, level)

    monkeypatch.setattr(Dashboard, "say", say)
    d = Dashboard(project, query_string="")
    pd.testing.assert_frame_equal(d.signals(), whole)
    start = next(i for i, t in enumerate(shown) if t.startswith("computing the quality signals of 12 records"))
    steps = shown[start + 1:start + 4]
    assert steps == [f"computing the quality signals: {k} of 12 records..." for k in ("5", "10", "12")], shown
    assert shown[start + 4] == "", "the message goes once the signals are there"


def test_serve_says_it_computes_once_and_counts_records(project, monkeypatch, capsys):
    import workbench.workflows.signals as ws
    from workbench.app import _warm_signals

    monkeypatch.setattr(ws, "BATCH_ABOVE", 5)
    _warm_signals(project.path)
    err = capsys.readouterr().err
    assert "computing the quality signals of 12 records (once" in err
    _warm_signals(project.path)  # fresh now: nothing said
    assert "computing" not in capsys.readouterr().err
