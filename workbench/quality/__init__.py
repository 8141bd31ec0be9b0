"""Quality signals: one small class per check, a registry, and a cached engine that runs them.

    >>> from workbench.quality import compute_signals   # also exported as ``signals`` (an alias)
    >>> report = compute_signals(dataset, cache_dir="project/.cache/signals")
    >>> report.frame[report.frame["is_near_duplicates_issue"]]  # one DataFrame, one row per record
    >>> report.summaries["pii"]                              # JSON-serialisable summaries

Scores follow cleanlab's convention: ``<name>_score`` in [0, 1], 1 = no issue, lower = worse.
"""
from __future__ import annotations

from workbench.quality.base import (
    Registry,
    Signal,
    SignalContext,
    SignalResult,
    jsonable,
)
from workbench.quality.engine import SignalReport, compute_signals

#: The same function as :func:`compute_signals` (one entry point, one return: a SignalReport, whose
#: ``.frame`` is the per-record DataFrame). Until issue 16 ``signals`` returned that frame directly.
signals = compute_signals


def default_registry():
    """A new registry of the built-in and plugin signals (see :mod:`workbench.quality.builtin`)."""
    from workbench.quality.builtin import default_registry as _default  # imports every signal module

    return _default()


def redact(texts, types=None):
    """Replace PII with typed placeholders such as ``[EMAIL]`` (see ``workbench.quality.pii.redact``)."""
    from workbench.quality.pii import redact as _redact

    return _redact(texts, types)


__all__ = [
    "Registry", "Signal", "SignalContext", "SignalResult", "SignalReport", "compute_signals",
    "default_registry", "jsonable", "redact", "signals",
]
