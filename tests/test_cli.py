"""The CLI contract: exit codes, one-line errors, the --json summary."""
from __future__ import annotations

import json
import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True)


def test_validate_json(fixtures, tmp_path):
    bad = tmp_path / "b.jsonl"
    bad.write_text('{"instruction": "a", "output": "b"}\n{oops\n')
    q = tmp_path / "q.jsonl"
    res = run("validate", str(bad), "--json", "--quarantine", str(q))
    assert res.returncode == 0
    out = json.loads(res.stdout)
    assert out == {"path": str(bad), "format": "alpaca", "kind": "sft", "rows_read": 2, "rows_valid": 1,
                   "rows_quarantined": 1, "reasons": {"parse_error": 1}}
    assert json.loads(q.read_text())["line"] == 2


def test_validate_errors_are_one_line(tmp_path):
    for args in (["validate", str(tmp_path / "missing.jsonl")],
                 ["validate", str(tmp_path), "--json"],
                 ["validate", __file__, "--format", "nonsense"]):
        res = run(*args)
        assert res.returncode == 2, args
        assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_convert(fixtures, tmp_path):
    out = tmp_path / "o.jsonl"
    res = run("convert", str(fixtures / "fastchat_dummy_conversation.json"), "--to", "openai", "--out", str(out))
    assert res.returncode == 0, res.stderr
    first = json.loads(out.read_text().splitlines()[0])
    assert first["id"] == "identity_0" and first["messages"][0] == {"role": "user", "content": "Who are you?"}


def test_export_options_and_bad_splits(tmp_path):
    data = tmp_path / "d.jsonl"
    rows = [{"id": f"r{i}", "category": "billing" if i % 2 else "account",
             "messages": [{"role": "user", "content": f"question number {i} about my plan"},
                          {"role": "assistant", "content": f"answer {i}: change it under Settings."}]}
            for i in range(40)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out"
    res = run("export", str(data), "--out", str(out), "--format", "sharegpt", "--splits", "0.5,0.25,0.25",
              "--seed", "3", "--dedupe", "exact", "--no-report")
    assert res.returncode == 0, res.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert sum(manifest["counts"][s] if isinstance(manifest["counts"][s], int) else manifest["counts"][s]["total"]
               for s in ("train", "val", "test")) == 40
    assert not (out / "dataset_quality_report.md").exists()
    bad = run("export", str(data), "--out", str(tmp_path / "o2"), "--splits", "0.5,x")
    assert bad.returncode == 2 and "--splits" in bad.stderr and not (tmp_path / "o2").exists()
    again = run("export", str(data), "--out", str(out), "--no-report")
    assert again.returncode == 2 and "Traceback" not in again.stderr
