"""``export()``: a reviewed project (or a plain file) to leak-free splits and the hand-over documents.

Everything is written into a temporary folder beside ``out`` and moved into place with one rename at
the end, so a failed export leaves nothing behind and a reader never sees half an export.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

import workbench
from workbench.export.card import render_dataset_card
from workbench.export.dedup import NEAR_THRESHOLD
from workbench.export.errors import ExportError
from workbench.export.guidelines_md import render_guidelines_md
from workbench.export.handover import write_quality_report
from workbench.export.openai_fast import can_write_fast
from workbench.export.rows import TableRows, concat_views
from workbench.export.select import select_records
from workbench.export.source import resolve_source
from workbench.export.splits import assign_splits, leakage_check, parse_splits, split_counts, strata
from workbench.export.staging import staged
from workbench.export.summary import curation_summary, split_category_distribution
from workbench.export.writers import CONTAINERS, format_rows, write_splits
from workbench.model.dataset import has_categories
from workbench.model.display import ResultDict
from workbench.store.folder import sha256_file

MANIFEST = "manifest.json"
# what an export does, in order: ``progress(step, done, total)`` names each as it starts
STEPS = ("selecting records", "splitting", "checking for leakage", "writing splits", "writing the quality report",
         "writing the card and manifest")
# the export's quality report runs its signals this many records at a time above it (the same columns
# as one whole-table run, with one batch's text in memory: ``quality.engine.compute_signals``)
REPORT_BATCH = 100_000
Progress = Callable[[str, int, int], Any]


def _tell(progress: Progress | None, step: str) -> None:
    if progress is not None:
        progress(step, STEPS.index(step), len(STEPS))


def _format_name(format: str) -> str:
    from workbench.io.errors import LoadError
    from workbench.io.formats import get_format

    try:
        fmt = get_format(str(format))
    except LoadError:
        raise ExportError(f"unknown format {format!r}; use alpaca, sharegpt, openai, dpo (preference) "
                          "or kto") from None
    if not fmt.writable:
        raise ExportError(f"format {fmt.name!r} can be read but not written")
    return fmt.name


def _check_out(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is a file; choose a folder for the export")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise ExportError(f"{out} already holds an export; pass overwrite=True (--overwrite) "
                              "to replace it")
        if not (out / MANIFEST).is_file():
            raise ExportError(f"refusing to overwrite {out}: it is not a workbench export (no {MANIFEST})")


def export(source: Any, out: str | Path, format: str = "openai", splits=(0.8, 0.1, 0.1), seed: int = 0,
           stratify: str | None = "auto", container: str = "jsonl", redact_pii: bool | list[str] = False,
           min_rating: float | None = None, include: str = "unrejected", overwrite: bool = False,
           guidelines=None, min_agreement: float | None = None, dedupe: str = "near",
           near_threshold: float | None = NEAR_THRESHOLD, keep_metadata: bool = False,
           report: bool = True, semantic_threshold: float | None = None,
           progress: Progress | None = None) -> ExportResult:
    """Export cleaned, grouped and stratified splits with a manifest and the hand-over documents.

    Parameters
    ----------
    source : Project, str, Path or Dataset
        A project (its edits, decisions and ratings apply), a project folder, a dataset file or a
        loaded Dataset.
    out : str or Path
        The export folder (must not hold an export unless ``overwrite``).
    format : {"openai", "alpaca", "sharegpt", "dpo" / "preference", "kto"}
    splits : sequence of float, mapping or str
        Fractions for train/val/test (two numbers: train/test); they must sum to 1.
    seed : int
        The same seed and input give byte-identical data files.
    stratify : str or None
        Column (or metadata key) whose shares each split keeps; ``"task_type"`` for the inferred task
        types; ``"auto"`` (the default): the data's categories when it has any, else its task types;
        None for no stratification.
    container : {"jsonl", "parquet", "hf"}
        ``train.jsonl``..., ``train.parquet``..., or a ``DatasetDict`` saved in ``hf/``.
    redact_pii : bool or list of str
        Replace PII with typed placeholders instead of leaving records out.
    min_rating, min_agreement : float, optional
        Keep only records rated at least / agreed on at least this much.
    include : {"accepted", "unrejected", "all"}
        Which reviewer decisions go out.
    overwrite : bool
        Replace an existing export in ``out``.
    guidelines : Guidelines or path, optional
        Guidelines for a plain dataset (a project has its own).
    dedupe : {"near", "exact", "none"}
        Duplicates to leave out, keeping each group's accepted member or first record.
    near_threshold : float or None
        Near-duplicate Jaccard threshold for grouping and the leakage check; None switches the
        near-duplicate stage off (exact duplicates and shared prompts still group).
    semantic_threshold : float or None
        Also keep semantic duplicates (prompts that say the same thing in other words: cosine of their
        static embeddings at least this, 0.75 being the measured default of the semantic-duplicate
        signal) in one split, and check it after writing. None (default): not grouped.
    keep_metadata : bool
        Write the source's other fields beside the format's (not for OpenAI rows).
    report : bool
        Write the quality report (the costliest document on large exports).
    progress : callable, optional
        ``progress(step, done, total)`` as each step of :data:`STEPS` starts (``done`` steps are behind
        it), and ``progress("done", total, total)`` at the end: the CLI's bar, the dashboard's.

    Returns
    -------
    ExportResult
        A dict: ``out``, ``counts`` (per split), ``total``, ``left_out`` (by reason), ``leakage_check``,
        ``files`` and ``manifest``; also as attributes, with a short repr.

    Raises
    ------
    ExportError
        Unknown format or container, splits not summing to 1, an existing export, an empty selection.
    """
    fmt = _format_name(format)
    fractions = parse_splits(splits)
    if container not in CONTAINERS:
        raise ExportError(f"unknown container {container!r}; use one of {', '.join(CONTAINERS)}")
    # ".." resolved first: the temporary folder and the rename work on the output's real name
    out = Path(os.path.normpath(Path(out).expanduser().absolute()))
    if not out.name:
        raise ExportError(f"{out} cannot be the output folder: give a folder with a name")
    _check_out(out, overwrite)
    options = {"format": fmt, "container": container, "splits": fractions, "seed": seed, "stratify": stratify,
               "include": include, "min_rating": min_rating, "min_agreement": min_agreement,
               "redact_pii": redact_pii, "dedupe": dedupe, "near_threshold": near_threshold,
               "semantic_threshold": semantic_threshold, "keep_metadata": keep_metadata}
    src = resolve_source(source, guidelines)
    try:
        plan = plan_export(src, options, progress)
        manifest = _write_export(plan, src, out, overwrite, report, progress)
    finally:
        src.close()
    if progress is not None:
        progress("done", len(STEPS), len(STEPS))
    return ExportResult(out=str(out), counts=manifest["counts"], total=manifest["total"],
                        left_out=manifest["left_out"], leakage_check=manifest["leakage_check"],
                        files=sorted(manifest["files"]), manifest=manifest)


class ExportResult(ResultDict):
    """What :func:`export` wrote: ``out``, ``counts`` per split, ``total``, ``left_out`` (reason ->
    records), ``leakage_check``, ``files`` and the whole ``manifest``; a dict with attributes."""

    SHOWN = ("out", "counts", "total", "left_out", "files")

    def shown(self) -> dict[str, Any]:
        fields = super().shown()
        check = self.get("leakage_check") or {}
        fields["leakage_check"] = "passed" if check.get("ok") else {
            k: v for k, v in check.items() if k.endswith("_across_splits") and v}
        fields["fingerprint"] = str(self["manifest"]["source"].get("fingerprint") or "")[:12]
        return fields


def plan_export(src, options: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Everything an export writes, decided in memory: selection, splits, leakage check, manifest.

    Returns a dict with ``data`` (split -> rows, or its records as a ``TableRows``), ``exported`` (the
    canonical records written, a ``TableRows``), ``curation`` (the before/after summary) and ``manifest``
    (without ``files``).
    """
    o = options
    fmt, keep_metadata = o["format"], o["keep_metadata"]
    _tell(progress, "selecting records")
    sel = select_records(src, fmt, o["include"], o["min_rating"], o["min_agreement"], o["redact_pii"],
                         o["dedupe"], o["near_threshold"], o.get("semantic_threshold"))
    # the records stay positions in the (memory-mapped) source until a writer takes them a batch at a
    # time; sorting and splitting copied the whole table twice, 0.65 GB each at 1M (``rows.TableRows``)
    view, groups = sel.view, sel.groups
    fast = can_write_fast(view, fmt, keep_metadata)
    rows: list[dict] | None = None
    if not fast:  # Python rows of every record: this path holds them all anyway
        table = view.to_table()
        rows, skipped = format_rows(table, fmt, keep_metadata)
        if skipped:
            keep = pc.invert(pc.is_in(table.column("id"), pa.array(skipped, pa.string())))
            table, groups = table.filter(keep), groups[np.asarray(keep)]
            sel.left_out["format_cannot_hold"] = sel.left_out.get("format_cannot_hold", 0) + len(skipped)
        view = TableRows(table)
    if view.num_rows == 0:
        why = ", ".join(f"{k} {v}" for k, v in sel.left_out.items()) or "the source has no records"
        raise ExportError(f"nothing to export: every record was left out ({why})")
    # one canonical order (by record id) from here on: the input's row order cannot change the output
    order = pc.sort_indices(view.column("id")).to_numpy()
    view, groups = view.subset(order), groups[order]
    _tell(progress, "splitting")
    stratified_by = resolve_stratify(pa.table({"category": view.column("category")}), o["stratify"])
    split_of = assign_splits(groups, view_strata(view, stratified_by), o["splits"], o["seed"])
    names = list(o["splits"])
    masks = {n: split_of == n for n in names}
    parts = {n: view.subset(np.flatnonzero(m)) for n, m in masks.items()}
    if rows is None:
        data: dict[str, Any] = parts
    else:
        rows = [rows[i] for i in order]
        data = {n: [rows[i] for i in np.flatnonzero(m)] for n, m in masks.items()}
    counts = {n: int(m.sum()) for n, m in masks.items()}
    exported = concat_views([parts[n] for n in names])
    curation = curation_summary(src, sel, exported.select(["id", "metadata"]).to_table(), o["seed"])
    _tell(progress, "checking for leakage")
    leakage = leakage_check(parts, o["near_threshold"], o.get("semantic_threshold"))
    manifest = {
        "tool": "workbench", "tool_version": workbench.__version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": {"kind": src.kind, "where": src.where, "fingerprint": src.fingerprint,
                   "last_event_id": src.last_event_id, "format": src.dataset.format,
                   "rows_read": src.dataset.rows_read},
        "options": o, "counts": counts, "total": int(sum(counts.values())),
        "counts_per_category": split_counts(split_of, view_strata(view, "category"), names),
        "left_out": sel.left_out, "leakage_check": leakage,
        "stratified_by": stratified_by,
        "provenance": curation["provenance"], "empty_splits": [n for n in names if not counts[n]],
    }
    return {"data": data, "exported": exported, "curation": curation, "manifest": manifest}


