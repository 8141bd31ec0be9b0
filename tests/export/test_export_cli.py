"""``workbench export`` on the command line: counts on success, one line and exit 2 on bad input."""
from __future__ import annotations

import json
import subprocess
import sys

from export.export_helpers import corpus


def run(*args):
    return subprocess.run([sys.executable, "-m", "workbench.cli", "export", *args], capture_output=True,
                          text=True)


def test_cli_export_and_errors(tmp_path):
    src = tmp_path / "data.jsonl"
    src.write_text("".join(json.dumps({"messages": r["messages"], "category": r["category"]}) + "\n"
                           for r in corpus(50, seed=1)))
    res = run(str(src), "--out", str(tmp_path / "out"), "--format", "alpaca", "--splits", "0.8,0.2",
              "--seed", "3")
    assert res.returncode == 0, res.stderr
    assert "train 40" in res.stdout and "test 10" in res.stdout
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["options"]["seed"] == 3
    again = run(str(src), "--out", str(tmp_path / "out"))
    assert again.returncode == 2 and "already holds an export" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1
    bad = run(str(src), "--out", str(tmp_path / "bad"), "--splits", "0.5,0.4")
    assert bad.returncode == 2 and "sum to 1" in bad.stderr and not (tmp_path / "bad").exists()
