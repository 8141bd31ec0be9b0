"""The workbench's own canonical rows (a project's frozen source, or a canonical JSONL/Parquet)."""
from __future__ import annotations

import json

from workbench.io.errors import RowError
from workbench.io.formats.base import Format
from workbench.io.messages import check_turns, normalise_openai
from workbench.model.schema import KINDS, RECORD_SCHEMA


class CanonicalFormat(Format):
    name = "canonical"

    def sniff(self, row: dict) -> bool:
        return {"id", "kind", "messages"} <= set(row) and row.get("kind") in KINDS

    def read_row(self, row: dict) -> dict:
        if row.get("kind") not in KINDS:
            raise RowError("data_type", f"unknown kind {row.get('kind')!r}")
        out = {"kind": row["kind"], "source_id": str(row["id"]), "category": row.get("category")}
        for key in ("messages", "chosen", "rejected", "completion"):
            if row.get(key) is not None:
                out[key] = normalise_openai(list(row[key]), key, strict_keys=False)
        check_turns(out["messages"], need_assistant=row["kind"] == "sft")
        for key in ("candidates", "label"):
            if row.get(key) is not None:
                out[key] = row[key]
        meta = row.get("metadata")
        out["metadata"] = json.loads(meta) if isinstance(meta, str) else (meta or {})
        for key in ("source_file", "source_line"):
            if row.get(key) is not None:
                out[key] = row[key]
        return out

    def write_row(self, rec: dict) -> dict:
        return {k: rec.get(k) for k in RECORD_SCHEMA.names}