def _write_export(plan: dict[str, Any], src, out: Path, overwrite: bool, report: bool,
                  progress: Progress | None = None) -> dict[str, Any]:
    """Write the plan into a temporary folder beside ``out`` and rename it into place; the manifest."""
    manifest, curation, exported = plan["manifest"], plan["curation"], plan["exported"]
    container = manifest["options"]["container"]
    g = src.guidelines
    with staged(out) as st:  # killed or failed: nothing but the hidden folder, swept by the next export
        tmp = st.tmp
        _tell(progress, "writing splits")
        files = write_splits(plan["data"], tmp, container)
        cat_dist = split_category_distribution(manifest["counts_per_category"], g.target_mix if g else None)
        info = {**manifest, "name": out.name, "format": manifest["options"]["format"], "container": container,
                "category_distribution": cat_dist, "curation": curation, "has_guidelines": g is not None,
                "split_files": _split_files(files, tmp, container),
                "kind_counts": dict(sorted(Counter(exported.column("kind").to_pylist()).items()))}
        if report:
            _tell(progress, "writing the quality report")
            write_quality_report(exported.to_table(), tmp, g, curation,
                                 batch_size=REPORT_BATCH if exported.num_rows > REPORT_BATCH else None)
        _tell(progress, "writing the card and manifest")
        cd_path = tmp / "category_distribution.json"
        if cd_path.is_file():  # the report's own view (task types, targets) stays beside the split view
            cat_dist = {**json.loads(cd_path.read_text(encoding="utf-8")), **cat_dist}
        _write(cd_path, json.dumps(cat_dist, indent=2, ensure_ascii=False) + "\n")
        if g is not None:
            _write(tmp / "annotation_guidelines.md", render_guidelines_md(g))
        _write(tmp / "README.md", render_dataset_card(info))
        manifest["files"] = {p.relative_to(tmp).as_posix(): sha256_file(p)
                             for p in sorted(tmp.rglob("*")) if p.is_file()}
        _write(tmp / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False, default=str) + "\n")
        st.move_into_place(lambda o: _check_out(o, overwrite))
    return manifest


