"""The team event log on a real PostgreSQL server (a throwaway cluster from Debian's binaries): the same
interface, append-only enforced by the database, seq in commit order under concurrent writers from
several processes, LISTEN/NOTIFY, and projects whose log lives there."""
from __future__ import annotations

import json
import multiprocessing as mp
import subprocess
import sys
import threading
import time

import pytest
from store.pg_cluster import Cluster, pg_bin
from store.store_helpers import make_dataset

from workbench.model.events import Event
from workbench.store import Project, SqliteEventLog, fold_events

psycopg = pytest.importorskip("psycopg")  # the optional extra (installed by make test)
pytestmark = pytest.mark.skipif(pg_bin() is None, reason="PostgreSQL binaries not installed (.ci/run installs them)")


@pytest.fixture(scope="module")
def cluster():
    c = Cluster().start()
    yield c
    c.stop()


_DB = iter(range(1000))


@pytest.fixture
def url(cluster):
    return cluster.createdb(f"t{next(_DB)}")


def _log(url):
    from workbench.store.pg_log import PostgresEventLog

    return PostgresEventLog(url)


def test_interface_matches_sqlite(url, tmp_path):
    pg, lite = _log(url), SqliteEventLog(tmp_path / "events.sqlite")
    events = [Event("r1", "rating", "alice", "overall", 4), Event("r2", "label", "bob", "label", "ok"),
              Event("r1", "decision", "bob", "overall", "accept"), Event("r1", "comment", "alice", "overall", "ünï 中")]
    events.append(Event("r1", "undo", "alice", reverts=events[0].id))
    for log in (pg, lite):
        log.append_many(events[:3])
        log.append(events[3])
        log.append(events[4])
    assert pg.count() == lite.count() == 5 and pg.max_seq() == lite.max_seq() == 5
    assert pg.last_event_id() == lite.last_event_id() == events[4].id
    for kw in ({}, {"record_id": "r1"}, {"reviewer": "bob"}, {"kind": "rating"}, {"after_seq": 2}):
        a, b = pg.frame(**kw), lite.frame(**kw)
        assert a.drop(columns="time").equals(b.drop(columns="time")), kw
    assert pg.get(events[3].id) == lite.get(events[3].id) == events[3]
    assert pg.get("nope") is None
    assert fold_events(pg.frame()).per_reviewer.drop(columns="time").equals(
        fold_events(lite.frame()).per_reviewer.drop(columns="time"))
    with pytest.raises(ValueError, match="already in the log"):
        pg.append(events[1])
    assert pg.count() == 5
    pg.close()


@pytest.mark.parametrize("sql", [
    "UPDATE events SET value = '5' WHERE seq = 1",
    "DELETE FROM events WHERE seq = 1",
    "TRUNCATE events",
    "INSERT INTO events (id, time, reviewer, record_id, kind) VALUES ('{id}', 't', 'x', 'r', 'rating') "
    "ON CONFLICT (id) DO UPDATE SET reviewer = 'mallory'",
])
def test_append_only_is_enforced_by_the_database(url, sql):
    log = _log(url)
    e = log.append(Event("r1", "rating", "alice", "overall", 4))
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error, match="append-only|refused"):
            conn.execute(sql.format(id=e.id))
    assert log.frame()["value"].tolist() == [4] and log.frame()["reviewer"].tolist() == ["alice"]


def _writer(url: str, w: int, n: int) -> None:
    from workbench.store.pg_log import PostgresEventLog

    log = PostgresEventLog(url)
    for i in range(n):
        log.append(Event(f"r{i % 7}", "rating", f"w{w}", "overall", i % 5 + 1))


