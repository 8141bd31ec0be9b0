"""Serving safely: who may listen where, the password file, and a child server that dies with its parent.

Used by :func:`workbench.app.serve`; kept apart so the rules are small and testable without Voila.
"""
from __future__ import annotations

import ipaddress
import json
import os
import signal
import subprocess
import tempfile
from pathlib import Path

LOOPBACK_NAMES = ("localhost", "ip6-localhost")


def is_loopback(host: str) -> bool:
    """True for addresses only this machine reaches (127.0.0.0/8, ::1, localhost)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def configured_password(paths: list[Path] | None = None) -> bool:
    """Whether a ``voila.json`` Voila would read (cwd, Jupyter config dirs) sets a hashed password."""
    if paths is None:
        from jupyter_core.paths import jupyter_config_path

        paths = [Path.cwd(), *map(Path, jupyter_config_path())]
    for folder in paths:
        try:
            conf = json.loads((Path(folder) / "voila.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(conf, dict) and (conf.get("PasswordIdentityProvider") or {}).get("hashed_password"):
            return True
    return False


def check_exposure(host: str, token: str | None, password: bool, insecure: bool,
                   user_header: str | None = None) -> None:
    """Refuse (ValueError, one line) to listen beyond loopback with no token and no password.

    ``user_header`` trusts a proxy in front: only on loopback, where nobody can reach Voila directly
    and forge the header.
    """
    if user_header and not is_loopback(host):
        raise ValueError(f"--user-header trusts a proxy in front of the app; listen on 127.0.0.1 behind it, "
                         f"not on {host}")
    if not is_loopback(host) and not token and not password and not insecure:
        raise ValueError(f"refusing to listen on {host} without --token or --password: anyone who reaches "
                         "the port could read and change the project (add --insecure to do it anyway)")


def password_config(password: str) -> Path:
    """A private folder holding a ``voila.json`` with the password's hash (kept off the command line,
    where other users of the machine could read it); the caller removes it."""
    from jupyter_server.auth import passwd

    folder = Path(tempfile.mkdtemp(prefix="workbench-voila-"))  # mode 0700
    conf = {"PasswordIdentityProvider": {"hashed_password": passwd(password)}}
    fd = os.open(folder / "voila.json", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(conf, fh)
    return folder


def run_child(cmd: list[str], env: dict[str, str], grace: float = 10.0) -> int:
    """Run ``cmd`` in its own process group until it ends; pass termination signals on to the group.

    Voila runs kernels and may itself run children; signalling the whole group (and waiting) makes a
    SIGTERM to ``workbench serve`` stop all of it, where Voila alone would be orphaned still listening.
    """
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    stopping: list[int] = []

    def forward(signum, _frame):
        stopping.append(signum)
        _signal_group(proc, signal.SIGTERM)

    handled = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, forward) for s in handled}
    try:
        while True:
            try:
                code = proc.wait(timeout=grace if stopping else None)
                break
            except KeyboardInterrupt:
                stopping.append(signal.SIGINT)
                _signal_group(proc, signal.SIGTERM)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
                code = proc.wait()
                break
    finally:
        if proc.poll() is None:  # serve itself failing: never leave the child behind
            _signal_group(proc, signal.SIGKILL)
            proc.wait()
        for s, h in previous.items():
            signal.signal(s, h)
    return 128 + stopping[0] if stopping and code < 0 else code


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)  # the child leads its own session, so its group id is its pid
    except (ProcessLookupError, PermissionError):
        pass
