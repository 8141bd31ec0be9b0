"""Every action writes exactly one validated event; malformed input writes nothing."""
from __future__ import annotations

import pytest

from workbench.model.events import value_hash
from workbench.store import Conflict, PermissionDenied

T = "messages[2].content"


def stored(project, ev):
    """The event as read back from the database."""
    return project.log.get(ev.id)


def test_rate(project):
    ev = project.rate("bob", "r1", 4)
    assert stored(project, ev) == ev
    assert (ev.kind, ev.target, ev.value, ev.reviewer) == ("rating", "overall", 4, "bob")
    assert ev.session == project.session
    ev = project.rate("bob", "r1", 2, criterion="tone")
    assert (ev.target, ev.value) == ("tone", 2)


def test_each_action_appends_one_event(project):
    n = project.log.count()
    project.rate("bob", "r1", 4)  # bob is enrolled here: one role event + the action
    n += 2
    calls = [
        lambda: project.label("bob", "r1", "billing"),
        lambda: project.tag("bob", "r1", ["pii", "health", "pii"]),
        lambda: project.prefer("bob", "r10", "B", ["rejected", "chosen"]),
        lambda: project.rank("bob", "r10", ["chosen", "rejected"], ["rejected", "chosen"]),
        lambda: project.comment("bob", "r1", "Needs a source."),
        lambda: project.decide("bob", "r1", "needs_fix"),
        lambda: project.edit("bob", "r1", T, "New answer."),
        lambda: project.add_turn("bob", "r1", 3, "user", "And then?"),
        lambda: project.delete_turn("bob", "r1", 3),
        lambda: project.gold("ada", "r2", "category", "account"),
        lambda: project.adjudicate("ada", "r1", "accept"),
        lambda: project.suggest("model:gpt", "r1", "category", "billing", score=0.9),
        lambda: project.act("bob", "r1", "rating", "accuracy", 5),
        lambda: project.undo("bob"),
    ]
    for call in calls:
        ev = call()
        n += 1
        assert project.log.count() == n and stored(project, ev) == ev
    assert "model:gpt" not in project.reviewers  # machines suggest; they are not enrolled as reviewers
    evs = {e.kind: e for e in project.log.events()}
    assert evs["tags"].value == ["health", "pii"]
    assert evs["preference"].value == {"ranking": ["chosen", "rejected"], "order": ["rejected", "chosen"]}
    assert evs["add_turn"].value == {"index": 3, "role": "user", "content": "And then?"}
    assert evs["delete_turn"].value == {"index": 3}
    assert (evs["gold"].target, evs["gold"].value) == ("category", "account")
    assert evs["suggestion"].value == {"value": "billing", "score": 0.9, "model": "model:gpt"}
    assert evs["undo"].reverts == evs["rating"].id  # bob's last action was the accuracy rating


