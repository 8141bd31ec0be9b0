"""The project folder's files: names, atomic writes, fingerprints, quarantine, and log replay."""
from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

from workbench.model.dataset import QuarantinedRow
from workbench.model.events import Event
from workbench.model.guidelines import Guidelines
from workbench.store.fold import PROJECT_RECORD

SOURCE, META, GUIDELINES, EVENTS, QUARANTINE, CACHE = (
    "source.parquet", "project.json", "guidelines.yaml", "events.sqlite", "quarantine.jsonl", "cache")
# "assist": classifier retraining cadence etc.; "llm": endpoint, model, prices and the *name* of the
# environment variable holding the key (settings go into the audit log, so never the key itself)
DEFAULT_SETTINGS = {"open_enrolment": True, "rating_tolerance": 1, "assist": {}, "llm": {},
                    # who sees which side a preference dataset called "chosen": adjudicators (and owners),
                    # every reviewer once their batch is done ("after_batch"), or everyone ("always")
                    "reveal_dataset_preference": "adjudicators"}


def now() -> str:
    """UTC now, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_project_folder(path: str | os.PathLike | None) -> bool:
    """Whether ``path`` is a project folder (it holds ``project.json``); the one test every caller uses."""
    return path is not None and isinstance(path, (str, os.PathLike)) and (Path(path) / META).is_file()


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes (the project fingerprint of source.parquet), read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def as_guidelines(g: Guidelines | str | Path | dict | None) -> Guidelines:
    """Guidelines from an object, a YAML path or a dict; None gives the bundled defaults."""
    if g is None:
        return Guidelines.default()
    if isinstance(g, Guidelines):
        return g
    if isinstance(g, dict):
        return Guidelines.from_dict(g)
    return Guidelines.load(g)


def read_quarantine(path: Path) -> list[QuarantinedRow]:
    """The quarantined rows saved at project creation (empty when the file is missing)."""
    out = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out.append(QuarantinedRow(d.get("line"), tuple(d.get("reasons", ())), d.get("detail", ""),
                                          d.get("raw", ""), d.get("source_file")))
    return out


def replay_log(project, log_path: str | Path) -> int:
    """Append the events of an exported JSONL log into ``project``; see :meth:`Project.replay`."""
    events = []
    with open(log_path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                events.append(Event.from_dict(json.loads(line)))
            except (ValueError, TypeError, KeyError) as exc:
                raise ValueError(f"{log_path}:{n} is not an event: {exc}".splitlines()[0]) from None
    ids = project.dataset.ids
    for e in events:
        if e.record_id != PROJECT_RECORD and e.record_id not in ids:
            raise ValueError(f"{log_path}: event {e.id} names record {e.record_id!r}, not in this project")
    have = set(project.log.frame()["id"])
    new = [e for e in events if e.id not in have]
    project.log.append_many(new)
    guidelines = [e for e in new if e.kind == "guidelines" and isinstance(e.value, dict)]
    if guidelines:  # the guidelines file follows the log
        Guidelines.from_dict(guidelines[-1].value).save(project.path / GUIDELINES)
    project._write_meta(reviewers=project.reviewers)
    return len(new)