def resolve_stratify(table: pa.Table, stratify: str | None) -> str | None:
    """The stratum an export uses: ``"auto"`` is ``category`` when some record has a non-blank category,
    else ``task_type`` (most data from elsewhere has no categories; its task types are the composition a
    split should keep)."""
    if stratify != "auto":
        return stratify
    return "category" if has_categories(table) else "task_type"


def view_strata(view: TableRows, stratify: str | None) -> np.ndarray:
    """:func:`~workbench.export.splits.strata` of a view's rows, ``rows.BATCH`` rows at a time (only the
    columns the stratum reads): the task typer over all the text at once raised the peak from 2.7 to
    4.0 GB at 1M Alpaca records, and every stratum is a function of its own row alone."""
    if stratify is None or not len(view):
        return np.full(len(view), "all" if stratify is None else "(none)", dtype=object)
    if stratify == "task_type" and "task_type" not in view.column_names:
        cols = view
    else:
        cols = view.select([stratify if stratify in view.column_names else "metadata"])
    return np.concatenate([strata(batch, stratify) for batch in cols.batches()])


def _split_files(files: list[Path], tmp: Path, container: str) -> dict[str, str]:
    """split -> path (relative to the export folder) of its data, for the dataset card."""
    out: dict[str, str] = {}
    for p in files:
        rel = p.relative_to(tmp).as_posix()
        if container == "hf":
            if p.suffix == ".arrow":
                out.setdefault(p.parent.name, f"hf/{p.parent.name}/*.arrow")
        else:
            out[p.stem] = rel
    return out


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def export_counts(result: dict[str, Any]) -> str:
    """One line for a CLI: ``train 80, val 10, test 10``."""
    return ", ".join(f"{k} {v}" for k, v in result["counts"].items())


__all__ = ["export", "ExportError", "ExportResult", "MANIFEST", "STEPS", "export_counts"]
