"""Who is acting: verified identities, per-reviewer keys and the project's reviewer registry.

A name typed into the app (``?reviewer=NAME`` or the name box) is a *claim*. It is *verified* when it
comes from something the workbench can check:

- ``"os-user"``: the operating-system user running this Python process (a notebook or the CLI);
- ``"key"``: a per-reviewer key from the reviewer's link (``?reviewer=NAME&key=...``), checked here
  against the salted scrypt hash kept in the project's log, in constant time;
- ``"jupyterhub"``: ``JUPYTERHUB_USER`` of a single-user server the hub authenticated (see
  :func:`server_identity`);
- ``"proxy"``: a user header set by an authenticating reverse proxy that ``workbench serve`` was told
  to trust (``--user-header``).

Roles are events in the log (``kind="role"``, ``record_id="*"``): ``{"role": R}`` with an optional
``"key"`` (the hash, or None when a key is revoked). ``{"role": "removed"}`` takes a reviewer out.
"""
from __future__ import annotations

import getpass
import hashlib
import hmac
import html
import os
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from workbench.store.errors import PermissionDenied
from workbench.store.fold import PRIVILEGED, PROJECT_RECORD, REVIEWER_ROLES
from workbench.store.validate import check_reviewer

REMOVED = "removed"
VERIFIERS = ("os-user", "key", "jupyterhub", "proxy", "code")
# scrypt cost: ~50 ms and 16 MB per check, cheap for one login, expensive for guessing
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
KEY_BYTES = 24  # 192 random bits: a key cannot be guessed, so a typed name cannot become a keyed one
ENV_USER_HEADER = "WORKBENCH_USER_HEADER"
ENV_SERVED = "WORKBENCH_SERVED"


class Identity(str):
    """A reviewer name that remembers how it was verified (``verified_by`` None: a typed claim).

    A ``str`` subclass, so every place that handles reviewer names keeps working; the store reads
    ``verified_by`` when it decides which role the name may act with.
    """

    verified_by: str | None

    def __new__(cls, name: str, verified_by: str | None = None) -> Identity:
        if verified_by is not None and verified_by not in VERIFIERS:
            raise ValueError(f"verified_by must be one of {', '.join(VERIFIERS)} or None, got {verified_by!r}")
        self = super().__new__(cls, check_reviewer(name))
        self.verified_by = verified_by
        return self

    @property
    def verified(self) -> bool:
        """True when the name was checked (OS user, key, hub or trusted proxy)."""
        return self.verified_by is not None

    def __repr__(self) -> str:
        return f"Identity({str(self)!r}, verified_by={self.verified_by!r})"

    def __reduce__(self):
        return (Identity, (str(self), self.verified_by))


def os_user() -> str:
    """The operating-system user running this process (the owner ``workbench init`` records)."""
    try:
        return check_reviewer(getpass.getuser())
    except (OSError, KeyError, ValueError):  # no login name in a bare container: fall back to the uid
        return f"uid{os.getuid()}" if hasattr(os, "getuid") else "user"


def new_key() -> str:
    """A fresh random reviewer key (URL-safe text, shown once, stored only as a hash)."""
    return secrets.token_urlsafe(KEY_BYTES)


