"""LLM drafts stored as suggestions; accepting or editing one sets the record's provenance."""
from __future__ import annotations

import json

import pytest
from assist.conftest import prompt_rows
from helpers import sft

from workbench.assist import LLMClient, LLMUnavailable, draft, provenance_counts, provenance_frame
from workbench.assist.drafts import draft_system_prompt, draft_targets
from workbench.model import Guidelines
from workbench.model.events import value_hash
from workbench.sample import support_guidelines_path
from workbench.ui import ReviewSession

T = "messages[1].content"


@pytest.fixture
def project(make_project):
    return make_project(prompt_rows())


def test_drafts_are_suggestions_for_prompt_only_records(project, client, fake_llm):
    events = draft(project, client, temperature=0)
    assert [(e.record_id, e.target) for e in events] == [(f"q{i}", T) for i in range(4)]
    e = events[0]
    assert e.kind == "suggestion" and e.reviewer == "model:fake-1"
    assert e.value["value"] == "Draft answer: How do I get refund number 0?"
    assert e.value["source"] == "draft" and e.value["score"] is None
    assert e.value["usage"]["completion_tokens"] == 9
    system = fake_llm.requests[0]["messages"][0]
    assert system["role"] == "system" and "As an AI language model" in system["content"]
    assert project.annotations_long().empty and project.status_frame()["n_reviews"].sum() == 0
    assert provenance_frame(project)["provenance"].isna().all()
    assert draft(project, client, temperature=0) == []  # a rerun: from the cache, no new events
    assert len(fake_llm.requests) == 4
    assert client.usage.cache_hits == 4


def test_accept_edit_or_ignore_a_draft(project, client):
    draft(project, client)
    s = ReviewSession(project, "alice", signals=None)
    ev = s.accept_suggestion(T, record_id="q0")
    sugg = s.record_state("q0").suggestions[T]
    assert ev.kind == "add_turn" and ev.reviewer == "alice" and ev.seen_hash == value_hash(sugg)
    assert ev.value == {"index": 1, "role": "assistant", "content": sugg["value"]}
    last = s.accept_suggestion(T, record_id="q1", text="A better answer, written by alice.")
    assert last.kind == "edit" and project.current_record("q1").messages[1].content.startswith("A better")
    s.add_turn(1, "assistant", "My own answer.", record_id="q2")
    prov = provenance_frame(project).set_index("record_id")
    assert prov["provenance"].to_dict() == {"q0": "model", "q1": "model_edited", "q2": "human", "q3": None}
    assert prov.loc["q0", "model"] == "model:fake-1" and prov.loc["q0", "origin"] == "events"
    assert provenance_counts(project) == {"counts": {"human": 1, "model": 1, "model_edited": 1, "unknown": 1},
                                          "synthetic_to_human": 1.0, "machine_drafted_share": 0.5}
    s.edit(T, "Reworded later.", record_id="q0")
    assert provenance_frame(project).set_index("record_id").loc["q0", "provenance"] == "model_edited"
    # the drafted records are answered now: a new draft run has nothing to do for them
    assert [t["record_id"] for t in draft_targets(project)] == ["q3"]
    assert set(project.annotations_long()["field"]) == {"edit"}  # the reviewers' edits, never the drafts


def test_improving_an_sft_response(make_project, client):
    rows = [sft("s0", "Where is my invoice?", "dunno"), sft("s1", "Reset password?", "Use the reset link.")]
    rows[1]["metadata"] = json.dumps({"provenance": "model"})
    p = make_project(rows)
    events = draft(p, client, improve=True)
    assert {e.record_id: e.target for e in events} == {"s0": T, "s1": T}
    s = ReviewSession(p, "bob", signals=None)
    ev = s.accept_suggestion(T, record_id="s0")
    assert ev.kind == "edit" and p.current_record("s0").messages[1].content.startswith("Draft answer")
    prov = provenance_frame(p).set_index("record_id")["provenance"]
    assert prov.to_dict() == {"s0": "model", "s1": "model"}  # s1: from its metadata
    s.edit(T, "Use the reset link in the email.", record_id="s1")
    assert provenance_frame(p).set_index("record_id").loc["s1", "provenance"] == "model_edited"


def test_failed_drafts_keep_the_others(project, fake_llm, tmp_path):
    c = LLMClient(base_url=fake_llm.base_url, model="fake-1", max_retries=0, concurrency=1,
                  cache_dir=str(tmp_path / "c"))
    fake_llm.fail(500, 1)
    assert len(draft(project, c, errors="skip")) == 3
    fake_llm.fail(500, 1)
    with pytest.raises(LLMUnavailable, match="HTTP 500"):
        draft(project, c)  # the failed one again: it fails again, nothing else to do
    assert len(draft(project, c)) == 1  # and now it works
    with pytest.raises(ValueError, match="errors must be"):
        draft(project, c, errors="ignore")


def test_system_prompt_follows_the_guidelines():
    text = draft_system_prompt(Guidelines.load(support_guidelines_path()))
    assert "accuracy: Complies with policy" in text and "100-300 words" in text and "hidden" in text
    neutral = draft_system_prompt(Guidelines.default())  # no window: no length line, no support wording
    assert "Length:" not in neutral and "helpfulness: Does what the prompt asks" in neutral


def test_export_reports_draft_provenance(project, client, tmp_path):
    from workbench.export import export

    draft(project, client)
    s = ReviewSession(project, "alice", signals=None)
    s.accept_suggestion(T, record_id="q0")
    s.accept_suggestion(T, record_id="q1", text="A better answer, written by alice.")
    s.add_turn(1, "assistant", "My own answer.", record_id="q2")
    out = tmp_path / "export"
    export(project, out=out, format="openai", splits=(1.0, 0.0, 0.0), include="all", report=False)
    manifest = json.loads((out / "manifest.json").read_text())
    text = json.dumps(manifest)
    assert '"model_edited": 1' in text and '"human": 1' in text and '"model": 1' in text
