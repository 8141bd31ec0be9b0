"""The dataset quality report: Markdown, self-contained HTML, quality.json, category distribution and the
quarantine, written from one signal run.

    >>> from workbench.report import report
    >>> report(dataset, "out/", cache_dir="project/.cache/signals")
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from workbench.model.dataset import Dataset
from workbench.model.display import ResultDict
from workbench.model.entry import make_callable
from workbench.model.markdown import md_code, md_inline
from workbench.quality.engine import SignalReport, as_dataset, as_guidelines, compute_signals
from workbench.report.composition import composition_distribution, composition_section, map_html, topic_table
from workbench.report.html import render_html
from workbench.report.quality_json import build_quality
from workbench.report.sections import Section, build_sections

TITLE = "Dataset quality report"
FILES = ("dataset_quality_report.md", "report.html", "category_distribution.json", "quality.json",
         "quarantine.jsonl")


def report_category_distribution(quality: dict[str, Any], summaries: dict[str, dict]) -> dict[str, Any]:
    """``category -> {count, share}`` (plus ``target`` where the guidelines set one), and under the key
    ``task_types`` the same for the heuristic task types."""
    cov = summaries.get("coverage", {})
    cats = cov.get("categories") or {k: {"count": v} for k, v in quality["categories"].items()}
    total = max(sum(v["count"] for v in cats.values()), 1)
    out: dict[str, Any] = {}
    for name, v in cats.items():
        entry = {"count": v["count"], "share": v.get("share", round(v["count"] / total, 4))}
        if v.get("target") is not None:
            entry["target"] = v["target"]
        out[name] = entry
    out["task_types"] = cov.get("task_types", {})
    return out


def write_report(dataset: Dataset, out_dir: str | os.PathLike, guidelines=None,
                 signal_report: SignalReport | None = None,
                 extra_sections: Mapping[str, str] | list[tuple[str, str]] | None = None,
                 cache_dir: str | os.PathLike | None = None, *, engine: str = "local",
                 address: str | None = None, batch_size: int | None = None,
                 progress: Callable[[int, int], Any] | None = None, parquet: str | os.PathLike | None = None
                 ) -> dict[str, Any]:
    """Write the quality report files into ``out_dir``.

    Parameters
    ----------
    dataset : Dataset (or a canonical pyarrow Table)
    out_dir : path
        Created if missing. Receives ``FILES``.
    guidelines : Guidelines or path, optional
    signal_report : SignalReport, optional
        Reuse results already computed; otherwise every built-in signal runs.
    extra_sections : mapping title -> Markdown, optional
        Sections appended by other parts of the workbench (agreement, splits...). Their Markdown is
        rendered with raw HTML escaped.
    cache_dir : path, optional
        Signal cache (see ``compute_signals``).
    engine, address, batch_size, progress : optional
        Where and how the signals run (see ``compute_signals``): ``engine="ray"`` on a Ray cluster
        (``address``), ``batch_size`` records at a time, ``progress(done, total)`` after each batch, the
        workers reading the records from ``parquet`` (the dataset's own file).

    Returns
    -------
    ReportResult
        A dict: ``quality`` (the quality.json document), ``files`` (name -> path) and ``report``
        (SignalReport); also as attributes, with a short repr.
    """
    dataset = as_dataset(dataset)
    gl = as_guidelines(guidelines)
    rep = signal_report or compute_signals(dataset, guidelines=gl, cache_dir=cache_dir, engine=engine,
                                           address=address, batch_size=batch_size, progress=progress,
                                           parquet=parquet)
    quality = build_quality(dataset, rep)
    # which guidelines judged the data: the file, or "none: neutral defaults" (a reused signal report
    # knows what it was computed with)
    quality["guidelines"] = (rep.summaries.get("rules", {}).get("guidelines") if guidelines is None
                             and signal_report is not None else None) or gl.source_label()
    sections = build_sections(dataset, rep, quality)
    topics = topic_table(rep.frame)  # one per-topic overview (a pass over every record) for section and map
    sections.insert(2, composition_section(dataset, rep, topics))  # after the summary and what to fix
    sections[0] = Section(sections[0].key, sections[0].title,
                          f"Guidelines: {md_code(quality['guidelines'])}.\n\n" + sections[0].body)
    extra = list(extra_sections.items()) if isinstance(extra_sections, Mapping) else list(extra_sections or [])
    sections += [Section(f"extra-{i}", str(t), str(body)) for i, (t, body) in enumerate(extra, 1)]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in FILES}
    md = f"# {TITLE}\n\n" + "\n\n".join(f"## {md_inline(s.title)}\n\n{s.body}" for s in sections) + "\n"
    paths["dataset_quality_report.md"].write_text(md, encoding="utf-8")
    paths["report.html"].write_text(render_html(TITLE, sections, quality, rep.summaries,
                                                {"composition": map_html(rep.frame, topics)}), encoding="utf-8")
    by_category = {k: v for k, v in report_category_distribution(quality, rep.summaries).items() if k != "task_types"}
    dist = composition_distribution(dataset, rep.frame, by_category)
    paths["category_distribution.json"].write_text(json.dumps(dist, indent=2, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    paths["quality.json"].write_text(json.dumps(quality, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["quarantine.jsonl"].write_text(dataset.quarantine_jsonl(), encoding="utf-8")
    return ReportResult(quality=quality, files={k: str(v) for k, v in paths.items()}, report=rep)


class ReportResult(ResultDict):
    """What :func:`report` wrote: ``quality`` (the quality.json document), ``files`` (name -> path) and
    ``report`` (the SignalReport); a dict with attributes, and a short repr."""

    def shown(self) -> dict[str, Any]:
        files = self["files"]
        first = next(iter(files.values()), None)
        rows = self["quality"].get("rows", {})
        return {"out": str(Path(first).parent) if first else None, "records": rows.get("valid"),
                "quarantined": rows.get("quarantined"),
                "issues": {k: v for k, v in self["report"].issues().items() if v}, "files": sorted(files)}


def report(dataset, out, guidelines=None, cache_dir=None, *, engine: str = "local", address: str | None = None,
           batch_size: int | None = None, progress: Callable[[int, int], Any] | None = None) -> ReportResult:
    """Compute every signal (cached under ``cache_dir`` if given) and write the report into ``out``.

    Parameters
    ----------
    dataset : Dataset, pyarrow Table or Project
        A project is reported on its dataset, with its guidelines (unless ``guidelines`` is given)
        and its signal cache (``Project.cache_dir``, shared with the dashboard).
    out : path
    guidelines : Guidelines or path, optional
    cache_dir : path, optional
    engine, address, batch_size, progress : optional
        See :func:`write_report`.

    Returns
    -------
    ReportResult
        See :func:`write_report`.
    """
    from workbench.store.folder import SOURCE
    from workbench.store.project import Project

    if isinstance(dataset, Project):
        project = dataset
        dataset = project.dataset
        guidelines = project.guidelines if guidelines is None else guidelines
        cache_dir = project.cache_dir if cache_dir is None else cache_dir
        parquet = project.path / SOURCE  # on Ray, the workers read the frozen source themselves
    else:
        parquet = None
    return write_report(dataset, out, guidelines=guidelines, cache_dir=cache_dir, engine=engine, address=address,
                        batch_size=batch_size, progress=progress, parquet=parquet)


#: deprecated alias (plots.category_distribution draws a figure; this builds a report's JSON)
category_distribution = report_category_distribution

__all__ = ["FILES", "ReportResult", "category_distribution", "report", "report_category_distribution",
           "write_report"]

make_callable(__name__, report)
