"""workbench migrate: a project's log moves from SQLite to a real PostgreSQL (a throwaway cluster) and
back, with every event (ids, times, values) and the fold unchanged, counts and hashes checked."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from store.store_helpers import make_dataset

from workbench.store import Project
from workbench.store.errors import ProjectError
from workbench.store.migrate import KEPT, log_digest, migrate

_DB = iter(range(1000))


@pytest.fixture
def url(pg_cluster):  # the session's throwaway cluster (tests/store/conftest.py)
    return pg_cluster.createdb(f"m{next(_DB)}")


def _reviewed(path):
    p = Project.create(path, make_dataset(8), owner="olga")
    p.rate("alice", "r1", 4)
    p.rate("bob", "r1", 2)
    p.decide("bob", "r2", "reject")
    p.comment("alice", "r3", "the answer is fine, the tone is not")
    undone = p.rate("alice", "r4", 5)
    p.undo("alice", undone.id)
    return p


def _state(p):
    fold = p.fold()
    return log_digest(p.log), fold.per_reviewer.sort_values(list(fold.per_reviewer.columns[:3])).to_dict("records")


def test_sqlite_to_postgresql_and_back(tmp_path, url):
    folder = tmp_path / "proj"
    p = _reviewed(folder)
    before = _state(p)
    p.close()
    there = migrate(folder, url)
    assert there.events == before[0][0] >= 5 and there.digest == before[0][1]
    meta = json.loads((folder / "project.json").read_text())
    assert meta["store"]["url"] == url and not (folder / "events.sqlite").exists() and (folder / KEPT).exists()
    q = Project.open(folder)
    assert type(q.log).__name__ == "PostgresEventLog" and _state(q) == before
    q.rate("carol", "r5", 3)  # the project works on its new log
    after = _state(q)
    q.close()
    back = migrate(folder, "sqlite")
    assert back.events == after[0][0] == before[0][0] + 2  # carol enrolled on her first act, then her rating
    r = Project.open(folder)
    assert type(r.log).__name__ == "SqliteEventLog" and _state(r) == after
    assert "store" not in json.loads((folder / "project.json").read_text())
    r.close()


def test_refusals_leave_the_project_as_it_was(tmp_path, url):
    folder = tmp_path / "proj"
    _reviewed(folder).close()
    meta = (folder / "project.json").read_text()
    with pytest.raises(ProjectError, match="already keeps its events"):
        migrate(folder, "sqlite")
    with pytest.raises(ValueError, match="must not carry a password"):
        migrate(folder, "postgresql://u:secret@localhost/db")
    with pytest.raises(ProjectError, match="must be a postgresql:// URL"):
        migrate(folder, "mysql://u@h/db")
    with pytest.raises(ProjectError, match="not a workbench project"):
        migrate(tmp_path / "nothing", url)
    assert (folder / "project.json").read_text() == meta and (folder / "events.sqlite").exists()


def test_cli_migrate(tmp_path, url):
    folder = tmp_path / "proj"
    _reviewed(folder).close()
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "migrate", str(folder), "--to", url],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("moved ") and "sha256" in res.stdout
    bad = subprocess.run([sys.executable, "-m", "workbench.cli", "migrate", str(folder), "--to", "mysql://u@h/db"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "postgresql://" in bad.stderr
