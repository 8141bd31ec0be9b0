"""Integrity of what an export writes: names that become paths, formula-safe CSV cells, and no partial
folders left behind by a killed export."""
from __future__ import annotations

import csv
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from export.export_helpers import CATEGORIES, corpus
from helpers import make_dataset

from workbench.export import ExportError, export
from workbench.export.splits import parse_splits
from workbench.export.staging import Staging, _create_locked, sweep_stale
from workbench.export.vendor import export_vendor_batch, key_path, read_returned, score_vendor_batch
from workbench.export.writers import write_splits
from workbench.model import Guidelines
from workbench.model.names import check_name
from workbench.model.spreadsheet import neutralise_cell, restore_cell, write_csv
from workbench.store import Project


@pytest.fixture
def project(tmp_path):
    """40 SFT records; guidelines of our own, so the bundled defaults can change freely."""
    p = Project.create(tmp_path / "proj", make_dataset(corpus(40, 3)), Guidelines(categories=list(CATEGORIES)),
                       owner="olga")
    yield p
    p.close()


BAD_NAMES = ["../../x", "..", ".", "a/b", "/etc/passwd", "a\\b", "C:x", "nul\x00byte", "", "   ", "tab\tname"]


# -- names that become paths --------------------------------------------------------------------------
@pytest.mark.parametrize("name", BAD_NAMES)
def test_check_name_refuses_anything_that_is_not_one_plain_component(name):
    with pytest.raises(ValueError) as err:
        check_name(name, "split name")
    assert "split name" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("name", ["train", "val-2", "test_en.v1", "été", "a b"])
def test_check_name_keeps_plain_names(name):
    assert check_name(name) == name


def test_check_name_refuses_non_text_and_overlong_names():
    with pytest.raises(ValueError, match="must be text"):
        check_name(3)
    with pytest.raises(ValueError, match="longer than"):
        check_name("x" * 201)


def test_export_refuses_a_split_name_that_climbs_out_and_writes_nothing(tmp_path):
    ds = make_dataset(corpus(40, seed=2))
    out = tmp_path / "deep" / "exp"
    with pytest.raises(ExportError, match="split name '../../x'"):
        export(ds, out, splits={"../../x": 0.5, "train": 0.5}, report=False)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == []
    with pytest.raises(ExportError, match="NUL"):
        parse_splits({"tr\x00ain": 1.0})


def test_export_with_plain_custom_split_names_still_works(tmp_path):
    res = export(make_dataset(corpus(40, seed=2)), tmp_path / "exp", splits={"dev": 0.5, "holdout": 0.5},
                 report=False)
    assert set(res["counts"]) == {"dev", "holdout"} and res["total"] == 40
    assert {"dev.jsonl", "holdout.jsonl"} <= set(res["files"])


def test_the_writer_checks_split_names_itself(tmp_path):
    with pytest.raises(ExportError, match="split name"):
        write_splits({"../escape": [{"a": 1}]}, tmp_path / "x", "jsonl")
    assert not (tmp_path / "escape.jsonl").exists()


def test_export_refuses_an_output_folder_without_a_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError, match="output folder"):
        export(make_dataset(corpus(10)), "/", report=False)


@pytest.mark.parametrize("batch_id", ["../../evil", "/tmp/evil", "a\\b", "   "])
def test_vendor_batch_ids_cannot_become_paths_outside_the_project(project, tmp_path, batch_id):
    project.gold("olga", project.dataset.ids[0], "overall", 4)
    with pytest.raises(ExportError, match="batch id"):
        export_vendor_batch(project, tmp_path / "b.jsonl", batch_id=batch_id)
    assert not (tmp_path / "b.jsonl").exists()
    # a returned file naming a hostile batch cannot make the import read a key outside vendor/
    returned = tmp_path / "returned.jsonl"
    returned.write_text(json.dumps({"batch_id": "../../../etc/x", "task_id": "t1", "rating": "3"}) + "\n")
    with pytest.raises(ExportError, match="batch id"):
        score_vendor_batch(project, returned)
    with pytest.raises(ExportError):
        key_path(project, "..")


# -- formula injection in CSV -------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x",
                                  "=HYPERLINK(\"http://evil\",\"x\")"])
def test_formula_like_cells_get_a_leading_quote_and_read_back_unchanged(text):
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("value", ["plain", "", "a=b", "'quoted", 3, -2, None, 1.5])
def test_other_cells_are_left_alone(value):
    assert neutralise_cell(value) == value


