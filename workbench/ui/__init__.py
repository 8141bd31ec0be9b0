"""The review widget: the only package that imports ipywidgets.

- :class:`ReviewSession`: queue, filters, position and actions of one reviewer (no widgets).
- :class:`ReviewWidget`: the ipywidgets views observing a session.
- :func:`review`: open a project (or its path) for a reviewer and return the widget.
"""
from __future__ import annotations

from typing import Any

from workbench.ui.filters import Filters
from workbench.ui.session import ReviewSession


def review(project_or_path: Any, reviewer: str, **kw: Any):
    """Open the review widget for ``reviewer``.

    Parameters
    ----------
    project_or_path : Project, str or Path
        A project, or the folder of one (opened with ``Project.open``).
    reviewer : str
        The reviewer's name.
    **kw
        Passed to :class:`ReviewSession`: ``mode`` ("review", "gold", "calibration",
        "adjudicate"), ``page_size``, ``state_path``, ``signals``, ``seed``, ``restore``; and
        ``auto_advance`` (default True: accept / reject / needs fix open the next record) and ``follow``
        (default False: watch the log and show other reviewers' new actions on the reload button) to the
        widget.

    Returns
    -------
    ReviewWidget
        Displays itself in a notebook; ``.session`` holds the state, ``.widget`` the root box.
    """
    from workbench.ui.widget import ReviewWidget
    from workbench.workflows.projects import open_project

    auto_advance, follow = kw.pop("auto_advance", True), kw.pop("follow", False)
    return ReviewWidget(ReviewSession(open_project(project_or_path), reviewer, **kw), auto_advance=auto_advance,
                        follow=follow)


def __getattr__(name: str):
    if name == "ReviewWidget":
        from workbench.ui.widget import ReviewWidget

        return ReviewWidget
    raise AttributeError(f"module 'workbench.ui' has no attribute {name!r}")


__all__ = ["review", "ReviewSession", "ReviewWidget", "Filters"]
