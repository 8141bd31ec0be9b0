"""Blind review: what a reviewer may see of the dataset's labels and of other reviewers' work.

A reviewer who sees which side the dataset called "chosen", or what a colleague decided on an overlap
item, is anchored: agreement then measures copying, not judgement. So:

- the dataset's own preference label is shown to adjudicators and owners (verified in the served app),
  or to everyone after their batch is done, or always, by the project setting
  ``reveal_dataset_preference`` ("adjudicators" by default, "after_batch", "always");
- other reviewers' decisions, ratings and comments are shown to adjudicators and owners; a reviewer
  sees how many others worked on a record but not who or what they said, until they decided it too.
"""
from __future__ import annotations

from typing import Any

from workbench.store.errors import PermissionDenied
from workbench.store.fold import PRIVILEGED

REVEAL_SETTING = "reveal_dataset_preference"
REVEAL_CHOICES = ("adjudicators", "after_batch", "always")


def sees_all(project: Any, reviewer: Any) -> bool:
    """Whether ``reviewer`` may see every annotation and the gold answers: whether the role it may act
    with (the store's rule, :meth:`~workbench.store.Project.acting`) is adjudicator or owner. In the served
    app a typed name is a claim and acts, so sees, as a reviewer at most."""
    if reviewer is None:
        return False
    try:
        return project.acting(reviewer)[1] in PRIVILEGED
    except (PermissionDenied, ValueError, AttributeError):  # may not act here; a fake without roles
        return False


def reveal_setting(project: Any) -> str:
    """The project's ``reveal_dataset_preference`` (unknown values count as the default)."""
    settings = getattr(project, "settings", None)
    value = settings.get(REVEAL_SETTING, "adjudicators") if isinstance(settings, dict) else "adjudicators"
    return value if value in REVEAL_CHOICES else "adjudicators"


def reveals_preference(session: Any) -> bool:
    """Whether the session's reviewer may see which side the dataset preferred (see module doc)."""
    setting = reveal_setting(session.project)
    if setting == "always" or sees_all(session.project, session.reviewer):
        return True
    if setting == "after_batch":
        p = session.progress()
        return p.total > 0 and p.mine >= p.total
    return False