@pytest.mark.parametrize("call, message", [
    (lambda p: p.rate("bob", "nope", 3), "unknown record id"),
    (lambda p: p.rate("bob", "r1", 6), "within 1-5"),
    (lambda p: p.rate("bob", "r1", 0), "within 1-5"),
    (lambda p: p.rate("bob", "r1", 3.5), "integer"),
    (lambda p: p.rate("bob", "r1", "4"), "integer"),
    (lambda p: p.rate("bob", "r1", True), "integer"),
    (lambda p: p.rate("bob", "r1", 3, criterion="vibes"), "unknown criterion"),
    (lambda p: p.label("bob", "r1", "astrology"), "unknown category"),
    (lambda p: p.label("bob", "r1", 3), "must be text"),
    (lambda p: p.tag("bob", "r1", "pii"), "list"),
    (lambda p: p.tag("bob", "r1", ["a,b"]), "contains a comma"),
    (lambda p: p.prefer("bob", "r10", "C", ["chosen", "rejected"]), "choice must be"),
    (lambda p: p.prefer("bob", "r10", "A", ["chosen"]), "order must list"),
    (lambda p: p.prefer("bob", "r10", "A", ["chosen", "other"]), "preference record's order"),
    (lambda p: p.rank("bob", "r10", ["chosen"], ["chosen", "rejected"]), "permutation"),
    (lambda p: p.comment("bob", "r1", "  "), "must not be empty"),
    (lambda p: p.decide("bob", "r1", "maybe"), "decision must be one of"),
    (lambda p: p.edit("bob", "r1", "messages[9].content", "x"), "has no messages"),
    (lambda p: p.edit("bob", "r1", "answer", "x"), "is not like"),
    (lambda p: p.edit("bob", "r1", T, 42), "must be text"),
    (lambda p: p.edit("bob", "r1", "chosen[0].content", "x"), "has no chosen"),
    (lambda p: p.add_turn("bob", "r1", 9, "user", "x"), "cannot add a turn"),
    (lambda p: p.add_turn("bob", "r1", 1, "robot", "x"), "turn role"),
    (lambda p: p.add_turn("bob", "r1", -1, "user", "x"), "non-negative"),
    (lambda p: p.delete_turn("bob", "r1", 3), "cannot delete"),
    (lambda p: p.gold("ada", "r1", "nonsense", 1), "unknown gold field"),
    (lambda p: p.gold("ada", "r1", "overall", 9), "within 1-5"),
    (lambda p: p.act("bob", "r1", "teleport", None, 1), "unknown event kind"),
    (lambda p: p.act("bob", "r1", "role", "x", {"role": "owner"}), "add_reviewer"),
    (lambda p: p.act("", "r1", "rating", "overall", 3), "reviewer must be"),
    (lambda p: p.act("bob", "r1", "label", "tags", "billing"), "label events target"),
    (lambda p: p.act("bob", "r1", "rating", "overall", 3, seen_hash=5), "seen_hash"),
    (lambda p: p.rate("bob", "r1", 3, on_conflict="shrug"), "on_conflict"),
])
def test_malformed_input_writes_nothing(project, call, message):
    n = project.log.count()
    with pytest.raises(ValueError, match=message):
        call(project)
    assert project.log.count() == n
    assert project.role_of("bob") is None  # not even the enrolment


def test_role_restricted_actions(project):
    n = project.log.count()
    with pytest.raises(PermissionDenied, match="adjudicate"):
        project.adjudicate("bob", "r1", "accept")
    with pytest.raises(PermissionDenied, match="gold"):
        project.gold("bob", "r1", "category", "billing")
    with pytest.raises(PermissionDenied, match="assign"):
        project.act("bob", "r1", "assignment", "bob", {"role": "single"})
    assert project.log.count() == n
    assert project.adjudicate("olga", "r1", "reject").value == "reject"  # the owner may too


def test_edit_applies_to_the_current_record(project):
    project.edit("bob", "r1", T, "Edited answer.")
    rec = project.current_record("r1")
    assert rec.messages[2].content == "Edited answer."
    assert project.dataset.record("r1").messages[2].content != "Edited answer."  # the source is frozen


def test_turns_add_delete_and_edit_index_against_the_current_record(project):
    project.add_turn("bob", "r1", 3, "user", "Follow-up?")
    project.add_turn("bob", "r1", 4, "assistant", "Sure.")
    project.edit("bob", "r1", "messages[4].content", "Sure, here it is.")  # exists only after the add
    rec = project.current_record("r1")
    assert [m.role for m in rec.messages] == ["system", "user", "assistant", "user", "assistant"]
    assert rec.messages[4].content == "Sure, here it is."
    project.delete_turn("bob", "r1", 0)
    roles = [m.role for m in project.current_record("r1").messages]
    assert roles == ["user", "assistant", "user", "assistant"]
    with pytest.raises(ValueError):
        project.edit("bob", "r1", "messages[4].content", "gone")


