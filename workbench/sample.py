"""A ready-made project from the bundled sample data (``data/`` in the repository).

:func:`sample_project` loads ``support_conversations.jsonl`` (OpenAI chat SFT), creates a project and
imports ``annotations.jsonl`` (one row per reviewer value, with its annotator and time) and
``gold.jsonl`` (the expert's answers) as events, so the dashboard's Agreement tab and the notebooks
have content. The sample is customer-support data, so its project takes the support guidelines
``data/support_guidelines.yaml`` (100-300 words, support categories and target mix, apology / refusal /
repeated-question rules); any other dataset gets the neutral defaults. The project is built once into a
cache folder and reopened afterwards; building goes through a temporary folder renamed into place, so
two kernels starting together end with one project.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import warnings
from pathlib import Path
from typing import Any

SFT_FILE, ANNOTATIONS_FILE, GOLD_FILE = "support_conversations.jsonl", "annotations.jsonl", "gold.jsonl"
GUIDELINES_FILE = "support_guidelines.yaml"  # the sample's own guidelines, beside its data
EXPERT = "expert"  # the gold answers' author: an adjudicator (gold answers need that role)
REPO_DATA = Path(__file__).resolve().parent.parent / "data"  # the sample in a checkout of the repository


def data_dir() -> Path:
    """The sample data folder: ``WORKBENCH_DATA`` or the repository's ``data/``.

    Raises
    ------
    FileNotFoundError
        When the folder or its SFT file is missing (e.g. a wheel installed without the repository).
    """
    env = os.environ.get("WORKBENCH_DATA")
    path = Path(env).expanduser() if env else REPO_DATA
    if not (path / SFT_FILE).is_file():
        raise FileNotFoundError(
            f"the bundled sample data is not available: {path / SFT_FILE} is missing. The sample lives in "
            "the repository's data/ folder; run from a checkout, or set WORKBENCH_DATA to a folder "
            "holding support_conversations.jsonl, annotations.jsonl and gold.jsonl")
    return path


def default_path() -> Path:
    """``<cache>/sample-project-<hash>``: ``<cache>`` is ``WORKBENCH_CACHE`` or ``~/.cache/workbench``.

    The hash is of the bundled files, so a new version of the sample data gets a new project and a
    project someone reviewed in is never rebuilt under them.
    """
    env = os.environ.get("WORKBENCH_CACHE")
    root = Path(env).expanduser() if env else Path.home() / ".cache" / "workbench"
    return root / f"sample-project-{data_hash()}"


def data_hash() -> str:
    """Short SHA-256 of the bundled SFT, annotation and gold files and the sample's guidelines."""
    h = hashlib.sha256()
    folder = data_dir()
    for name in (SFT_FILE, ANNOTATIONS_FILE, GOLD_FILE, GUIDELINES_FILE):
        path = _guidelines_file(folder) if name == GUIDELINES_FILE else folder / name
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return h.hexdigest()[:10]


def support_guidelines_path() -> Path:
    """The sample's customer-support guidelines: ``support_guidelines.yaml`` in :func:`data_dir`, else
    the repository's ``data/`` copy (a ``WORKBENCH_DATA`` folder may hold the data files only).

    Raises
    ------
    FileNotFoundError
        When neither exists.
    """
    path = _guidelines_file(data_dir())
    if path.is_file():
        return path
    raise FileNotFoundError(f"the sample's guidelines file {GUIDELINES_FILE} is missing from {data_dir()}")


def _guidelines_file(folder: Path) -> Path:
    """``folder``'s guidelines file, else the repository's copy (which may not exist either)."""
    own = folder / GUIDELINES_FILE
    return own if own.is_file() else REPO_DATA / GUIDELINES_FILE


def support_guidelines():
    """The sample's customer-support :class:`~workbench.model.Guidelines` (for the sample project, or to
    judge other support data by the same rules)."""
    from workbench.model import Guidelines

    return Guidelines.load(support_guidelines_path())


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def sample_dataset():
    """The bundled SFT sample as a loaded :class:`~workbench.model.Dataset` (malformed lines quarantined)."""
    from workbench.io import load

    return load(data_dir() / SFT_FILE)