def test_write_csv_neutralises_every_text_cell_and_header(tmp_path):
    path = write_csv([{"prompt": "=cmd|' /C calc'!A0", "n": -3}, {"prompt": "hello", "@h": "-x"}],
                     tmp_path / "t.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows == [["prompt", "n", "'@h"], ["'=cmd|' /C calc'!A0", "-3", ""], ["hello", "", "'-x"]]


def _hostile_project(project):
    """A project whose first record's prompt and answer start like formulas; gold on the others."""
    ids = list(project.dataset.ids)
    target = ids[0]
    project.edit("olga", target, "messages[0].content", '=HYPERLINK("http://evil.example","click")')
    project.edit("olga", target, "messages[1].content", "-2+3+cmd|' /C calc'!A0")
    for rid in ids[1:6]:
        project.gold("olga", rid, "overall", 4)
    return target


def test_vendor_csv_batch_neutralises_formulas_and_reads_back(project, tmp_path):
    target = _hostile_project(project)
    res = export_vendor_batch(project, tmp_path / "batch.csv", record_ids=[target], gold_share=1.0, seed=0)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "batch.csv").read_text(encoding="utf-8"))))
    key = json.loads(open(res["key"], encoding="utf-8").read())
    ours = next(r for r in rows if key["tasks"][r["task_id"]] == target)
    assert ours["prompt"] == "'" + '=HYPERLINK("http://evil.example","click")'
    assert ours["response"] == "'-2+3+cmd|' /C calc'!A0"
    for r in rows:  # no cell of the file starts like a formula
        assert not any(str(v).startswith(("=", "+", "-", "@", "\t", "\r")) for v in r.values())
    back = {r["task_id"]: r for r in read_returned(tmp_path / "batch.csv")}
    assert back[ours["task_id"]]["prompt"] == '=HYPERLINK("http://evil.example","click")'


def test_the_jsonl_batch_keeps_text_as_it_is(project, tmp_path):
    target = _hostile_project(project)
    export_vendor_batch(project, tmp_path / "batch.jsonl", record_ids=[target], gold_share=1.0)
    rows = [json.loads(line) for line in (tmp_path / "batch.jsonl").read_text().splitlines()]
    assert any(r.get("prompt") == '=HYPERLINK("http://evil.example","click")' for r in rows)


def test_returned_csv_answers_with_the_quote_count_as_the_answer(project, tmp_path):
    ids = list(project.dataset.ids)
    for rid in ids[:4]:
        project.gold("olga", rid, "overall", 4)
    res = export_vendor_batch(project, tmp_path / "batch.csv", record_ids=ids[4:8], gold_share=1.0)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "batch.csv").read_text(encoding="utf-8"))))
    key = json.loads(open(res["key"], encoding="utf-8").read())
    for r in rows:
        r.update(rating="4", worker_id="w1")
        if r["task_id"] not in key["gold"]:
            r["ideal_response"] = "'- first step\n- second step"  # a list, quoted by a spreadsheet
    write_csv(rows, tmp_path / "back.csv")
    score = score_vendor_batch(project, tmp_path / "back.csv")
    assert score["workers"]["w1"]["accuracy"] == 1.0
    edits = [e.value for _, e in score["events"] if e.kind == "edit"]
    assert edits and all(v == "- first step\n- second step" for v in edits)


# -- a killed export leaves nothing the next one does not sweep ----------------------------------------
_SLOW_EXPORT = """
import importlib, pathlib, sys, time

ex = importlib.import_module("workbench.export.export")  # the module (the package re-exports a function)

real = ex.write_splits

def slow(data, tmp, container):  # writes the splits, says where, then hangs: time to kill it
    files = real(data, tmp, container)
    pathlib.Path(sys.argv[3]).write_text(str(tmp))
    time.sleep(120)
    return files

ex.write_splits = slow
ex.export(sys.argv[1], sys.argv[2], report=False)
"""


