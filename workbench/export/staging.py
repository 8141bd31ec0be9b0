"""The hidden folder an export is written into before one rename puts it in place, and what cleans up
after an export that died.

Beside ``out`` an export owns three names sharing one random token: ``.OUT.partial-TOKEN`` (the data
being written), ``.OUT.partial-TOKEN.lock`` (held with ``flock`` for the export's whole life) and, while
an existing export is being replaced, ``.OUT.old-TOKEN``. The lock file is created before the folder
and removed after it is gone, and the kernel drops an ``flock`` when its process dies, even by SIGKILL.
So the next export can tell a dead export's leftovers (lock free) from a live one's (lock held) and
removes only the former. Leftovers without a lock file (written before the lock existed) go when they
are older than the export that finds them, by a margin.

SIGTERM is handled like Ctrl-C while the folder exists: the partial folder is removed, then the
signal is delivered again with the previous handler, so the process ends as it would have.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; only old lockless leftovers are swept
    fcntl = None  # type: ignore[assignment]

LOCKLESS_MARGIN = 60.0  # seconds a lockless leftover must predate the running export to be swept
_NAME = re.compile(r"\.(?P<out>.+)\.(?P<what>partial|old)-(?P<token>[0-9a-f]{8})(?P<lock>\.lock)?")


class ExportTerminated(BaseException):
    """SIGTERM arrived during an export (a BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` inside the export swallows it)."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM raises :class:`ExportTerminated` (cleanup runs on the way out);
    afterwards the signal is delivered again to the previous handler. Only in the main thread (where
    Python handles signals) and only when SIGTERM was not ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    prev = signal.getsignal(signal.SIGTERM)
    if prev is signal.SIG_IGN or prev is None:
        yield
        return
    fired: list[int] = []

    def handler(signum, frame):  # noqa: ARG001 - the signal module's signature
        if not fired:  # a second SIGTERM must not interrupt the cleanup of the first
            fired.append(signum)
            raise ExportTerminated("export terminated by SIGTERM")

    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    except ExportTerminated:
        signal.signal(signal.SIGTERM, prev)
        signal.raise_signal(signal.SIGTERM)  # the default action ends the process here
        raise SystemExit(128 + signal.SIGTERM) from None  # a handler that returned: still stop
    finally:
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, prev)


class Staging:
    """The names one export owns beside ``out`` (see the module docstring)."""

    def __init__(self, out: Path, token: str | None = None):
        self.out = out
        self.token = token or uuid.uuid4().hex[:8]
        base = out.parent / f".{out.name}"
        self.tmp = Path(f"{base}.partial-{self.token}")
        self.lock = Path(f"{base}.partial-{self.token}.lock")
        self.old = Path(f"{base}.old-{self.token}")

    def move_into_place(self, check_out) -> None:
        """Rename the finished folder to ``out``; an existing export is moved aside first and removed
        after (``check_out(out)`` re-checks it may be replaced: something may have appeared meanwhile)."""
        out, moved = self.out, False
        if out.exists():
            if any(out.iterdir()):
                check_out(out)
                os.replace(out, self.old)
                moved = True
            else:
                out.rmdir()
        try:
            os.replace(self.tmp, out)
        except BaseException:
            if moved and not out.exists():
                os.replace(self.old, out)  # put the previous export back
            raise
        if moved:
            shutil.rmtree(self.old, ignore_errors=True)


@contextmanager
def staged(out: Path) -> Iterator[Staging]:
    """A fresh :class:`Staging` whose folder exists and whose lock is held for the block.

    On the way in, leftovers of dead exports to the same ``out`` are swept; on any failure (SIGINT and
    SIGTERM included) the partial folder and the parent folders created for it are removed.
    """
    created, p = [], out.parent
    while not p.exists():
        created.append(p)
        p = p.parent
    out.parent.mkdir(parents=True, exist_ok=True)
    st = Staging(out)
    started = time.time()
    with sigterm_as_interrupt():  # outermost: the cleanup below runs before the signal is re-delivered
        fd = _create_locked(st.lock)
        try:
            sweep_stale(out, started, keep=st.token)
            try:
                st.tmp.mkdir()
                yield st
            except BaseException:
                shutil.rmtree(st.tmp, ignore_errors=True)
                if st.old.exists() and not out.exists():
                    os.replace(st.old, out)
                raise
        finally:
            _unlink_quiet(st.lock)  # before the lock is released: a sweeper never finds the lock file
            os.close(fd)            # of a live export free
            if not out.exists():
                for d in reversed(created):
                    _rmdir_quiet(d)


def _create_locked(lock: Path) -> int:
    """Create ``lock`` already flock-ed: made under a private name, locked, then renamed, so a lock
    file a sweeper can see is never free while its export lives."""
    private = lock.with_name(lock.name + f".{os.getpid()}.new")
    fd = os.open(private, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(private, lock)
    except BaseException:
        os.close(fd)
        _unlink_quiet(private)
        raise
    return fd


def sweep_stale(out: Path, started: float, keep: str | None = None) -> list[Path]:
    """Remove what dead exports to ``out`` left beside it; returns the paths removed.

    A partial folder goes when its lock can be taken (its export is dead) or, without a lock file,
    when it is older than ``started`` by :data:`LOCKLESS_MARGIN`. A dead export's ``.old`` folder is
    removed when ``out`` exists, and renamed back to ``out`` when it does not (the export died between
    the two renames, so ``.old`` is the previous export).
    """
    removed: list[Path] = []
    try:
        names = [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]
    except OSError:
        return removed
    tokens = {m["token"] for m in map(_NAME.fullmatch, names)
              if m and m["out"] == out.name and m["token"] != keep}
    for token in sorted(tokens):
        removed += _sweep_one(Staging(out, token), started)
    return removed


def _sweep_one(st: Staging, started: float) -> list[Path]:
    fd = _take_lock(st.lock)
    if fd is False:
        return []  # a live export holds it
    try:
        if fd is None and not _older(st, started):
            return []
        removed = []
        if st.tmp.exists():
            shutil.rmtree(st.tmp, ignore_errors=True)
            removed.append(st.tmp)
        if st.old.exists():
            if st.out.exists():
                shutil.rmtree(st.old, ignore_errors=True)
                removed.append(st.old)
            else:
                os.replace(st.old, st.out)
        if fd is not None:
            _unlink_quiet(st.lock)
            removed.append(st.lock)
        return removed
    finally:
        if isinstance(fd, int):
            os.close(fd)


def _take_lock(lock: Path) -> int | None | bool:
    """The lock's fd when taken (its export is dead), False when held by a live export, None when
    there is no lock file (or no flock on this platform)."""
    if fcntl is None:
        return None
    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return None
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    if os.fstat(fd).st_nlink == 0:  # its export finished and unlinked it while we waited
        os.close(fd)
        return None
    return fd


def _older(st: Staging, started: float) -> bool:
    margin = LOCKLESS_MARGIN if fcntl is not None else 24 * 3600.0
    times = [p.stat().st_mtime for p in (st.tmp, st.old) if p.exists()]
    return bool(times) and max(times) < started - margin


def _unlink_quiet(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def _rmdir_quiet(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass
