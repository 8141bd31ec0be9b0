"""Raw rows out of any container: JSON array, JSONL, gzip of either, Parquet, CSV, HF datasets folders,
in-memory DataFrames and ``datasets.Dataset``. Rows come with their line number; a row that cannot be
parsed comes as a ``RowError`` in its place, so nothing is dropped silently."""
from __future__ import annotations

import bisect
import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.io.errors import LoadError, RowError

SNIFF_BYTES = 8192


@dataclass
class RawRow:
    line: int | None
    value: Any  # a dict (usually), or a RowError for an unparseable row
    raw: str = ""


def read_raw(source) -> tuple[list[RawRow], str]:
    """Rows of ``source`` (a path or an in-memory table) and a label of the container."""
    if _is_dataframe(source):
        import pyarrow as pa

        return _rows_from_arrow(pa.Table.from_pandas(source, preserve_index=False)), "dataframe"
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
    data = path.read_bytes()
    container = "json"
    if head[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise LoadError(f"{path} is a damaged gzip file: {exc}") from None
        container = "json.gz"
        if not data:
            raise LoadError(f"{path} is empty")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise LoadError(f"{path} looks like a binary file, not JSON, JSONL, CSV or Parquet")
    if path.suffix.lower() == ".csv" or path.name.lower().endswith(".csv.gz"):
        return _rows_from_csv(data, path), "csv"
    text = data.decode("utf-8", errors="surrogateescape")
    if text.lstrip().startswith("["):
        return _rows_from_json_array(text), container
    return _rows_from_jsonl(text), container.replace("json", "jsonl")


def _bad_utf8(s: str) -> bool:
    try:
        s.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _rows_from_jsonl(text: str) -> list[RawRow]:
    rows = []
    lines = text.split("\n")
    last = len(lines) - 1
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        raw = line[:500]
        if _bad_utf8(line):
            rows.append(RawRow(i + 1, RowError("invalid_utf8", f"line {i + 1} is not valid UTF-8"),
                               raw.encode("utf-8", "replace").decode()))
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            truncated = i == last and not text.endswith("\n")
            code = "truncated_line" if truncated else "parse_error"
            rows.append(RawRow(i + 1, RowError(code, f"line {i + 1}: {exc.msg} at column {exc.colno}"), raw))
            continue
        rows.append(RawRow(i + 1, value, raw))
    return rows


def _rows_from_json_array(text: str) -> list[RawRow]:
    """Elements of a JSON array, decoded one by one so a damaged tail loses only what is damaged."""
    if _bad_utf8(text):
        # one bad byte makes element boundaries untrustworthy only locally: replace and report
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    newlines = [i for i, c in enumerate(text) if c == "\n"]

    def line_of(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    dec = json.JSONDecoder()
    pos = text.index("[") + 1
    rows: list[RawRow] = []
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= n:
            rows.append(RawRow(line_of(pos), RowError("truncated_line", "the JSON array is not closed"), ""))
            break
        if text[pos] == "]":
            break
        try:
            value, end = dec.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            rows.append(RawRow(line_of(exc.pos), RowError(
                "truncated_line" if exc.pos >= n - 1 else "parse_error",
                f"line {line_of(exc.pos)}: {exc.msg}; the rest of the array cannot be read"), text[pos:pos + 500]))
            break
        rows.append(RawRow(line_of(pos), value, text[pos:min(end, pos + 500)]))
        pos = end
    return rows


def _cell(v: Any) -> Any:
    """CSV cells holding JSON lists/objects (e.g. a ``messages`` column) are decoded."""
    if isinstance(v, str) and v[:1] in "[{":
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


def _rows_from_csv(data: bytes, path: Path) -> list[RawRow]:
    import csv
    import io

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path} is not valid UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = []
    for row in reader:
        line = reader.line_num
        if None in row:
            rows.append(RawRow(line, RowError("parse_error", f"line {line} has more cells than the header"), ""))
            continue
        rows.append(RawRow(line, {k: _cell(v) for k, v in row.items() if v not in ("", None)}, ""))
    return rows


def _rows_from_arrow(table) -> list[RawRow]:
    return [RawRow(i + 1, {k: v for k, v in row.items() if v is not None}) for i, row in
            enumerate(table.to_pylist())]


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