def _leftovers(out):
    if not out.parent.exists():
        return []
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _start_slow_export(tmp_path, out):
    src = tmp_path / "data.jsonl"
    src.write_text("".join(json.dumps({"messages": r["messages"]}) + "\n" for r in corpus(60, seed=4)))
    ready = tmp_path / "ready.txt"
    script = tmp_path / "slow_export.py"
    script.write_text(_SLOW_EXPORT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen([sys.executable, str(script), str(src), str(out), str(ready)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"the export did not start: {proc.communicate()[1].decode()[-2000:]}")
        time.sleep(0.05)
    partial = Path(ready.read_text())
    assert partial.is_dir() and partial.name.startswith(f".{out.name}.partial-")
    assert any(partial.glob("*.jsonl"))
    return src, proc, partial


@pytest.mark.slow
def test_an_export_killed_by_sigkill_is_swept_by_the_next_export(tmp_path):
    out = tmp_path / "exports" / "exp"
    src, proc, partial = _start_slow_export(tmp_path, out)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert partial.is_dir()  # SIGKILL cannot be caught: the hidden folder stays ...
    assert f"{partial.name}.lock" in _leftovers(out)
    res = export(src, out, report=False)  # ... until the next export to the same place
    assert res["total"] == 60 and (out / "manifest.json").is_file()
    assert _leftovers(out) == []


@pytest.mark.slow
def test_sigterm_during_an_export_removes_the_partial_folder(tmp_path):
    out = tmp_path / "exports" / "exp"
    _, proc, partial = _start_slow_export(tmp_path, out)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGTERM  # the process still ends by the signal
    assert not partial.exists() and not out.exists()
    assert _leftovers(out) == []
    assert not (tmp_path / "exports").exists()  # the parent the export created is gone too


def test_sigterm_in_process_cleans_up_then_reaches_the_previous_handler(tmp_path, monkeypatch):
    ex = importlib.import_module("workbench.export.export")
    seen = []

    def previous(signum, frame):
        seen.append(signum)
        raise KeyboardInterrupt

    real = ex.write_splits

    def write_then_term(data, tmp, container):
        files = real(data, tmp, container)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal arrives before this ends
        return files

    old = signal.signal(signal.SIGTERM, previous)
    try:
        monkeypatch.setattr(ex, "write_splits", write_then_term)
        with pytest.raises(KeyboardInterrupt):
            export(make_dataset(corpus(20)), tmp_path / "exp", report=False)
        assert signal.getsignal(signal.SIGTERM) is previous
    finally:
        signal.signal(signal.SIGTERM, old)
    assert seen == [signal.SIGTERM]
    assert _leftovers(tmp_path / "exp") == [] and not (tmp_path / "exp").exists()


def test_a_live_exports_partial_folder_is_not_swept(tmp_path):
    out = tmp_path / "exp"
    live = Staging(out)
    fd = _create_locked(live.lock)  # a concurrent export holding its lock
    live.tmp.mkdir()
    (live.tmp / "train.jsonl").write_text("{}\n")
    try:
        export(make_dataset(corpus(20)), out, report=False)
        assert live.tmp.is_dir() and live.lock.exists()
        assert (out / "manifest.json").is_file()
    finally:
        os.close(fd)
    # once that export is dead, the next one removes what it left
    export(make_dataset(corpus(20)), out, report=False, overwrite=True)
    assert _leftovers(out) == []


def test_lockless_leftovers_go_only_when_older_than_the_running_export(tmp_path):
    out = tmp_path / "exp"
    old_one = tmp_path / ".exp.partial-0badc0de"  # left by an export from before the lock existed
    new_one = tmp_path / ".exp.partial-1badc0de"
    other = tmp_path / ".other.partial-2badc0de"  # another export's: never touched
    for d in (old_one, new_one, other):
        d.mkdir()
        (d / "train.jsonl").write_text("{}\n")
    hour_ago = time.time() - 3600
    os.utime(old_one, (hour_ago, hour_ago))
    removed = sweep_stale(out, time.time())
    assert removed == [old_one]
    assert not old_one.exists() and new_one.is_dir() and other.is_dir()


def test_a_previous_export_moved_aside_by_a_dead_export_is_put_back(tmp_path):
    out = tmp_path / "exp"
    first = export(make_dataset(corpus(20)), out, report=False)
    dead = Staging(out, "0000dead")
    os.replace(out, dead.old)  # died between moving the old export aside and renaming the new one
    dead.lock.write_text("")   # its lock file, no longer held by anyone
    dead.tmp.mkdir()
    sweep_stale(out, time.time())
    assert json.loads((out / "manifest.json").read_text())["files"] == first["manifest"]["files"]
    assert _leftovers(out) == []
