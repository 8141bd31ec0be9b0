"""Label Studio hand-off: tasks + labeling config out; a simulated LS export back as reviewer events."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from export.export_helpers import preference_rows
from helpers import make_dataset

from workbench.export import export
from workbench.export.labelstudio import import_labelstudio, labelstudio_config, write_labelstudio
from workbench.io import load
from workbench.model import Guidelines
from workbench.sample import support_guidelines_path
from workbench.store import Project


def _result(name, to, rtype, value):
    return {"id": f"{name}-1", "from_name": name, "to_name": to, "type": rtype, "value": value,
            "origin": "manual"}


def _annotation(i, who, results, truth=False):
    return {"id": 1000 + i, "completed_by": who, "result": results, "was_cancelled": False,
            "ground_truth": truth, "created_at": "2024-05-01T10:00:00.000000Z",
            "updated_at": f"2024-05-01T10:0{i % 10}:00.000000Z", "lead_time": 12.5}


def _ls_export(tasks, annotate):
    """What Label Studio's JSON export looks like for tasks imported from ``tasks.json``."""
    return [{"id": 500 + i, "data": t["data"], "annotations": annotate(i, t), "predictions": [],
             "meta": {}, "created_at": "2024-05-01T09:00:00.000000Z"} for i, t in enumerate(tasks)]


def test_config_tags_and_names():
    g = Guidelines.load(support_guidelines_path())  # guidelines with categories to offer as choices
    root = ET.fromstring(labelstudio_config(g, "sft"))
    names = {el.get("name"): el.tag for el in root.iter() if el.get("name")}
    assert names["prompt"] == "Text" and names["response"] == "Text"
    assert names["ideal_response"] == "TextArea" and names["overall"] == "Rating"
    assert all(names[c.name] == "Rating" for c in g.criteria)
    assert names["category"] == "Choices" and names["decision"] == "Choices" and names["tags"] == "Choices"
    for el in root.iter():
        for to in (el.get("toName") or "").split(","):
            assert not to or to in names
    cats = [c.get("value") for c in root.find("Choices[@name='category']")]
    assert cats == g.categories
    pair = ET.fromstring(labelstudio_config(g, "preference"))
    assert pair.find("Pairwise").get("toName") == "answer1,answer2"


def test_sft_round_trip_as_reviewer_events(project, tmp_path):
    files = write_labelstudio(project, tmp_path / "ls")
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text())
    assert files["tasks"] == len(project.dataset) == len(tasks)
    assert {"prompt", "response", "record_id", "category"} <= set(tasks[0]["data"])

    def annotate(i, t):
        edited = t["data"]["response"] + " Fixed." if i == 0 else t["data"]["response"]
        res = [_result("overall", "response", "rating", {"rating": 4 if i % 2 else 2}),
               _result("accuracy", "response", "rating", {"rating": 5}),
               _result("category", "prompt", "choices", {"choices": ["shipping"]}),
               _result("decision", "response", "choices", {"choices": ["accept" if i % 2 else "reject"]}),
               _result("tags", "response", "choices", {"choices": ["pii"]}),
               _result("ideal_response", "response", "textarea", {"text": [edited]})]
        second = [_result("overall", "response", "rating", {"rating": 4})]
        return [_annotation(i, 7, res), _annotation(i, {"id": 8, "email": "ben@example.com"}, second)]

    export_path = tmp_path / "ls_export.json"
    export_path.write_text(json.dumps(_ls_export(tasks[:6], annotate)))
    ds = load(export_path)
    assert ds.format == "labelstudio" and len(ds) == 6 and not ds.quarantine
    kinds = {(e.kind, e.target) for e in ds.extra_events}
    # the reader speaks the store's terms; an unchanged ideal response is no edit at all
    assert {("rating", "overall"), ("rating", "accuracy"), ("label", "category"), ("decision", "decision"),
            ("tags", "tags")} <= kinds
    edits = [e for e in ds.extra_events if e.kind == "edit"]
    assert len(edits) == 1 and edits[0].target.startswith("messages[") and edits[0].value == tasks[0]["data"]["response"] + " Fixed."
    assert {e.reviewer for e in ds.extra_events} == {"7", "ben@example.com"}

    res = import_labelstudio(project, export_path)
    assert res["skipped"]["unmapped"] == 0
    first = tasks[0]["data"]["record_id"]
    assert project.current_record(first).response.endswith(" Fixed.")
    state = project.state()
    c = state.consolidated
    dec = c[(c["kind"] == "decision") & (c["record_id"] == first)]["value"].item()
    assert dec == "reject"
    pr = state.per_reviewer
    assert set(pr[pr["kind"] == "tags"]["value"].map(tuple)) == {("pii",)}
    assert len(pr[(pr["kind"] == "rating") & (pr["record_id"] == first) & (pr["target"] == "overall")]) == 2
    assert import_labelstudio(project, export_path)["events"] == 0  # a second import adds nothing

    # the Label Studio file exports directly too: its annotators' decisions and ratings apply
    res = export(export_path, tmp_path / "out", format="alpaca", include="accepted", splits=(1.0,),
                 report=False)
    assert res["total"] == 3 and res["left_out"] == {"rejected": 3}


def test_preference_round_trip_keeps_the_displayed_order(tmp_path):
    p = Project.create(tmp_path / "pref", make_dataset(preference_rows(10, 1, seed=3)), owner="olga")
    write_labelstudio(p, tmp_path / "ls", seed=1)
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text())
    assert "Pairwise" in (tmp_path / "ls" / "label_config.xml").read_text()
    orders = [t["data"]["order"] for t in tasks]
    assert ["rejected", "chosen"] in orders and ["chosen", "rejected"] in orders  # blinded positions

    def annotate(i, t):  # the annotator always prefers the real chosen response
        side = "left" if t["data"]["order"][0] == "chosen" else "right"
        return [_annotation(i, "ana", [_result("pairwise", "answer1", "pairwise", {"selected": side})])]

    path = tmp_path / "export.json"
    path.write_text(json.dumps(_ls_export(tasks, annotate)))
    ds = load(path)
    assert set(ds.table.column("kind").to_pylist()) == {"preference"}
    assert {e.kind for e in ds.extra_events} == {"preference"}
    import_labelstudio(p, path)
    c = p.state().consolidated
    assert set(c[c["kind"] == "preference"]["value"]) == {"chosen"}
    p.close()


def test_mixed_kinds_are_refused(tmp_path):
    sft = {"id": "s", "kind": "sft", "messages": [{"role": "user", "content": "q"},
                                                  {"role": "assistant", "content": "a"}]}
    rows = preference_rows(2, 1) + [sft]
    with pytest.raises(ValueError, match="separate"):
        write_labelstudio(make_dataset(rows), tmp_path / "ls")