def hash_key(key: str, salt: bytes | None = None) -> dict[str, Any]:
    """The stored form of a key: scrypt with a per-key random salt (parameters kept beside it)."""
    if not isinstance(key, str) or not key:
        raise ValueError("a reviewer key must be non-empty text")
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(key.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return {"alg": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": digest.hex()}


def key_matches(key: Any, stored: Any) -> bool:
    """True when ``key`` hashes to ``stored`` (compared with :func:`hmac.compare_digest`)."""
    if not isinstance(key, str) or not key or not isinstance(stored, dict) or stored.get("alg") != "scrypt":
        return False
    try:
        n, r, p = int(stored["n"]), int(stored["r"]), int(stored["p"])
        if not (2 <= n <= 2 ** 17 and 1 <= r <= 16 and 1 <= p <= 4):  # the log is data: bound the work
            return False
        salt, expected = bytes.fromhex(stored["salt"]), bytes.fromhex(stored["hash"])
        got = hashlib.scrypt(key.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=len(expected),
                             maxmem=256 * 1024 * 1024)
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(got, expected)


@dataclass(frozen=True)
class Reviewer:
    """One registry entry: the current role, whether a key is set, and who set it when."""

    name: str
    role: str
    key: dict | None = None
    since: str = ""
    by: str = ""

    @property
    def has_key(self) -> bool:
        return isinstance(self.key, dict)


class Registry(Mapping):
    """The project's reviewers (name -> :class:`Reviewer`), folded from the role events.

    Removed reviewers are not members; their names are in :attr:`removed`.
    """

    def __init__(self, entries: dict[str, Reviewer], removed: dict[str, Reviewer]):
        self._entries, self.removed = entries, removed

    def __getitem__(self, name: str) -> Reviewer:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def roles(self) -> dict[str, str]:
        """Reviewer -> role."""
        return {n: e.role for n, e in self._entries.items()}

    def rows(self) -> list[dict[str, Any]]:
        """One dict per reviewer (removed ones last): name, role, key, since, by."""
        entries = sorted(self._entries.values(), key=lambda e: (-REVIEWER_ROLES.index(e.role), e.name))
        out = [{"name": e.name, "role": e.role, "key": "yes" if e.has_key else "no", "since": e.since,
                "by": e.by} for e in entries]
        return out + [{"name": e.name, "role": REMOVED, "key": "no", "since": e.since, "by": e.by}
                      for e in sorted(self.removed.values(), key=lambda e: e.name)]

    def __repr__(self) -> str:
        rows = self.rows()
        if not rows:
            return "Registry(no reviewers)"
        cols = ("name", "role", "key", "since", "by")
        width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
        lines = ["  ".join(c.ljust(width[c]) for c in cols)]
        lines += ["  ".join(str(r[c]).ljust(width[c]) for c in cols) for r in rows]
        return f"Registry({len(self)} reviewers)\n" + "\n".join(line.rstrip() for line in lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in ("name", "role", "key", "since", "by"))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in
                                        ("name", "role", "key", "since", "by")) + "</tr>" for r in self.rows())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def registry_from_frame(frame) -> Registry:
    """Fold the role events of a log frame (commit order) into a :class:`Registry`.

    A role event without a ``"key"`` entry keeps the reviewer's key (a role change); ``"key": None``
    revokes it; a removal drops both.
    """
    entries: dict[str, Reviewer] = {}
    removed: dict[str, Reviewer] = {}
    r = frame[(frame["kind"] == "role") & (frame["record_id"] == PROJECT_RECORD)]
    if len(r) and not r["seq"].is_monotonic_increasing:
        r = r.sort_values("seq", kind="stable")
    for name, value, time, by in zip(r["target"], r["value"], r["time"], r["reviewer"]):
        if not isinstance(value, dict) or not isinstance(name, str):
            continue
        since = time.isoformat(timespec="seconds") if hasattr(time, "isoformat") else str(time)
        role = value.get("role")
        if role == REMOVED:
            entries.pop(name, None)
            removed[name] = Reviewer(name, REMOVED, None, since, by)
        elif role in REVIEWER_ROLES:
            old = entries.get(name)
            key = value["key"] if "key" in value else (old.key if old else None)
            entries[name] = Reviewer(name, role, key if isinstance(key, dict) else None, since, by)
            removed.pop(name, None)
    return Registry(entries, removed)