def test_undo_and_redo(project):
    a = project.rate("bob", "r1", 2)
    b = project.rate("bob", "r1", 5)
    u = project.undo("bob")
    assert u.reverts == b.id and u.kind == "undo" and u.record_id == "r1"
    assert project.fold().value("r1", "rating", "overall", reviewer="bob") == 2
    u2 = project.undo("bob")  # the next undo walks back further
    assert u2.reverts == a.id
    assert project.state("bob").empty
    r = project.redo("bob")  # undo of the most recent undo
    assert r.reverts == u2.id
    assert project.fold().value("r1", "rating", "overall", reviewer="bob") == 2
    with pytest.raises(ValueError, match="already undone"):
        project.undo("bob", event_id=b.id)
    project.undo("bob", event_id=u.id)  # undo of the undo of b: 5 is back
    assert project.fold().value("r1", "rating", "overall", reviewer="bob") == 5


def test_undo_rules(project):
    with pytest.raises(ValueError, match="nothing to undo"):
        project.undo("bob")
    ev = project.rate("bob", "r1", 2)
    with pytest.raises(PermissionDenied, match="own actions"):
        project.undo("cat", event_id=ev.id)
    with pytest.raises(ValueError, match="unknown event id"):
        project.undo("bob", event_id="nope")
    role_ev = project.log.events(kind="role")[0]
    with pytest.raises(ValueError, match="cannot be undone"):
        project.undo("olga", event_id=role_ev.id)
    assert project.undo("ada", event_id=ev.id).reverts == ev.id  # an adjudicator may undo anyone's
    assert project.state("bob").empty


def test_undo_an_edit_restores_the_text(project):
    orig = project.current_record("r1").messages[2].content
    project.edit("bob", "r1", T, "v1")
    project.undo("bob")
    assert project.current_record("r1").messages[2].content == orig


def test_stale_edit_is_stored_flagged_and_not_applied(project):
    seen = value_hash(project.current_record("r1").messages[2].content)
    project.edit("bob", "r1", T, "Bob's version.", seen_hash=seen)
    assert project.check_conflict("r1", T, seen) is not None
    ev = project.edit("cat", "r1", T, "Cat's version.", seen_hash=seen)  # stale: flagged, stored
    assert project.log.get(ev.id) == ev
    conf = project.fold().conflicts
    assert conf["event_id"].tolist() == [ev.id] and conf["current_value"].tolist() == ["Bob's version."]
    assert project.current_record("r1").messages[2].content == "Bob's version."  # not silently overwritten
    assert project.history("r1").set_index("event_id").at[ev.id, "conflict"]
    assert project.status_frame().set_index("record_id").at["r1", "conflicts"] == 1


def test_stale_edit_can_be_refused(project):
    seen = value_hash(project.current_record("r1").messages[2].content)
    project.edit("bob", "r1", T, "Bob's version.", seen_hash=seen)
    n = project.log.count()
    with pytest.raises(Conflict) as info:
        project.edit("cat", "r1", T, "Cat's.", seen_hash=seen, on_conflict="raise")
    assert info.value.current_value == "Bob's version."
    assert info.value.current_hash == value_hash("Bob's version.")
    assert project.log.count() == n
    fresh = value_hash("Bob's version.")
    assert project.check_conflict("r1", T, fresh) is None
    project.edit("cat", "r1", T, "Cat's.", seen_hash=fresh, on_conflict="raise")
    assert project.current_record("r1").messages[2].content == "Cat's."


def test_target_keyword_and_the_deprecated_field_alias(project):
    """The glossary's word for what an event changes is `target`; `field=` still works."""
    assert project.gold("ada", "r2", target="category", value="account").target == "category"
    assert project.gold("ada", "r3", field="overall", value=4).target == "overall"
    assert project.add_turn("bob", "r1", 1, "user", "And?", target="messages").target == "messages"
    assert project.delete_turn("bob", "r1", 1, field="messages").target == "messages"
    with pytest.raises(TypeError, match="needs the target"):
        project.gold("ada", "r2", value="account")
