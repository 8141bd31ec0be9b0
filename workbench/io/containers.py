"""Raw rows out of any container: JSON array, JSONL, gzip of either, Parquet, CSV, HF datasets folders,
in-memory DataFrames and ``datasets.Dataset``. Rows come with their line number; a row that cannot be
parsed comes as a ``RowError`` in its place, so nothing is dropped silently.

Text is UTF-8 with an optional BOM (read as ``utf-8-sig``); bytes that are not UTF-8 are kept with
``surrogateescape`` so the row holding them, and only that row, is quarantined.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from workbench.io.csvtext import rows_from_csv
from workbench.io.errors import LoadError
from workbench.io.jsontext import RawRow, rows_from_json_array, rows_from_jsonl

SNIFF_BYTES = 8192
BOM = b"\xef\xbb\xbf"

__all__ = ["RawRow", "read_raw", "looks_binary"]


def read_raw(source) -> tuple[list[RawRow], str]:
    """Rows of ``source`` (a path or an in-memory table) and a label of the container."""
    if _is_dataframe(source):
        import pyarrow as pa

        try:
            table = pa.Table.from_pandas(source, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError):  # mixed Python objects: row by row
            return _rows_from_records(source.to_dict(orient="records")), "dataframe"
        return _rows_from_arrow(table), "dataframe"
    if _is_hf_dataset(source):
        return _rows_from_hf(source), "datasets"
    path = Path(source)
    if not path.exists():
        raise LoadError(f"no such file or folder: {path}")
    if path.is_dir():
        return _rows_from_hf_folder(path), "datasets"
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
        data = path.read_bytes() if head[:4] != b"PAR1" else b""
    except OSError as exc:
        raise LoadError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not head:
        raise LoadError(f"{path} is empty")
    if head[:4] == b"PAR1":
        import pyarrow.parquet as pq

        try:
            return _rows_from_arrow(pq.read_table(path)), "parquet"
        except Exception as exc:  # noqa: BLE001 - any reader failure is one clear line
            raise LoadError(f"{path} is not a readable Parquet file: {str(exc).splitlines()[0]}") from None
    container = "json"
    if head[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise LoadError(f"{path} is a damaged gzip file: {exc}") from None
        container = "json.gz"
        if not data:
            raise LoadError(f"{path} is empty")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise LoadError(f"{path} is UTF-16 text; save it as UTF-8")
    if looks_binary(data[:SNIFF_BYTES]):
        raise LoadError(f"{path} looks like a binary file, not JSON, JSONL, CSV or Parquet")
    text = data[3:].decode("utf-8", "surrogateescape") if data.startswith(BOM) else \
        data.decode("utf-8", "surrogateescape")
    del data
    if not text.strip():
        raise LoadError(f"{path} holds no rows")
    if path.suffix.lower() == ".csv" or path.name.lower().endswith(".csv.gz"):
        return rows_from_csv(text, path), "csv"
    if text.lstrip().startswith("["):
        return rows_from_json_array(text), container
    return rows_from_jsonl(text), container.replace("json", "jsonl")


def looks_binary(head: bytes) -> bool:
    """NUL bytes that are not one damaged row: at the start, or on most lines of the first 8 KB."""
    if b"\x00" not in head:
        return False
    body = head[3:] if head.startswith(BOM) else head
    first = body.lstrip()[:1]
    if not first or (first not in b'{["' and not first.isalnum()):
        return True
    lines = body.split(b"\n")
    return sum(b"\x00" in line for line in lines) * 2 > len(lines)


def _rows_from_arrow(table) -> list[RawRow]:
    return _rows_from_records(table.to_pylist())


def _rows_from_records(records: list[dict]) -> list[RawRow]:
    """Rows from in-memory records; null (and pandas' NaN) fields are left out, as in every container."""
    return [RawRow(i + 1, {k: v for k, v in row.items() if not _missing(v)}) for i, row in enumerate(records)]


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _is_dataframe(obj) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "to_dict")


def _is_hf_dataset(obj) -> bool:
    return type(obj).__name__ in ("Dataset", "DatasetDict") and type(obj).__module__.startswith("datasets")


def _rows_from_hf(ds) -> list[RawRow]:
    if type(ds).__name__ == "DatasetDict":
        rows = []
        for split, part in ds.items():
            for r in _rows_from_arrow(part.data.table):
                r.value.setdefault("split", split)
                rows.append(r)
        return rows
    return _rows_from_arrow(ds.data.table)


def _rows_from_hf_folder(path: Path) -> list[RawRow]:
    if not any((path / f).exists() for f in ("dataset_info.json", "state.json", "dataset_dict.json")):
        raise LoadError(f"{path} is a folder but not a Hugging Face dataset saved with save_to_disk")
    try:
        import datasets

        ds = datasets.load_from_disk(str(path))
    except Exception as exc:  # noqa: BLE001
        raise LoadError(f"cannot load the dataset folder {path}: {str(exc).splitlines()[0]}") from None
    return _rows_from_hf(ds)
