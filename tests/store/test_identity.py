"""Identities and privileged roles: keys hashed and checked in constant time, typed names capped at reviewer
in the served app, closed projects, removal, and the owner being the person who ran init."""
from __future__ import annotations

import getpass
import hmac
import pickle

import pytest
from store.store_helpers import make_dataset

from workbench.store import PermissionDenied, Project
from workbench.store import identity as ident
from workbench.store.identity import Identity, hash_key, identify, key_matches, server_identity
from workbench.store.validate import check_reviewer


@pytest.fixture
def keys(project):
    """olga (owner) and ada (adjudicator) with keys; rex a keyless reviewer."""
    return {"olga": project.add_reviewer("olga", "owner", by="olga", key=True),
            "ada": project.add_reviewer("ada", "adjudicator", by="olga", key=True),
            "rex": project.add_reviewer("rex", "reviewer", by="olga")}


@pytest.fixture
def served(project, keys):
    """The same project as the web app opens it: plain names are typed claims."""
    p = Project.open(project.path, served=True)
    yield p
    p.close()


def test_key_hash_is_salted_and_checked(monkeypatch):
    a, b = hash_key("s3cret"), hash_key("s3cret")
    assert a["alg"] == "scrypt" and a["salt"] != b["salt"] and a["hash"] != b["hash"]
    assert "s3cret" not in repr(a)
    assert key_matches("s3cret", a) and key_matches("s3cret", b)
    assert not key_matches("s3cret!", a) and not key_matches("", a) and not key_matches(None, a)
    assert not key_matches("s3cret", {**a, "n": 2 ** 30})  # the log is data: absurd costs are refused
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda x, y: calls.append((x, y)) or real(x, y))
    assert key_matches("s3cret", a) and not key_matches("wrong", a)
    assert len(calls) == 2 and all(isinstance(x, bytes) and len(x) == 32 for x, _ in calls)


def test_keys_are_stored_only_as_hashes(project, keys):
    for name in ("olga", "ada"):
        assert len(keys[name]) >= 32
    assert keys["rex"] is None
    # the log's bytes (SQLite) or every stored value (PostgreSQL) hold no key
    sqlite_file = project.path / "events.sqlite"
    raw = (sqlite_file.read_bytes() if sqlite_file.exists()
           else project.log.frame().to_json(date_format="iso").encode())
    assert keys["ada"].encode() not in raw and keys["olga"].encode() not in raw
    assert keys["ada"] not in (project.path / "project.json").read_text()
    reg = project.registry
    assert reg["ada"].role == "adjudicator" and reg["ada"].has_key and not reg["rex"].has_key
    text = repr(reg)
    assert "ada" in text and "adjudicator" in text and keys["ada"] not in text and reg["ada"].key["hash"] not in text
    assert "<td>ada</td>" in reg._repr_html_()


def test_typed_owner_name_cannot_use_privileges_in_the_served_app(served, keys):
    n = served.log.count()
    attempts = [lambda: served.gold("olga", "r1", "decision", "accept"),
                lambda: served.adjudicate("olga", "r1", "reject"),
                lambda: served.adjudicate("ada", "r1", "reject"),
                lambda: served.assign(["rex"], by="olga"),
                lambda: served.add_reviewer("eve", "owner", by="olga"),
                lambda: served.require_verified("olga", "make bulk changes"),
                lambda: served.require_verified("ada", "export", ("owner", "adjudicator")),
                lambda: served.decide("olga", "r1", "accept"),  # even a plain review under the owner's name
                lambda: served.add_reviewer("eve", "owner")]  # no default identity in the app
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert served.log.count() == n


def test_literal_owner_is_just_a_new_reviewer(served):
    assert "owner" not in served.reviewers
    served.decide("owner", "r1", "accept")  # an open project enrols the name as a reviewer
    assert served.reviewers["owner"] == "reviewer" and "owner" not in served.adjudicators()
    with pytest.raises(PermissionDenied, match="owner or adjudicator"):
        served.gold("owner", "r1", "decision", "accept")
    with pytest.raises(PermissionDenied):
        served.adjudicate("owner", "r2", "reject")


def test_the_right_key_gives_the_role(served, keys):
    olga, ada = served.verify("olga", keys["olga"]), served.verify("ada", keys["ada"])
    assert olga.verified_by == "key" and olga == "olga"
    assert served.gold(olga, "r1", "decision", "accept").reviewer == "olga"
    assert served.adjudicate(ada, "r2", "reject").reviewer == "ada"
    assert len(served.assign(["rex"], records=["r3", "r4"], calibration=0, overlap=0, gold=[], by=olga)) == 2
    assert served.require_verified(ada, "export", ("owner", "adjudicator")) == "ada"
    assert served.fold().value("r2", "decision", "decision") == "reject"