def test_concurrent_writers_lose_nothing_and_readers_see_commit_order(url):
    """Four processes append while a reader follows with frame(after_seq=last): because seq follows
    commit order, the reader's incremental reads add up to the whole log (no event committed behind it)."""
    log = _log(url)
    seen: list[int] = []
    stop = threading.Event()

    def follow():
        last = 0
        while not stop.is_set():
            new = log.frame(after_seq=last)
            if len(new):
                seen.extend(new["seq"].tolist())
                last = int(new["seq"].max())
        seen.extend(log.frame(after_seq=last)["seq"].tolist())

    t = threading.Thread(target=follow)
    t.start()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(url, w, 40)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    stop.set()
    t.join(30)
    assert all(p.exitcode == 0 for p in procs)
    frame = log.frame()
    assert len(frame) == 160 and frame["id"].is_unique
    assert sorted(seen) == frame["seq"].tolist() and len(seen) == len(set(seen))  # every event seen once
    assert frame.groupby("reviewer").size().to_dict() == {f"w{w}": 40 for w in range(4)}


def test_wait_wakes_on_notify_from_another_client(url):
    log, other = _log(url), _log(url)
    start = log.max_seq()
    got: dict = {}

    def waiter():
        t0 = time.monotonic()
        got["seq"] = log.wait(start, timeout=30)
        got["took"] = time.monotonic() - t0

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.5)
    other.append(Event("r1", "decision", "bob", "overall", "accept"))
    t.join(40)
    assert got["seq"] == start + 1 and got["took"] < 20  # woken by NOTIFY, long before the timeout
    assert log.wait(start + 1, timeout=0.2) == start + 1  # nothing new: returns at the timeout


def test_project_with_a_team_store(url, tmp_path):
    ds = make_dataset(6)
    p = Project.create(tmp_path / "proj", ds, owner="olivia", store=url)
    assert not (tmp_path / "proj" / "events.sqlite").exists()
    meta = json.loads((tmp_path / "proj" / "project.json").read_text())
    assert meta["store"]["url"] == url and meta["store"]["table"].startswith("events_")
    # two servers: each opens the project folder (a shared volume) and writes to the same store
    a, b = Project.open(tmp_path / "proj"), Project.open(tmp_path / "proj")
    a.rate("alice", "r1", 4)
    b.rate("bob", "r1", 2)
    b.decide("bob", "r2", "reject")
    for p_ in (a, b):
        fold = p_.fold()
        assert set(fold.per_reviewer["reviewer"]) >= {"alice", "bob"}
        assert fold.value("r2", "decision", "decision", reviewer="bob") == "reject"
    assert a.log.count() == b.log.count() == 6  # owner role, alice and bob enrolled on first act, three acts
    # a second project in the same database has its own table
    q = Project.create(tmp_path / "proj2", ds, owner="olivia", store=url)
    assert q.log.count() == 1 and a.log.count() == 6
    for proj in (p, a, b, q):
        proj.close()


def test_store_url_with_a_password_is_refused(tmp_path):
    with pytest.raises(ValueError, match="must not carry a password"):
        Project.create(tmp_path / "p", make_dataset(2), owner="o", store="postgresql://u:secret@db.example/x")
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())
    with pytest.raises(ValueError, match="postgresql://"):
        Project.create(tmp_path / "q", make_dataset(2), owner="o", store="mysql://u@h/x")


def test_cli_init_with_store(url, tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"q{i}"},
                                                     {"role": "assistant", "content": f"a{i}"}]}) + "\n"
                            for i in range(5)), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "workbench.cli", "init", str(tmp_path / "p"), str(data),
                          "--owner", "olivia", "--store", url], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "events in PostgresEventLog" in res.stdout
    p = Project.open(tmp_path / "p")
    assert len(p.dataset) == 5 and p.log.count() == 1 and p.owner == "olivia"
    p.close()
    bad = subprocess.run([sys.executable, "-m", "workbench.cli", "init", str(tmp_path / "q"), str(data),
                          "--store", "postgresql://u:pw@h/db"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "password" in bad.stderr


def test_follower_sees_another_servers_events(url):
    from workbench.store.follow import LogFollower

    log, other = _log(url), _log(url)
    seen: list[int] = []
    got = threading.Event()
    f = LogFollower(log, lambda seq: (seen.append(seq), got.set()), wait_seconds=1.0).start()
    other.append(Event("r1", "rating", "bob", "overall", 3))
    assert got.wait(20) and seen == [other.max_seq()]
    f.stop()
