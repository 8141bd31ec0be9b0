"""The format interface: recognise a row, turn it into a canonical record, and write one back."""
from __future__ import annotations

from typing import Any, ClassVar

from workbench.io.ids import ID_KEYS

CATEGORY_KEYS = ("category",)


class Format:
    """One on-disk record shape (Alpaca, ShareGPT, ...).

    ``sniff`` says whether a parsed row looks like this format (used for detection on a sample);
    ``read_row`` returns the canonical fields of one row or raises ``RowError``;
    ``write_row`` turns a canonical row dict back into this format (``None`` if it cannot hold it).
    """

    name: ClassVar[str] = ""
    writable: ClassVar[bool] = True
    consumed: ClassVar[tuple[str, ...]] = ()

    def sniff(self, row: dict) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read_row(self, row: dict) -> dict[str, Any]:  # pragma: no cover - interface
        raise NotImplementedError

    def write_row(self, rec: dict[str, Any]) -> dict[str, Any] | None:  # pragma: no cover - interface
        raise NotImplementedError

    # helpers ------------------------------------------------------------------------------------
    def common(self, row: dict, consumed: tuple[str, ...] = ()) -> dict[str, Any]:
        """Id keys, category and the leftover fields as metadata (nothing the user had is lost).

        Which id key gives the record its id is decided for the whole file by ``ids.resolve_source_ids``
        (the id keys not used go back into the metadata there).
        """
        used = set(self.consumed) | set(consumed) | set(ID_KEYS)
        id_values = {k: row[k] for k in ID_KEYS if k in row}
        category = next((row[k] for k in CATEGORY_KEYS if isinstance(row.get(k), str) and row[k]), None)
        if category is not None:
            used.add("category")
        meta = {k: v for k, v in row.items() if k not in used}
        return {"id_values": id_values, "category": category, "metadata": meta}

    @staticmethod
    def extras(rec: dict[str, Any]) -> dict[str, Any]:
        """Fields to write back beside the format's own: id, category and the kept metadata."""
        import json

        out: dict[str, Any] = {}
        meta = rec.get("metadata")
        if isinstance(meta, str):
            meta = json.loads(meta)
        if rec.get("id") is not None:
            out["id"] = rec["id"]
        if rec.get("category") is not None:
            out["category"] = rec["category"]
        out.update(meta or {})
        return out


def assistant_text(messages: list[dict] | None) -> str:
    for m in reversed(messages or []):
        if m["role"] == "assistant":
            return m["content"]
    return ""
