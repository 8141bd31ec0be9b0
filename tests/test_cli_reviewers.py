"""`workbench init` (owner, --closed, a full disk leaves nothing) and `workbench reviewers` (add/list/remove, keys)."""
from __future__ import annotations

import errno
import getpass
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyarrow.parquet as pq
import pytest

from workbench import cli
from workbench.store import PermissionDenied, Project
from workbench.store.log import SqliteEventLog

DATA = "data/support_conversations.jsonl"


@pytest.fixture(autouse=True)
def _repo_cwd(monkeypatch, request):
    monkeypatch.chdir(request.config.rootpath)


def run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_owner_is_the_os_user(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "dana")
    code, out, _ = run(capsys, "init", str(tmp_path / "p"), DATA)
    assert code == 0 and "owner dana" in out
    with Project.open(tmp_path / "p") as p:
        assert p.reviewers == {"dana": "owner"} and p.settings["open_enrolment"] is True


def test_init_owner_and_closed_flags(tmp_path, capsys):
    code, out, _ = run(capsys, "init", str(tmp_path / "p"), DATA, "--owner", "olga", "--closed")
    assert code == 0 and "owner olga" in out and "closed" in out
    with Project.open(tmp_path / "p") as p:
        assert p.owner == "olga" and "owner" not in p.reviewers and p.settings["open_enrolment"] is False
        with pytest.raises(PermissionDenied, match="closed"):
            p.rate("mallory", p.dataset.ids[0], 3)


@pytest.mark.parametrize("where", ["parquet", "sqlite"])
def test_init_on_a_full_disk_leaves_nothing_and_a_rerun_works(tmp_path, capsys, monkeypatch, where):
    dest = tmp_path / "p"
    if where == "parquet":
        def full(*a, **k):
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(pq, "write_table", full)
    else:
        def full(self, events):
            raise sqlite3.OperationalError("database or disk is full")
        monkeypatch.setattr(SqliteEventLog, "append_many", full)
    code, out, err = run(capsys, "init", str(dest), DATA)
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "disk full" in lines[0] and str(dest) in lines[0]
    assert list(tmp_path.iterdir()) == []  # no DIR, no DIR/cache, no hidden build folder
    monkeypatch.undo()
    monkeypatch.chdir(Path(__file__).resolve().parents[1])  # undo() also undid the fixture's chdir
    code, out, err = run(capsys, "init", str(dest), DATA)
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == ["p"] and (dest / "project.json").is_file()


def test_init_into_an_empty_folder_replaces_it(tmp_path, capsys):
    (tmp_path / "p").mkdir()
    assert run(capsys, "init", str(tmp_path / "p"), DATA)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]
    code, _, err = run(capsys, "init", str(tmp_path / "p"), DATA)
    assert code == 2 and "not an empty folder" in err


def test_reviewers_add_with_key_list_and_remove(tmp_path, capsys):
    run(capsys, "init", str(tmp_path / "p"), DATA, "--owner", getpass.getuser())
    code, out, _ = run(capsys, "reviewers", "add", "ada", "--role", "adjudicator", "--key", "-p", str(tmp_path / "p"),
                       "--url", "https://review.example/app/")
    assert code == 0
    key = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("key"))
    link = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("link"))
    assert link.startswith("https://review.example/app/?")
    assert parse_qs(urlsplit(link).query) == {"reviewer": ["ada"], "key": [key]}
    with Project.open(tmp_path / "p", served=True) as p:
        assert p.verify("ada", key).verified_by == "key"
    code, out, _ = run(capsys, "reviewers", "list", "-p", str(tmp_path / "p"))
    assert code == 0 and "ada" in out and "adjudicator" in out and key not in out
    assert run(capsys, "reviewers", "add", "bob", "-p", str(tmp_path / "p"))[1].strip() == \
        f"bob is reviewer in {tmp_path / 'p'}"
    code, out, _ = run(capsys, "reviewers", "remove", "ada", "-p", str(tmp_path / "p"))
    assert code == 0 and "removed" in out
    with Project.open(tmp_path / "p", served=True) as p:
        assert "ada" not in p.reviewers and "ada" in p.registry.removed
        with pytest.raises(PermissionDenied):
            p.verify("ada", key)


def test_reviewers_refusals_are_one_line(tmp_path, capsys):
    run(capsys, "init", str(tmp_path / "p"), DATA, "--owner", "olga")
    proj = str(tmp_path / "p")
    for args, needle in [(("reviewers", "add", "eve", "-p", proj), "needs the role owner"),  # OS user is not olga
                         (("reviewers", "add", "eve", "-p", proj, "--by", "eve"), "needs the role owner"),
                         (("reviewers", "add", "-p", proj), "name the reviewer"),
                         (("reviewers", "remove", "nobody", "-p", proj, "--by", "olga"), "not a reviewer"),
                         (("reviewers", "list", "-p", str(tmp_path)), "not a workbench project")]:
        code, out, err = run(capsys, *args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and needle in err, (args, err)
