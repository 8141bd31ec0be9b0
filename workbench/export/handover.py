"""The quality report of the exported data, with the curation summary as an extra section.

The report itself belongs to ``workbench.report`` (signals computed on what was exported); this
module only hands it the exported records and the before/after section, and writes the curation
figures into ``quality.json`` beside the report's own.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from workbench.export.summary import curation_markdown
from workbench.model import Dataset, Guidelines

CURATION_TITLE = "Curation: before and after"


def write_quality_report(exported: pa.Table, folder: Path, guidelines: Guidelines | None,
                         curation: dict[str, Any], batch_size: int | None = None) -> list[Path]:
    """Write ``dataset_quality_report.md``, ``report.html`` and ``quality.json`` into ``folder``.

    Parameters
    ----------
    exported : pyarrow.Table
        The canonical records that were written (all splits).
    folder : Path
        The export's temporary folder.
    guidelines : Guidelines or None
        The project's guidelines (the report's rules: forbidden phrases, length windows, target mix).
    curation : dict
        :func:`workbench.export.summary.curation_summary` output.
    batch_size : int, optional
        Run the report's signals this many records at a time (same results, bounded memory).
    """
    from workbench.report import write_report

    where = curation["source"]["where"]
    ds = Dataset(exported, format="canonical", source=None if where is None else str(where))
    section = curation_markdown(curation)
    write_report(ds, folder, guidelines=guidelines, extra_sections={CURATION_TITLE: section},
                 batch_size=batch_size)
    qpath = folder / "quality.json"
    quality = json.loads(qpath.read_text(encoding="utf-8")) if qpath.is_file() else {}
    quality["curation"] = curation
    qpath.write_text(json.dumps(quality, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    return [folder / n for n in ("dataset_quality_report.md", "report.html", "quality.json")]