def test_wrong_or_missing_key_is_refused_in_one_line(served, keys):
    with pytest.raises(PermissionDenied) as exc:
        served.verify("olga", keys["ada"])
    assert str(exc.value) == "wrong key for olga"
    with pytest.raises(PermissionDenied, match="rex has no key"):
        served.verify("rex", "anything")
    with pytest.raises(PermissionDenied, match="no key"):
        served.verify("stranger", "anything")
    with pytest.raises(PermissionDenied) as exc:
        identify(served, "ada", key="nope")
    assert "\n" not in str(exc.value)


def test_identify_for_pages(served, keys):
    assert identify(served, "ada", keys["ada"]).verified_by == "key"
    rex = identify(served, "rex")  # a keyless reviewer may type their name and review
    assert rex.verified_by is None and served.acting(rex) == ("rex", "reviewer")
    with pytest.raises(PermissionDenied, match="key"):
        identify(served, "olga")  # refused at once, not at the first action
    hub = Identity("ada", "jupyterhub")
    assert identify(served, None, server=hub) is hub
    with pytest.raises(PermissionDenied, match="signed in"):
        identify(served, "olga", server=hub)


def test_keyed_reviewer_must_use_the_key(project, served):
    key = project.add_reviewer("kim", "reviewer", key=True, by="olga")
    with pytest.raises(PermissionDenied):
        served.rate("kim", "r1", 3)
    assert served.rate(served.verify("kim", key), "r1", 3).value == 3


def test_role_change_keeps_the_key_and_removal_ends_it(project, served, keys):
    project.add_reviewer("ada", "owner", by="olga")  # no new key: the old one still works
    assert served.registry["ada"].role == "owner" and served.verify("ada", keys["ada"])
    project.remove_reviewer("ada", by="olga")
    assert "ada" not in served.reviewers and "ada" in served.registry.removed
    with pytest.raises(PermissionDenied):
        served.verify("ada", keys["ada"])
    with pytest.raises(PermissionDenied, match="removed"):
        project.rate("ada", "r1", 3)  # in a notebook too
    with pytest.raises(ValueError, match="only owner"):
        project.remove_reviewer("olga", by="olga")


def test_closed_project_refuses_unknown_names(tmp_path):
    p = Project.create(tmp_path / "closed", make_dataset(), owner="olga", closed=True)
    assert p.settings["open_enrolment"] is False
    n = p.log.count()
    with pytest.raises(PermissionDenied, match="closed"):
        p.rate("mallory", "r1", 3)
    served = Project.open(p.path, served=True)
    with pytest.raises(PermissionDenied, match="closed"):
        identify(served, "mallory")
    assert p.log.count() == n
    p.add_reviewer("mallory", "reviewer", by="olga")
    assert served.rate(identify(served, "mallory"), "r1", 3).reviewer == "mallory"


def test_owner_is_the_os_user_never_the_literal(tmp_path, monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "dana")
    p = Project.create(tmp_path / "p", make_dataset())
    assert p.owner == "dana" and p.reviewers == {"dana": "owner"} and p.meta["owner"] == "dana"
    assert p.principal == "dana" and p.principal.verified_by == "os-user"
    assert p.add_reviewer("eve", "adjudicator") is None  # by defaults to the OS user, who owns it
    assert p.reviewers["eve"] == "adjudicator"
    q = Project.create(tmp_path / "q", make_dataset(), owner="olga")
    with pytest.raises(PermissionDenied, match="dana"):
        q.add_reviewer("eve")  # the OS user is not q's owner


def test_identity_survives_name_checks_and_pickling():
    who = Identity(" ada ", "key")
    assert who == "ada" and check_reviewer(who) is who
    back = pickle.loads(pickle.dumps(who))
    assert back == "ada" and back.verified_by == "key"
    with pytest.raises(ValueError):
        Identity("ada", "trust-me")


def test_server_identity_sources():
    assert server_identity({}) is None
    proxy = server_identity({ident.ENV_USER_HEADER: "X-Forwarded-User", "HTTP_X_FORWARDED_USER": "ada"})
    assert proxy == "ada" and proxy.verified_by == "proxy"
    assert server_identity({ident.ENV_USER_HEADER: "X-Forwarded-User"}) is None  # header missing
    hub = {"JUPYTERHUB_USER": "ada", "JUPYTERHUB_API_TOKEN": "t"}
    assert server_identity(hub).verified_by == "jupyterhub"
    # `workbench serve` runs Voila on its own port, not behind the hub: the hub's user vouches for nothing
    assert server_identity({**hub, ident.ENV_SERVED: "workbench serve"}) is None
