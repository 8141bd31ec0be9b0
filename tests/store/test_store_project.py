"""Project folder: create, open, fingerprint, roles and permissions, guidelines, settings."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from store.store_helpers import make_dataset

from workbench.model import Guidelines
from workbench.store import PermissionDenied, Project, ProjectError
from workbench.workflows.projects import init_project


def test_create_writes_the_folder(tmp_path, dataset):
    p = Project.create(tmp_path / "p", dataset, owner="olga")
    names = {x.name for x in (tmp_path / "p").iterdir()}
    assert {"source.parquet", "project.json", "guidelines.yaml", "events.sqlite", "quarantine.jsonl",
            "cache"} <= names
    meta = json.loads((tmp_path / "p" / "project.json").read_text())
    assert meta["fingerprint"] == p.fingerprint and len(p.fingerprint) == 64
    assert meta["source"] == {"path": "mem.jsonl", "format": "openai", "rows": 12}
    assert meta["reviewers"] == {"olga": "owner"} and meta["settings"]["open_enrolment"] is True
    assert pq.read_table(tmp_path / "p" / "source.parquet").equals(dataset.table)
    assert p.reviewers == {"olga": "owner"}
    assert p.log.events()[0].kind == "role" and p.log.events()[0].record_id == "*"
    p.close()


def test_open_round_trip(tmp_path, dataset):
    Project.create(tmp_path / "p", dataset, owner="olga").close()
    p = Project.open(tmp_path / "p")
    assert p.dataset.table.equals(dataset.table)
    assert (p.dataset.format, p.dataset.source) == ("openai", "mem.jsonl")
    assert [c.name for c in p.guidelines.criteria] == [c.name for c in Guidelines.default().criteria]
    assert p.reviewers == {"olga": "owner"}
    p.close()


def test_create_refuses_existing_non_empty_folder(tmp_path, dataset):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "x.txt").write_text("hi")
    with pytest.raises(ProjectError, match="not an empty folder"):
        Project.create(tmp_path / "p", dataset)
    (tmp_path / "empty").mkdir()
    Project.create(tmp_path / "empty", dataset).close()  # an empty folder is fine


def test_create_refuses_duplicate_ids(tmp_path):
    ds = make_dataset(3)
    import pyarrow as pa

    from workbench.model import Dataset
    dup = Dataset(pa.concat_tables([ds.table, ds.table.slice(0, 1)]))
    with pytest.raises(ValueError, match="unique"):
        Project.create(tmp_path / "p", dup)
    assert not (tmp_path / "p").exists()


def test_fingerprint_mismatch_is_refused(tmp_path, dataset):
    Project.create(tmp_path / "p", dataset).close()
    pq.write_table(make_dataset(11).table, tmp_path / "p" / "source.parquet")  # replaced source
    with pytest.raises(ProjectError, match="does not match the project's fingerprint"):
        Project.open(tmp_path / "p")


def test_not_a_project(tmp_path):
    with pytest.raises(ProjectError, match="not a workbench project"):
        Project.open(tmp_path)
    (tmp_path / "project.json").write_text("{}")
    with pytest.raises(ProjectError, match="source.parquet is missing"):
        Project.open(tmp_path)


def test_custom_guidelines_from_yaml(tmp_path, dataset):
    g = Guidelines.default()
    g.categories = ["qa", "code"]
    g.save(tmp_path / "g.yaml")
    p = Project.create(tmp_path / "p", dataset, guidelines=tmp_path / "g.yaml")
    assert p.guidelines.categories == ["qa", "code"]
    p.close()


def test_roles_and_permissions(project):
    assert project.reviewers == {"olga": "owner", "ada": "adjudicator"}
    with pytest.raises(PermissionDenied, match="needs the role owner"):
        project.add_reviewer("eve", "owner", by="ada")
    with pytest.raises(PermissionDenied):
        project.add_reviewer("eve", by="stranger")
    with pytest.raises(ValueError, match="role must be one of"):
        project.add_reviewer("eve", "boss", by="olga")
    project.add_reviewer("rita", by="olga")
    assert project.role_of("rita") == "reviewer"
    assert json.loads((project.path / "project.json").read_text())["reviewers"]["rita"] == "reviewer"
    # the log records who changed the roles
    roles = project.log.frame(kind="role")
    assert roles["reviewer"].tolist()[-1] == "olga" and roles["target"].tolist()[-1] == "rita"


def test_roles_are_shared_between_processes_through_the_log(project):
    other = Project.open(project.path)
    project.add_reviewer("rita", "adjudicator", by="olga")
    assert other.role_of("rita") == "adjudicator"
    other.close()


def test_set_guidelines_owner_only_and_logged(project):
    g = Guidelines.default()
    g.task = "New task."
    with pytest.raises(PermissionDenied):
        project.set_guidelines(g, by="ada")
    ev = project.set_guidelines(g, by="olga")
    assert (ev.record_id, ev.kind, ev.reviewer) == ("*", "guidelines", "olga")
    assert ev.value["task"] == "New task."
    assert Project.open(project.path).guidelines.task == "New task."


def test_open_enrolment(project):
    ev = project.rate("newbie", "r1", 4)
    assert project.role_of("newbie") == "reviewer" and ev.reviewer == "newbie"
    project.set_setting("open_enrolment", False, by="olga")
    n = project.log.count()
    with pytest.raises(PermissionDenied, match="not a reviewer"):
        project.rate("stranger", "r1", 4)
    assert project.log.count() == n
    project.rate("newbie", "r1", 3)  # known reviewers still work
    with pytest.raises(ValueError, match="unknown setting"):
        project.set_setting("colour", "blue", by="olga")


def test_init_project_loads_a_dataset_file(tmp_path):
    src = tmp_path / "chat.jsonl"
    rows = [{"messages": [{"role": "user", "content": f"Q{i}"}, {"role": "assistant", "content": f"A{i}"}]}
            for i in range(3)]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    p = init_project(tmp_path / "p", src)
    assert len(p.dataset) == 3
    assert Project.open(tmp_path / "p").fingerprint == p.fingerprint
    p.close()


def test_repr_and_context_manager(project):
    with Project.open(project.path) as p:
        assert "records=12" in repr(p)
