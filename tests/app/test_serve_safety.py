"""Serving safely: no exposure without a token or password, signals reach the server's process group, and
the dashboard's identity box gives privileges only to verified names."""
from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import make_dataset, msg

from workbench import serving
from workbench.store import Project
from workbench.ui.dashboard import Dashboard

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "workbench.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout, cwd=ROOT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


# exposure ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_needs_nothing(host):
    assert serving.is_loopback(host)
    serving.check_exposure(host, token=None, password=False, insecure=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "myhost.example"])
def test_other_hosts_need_a_token_or_password_or_insecure(host):
    assert not serving.is_loopback(host)
    with pytest.raises(ValueError, match="--token or --password") as exc:
        serving.check_exposure(host, token=None, password=False, insecure=False)
    assert "\n" not in str(exc.value) and host in str(exc.value)
    serving.check_exposure(host, token="t0k", password=False, insecure=False)
    serving.check_exposure(host, token=None, password=True, insecure=False)
    serving.check_exposure(host, token=None, password=False, insecure=True)


def test_trusted_user_header_only_behind_a_proxy_on_loopback():
    serving.check_exposure("127.0.0.1", None, False, False, user_header="X-Forwarded-User")
    with pytest.raises(ValueError, match="proxy"):
        serving.check_exposure("0.0.0.0", "t0k", False, False, user_header="X-Forwarded-User")


def test_cli_refuses_exposed_host_before_starting_anything(tmp_path):
    res = _cli("serve", "--host", "0.0.0.0", "--port", str(_free_port()), env={"WORKBENCH_CACHE": str(tmp_path)})
    assert res.returncode == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("workbench serve: error: refusing to listen on 0.0.0.0")
    assert not list(tmp_path.iterdir())  # not even the sample project was built


def test_a_voila_json_password_counts(tmp_path):
    assert not serving.configured_password([tmp_path])
    (tmp_path / "voila.json").write_text(json.dumps({"PasswordIdentityProvider": {"hashed_password": "argon2:x"}}))
    assert serving.configured_password([tmp_path / "nowhere", tmp_path])


