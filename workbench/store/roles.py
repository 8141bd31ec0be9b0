"""Reviewers, roles and who may act: the role side of :class:`~workbench.store.project.Project`.

Roles are events in the log, so every process (notebook, CLI, each app kernel) sees the same
registry. Hashing, key checks and the acting rule live in :mod:`workbench.store.identity`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.model.events import Event
from workbench.store.errors import PermissionDenied
from workbench.store.fold import PRIVILEGED, PROJECT_RECORD, REVIEWER_ROLES
from workbench.store.identity import (
    REMOVED,
    Identity,
    Registry,
    acting_role,
    hash_key,
    key_matches,
    new_key,
    registry_from_frame,
)
from workbench.store.validate import check_reviewer


class RolesMixin:
    """Registry, verification and role checks. Needs ``log``, ``settings``, ``served``, ``principal``."""

    served: bool = False
    principal: Identity | None = None

    if TYPE_CHECKING:  # what this mixin uses from Project and the other mixins (for mypy only)
        log: Any
        session: str

        @property
        def settings(self) -> dict[str, Any]: ...
        def _write_meta(self, **changes: Any) -> None: ...

    _role_frame: pd.DataFrame | None = None
    _registry: Registry | None = None

    @property
    def registry(self) -> Registry:
        """The reviewers with role, key (set or not), since when and by whom; removed ones apart."""
        seen = self._role_frame
        last = int(seen["seq"].max()) if seen is not None and len(seen) else 0
        new = self.log.frame(kind="role", after_seq=last)
        if self._registry is None or len(new):
            self._role_frame = new if seen is None or not len(seen) else pd.concat([seen, new], ignore_index=True)
            self._registry = registry_from_frame(self._role_frame)
        return self._registry

    @property
    def reviewers(self) -> dict[str, str]:
        """Reviewer -> role, from the log's role events (removed reviewers left out)."""
        return self.registry.roles

    @property
    def owner(self) -> str | None:
        """The first owner on record (the person who ran ``init`` unless the role was moved)."""
        return next((n for n, r in self.reviewers.items() if r == "owner"), None)

    def role_of(self, name: str) -> str | None:
        """The reviewer's registered role, or None for someone the project has not seen (or removed)."""
        return self.reviewers.get(str(name))

    def adjudicators(self) -> set[str]:
        """Reviewers whose values are final: adjudicators and owners."""
        return {n for n, r in self.reviewers.items() if r in PRIVILEGED}

    def acting(self, who: Any) -> tuple[str, str]:
        """``(name, role)`` that ``who`` acts with here; see :func:`workbench.store.identity.acting_role`.

        ``who`` None means the person running this process (the OS user), which the served app has not.
        """
        if who is None:
            if self.principal is None:
                raise PermissionDenied("name who acts (by=...): the served app has no default identity")
            who = self.principal
        return acting_role(self.registry, who, trust_names=not self.served,
                           open_enrolment=bool(self.settings.get("open_enrolment", True)))

    def verify(self, name: str, key: str | None) -> Identity:
        """An :class:`Identity` verified by ``name``'s key; PermissionDenied (one line) otherwise."""
        name = check_reviewer(name)
        entry = self.registry.get(name)
        if entry is None or not entry.has_key:
            raise PermissionDenied(f"{name} has no key in this project; an owner gives one with "
                                   f"`workbench reviewers add {name} --role ROLE --key`")
        if not key_matches(key, entry.key):
            raise PermissionDenied(f"wrong key for {name}")
        return Identity(name, "key")

    def _require_role(self, who: Any, roles: tuple[str, ...], what: str) -> str:
        name, role = self.acting(who)
        if role not in roles:
            shown = role if name in self.reviewers else "not a reviewer"
            raise PermissionDenied(f"{name} ({shown}) may not {what}; it needs the role {' or '.join(roles)}")
        return name

    def require_verified(self, who: Any, what: str, roles: tuple[str, ...] = REVIEWER_ROLES) -> str:
        """The name when ``who`` is verified (or named by trusted code) with one of ``roles``.

        For actions with no role of their own in the store (bulk changes, exports from the app): a
        typed name in the served app may not do them, whatever role it claims.
        """
        name = self._require_role(who, roles, what)
        if self.served and getattr(who, "verified_by", None) is None and who is not None:
            raise PermissionDenied(f"{name} may not {what} with a typed name; open your link with your key")
        return name

    def add_reviewer(self, name: str, role: str = "reviewer", by: Any = None, key: bool = False) -> str | None:
        """Add a reviewer or change a role (owner only); with ``key=True`` return a new key, shown once.

        Only the key's salted scrypt hash is stored (in the role event). Without ``key`` a reviewer's
        existing key is kept across role changes.
        """
        by = self._require_role(by, ("owner",), "manage reviewers")
        name = check_reviewer(name)
        if role not in REVIEWER_ROLES:
            raise ValueError(f"role must be one of {', '.join(REVIEWER_ROLES)}, got {role!r}")
        secret = new_key() if key else None
        value = {"role": role, **({"key": hash_key(secret)} if secret else {})}
        self.log.append(Event(PROJECT_RECORD, "role", by, name, value, session=self.session))
        self._write_meta(reviewers=self.reviewers)
        return secret

    def remove_reviewer(self, name: str, by: Any = None) -> None:
        """Take a reviewer out (owner only): their key stops working and their name may not act again.

        Their past events stay in the log (it is append-only). The last owner cannot be removed.
        """
        by = self._require_role(by, ("owner",), "manage reviewers")
        name = check_reviewer(name)
        if name not in self.reviewers:
            raise ValueError(f"{name} is not a reviewer of this project")
        if self.reviewers[name] == "owner" and sum(r == "owner" for r in self.reviewers.values()) == 1:
            raise ValueError(f"{name} is the project's only owner; make someone else owner first")
        self.log.append(Event(PROJECT_RECORD, "role", by, name, {"role": REMOVED}, session=self.session))
        self._write_meta(reviewers=self.reviewers)