def sample_project(path: str | os.PathLike | None = None, rebuild: bool = False, annotations: bool = True,
                   signals: bool = True):
    """Open the sample project, building it first when ``path`` holds none.

    Parameters
    ----------
    path : str or Path, optional
        The project folder (default :func:`default_path`).
    rebuild : bool
        Replace an existing project at ``path`` with a fresh one (its reviews are lost).
    annotations : bool
        Import the bundled annotations and gold answers (False: a project with no reviews yet).
    signals : bool
        Compute the quality signals into the project's cache while building, so the dashboard's first
        paint reads them instead of computing them.

    Returns
    -------
    Project
    """
    from workbench.store import Project
    from workbench.store.folder import is_project_folder

    path = Path(path).expanduser() if path is not None else default_path()
    if is_project_folder(path) and not rebuild:
        return Project.open(path)
    if path.exists() and not rebuild and any(path.iterdir()):
        raise FileExistsError(f"{path} exists and is not a workbench project; choose another path")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        project = Project.create(tmp, sample_dataset(), support_guidelines_path())  # owner: the OS user
        if annotations:
            import_annotations(project, data_dir())
        if signals:
            warm_signals(project)
        project.close()
        if rebuild and path.exists():
            shutil.rmtree(path)
        elif path.exists():  # an empty folder, or another process finished first
            if is_project_folder(path):
                shutil.rmtree(tmp, ignore_errors=True)
                return Project.open(path)
            path.rmdir()
        os.replace(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if is_project_folder(path):  # lost a race to another kernel: use its project
            return Project.open(path)
        raise
    return Project.open(path)


def annotation_events(project, rows: list[dict[str, Any]], gold: list[dict[str, Any]]) -> list:
    """Events for the sample's long-table annotations and gold answers (validated, times kept).

    ``field`` decides the kind: "category" -> label, "decision" -> decision, "tags" -> tags,
    "comment" -> comment, "overall" or a guideline criterion -> rating; the gold rows become gold
    events by :data:`EXPERT`.
    """
    from workbench.model.events import Event
    from workbench.store.validate import validate_action

    g = project.guidelines
    criteria = {"overall", *(c.name for c in g.criteria)}
    kinds = {"category": "label", "decision": "decision", "tags": "tags", "comment": "comment"}
    events = []
    for n, row in enumerate(rows, 1):
        field = row["field"]
        kind = "rating" if field in criteria else kinds.get(field)
        if kind is None:
            raise ValueError(f"{ANNOTATIONS_FILE}:{n}: unknown field {field!r}")
        target, value = validate_action(kind, None if kind != "rating" else field, row["value"], g, dict)
        events.append(Event(row["record_id"], kind, row["annotator"], target, value, session="sample-import",
                            **({"time": row["time"]} if row.get("time") else {})))
    for row in gold:
        target, value = validate_action("gold", row["field"], row["value"], g, dict)
        events.append(Event(row["record_id"], "gold", row.get("annotator", EXPERT), target, value,
                            session="sample-import"))
    return events


def import_annotations(project, folder: Path) -> int:
    """Add the annotators (reviewers) and the expert (adjudicator), then append every event."""
    rows = read_jsonl(folder / ANNOTATIONS_FILE)
    gold = read_jsonl(folder / GOLD_FILE)
    ids = project.dataset.ids
    rows = [r for r in rows if r["record_id"] in ids]
    gold = [r for r in gold if r["record_id"] in ids]
    for name in sorted({r["annotator"] for r in rows}):
        project.add_reviewer(name, "reviewer", by=project.owner)
    for name in sorted({r.get("annotator", EXPERT) for r in gold}):
        project.add_reviewer(name, "adjudicator", by=project.owner)
    events = annotation_events(project, rows, gold)
    project.log.append_many(events)
    return len(events)


def warm_signals(project) -> bool:
    """Compute the quality signals into the project's cache; False when they cannot be computed.

    Signals are an aid: a failure here leaves the project usable (the dashboard computes or skips them).
    """
    from workbench.workflows.signals import signals_or_none

    def say(message: str) -> None:
        warnings.warn(f"{message} (they were not cached for the sample project)", stacklevel=4)

    return signals_or_none(project, say=say) is not None
