"""What an export reads from: a project (edits, decisions, ratings, agreement) or a plain dataset.

:func:`resolve_source` turns any accepted input into one :class:`ExportSource`, so the rest of the
export never asks which kind of input it was given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from workbench.export.errors import ExportError
from workbench.model import Dataset, Guidelines
from workbench.store.folder import is_project_folder

STATE_COLUMNS = ["record_id", "kind", "target", "value", "source", "n_reviewers", "agreed"]


@dataclass
class ExportSource:
    """Everything an export needs from its input.

    Attributes
    ----------
    dataset : Dataset
        The source records as loaded (quarantine, fingerprint).
    table : pyarrow.Table
        Canonical records with the consolidated edits and category labels applied.
    consolidated, per_reviewer : DataFrame
        The folded review state (empty frames for a plain dataset without reviewer events).
    annotations : DataFrame or None
        The long annotation table the agreement package reads.
    """

    dataset: Dataset
    table: pa.Table
    guidelines: Guidelines | None
    fingerprint: str
    last_event_id: str | None = None
    consolidated: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STATE_COLUMNS))
    per_reviewer: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["record_id", "reviewer", "kind", "target", "value"]))
    annotations: pd.DataFrame | None = None
    edit_effort: pd.DataFrame | None = None
    project: Any = None
    kind: str = "dataset"
    where: str | None = None
    owned: bool = False  # the export opened the project itself, so it closes it

    def close(self) -> None:
        """Close the project when :func:`resolve_source` opened it from a folder."""
        if self.owned and self.project is not None:
            self.project.close()


def _is_project(obj: Any) -> bool:
    return hasattr(obj, "log") and hasattr(obj, "dataset") and hasattr(obj, "edited_table")


def resolve_source(source: Any, guidelines: Guidelines | str | Path | None = None) -> ExportSource:
    """An :class:`ExportSource` from a Project, a project folder, a dataset path or a Dataset.

    Parameters
    ----------
    source : Project, str, Path, Dataset, DataFrame or datasets.Dataset
        A folder holding ``project.json`` opens as a project; any other path is read with
        ``workbench.io.load``.
    guidelines : Guidelines or path, optional
        Overrides the project's guidelines (and gives a plain dataset some).
    """
    g = Guidelines.load(guidelines) if isinstance(guidelines, (str, Path)) else guidelines
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise ExportError(f"no such project or dataset: {path}")
        if is_project_folder(path):
            from workbench.store import Project

            project = Project.open(path)
            try:
                src = _from_project(project, g)
            except BaseException:
                project.close()
                raise
            src.owned = True
            return src
        else:
            from workbench.io import LoadError, load

            try:
                source = load(path)
            except LoadError as exc:
                raise ExportError(str(exc)) from None
    if _is_project(source):
        return _from_project(source, g)
    if not isinstance(source, Dataset):
        from workbench.io import load

        source = load(source)
    return _from_dataset(source, g)


def _from_project(project: Any, g: Guidelines | None) -> ExportSource:
    state = project.state()
    consolidated = state.consolidated
    table = apply_labels(project.edited_table(), consolidated)
    annotations = project.annotations_long()
    effort = project.edit_effort()
    return ExportSource(
        dataset=project.dataset, table=table, guidelines=g or project.guidelines,
        fingerprint=project.fingerprint, last_event_id=project.log.last_event_id(),
        consolidated=consolidated, per_reviewer=state.per_reviewer, annotations=annotations,
        edit_effort=effort, project=project, kind="project", where=str(project.path))


def _from_dataset(ds: Dataset, g: Guidelines | None) -> ExportSource:
    """A plain dataset; reviewer events it carries (a Label Studio export) are folded for decisions,
    ratings and labels (their text edits are not applied: there is no project to resolve them)."""
    src = ExportSource(dataset=ds, table=ds.table, guidelines=g, fingerprint=ds.fingerprint,
                       where=ds.source)
    events = [_as_review_event(e) for e in ds.extra_events
              if e.kind in ("rating", "label", "tags", "decision", "preference")]
    if events:
        from workbench.store.fold import fold_events

        frame = pd.DataFrame([{**e.to_dict(), "seq": i + 1} for i, e in enumerate(events)])
        state = fold_events(frame)
        src.consolidated, src.per_reviewer = state.consolidated, state.per_reviewer
        src.table = apply_labels(ds.table, state.consolidated)
        src.annotations = _long_from_state(state.per_reviewer)
    return src


def _as_review_event(e):
    """Label Studio Choices named ``decision`` / ``tags`` arrive as labels; give them their own kinds."""
    from dataclasses import replace

    if e.kind == "label" and e.target == "decision":
        return replace(e, kind="decision")
    if e.kind == "label" and e.target == "tags":
        return replace(e, kind="tags", value=[e.value])
    return e


def _long_from_state(pr: pd.DataFrame) -> pd.DataFrame:
    """The agreement package's long table from per-reviewer values (plain datasets)."""
    field_of = pr["kind"].map({"label": "category", "tags": "tags", "decision": "decision",
                               "preference": "preference"})
    field_of = field_of.where(pr["kind"] != "rating", pr["target"])
    value = pr["value"].map(lambda v: tuple(sorted(v)) if isinstance(v, list) else v)
    return pd.DataFrame({"record_id": pr["record_id"], "annotator": pr["reviewer"], "field": field_of,
                         "value": value}).reset_index(drop=True)


def apply_labels(table: pa.Table, consolidated: pd.DataFrame) -> pa.Table:
    """The table with the consolidated category label (where there is one) as ``category``."""
    if consolidated is None or consolidated.empty:
        return table
    lab = consolidated[(consolidated["kind"] == "label") & (consolidated["target"] == "category")
                       & consolidated["value"].notna()]
    if lab.empty:
        return table
    cat = pd.Series(table.column("category").to_pylist(), index=table.column("id").to_pylist(), dtype=object)
    hit = lab[lab["record_id"].isin(cat.index)]
    cat.loc[hit["record_id"].to_numpy()] = hit["value"].astype(str).to_numpy()
    i = table.schema.get_field_index("category")
    return table.set_column(i, "category", pa.array(cat.tolist(), pa.string()))
