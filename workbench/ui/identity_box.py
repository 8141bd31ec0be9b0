"""The dashboard's identity box: who is reviewing, verified how, and what that allows.

The decisions live in :mod:`workbench.store.identity` (plain code, tested without widgets); this mixin
only shows the name and key fields and passes what was typed or linked (``?reviewer=NAME&key=KEY``).
"""
from __future__ import annotations

from urllib.parse import parse_qs

import ipywidgets as W


def reviewer_from_query(query: str | None) -> str | None:
    """``NAME`` from a query string holding ``reviewer=NAME`` (None when absent or not a valid name)."""
    from workbench.store.validate import check_reviewer

    values = parse_qs((query or "").lstrip("?")).get("reviewer")
    try:
        return check_reviewer(values[-1]) if values else None
    except ValueError:
        return None


def key_from_query(query: str | None) -> str | None:
    """The reviewer's key from ``key=KEY`` in a query string (None when absent)."""
    values = parse_qs((query or "").lstrip("?")).get("key")
    return values[-1] if values and values[-1] else None


def one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class IdentityBox:
    """Mixin for the Dashboard: needs ``project``, ``guard``, ``tabs``, ``_built``, ``build_tab``,
    ``review_widget`` and ``_update_header``."""

    reviewer = None
    server_user = None

    def _identity_box(self) -> W.HBox:
        self.name = W.Text(placeholder="your name", description="Reviewer:", continuous_update=False)
        self.key = W.Password(placeholder="only if you were given one", description="Key:")
        self.start = W.Button(description="Start", button_style="primary")
        self.start.on_click(self.guard(lambda _: self.set_reviewer(self.name.value, self.key.value or None),
                                       "reviewer"))
        self.name.observe(self.guard(lambda ch: self._name_entered(ch["new"]), "reviewer"), names="value")
        return W.HBox([self.name, self.key, self.start])

    def _name_entered(self, name: str) -> None:
        """Enter (or leaving the name field) starts at once, unless the name needs its key first."""
        name = name.strip()
        if not name or self.key.value:
            return
        entry = self.project.registry.get(name) if getattr(self.project, "served", False) else None
        if entry is not None and (entry.has_key or entry.role != "reviewer") and self.server_user is None:
            self.say(f"{name}: enter your key, then Start", "info")
            return
        self.set_reviewer(name)

    def set_reviewer(self, name: str | None, key: str | None = None) -> None:
        """Work as ``name`` from now on (every event carries it); rebuilds the Review and Export tabs.

        ``key`` verifies the name (a wrong key is refused); without one, in the served app, the name is
        a claim that works as a reviewer at most (see :func:`workbench.store.identity.identify`).
        """
        from workbench.store.identity import identify

        self.key.value = ""  # a key is used once and never kept in a widget
        who = identify(self.project, name, key, self.server_user)
        changed = who != self.reviewer or getattr(who, "verified_by", None) != getattr(self.reviewer,
                                                                                       "verified_by", None)
        self.reviewer = who
        self.identity.layout.display = "none"
        self._update_header()
        for index in (1, 3):
            if changed and index in self._built:
                self._built.discard(index)
                if index == 1 and self.review_widget is not None:
                    self.review_widget.close()
                if self.tabs.selected_index == index:
                    self.build_tab(index)

    def may(self, what: str, roles: tuple[str, ...]) -> str | None:
        """None when the current reviewer may do ``what`` (a privileged action), else why not."""
        from workbench.store.errors import PermissionDenied

        try:
            self.project.require_verified(self.reviewer, what, roles)
        except (PermissionDenied, ValueError) as exc:
            return one_line(exc)
        return None