def test_password_is_hashed_into_a_private_config(tmp_path):
    folder = serving.password_config("correct horse")
    try:
        conf_file = folder / "voila.json"
        text = conf_file.read_text()
        assert "correct horse" not in text
        hashed = json.loads(text)["PasswordIdentityProvider"]["hashed_password"]
        from jupyter_server.auth import passwd_check

        assert passwd_check(hashed, "correct horse") and not passwd_check(hashed, "wrong")
        assert stat.S_IMODE(conf_file.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        import shutil

        shutil.rmtree(folder)


# signals -------------------------------------------------------------------------------------------
GROUP = """
import subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
print(grandchild.pid, flush=True)
time.sleep(120)
"""
WRAPPER = """
import sys
from workbench.serving import run_child
sys.exit(run_child([sys.executable, "-c", sys.argv[1]], {}, grace=5))
"""


def test_sigterm_reaches_the_whole_child_group():
    wrapper = subprocess.Popen([sys.executable, "-c", WRAPPER, GROUP], stdout=subprocess.PIPE, text=True,
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    grandchild = int(wrapper.stdout.readline())
    wrapper.stdout.close()
    (child,) = _children(wrapper.pid)
    assert _alive(child) and _alive(grandchild)
    wrapper.send_signal(signal.SIGTERM)
    wrapper.wait(timeout=15)
    deadline = time.time() + 5
    while (_alive(child) or _alive(grandchild)) and time.time() < deadline:
        time.sleep(0.05)
    assert not _alive(child) and not _alive(grandchild)


@pytest.mark.slow
def test_serve_sigterm_stops_voila_and_frees_the_port(tmp_path):
    """A real `workbench serve` (about 15 s: Voila and a kernel start)."""
    project = Project.create(tmp_path / "p", make_dataset([
        {"id": "a", "kind": "sft", "messages": [msg("user", "Hi?"), msg("assistant", "Hello, how can I help?")]}]))
    project.close()
    port = _free_port()
    env = {**os.environ, "WORKBENCH_POOL_SIZE": "0", "WORKBENCH_CACHE": str(tmp_path / "cache")}
    serve = subprocess.Popen([sys.executable, "-m", "workbench.cli", "serve", str(project.path), "--port",
                              str(port)], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert serve.poll() is None, "workbench serve ended early"
            time.sleep(0.25)
        else:
            pytest.fail("Voila never listened")
        (voila,) = _children(serve.pid)
        assert _alive(voila)
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        assert not _alive(voila)
        with socket.socket() as s:  # the port is free again
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", port))
    finally:
        if serve.poll() is None:
            serve.kill()


# the dashboard's identity box ------------------------------------------------------------------------
@pytest.fixture
def served(tmp_path):
    rows = [{"id": f"r{i}", "kind": "sft", "category": None,
             "messages": [msg("user", f"Question {i}?"), msg("assistant", f"Answer {i}.")]} for i in range(4)]
    local = Project.create(tmp_path / "p", make_dataset(rows), owner="olga")
    key = local.add_reviewer("olga", "owner", by="olga", key=True)
    local.close()
    p = Project.open(tmp_path / "p", served=True)
    yield p, key
    p.close()


def _text(widget) -> str:
    out = [getattr(widget, "value", "") if isinstance(getattr(widget, "value", ""), str) else ""]
    for child in getattr(widget, "children", ()):
        out.append(_text(child))
    return " ".join(out)


def test_typing_the_owner_name_in_the_app_is_refused(served):
    project, _ = served
    d = Dashboard(project, query_string="reviewer=olga")
    assert d.reviewer is None and "wb-error" in d.message.value and "key" in d.message.value
    d.guard(d.set_reviewer, "reviewer")("owner")  # the literal: just a new reviewer
    assert d.reviewer == "owner" and d.reviewer.verified_by is None
    d.tabs.selected_index = 3
    assert not hasattr(d, "export_button") and "key" in _text(d.tabs.children[3])
    with pytest.raises(PermissionError):
        d.run_export()
    assert not (project.path / "exports").exists()


def test_the_link_key_verifies_the_owner(served):
    project, key = served
    d = Dashboard(project, query_string=f"reviewer=olga&key={key}")
    assert d.reviewer == "olga" and d.reviewer.verified_by == "key"
    assert "verified by key" in d.header.value and "owner" in d.header.value
    assert d.key.value == ""  # never kept in a widget
    d.tabs.selected_index = 3
    assert hasattr(d, "export_button")  # the export form is offered
    assert project.gold(d.reviewer, "r1", "decision", "accept").reviewer == "olga"  # the verified identity acts


def test_a_wrong_key_is_one_line(served):
    project, _ = served
    d = Dashboard(project)
    d.key.value = "not-the-key"
    d.name.value = "olga"  # with a key typed, the name box waits for Start
    assert d.reviewer is None
    d.start.click()
    assert d.reviewer is None and "wrong key for olga" in d.message.value and "Traceback" not in d.message.value
    assert d.key.value == ""


def _open_in_voila(monkeypatch, path, query, **env):
    from workbench.app import open_dashboard

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    for name, value in {"WORKBENCH_PROJECT": str(path), "QUERY_STRING": query, "VOILA_KERNEL_ID": "k1",
                        **env}.items():
        monkeypatch.setenv(name, value)
    return open_dashboard()


def test_open_dashboard_in_voila_treats_names_as_claims(served, monkeypatch):
    project, key = served
    d = _open_in_voila(monkeypatch, project.path, "reviewer=olga")
    assert d.project.served and d.reviewer is None and "key" in d.message.value
    d = _open_in_voila(monkeypatch, project.path, f"reviewer=olga&key={key}")
    assert d.reviewer == "olga" and d.reviewer.verified_by == "key"


def test_open_dashboard_takes_a_trusted_proxy_user(served, monkeypatch):
    project, _ = served
    d = _open_in_voila(monkeypatch, project.path, "", WORKBENCH_USER_HEADER="X-Forwarded-User",
                       HTTP_X_FORWARDED_USER="olga")
    assert d.reviewer == "olga" and d.reviewer.verified_by == "proxy"
    d = _open_in_voila(monkeypatch, project.path, "reviewer=mallory", WORKBENCH_USER_HEADER="X-Forwarded-User",
                       HTTP_X_FORWARDED_USER="olga")
    assert d.reviewer is None and "signed in" in d.message.value


def test_bulk_changes_need_a_verified_name(served):
    from workbench.ui import ReviewSession

    project, key = served
    claim = ReviewSession(project, "rex", signals=None)  # a typed name
    claim.bulk("decide", decision="reject")
    assert claim.confirm_bulk() == 0 and "typed name" in claim.message
    assert project.log.frame(kind="decision").empty
    owner = ReviewSession(project, project.verify("olga", key), signals=None)
    owner.bulk("decide", decision="accept")
    assert owner.confirm_bulk() == 4 and len(project.log.frame(kind="decision")) == 4


def test_a_name_that_needs_a_key_waits_for_it(served):
    project, key = served
    d = Dashboard(project)
    d.name.value = "olga"
    assert d.reviewer is None and "enter your key" in d.message.value and "wb-error" not in d.message.value
    d.key.value = key
    d.start.click()
    assert d.reviewer == "olga" and d.reviewer.verified_by == "key"
