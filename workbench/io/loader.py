"""``load()``: any supported input to a canonical ``Dataset`` with a quarantine.

Large JSONL files go through the vectorised reader (``fastpath``) when it can guarantee the same
result as the exact row-by-row path; everything else is read by the container layer, the format is
detected (or given), and every row is converted and validated by ``convert.convert_rows``. A whole
file that cannot be read raises ``LoadError`` (one line) and nothing else.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.io.containers import read_raw
from workbench.io.convert import convert_rows
from workbench.io.detect import detect_format
from workbench.io.errors import LoadError
from workbench.io.fastpath import try_fast_load
from workbench.io.formats import get_format
from workbench.model.dataset import Dataset


def load(source: Any, format: str | None = None, *, fast: bool | None = None) -> Dataset:
    """Load a dataset file, folder or in-memory table into canonical records.

    Parameters
    ----------
    source : str | Path | pandas.DataFrame | datasets.Dataset | datasets.DatasetDict
        A JSON / JSONL (optionally gzipped), Parquet or CSV file, a folder saved with
        ``datasets.save_to_disk``, or an in-memory table.
    format : str, optional
        Force a record format (alpaca, sharegpt, openai, preference, ranking, kto, labelstudio,
        canonical) instead of detecting it.
    fast : bool, optional
        ``None`` (default): the vectorised reader for JSONL files from ``fastpath.min_bytes()`` up
        (1 MB, or ``WORKBENCH_FAST_LOAD_MIN_BYTES``); ``True``: try it whatever the size; ``False``:
        row by row only. The result is the same either way; only the speed differs.

    Returns
    -------
    Dataset
        ``.table`` (canonical records), ``.format``, ``.quarantine`` (bad rows with reasons);
        ``rows_read == len(ds) + len(ds.quarantine)`` always holds.

    Raises
    ------
    LoadError
        The whole file cannot be read (missing, empty, binary, unknown format). Never another type.
    """
    where = str(source) if isinstance(source, (str, Path)) else type(source).__name__
    try:
        return _load(source, format, fast, where)
    except (LoadError, MemoryError):  # (KeyboardInterrupt is no Exception: it passes anyway)
        raise
    except Exception as exc:  # noqa: BLE001 - the API promises LoadError only; tests flag this message
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise LoadError(f"{where} could not be read (internal error {type(exc).__name__}: {detail})") from None


def _load(source: Any, format: str | None, fast: bool | None, where: str) -> Dataset:
    if isinstance(source, (str, Path)) and fast is not False:
        done = try_fast_load(source, format, force=bool(fast))
        if done is not None:
            return done
    raw, _container = read_raw(source)
    if not raw:
        raise LoadError(f"{where} holds no rows")
    fmt = get_format(format) if format else detect_format([r.value for r in raw], where)
    return convert_rows(raw, fmt, where if isinstance(source, (str, Path)) else None)