def acting_role(registry: Registry, who: Any, trust_names: bool, open_enrolment: bool) -> tuple[str, str]:
    """The name and the role ``who`` may act with; PermissionDenied (one line) when it may not act.

    Parameters
    ----------
    registry : Registry
        The project's reviewers.
    who : str or Identity
        The acting name. An :class:`Identity` with ``verified_by`` acts with its registered role.
    trust_names : bool
        True for code with access to the project folder (a notebook, the CLI): it could write the log
        directly, so the names it passes are taken as given. False in the served app: a plain name is a
        claim.
    open_enrolment : bool
        Whether unknown names may join as reviewers (False: a closed project).

    A claim (an unverified name) acts as a reviewer at most. A name registered with a privileged role
    or with a key is refused unless verified: acting under it, even with reviewer rights, would write
    events the fold treats as that person's (an adjudicator's values are final).
    """
    name = check_reviewer(str(who))
    verified = getattr(who, "verified_by", None) is not None or trust_names
    if name in registry.removed:
        raise PermissionDenied(f"{name} was removed from this project; ask an owner to add them again")
    entry = registry.get(name)
    if entry is None:
        if not open_enrolment:
            raise PermissionDenied(f"{name} is not a reviewer of this closed project; ask an owner to add "
                                   f"them (workbench reviewers add {name} --role reviewer)")
        return name, "reviewer"
    if verified:
        return name, entry.role
    if entry.role in PRIVILEGED or entry.has_key:
        what = f"the {entry.role} role" if entry.role in PRIVILEGED else "a key"
        raise PermissionDenied(f"{name} has {what} in this project: open your link with its key "
                               f"(?reviewer={name}&key=...) or enter the key; a typed name is not enough")
    return name, "reviewer"


def server_identity(env: Mapping[str, str] | None = None) -> Identity | None:
    """The identity the server vouches for in this (Voila) kernel, or None.

    - ``workbench serve --user-header H``: the header's value, forwarded by Voila as ``HTTP_H`` (the
      server listens on loopback behind a proxy that authenticates users and sets the header).
    - A Voila kernel of a JupyterHub single-user server (not one started by ``workbench serve``,
      which is not behind the hub): ``JUPYTERHUB_USER``, whom the hub authenticated to reach it.

    A Jupyter token or password is a shared gate, not a person, and Voila does not pass the server's
    user to the kernel; those give no identity here (per-reviewer keys do).
    """
    env = os.environ if env is None else env
    header = env.get(ENV_USER_HEADER)
    if header:
        value = env.get("HTTP_" + header.upper().replace("-", "_"), "")
        try:
            return Identity(value, "proxy") if value.strip() else None
        except ValueError:
            return None
    served_by_hub = env.get("JUPYTERHUB_USER") and env.get("JUPYTERHUB_API_TOKEN") and not env.get(ENV_SERVED)
    if served_by_hub:
        try:
            return Identity(env["JUPYTERHUB_USER"], "jupyterhub")
        except ValueError:
            return None
    return None


def identify(project, name: str | None, key: str | None = None, server: Identity | None = None) -> Identity:
    """The identity a page of the app works under; PermissionDenied (one line) when it may not.

    Parameters
    ----------
    project : Project
        The open project (its registry decides).
    name : str or None
        The typed name (``?reviewer=`` or the name box); None takes ``server``.
    key : str, optional
        The reviewer's key (``&key=`` or the key box): verified against the registry.
    server : Identity, optional
        The user the server vouches for (:func:`server_identity`); typed names must then match it.
    """
    if not name:
        if server is None:
            raise ValueError("type your name to start")
        name = str(server)
    name = check_reviewer(name)
    if key:
        who = project.verify(name, key)
    elif server is not None:
        if name != str(server):
            raise PermissionDenied(f"you are signed in to this server as {server}; you cannot work as {name}")
        who = server
    elif not getattr(project, "served", False) and name == os_user():
        who = Identity(name, "os-user")
    else:
        who = Identity(name)
    project.acting(who)  # refuses now, not at the first action: closed project, removed, privileged claim
    return who


__all__ = ["Identity", "Registry", "Reviewer", "REMOVED", "acting_role", "hash_key", "identify", "key_matches",
           "new_key", "os_user", "registry_from_frame", "server_identity"]
