"""Writing a new project folder (used by :meth:`Project.create`, which builds it beside its destination)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow.parquet as pq

from workbench.model.dataset import Dataset
from workbench.model.events import Event
from workbench.model.guidelines import Guidelines
from workbench.store.fold import PROJECT_RECORD
from workbench.store.folder import (
    CACHE,
    EVENTS,
    GUIDELINES,
    META,
    QUARANTINE,
    SOURCE,
    now,
    sha256_file,
    write_atomic,
)
from workbench.store.log import SqliteEventLog


def build_folder(folder: Path, dataset: Dataset, g: Guidelines, owner: str, settings: dict) -> dict:
    """Write a complete project into ``folder`` (which must not exist); return its project.json content."""
    folder.mkdir()
    (folder / CACHE).mkdir()
    pq.write_table(dataset.table, folder / SOURCE)
    os.chmod(folder / SOURCE, 0o444)  # frozen: a guard against accidental rewrites (the hash is the check)
    g.save(folder / GUIDELINES)
    (folder / QUARANTINE).write_text(dataset.quarantine_jsonl(), encoding="utf-8")
    log = SqliteEventLog(folder / EVENTS)
    try:
        log.append(Event(PROJECT_RECORD, "role", owner, owner, {"role": "owner"}))
        if dataset.extra_events:  # annotations that came with the data (Label Studio) are reviews too
            log.append_many(dataset.extra_events)
    finally:
        log.close()  # the folder is renamed next: no connection may keep the old path
    meta = {"format_version": 1, "fingerprint": sha256_file(folder / SOURCE),
            "source": {"path": dataset.source, "format": dataset.format, "rows": len(dataset)},
            "created": now(), "owner": owner, "reviewers": {owner: "owner"}, "settings": settings}
    # project.json is written last: its presence marks a complete project
    write_atomic(folder / META, json.dumps(meta, indent=2, ensure_ascii=False))
    return meta
