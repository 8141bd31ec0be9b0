"""Where the signal-quality benchmarks (and ``tools/train_toxicity.py``) find their public data.

Nothing is committed and nothing is downloaded by the package. A file is read from the first of:
1. a copy in ``$WB_SIGNAL_DATA`` (default ``.cache/signal-quality/``), named by its basename;
2. a local git snapshot of its GitHub repository: ``$WB_MIRROR/<owner>+<name>/repo`` (default
   ``/work/.mirror``), read with ``git show HEAD:<path>``. Such snapshots are what the project's
   search tool ``fetch github:<owner>/<name>`` leaves; a plain ``git clone --bare`` of the repository
   to that path works the same.

To reproduce on a new machine: fetch (or bare-clone) the repositories each benchmark names, then run it.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WB_SIGNAL_DATA", ROOT / ".cache" / "signal-quality"))
MIRROR = Path(os.environ.get("WB_MIRROR", "/work/.mirror"))


def read_source(repo: str, path: str, data: Path | None = None, mirror: Path | None = None) -> str | None:
    """Text of ``path`` in GitHub repository ``repo`` ("owner/name"), or None when no copy is here."""
    data = DATA if data is None else data
    mirror = MIRROR if mirror is None else mirror
    local = data / Path(path).name
    if local.exists():
        return local.read_text(encoding="utf-8")
    git_dir = mirror / repo.replace("/", "+") / "repo"
    if not git_dir.exists():
        return None
    out = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], capture_output=True)
    return out.stdout.decode("utf-8", errors="replace") if out.returncode == 0 else None


def read_bytes(repo: str, path: str, data: Path | None = None, mirror: Path | None = None) -> bytes | None:
    """Like ``read_source`` for a binary file (an archive)."""
    data = DATA if data is None else data
    mirror = MIRROR if mirror is None else mirror
    local = data / Path(path).name
    if local.exists():
        return local.read_bytes()
    git_dir = mirror / repo.replace("/", "+") / "repo"
    if not git_dir.exists():
        return None
    out = subprocess.run(["git", f"--git-dir={git_dir}", "show", f"HEAD:{path}"], capture_output=True)
    return out.stdout if out.returncode == 0 else None


def materialise(repo: str, path: str, data: Path | None = None, mirror: Path | None = None) -> Path | None:
    """A local file with the content of ``repo``:``path`` (written under ``data`` when it comes from a
    snapshot), for readers that want a path; None when no copy is here."""
    data = DATA if data is None else data
    local = data / Path(path).name
    if local.exists():
        return local
    text = read_source(repo, path, data, mirror)
    if text is None:
        return None
    local.parent.mkdir(parents=True, exist_ok=True)
    local.write_text(text, encoding="utf-8")
    return local
