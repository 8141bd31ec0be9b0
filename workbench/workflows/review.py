"""Opening a review: the project (object or folder) and the signal frame its queue filters on.

The widget itself is built by :func:`workbench.ui.review` (the only layer that imports ipywidgets);
``wb.review(project, "alice")`` is the way in from a notebook.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.workflows.projects import open_project
from workbench.workflows.signals import signals_or_none

__all__ = ["open_project", "review_signal_frame"]


def review_signal_frame(project: Any, signals: Any = "auto") -> pd.DataFrame | None:
    """The per-record signal frame a review queue filters on.

    Parameters
    ----------
    project : Project
    signals : DataFrame, SignalReport, "auto" or None
        A frame is used as given, a report gives its frame, None means no signals, and "auto" computes
        them through the project's signal cache (:func:`workbench.workflows.signals.signals_or_none`:
        a failure is logged and the review opens without signals).
    """
    if signals is None or isinstance(signals, pd.DataFrame):
        return signals
    if hasattr(signals, "frame"):
        return signals.frame
    if not (isinstance(signals, str) and signals == "auto"):
        raise ValueError("signals must be a DataFrame, a SignalReport, 'auto' or None")
    report = signals_or_none(project)
    return None if report is None else report.frame
