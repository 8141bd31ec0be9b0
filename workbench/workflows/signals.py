"""A project's quality signals and their cache: the one place that computes them for a project.

The review queue (:func:`workbench.review`), the dashboard, the sample project and the app ask here, so
the way a failure is reported is decided once; the folder is the project's own ``cache_dir``
(``<project>/cache``, laid out by the store), which the report reads too.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def signal_cache(project: Any) -> Path | None:
    """The project's signal cache folder (None for an object without a folder, e.g. a test double)."""
    cache = getattr(project, "cache_dir", None)
    return Path(cache) if cache is not None else None


# above this many records a project's signals run batch by batch (the same columns as one whole-table
# run, one batch's text in memory at a time; quality.engine.compute_signals), reporting progress per batch
BATCH_ABOVE = 100_000


def project_signals(project: Any, signals=None, guidelines=None, options: dict[str, Any] | None = None,
                    progress: Callable[[int, int], Any] | None = None):
    """Compute (or read back from the project's cache) the quality signals of a project.

    Parameters
    ----------
    project : Project
        Its dataset, guidelines and cache folder are used.
    signals : iterable of names, optional
        Which signals (default: every registered one).
    guidelines : Guidelines or path, optional
        Judge by these instead of the project's own.
    options : dict, optional
        Run options passed to the signals.
    progress : callable, optional
        ``progress(done, total)`` in records after each batch (projects above :data:`BATCH_ABOVE`
        records run in batches of that size).

    Returns
    -------
    SignalReport

    Raises
    ------
    Exception
        Whatever the signals raise: this function does not hide failures (see :func:`signals_or_none`).
    """
    from workbench.quality import compute_signals

    guidelines = project.guidelines if guidelines is None else guidelines
    batch = BATCH_ABOVE if len(project.dataset) > BATCH_ABOVE else None
    return compute_signals(project.dataset, guidelines, signals=signals, cache_dir=signal_cache(project),
                           options=options, batch_size=batch, progress=progress)


def signals_or_none(project: Any, say: Callable[[str], Any] | None = None, signals=None,
                    progress: Callable[[int, int], Any] | None = None):
    """:func:`project_signals`, or None when they cannot be computed - the failure logged and shown.

    Signals are an aid: reviewing, the dashboard and the sample project must still open without them.
    A failure is logged as a warning with its traceback (logger ``workbench.workflows.signals``) and,
    when ``say`` is given, passed to it as one line (the dashboard's message bar, ``warnings.warn``).
    """
    try:
        return project_signals(project, signals=signals, progress=progress)
    except Exception as exc:  # noqa: BLE001 - reported below, never silently dropped
        text = str(exc).strip()
        message = f"quality signals are unavailable: {text.splitlines()[0] if text else type(exc).__name__}"
        log.warning("%s (project %s)", message, getattr(project, "path", "?"), exc_info=True)
        if say is not None:
            say(message)
        return None
