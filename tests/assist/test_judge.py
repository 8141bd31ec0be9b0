"""LLM-as-judge: criterion scores parsed robustly, preference verdicts with position swapping."""
from __future__ import annotations

import pytest
from assist.conftest import preference_rows
from helpers import sft

from workbench.assist import active, judge_preferences, score_records, suggestions_frame
from workbench.assist.judge import combine_verdicts, extract_json, parse_choice, parse_scores
from workbench.store.fold import preference_key
from workbench.ui import ReviewSession

SCALES = {"accuracy": (1, 5), "tone": (1, 5)}


def test_extract_json_from_chatty_answers():
    assert extract_json('Sure!\n```json\n{"a": 1}\n```\nbye') == {"a": 1}
    # braces inside strings, a trailing comma
    assert extract_json('verdict: {"a": {"b": "}"}, } and more') == {"a": {"b": "}"}}
    assert extract_json("no json here") is None and extract_json("") is None


@pytest.mark.parametrize("text, expected", [
    ('{"scores": {"accuracy": {"score": 4, "rationale": "ok"}, "tone": {"score": 2}}}',
     {"accuracy": {"score": 4, "rationale": "ok"}, "tone": {"score": 2, "rationale": ""}}),
    ('```json\n{"Accuracy": 5, "tone": "3"}\n```', {"accuracy": {"score": 5, "rationale": ""},
                                                     "tone": {"score": 3, "rationale": ""}}),
    ('{"scores": [{"criterion": "accuracy", "score": 1, "rationale": "wrong"}]}',
     {"accuracy": {"score": 1, "rationale": "wrong"}}),
    ("accuracy: 4\ntone - 5", {"accuracy": {"score": 4, "rationale": ""},
                               "tone": {"score": 5, "rationale": ""}}),
    ('{"accuracy": 7, "tone": 3.5}', {}),  # off the scale / not an integer: dropped, never clipped
    ("I cannot judge this.", {}),
])
def test_parse_scores(text, expected):
    assert parse_scores(text, SCALES) == expected


@pytest.mark.parametrize("text, expected", [
    ('{"choice": "B", "rationale": "x"}', "B"), ('```json\n{"winner": "a"}\n```', "A"),
    ("Tie", "tie"), ("The better response is: A.", "A"), ("both are fine", None)])
def test_parse_choice(text, expected):
    assert parse_choice(text) == expected


def test_combine_verdicts():
    assert combine_verdicts("chosen", "chosen") == ("chosen", 1.0, True, False)
    assert combine_verdicts("tie", "tie") == ("tie", 1.0, True, False)
    assert combine_verdicts("chosen", "rejected") == ("tie", 0.0, False, True)
    assert combine_verdicts("chosen", "tie") == ("chosen", 0.5, False, False)
    assert combine_verdicts(None, "rejected") == ("rejected", 0.5, False, False)
    assert combine_verdicts(None, None) == (None, 0.0, False, False)


@pytest.fixture
def scored(make_project):
    rows = [sft(f"j{i}", f"Question {i}?", f"{'GOOD' if i % 2 == 0 else 'weak'} answer {i}.", "billing")
            for i in range(6)]
    return make_project(rows)


def test_scores_stored_as_suggestions(scored, client, fake_llm):
    before = scored.annotations_long().copy()
    events = score_records(scored, client, temperature=0)
    crits = [c.name for c in scored.guidelines.criteria]
    assert len(events) == 6 * len(crits) and len(fake_llm.requests) == 6
    by = {(e.record_id, e.target): e.value for e in events}
    assert by[("j0", "accuracy")]["value"] == 5 and by[("j1", "tone")]["value"] == 2
    assert by[("j1", "tone")]["rationale"] == "tone looks weak"
    assert by[("j0", "accuracy")]["source"] == "judge"
    assert all(e.reviewer == "model:fake-1" and e.kind == "suggestion" for e in events)
    assert scored.annotations_long().equals(before) and "model:fake-1" not in scored.reviewers
    asked = [r["messages"][1]["content"] for r in fake_llm.requests]
    user = next(q for q in asked if "Question 0?" in q)
    assert "<<<\nGOOD answer 0.\n>>>" in user and "USER: Question 0?" in user
    assert score_records(scored, client, temperature=0) == [] and len(fake_llm.requests) == 6  # cached rerun
    means = active.judge_means(scored)
    assert means["j0"] == 5 and means["j1"] == 2


def test_judge_scores_filter_the_review_queue(scored, client):
    score_records(scored, client, criteria=["accuracy"])
    s = ReviewSession(scored, "alice", signals=None)
    assert s.set_filters(query="judge_mean < 3")
    assert list(s.index.ids[s.queue]) == ["j1", "j3", "j5"]


def test_preference_pairs_judged_twice_with_positions_swapped(make_project, client, fake_llm):
    p = make_project(preference_rows())
    events, verdicts = judge_preferences(p, client)
    assert len(fake_llm.requests) == 8
    asked = [q for q in (r["messages"][1]["content"] for r in fake_llm.requests) if "Question 0?" in q]
    assert sorted(q.index("GOOD") < q.index("Meh") for q in asked) == [False, True]  # A/B, then B/A
    assert verdicts["winner"].tolist() == ["chosen"] * 4 and verdicts["consistent"].all()
    e = events[0]
    assert e.target == "preference" and e.value["value"] == {"choice": "A", "order": ["chosen", "rejected"]}
    assert e.value["score"] == 1.0 and e.value["verdicts"] == ["chosen", "chosen"]
    assert not e.value["position_bias"]
    assert e.value["rationale"] == "one is GOOD / one is GOOD"
    assert p.annotations_long().empty
    # the reviewer accepts the verdict in their own display order
    s = ReviewSession(p, "alice", signals=None)
    ev = s.accept_suggestion("preference", record_id="p1")
    assert ev.reviewer == "alice" and ev.value["order"] == s.current_order("p1")
    assert preference_key(ev.value) == "chosen"


def test_position_bias_becomes_a_low_confidence_tie(make_project, client, fake_llm):
    fake_llm.biased = True  # always answers "A"
    p = make_project(preference_rows())
    events, verdicts = judge_preferences(p, client)
    assert verdicts["winner"].tolist() == ["tie"] * 4 and verdicts["position_bias"].all()
    assert verdicts["confidence"].tolist() == [0.0] * 4
    assert {e.value["value"]["choice"] for e in events} == {"tie"}
    sf = suggestions_frame(p, source="judge", target="preference")
    assert (sf["score"] == 0).all()


def test_failed_calls_keep_the_rest(make_project, scored, fake_llm, tmp_path):
    from workbench.assist import LLMClient, LLMUnavailable

    c = LLMClient(base_url=fake_llm.base_url, model="fake-1", max_retries=0, concurrency=1,
                  cache_dir=str(tmp_path / "c"))
    p = make_project(preference_rows(), name="pref")
    fake_llm.fail(500, 1)  # the first pair's A/B call
    events, verdicts = judge_preferences(p, c, errors="skip")
    assert len(events) == 3 and "p0" not in set(verdicts["record_id"])
    fake_llm.fail(500, 1)
    with pytest.raises(LLMUnavailable, match="HTTP 500"):
        score_records(scored, c, criteria=["accuracy"])
    assert len(suggestions_frame(scored, source="judge")) == 5  # the other five were stored
    assert len(score_records(scored, c, criteria=["accuracy"])) == 1  # rerun: 5 cached, 1 new
    with pytest.raises(ValueError, match="errors must be"):
        score_records(scored, c, errors="ignore")
