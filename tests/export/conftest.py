"""Fixtures for the export tests: offline ``datasets``, and stand-ins for packages still being written.

``workbench.report`` (the quality report) and ``workbench.quality.redact`` (PII) are replaced by small
fakes only while they do not exist, so these tests exercise the real ones as soon as they land.
"""
from __future__ import annotations

import json
import os
import re
import sys
import types
from pathlib import Path

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from export.export_helpers import corpus, make_project  # noqa: E402
from helpers import make_dataset  # noqa: E402

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_PHONE = re.compile(r"\+?\d[\d -]{7,}\d")


def _fake_write_report(dataset, out_dir, guidelines=None, signal_report=None, extra_sections=None):
    out_dir = Path(out_dir)
    body = "".join(f"\n## {title}\n\n{text}" for title, text in (extra_sections or {}).items())
    md = f"# Dataset quality report\n\n{len(dataset)} records\n{body}"
    (out_dir / "dataset_quality_report.md").write_text(md)
    (out_dir / "report.html").write_text(f"<html><body><pre>{body}</pre></body></html>")
    (out_dir / "quality.json").write_text(json.dumps({"rows": len(dataset)}))
    (out_dir / "category_distribution.json").write_text("{}")


def _fake_redact(texts, types=None):
    out = []
    for t in texts:
        t = _EMAIL.sub("[EMAIL]", t) if types is None or "email" in types else t
        t = _PHONE.sub("[PHONE]", t) if types is None or "phone" in types else t
        out.append(t)
    return out


@pytest.fixture(autouse=True)
def stand_ins(monkeypatch):
    try:
        from workbench.report import write_report  # noqa: F401
    except ImportError:
        fake = types.ModuleType("workbench.report")
        fake.write_report = _fake_write_report
        monkeypatch.setitem(sys.modules, "workbench.report", fake)
    import workbench.quality as quality

    if not hasattr(quality, "redact"):
        monkeypatch.setattr(quality, "redact", _fake_redact, raising=False)


@pytest.fixture
def sft_dataset():
    return make_dataset(corpus(300, seed=1))


@pytest.fixture
def project(tmp_path):
    p = make_project(tmp_path / "proj")
    yield p
    p.close()
