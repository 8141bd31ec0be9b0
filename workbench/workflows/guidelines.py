"""Drafting a guidelines file from a data file (``workbench guidelines draft DATA``)."""
from __future__ import annotations

import os


def draft_guidelines(dataset, out: str | os.PathLike | None = None, topics: bool = True,
                     cache_dir: str | os.PathLike | None = None) -> str:
    """:func:`workbench.quality.draft.draft_guidelines`, also for a path (read with ``workbench.io.load``).

    Parameters
    ----------
    dataset : Dataset, pyarrow.Table, str or PathLike
    out, topics, cache_dir
        As in :func:`workbench.quality.draft.draft_guidelines`.

    Returns
    -------
    str
        The YAML text.
    """
    from workbench.quality.draft import draft_guidelines as draft_from_dataset

    source = None
    if isinstance(dataset, (str, os.PathLike)):
        from workbench.io import load

        source, dataset = str(dataset), load(dataset)
    return draft_from_dataset(dataset, out=out, topics=topics, cache_dir=cache_dir, source=source)
