"""The widget driven headlessly: set values, click buttons, send key events; assert on session and store."""
from __future__ import annotations

import ipywidgets as w
import pytest
from ui.ui_data import assert_safe

import workbench as wb
from workbench.ui import ReviewSession, review
from workbench.ui.widget import ReviewWidget


@pytest.fixture
def ui(session):
    return ReviewWidget(session)


def html_values(widget) -> list[str]:
    out = []
    if isinstance(widget, (w.HTML, w.HTMLMath)):
        out.append(widget.value)
    for child in getattr(widget, "children", ()):
        out += html_values(child)
    return out


def evs(project, kind=None, reviewer="alice"):
    return project.log.events(reviewer=reviewer, kind=kind)


def key(ui, k, **mods):
    ui.on_key({"type": "keydown", "key": k, **mods})


def test_builds_and_displays(ui, project):
    assert isinstance(ui.widget, w.VBox)
    bundle = ui._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert project.dataset.ids[0] in ui.record.html.value
    assert "j</b>/→ next" in ui.help.value


def test_review_entry_points(project):
    rw = review(project.path, "alice", signals=None)
    assert isinstance(rw, ReviewWidget) and rw.session.reviewer == "alice"
    assert wb.review is review
    assert review(project, "bob", page_size=5, signals=None).session.page_size == 5
    assert not hasattr(project, "review")  # the store never reaches up to the widgets: wb.review(project, ...)


def test_toolbar_navigation_jump_page_size_and_progress(ui, project):
    ids = list(project.dataset.ids)
    ui.toolbar.next.click()
    assert ui.session.current_id == ids[1] and ids[1] in ui.record.html.value
    ui.toolbar.last.click()
    assert ui.session.current_id == ids[-1]
    ui.toolbar.prev.click()
    ui.toolbar.first.click()
    assert ui.session.current_id == ids[0]
    ui.toolbar.jump_text.value = "pref"
    ui.toolbar.jump.click()
    assert ui.session.current_id == "pref"
    ui.toolbar.jump_text.value = "3"
    ui.toolbar.jump.click()
    assert ui.session.current_id == ids[2]
    ui.toolbar.jump_text.value = "missing"
    ui.toolbar.jump.click()
    assert "no such record" in ui.message.value
    ui.toolbar.page_size.value = 5
    assert ui.session.page_size == 5 and ui.record.html.value.count('class="wb-rec"') == 5
    assert "mine 0/13" in ui.toolbar.label.value
    key(ui, "3")
    assert "mine 1/13" in ui.toolbar.label.value and ui.toolbar.bar.value == pytest.approx(1 / 13)


def test_page_of_many_has_a_focus_selector(ui):
    ui.toolbar.page_size.value = 5
    assert ui.record.focus.layout.display is None and len(ui.record.focus.options) == 5
    ui.record.focus.value = ui.record.focus.options[3]
    assert ui.session.position == 3
    ui.decision.buttons["accept"].click()
    assert evs(ui.session.project, "decision")[0].record_id == ui.record.focus.options[3]


def test_filters_panel_apply_and_clear(ui, session):
    f = ui.filters
    f.category.value = "account"
    f.signals.value = ("exact_duplicates",)
    f.apply.click()
    assert list(session.index.ids[session.queue]) == ["dup1"]
    assert "1 record matches" in ui.message.value
    f.clear.click()
    assert len(session.queue) == 13 and f.category.value is None and f.signals.value == ()
    f.search.value, f.regex.value = "answer [45]", True
    f.sort.value, f.descending.value = "id", True
    f.apply.click()
    assert list(session.index.ids[session.queue]) == ["s5", "s4"]
    f.search.value = "("
    f.apply.click()
    assert "invalid regular expression" in ui.message.value and len(session.queue) == 2
    f.search.value, f.regex.value = "", False
    f.query.value = "language == 'de'"
    f.apply.click()
    assert list(session.index.ids[session.queue]) == ["s4"]
    f.status.value, f.query.value, f.sort.value = "unreviewed", "", None
    f.language.value = "en"
    f.apply.click()
    assert len(session.queue) == 12


def test_filters_panel_shows_restored_filters(project, signals):
    s = ReviewSession(project, "alice", signals=signals)
    s.set_filters(category="billing", search="Question", status="unreviewed")
    ui = ReviewWidget(ReviewSession(project, "alice", signals=signals))
    assert ui.filters.category.value == "billing" and ui.filters.search.value == "Question"
    assert ui.filters.status.value == "unreviewed"


def test_rating_panel_all_criteria_with_descriptions(ui, project):
    names = ["overall"] + [c.name for c in project.guidelines.criteria]
    assert list(ui.rating.toggles) == names
    text = "".join(html_values(ui.rating.box))
    assert "Complies with policy and is factually right." in text
    for i, name in enumerate(names):
        ui.rating.toggles[name].value = 1 + i % 5
    stored = {e.target: e.value for e in evs(project, "rating")}
    assert stored == {name: 1 + i % 5 for i, name in enumerate(names)}


def test_panels_show_my_values_when_returning_without_writing(ui, project):
    ui.rating.toggles["overall"].value = 4
    ui.labels.category.value = "returns"
    ui.labels.tags.value = ["pii"]
    ui.toolbar.next.click()
    assert ui.rating.toggles["overall"].value is None and ui.labels.category.value is None
    n = project.log.count()
    ui.toolbar.prev.click()
    assert ui.rating.toggles["overall"].value == 4 and ui.labels.category.value == "returns"
    assert ui.labels.tags.value == ["pii"] and project.log.count() == n


def test_label_tags_comment(ui, project):
    ui.labels.category.value = "shipping"
    ui.labels.tags.value = ["health", "legal"]
    ui.labels.comment.value = "needs a source"
    ui.labels.add_comment.click()
    assert evs(project, "label")[0].value == "shipping"
    assert evs(project, "tags")[0].value == ["health", "legal"]
    assert evs(project, "comment")[0].value == "needs a source" and ui.labels.comment.value == ""
    assert "needs a source" in ui.labels.comment_shown.value
    ui.labels.add_comment.click()  # empty comment refused, shown as a message
    assert "must not be empty" in ui.message.value and len(evs(project, "comment")) == 1


def test_decisions_undo_redo_buttons(ui, project):
    ui.advance.value = False  # stay on the record (the default opens the next one: test_keys.py)
    for d in ("accept", "reject", "needs_fix", "escalate"):
        ui.decision.buttons[d].click()
    assert [e.value for e in evs(project, "decision")] == ["accept", "reject", "needs_fix", "escalate"]
    assert ui.decision.buttons["escalate"].button_style == "info"
    ui.decision.undo.click()
    assert evs(project, "undo")[-1].target == "decision"
    assert "needs_fix" in ui.decision.current.value
    assert ui.decision.buttons["needs_fix"].button_style == "warning"
    ui.decision.redo.click()
    assert "escalate" in ui.decision.current.value


def test_editor_save_diff_add_delete(ui, project):
    rid = ui.session.current_id
    area = ui.editor.areas["messages[1].content"]
    area.value = "Rewritten answer with more detail."
    ui.editor.save_buttons["messages[1].content"].click()
    ev = evs(project, "edit")[0]
    assert ev.target == "messages[1].content" and ev.seen_hash is not None
    assert "<ins>" in ui.editor.diff.value and "edit distance" in ui.editor.diff.value
    assert "Rewritten answer" in ui.record.html.value
    ui.editor.add_index.value = 2
    ui.editor.add_role.value = "user"
    ui.editor.add_content.value = "One more question?"
    ui.editor.add.click()
    assert [m.role for m in project.current_record(rid).messages] == ["user", "assistant", "user"]
    assert "messages[2].content" in ui.editor.areas
    ui.editor.delete_buttons["messages[2].content"].click()
    assert len(project.current_record(rid).messages) == 2 and len(ui.editor.areas) == 2


def test_editor_keeps_typing_across_unrelated_updates(ui):
    area = ui.editor.areas["messages[1].content"]
    area.value = "half-typed"
    ui.session._say("something else happened")
    ui.refresh()
    assert ui.editor.areas["messages[1].content"].value == "half-typed"


def test_editor_conflict_message(ui, project):
    from workbench.model.events import value_hash

    rid = ui.session.current_id
    project.edit("bob", rid, "messages[1].content", "Bob was here.",
                 seen_hash=value_hash(project.current_record(rid).response))
    ui.editor.areas["messages[1].content"].value = "Alice's version."
    ui.editor.save_buttons["messages[1].content"].click()
    assert "conflict" in ui.message.value and "NOT applied" in ui.message.value
    assert project.current_record(rid).response == "Bob was here."
    assert ui.editor.areas["messages[1].content"].value == "Bob was here."


def test_editor_for_preference_ranking_and_kto(ui, project):
    ui.session.jump("pref")
    assert {"chosen[0].content", "rejected[0].content"} <= set(ui.editor.areas)
    tips = " ".join(b.tooltip or "" for b in ui.editor.save_buttons.values())
    shown = " ".join(html_values(ui.editor.box)) + tips
    assert "chosen" not in shown and "rejected" not in shown and "Response A" in shown  # stays blind
    ui.editor.areas["chosen[0].content"].value = "An even better answer."
    ui.editor.save_buttons["chosen[0].content"].click()
    assert project.current_record("pref").chosen[0].content == "An even better answer."
    ui.session.jump("rank")
    assert "candidates[2]" in ui.editor.areas
    ui.session.jump("kto")
    assert "completion[0].content" in ui.editor.areas


def test_preference_panel_records_choice_and_display_order(ui, project):
    assert ui.preference.box.layout.display == "none"
    ui.session.jump("pref")
    assert ui.preference.box.layout.display is None and ui.preference.pair.layout.display is None
    order = ui.session.current_order()
    html = ui.record.html.value
    first = {"chosen": "The good answer.", "rejected": "The bad answer."}[order[0]]
    assert html.index(first) < html.index("Response B")
    ui.preference.b.click()
    assert evs(project, "preference")[0].value == {"choice": "B", "order": order}
    assert "your answer: B" in ui.preference.current.value
    ui.preference.tie.click()
    assert evs(project, "preference")[-1].value["choice"] == "tie"


def test_ranking_panel(ui, project):
    ui.session.jump("rank")
    assert ui.preference.rank_box.layout.display is None and ui.preference.pair.layout.display == "none"
    order = ui.session.current_order()
    ui.preference.ranking.value = "B > C > A"
    ui.preference.save_ranking.click()
    assert evs(project, "preference")[0].value == {"ranking": [order[1], order[2], order[0]], "order": order}
    assert "B &gt; C &gt; A" in ui.preference.current.value
    ui.preference.ranking.value = "A > A"
    ui.preference.save_ranking.click()
    assert "permutation" in ui.message.value


def test_keyboard_shortcuts(ui, project):
    ids = list(project.dataset.ids)
    key(ui, "j")
    assert ui.session.current_id == ids[1]
    key(ui, "ArrowRight")
    key(ui, "k")
    key(ui, "ArrowLeft")
    key(ui, "ArrowDown")
    assert ui.session.current_id == ids[1]
    key(ui, "ArrowUp")
    assert ui.session.current_id == ids[0]
    key(ui, "5")
    assert ui.rating.toggles["overall"].value == 5
    key(ui, "e")  # escalate stays on the record; accept / reject / needs fix move on
    key(ui, "a")
    assert ui.session.current_id == ids[1]
    key(ui, "r")
    key(ui, "f")
    assert ui.session.current_id == ids[3]
    decisions = [(e.record_id, e.value) for e in evs(project, "decision")]
    assert decisions == [(ids[0], "escalate"), (ids[0], "accept"), (ids[1], "reject"), (ids[2], "needs_fix")]
    assert evs(project, "rating")[0].value == 5
    n = project.log.count()
    assert ui.on_key({"type": "keydown", "key": "a", "ctrlKey": True}) is None
    assert ui.on_key({"type": "keyup", "key": "a"}) is None
    assert "no action" in ui.on_key({"type": "keydown", "key": "x"})
    assert project.log.count() == n


def test_keys_arrive_through_the_anywidget(ui):
    """What the browser side sends (a custom comm message), handled as the kernel would."""
    assert "j" in ui.keys.bound and "A" in ui.keys.bound and "5" in ui.keys.bound
    assert "wb-review" in ui.widget._dom_classes and "wb-editor" in ui.editor.box._dom_classes
    ui.keys._handle_custom_msg({"kind": "key", "key": "j", "shiftKey": False}, [])
    assert ui.session.position == 1
    assert ui.keys.presses == 1 and ui.keys.feedback.startswith("j → next: ")
    ui.keys._handle_custom_msg({"kind": "key", "key": "m", "shiftKey": False}, [])
    assert ui.keys.presses == 2 and ui.keys.feedback == "m: no action for this key (? shows the keys)"
    ui.keys._handle_custom_msg({"kind": "key", "key": "j", "shiftKey": False, "editing": True}, [])
    assert ui.session.position == 1  # a letter typed in a text box is text (the browser sends none)
    ui.keys._handle_custom_msg({"kind": "key", "key": "Escape", "editing": True}, [])
    assert "left the text box" in ui.keys.feedback


def test_bulk_panel_prepare_confirm_cancel(ui, project):
    b = ui.bulk
    assert b.confirm.disabled and "13 records" in b.plan.value
    b.prepare.click()  # reject_duplicates with the default signal
    assert not b.confirm.disabled and "Confirm (1)" == b.confirm.description
    assert "representative" in b.plan.value
    b.confirm.click()
    assert [e.record_id for e in evs(project, "decision")] == ["dup1"] and b.confirm.disabled
    b.action.value = "tag"
    b.param.value = "pii, legal"
    b.prepare.click()
    b.cancel.click()
    assert evs(project, "tags") == [] and b.confirm.disabled
    b.action.value = "decide"
    b.param.value = "maybe"
    b.prepare.click()
    assert "decision must be one of" in ui.message.value and b.confirm.disabled


def test_hostile_text_is_escaped_in_every_html_widget(project, signals):
    from ui.ui_data import HOSTILE

    project.comment("alice", "evil", HOSTILE)
    project.edit("bob", "evil", "messages[1].content", HOSTILE + " edited")
    project.rate("alice", "evil", 5)
    project.rate("bob", "evil", 1)
    for mode, reviewer in (("review", "alice"), ("adjudicate", "judge")):
        ui = ReviewWidget(ReviewSession(project, reviewer, mode=mode, signals=signals))
        ui.session.jump("evil")
        ui.filters.search.value = HOSTILE
        ui.filters.apply.click()
        ui.labels.comment.value = HOSTILE
        ui.labels.add_comment.click()
        ui.session.jump("nope" + HOSTILE)
        values = html_values(ui.widget)
        assert any("&lt;script&gt;" in v for v in values)
        for v in values:
            assert_safe(v)


def test_adjudication_widget(project, signals):
    project.rate("alice", "s0", 5)
    project.rate("bob", "s0", 1)
    project.edit("bob", "s0", "messages[1].content", "Bob's answer.")
    ui = ReviewWidget(ReviewSession(project, "judge", mode="adjudicate", signals=signals))
    assert ui.adjudication.box.layout.display is None and "Adjudication" in ui.mode_note.value
    table = ui.adjudication.html.value
    assert "alice (reviewer)" in table and "bob (reviewer)" in table and "rating: overall" in table
    assert "bob: response" in table and "<ins>" in table
    ui.decision.buttons["reject"].click()
    assert "final" in ui.decision.current.value
    st = project.status_frame().set_index("record_id")
    assert st.loc["s0", "decision"] == "reject" and st.loc["s0", "decision_source"] == "adjudicator"


def test_gold_and_calibration_mode_widgets(project, signals):
    project.gold(project.owner, "s2", "category", "billing")
    project.assign(["alice", "bob"], calibration=2, gold_rate=0.3, seed=1, by=project.owner)
    gold = ReviewWidget(ReviewSession(project, "alice", mode="gold", signals=signals))
    gold.session.jump("s2")
    assert not any("gold" in v.lower() for v in html_values(gold.widget))
    gold.labels.category.value = "billing"
    assert gold.session.gold_accuracy() == 1.0
    cal = ReviewWidget(ReviewSession(project, "bob", mode="calibration", signals=signals))
    assert "Calibration" in cal.mode_note.value


def test_close_stops_observing(ui):
    shown = ui.record.html.value
    ui.close()
    ui.session.next()  # no widget update, no error
    assert ui.session.position == 1
    assert ui.record.html.value == shown  # the closed view no longer follows the session


def test_unexpected_errors_become_a_message_not_a_traceback(ui, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("database is on fire")

    monkeypatch.setattr(ui.session.project, "decide", boom)
    ui.decision.buttons["accept"].click()
    assert "RuntimeError: database is on fire" in ui.message.value
    monkeypatch.setattr(ui.session, "next_record", boom)
    ui.keys._handle_custom_msg({"kind": "key", "key": "j"}, [])
    assert "on fire" in ui.message.value


def test_suggestion_panel(ui, project):
    assert ui.suggestions.box.layout.display == "none"
    rid = ui.session.current_id
    project.suggest("judge-model", rid, "category", "returns", score=0.8)
    ui.toolbar.reload.click()  # pick up work written elsewhere
    assert ui.suggestions.box.layout.display is None
    assert "judge-model" in ui.suggestions.html.value and "returns" in ui.suggestions.html.value
    ui.suggestions.target.value = "category"
    ui.suggestions.accept.click()
    ev = evs(project, "label")[0]
    assert ev.value == "returns" and ev.reviewer == "alice"
    assert ui.labels.category.value == "returns"


def test_reload_shows_other_reviewers_work(ui, project):
    project.decide("bob", "s5", "reject")
    assert "team 0/" in ui.toolbar.label.value
    ui.toolbar.reload.click()
    assert "team 1/" in ui.toolbar.label.value


def test_open_view_follows_the_session(ui):
    shown = ui.record.html.value
    ui.session.next()
    assert ui.record.html.value != shown  # (the counterpart of test_close_stops_observing)


def test_rating_panel_of_a_project_without_guidelines_shows_neutral_criteria(make_project):
    project = make_project(name="neutral", guidelines=None)  # no guidelines file: the neutral defaults
    project.add_reviewer("alice", "reviewer")
    ui = ReviewWidget(ReviewSession(project, "alice"))
    assert list(ui.rating.toggles) == ["overall", "accuracy", "helpfulness", "clarity"]
    text = "".join(html_values(ui.rating.box))
    assert "Does what the prompt asks, completely." in text
    assert "100-300" not in text and "support" not in text
    # no category list in the guidelines: the dropdown offers the data's own categories
    assert [v for _, v in ui.labels.category.options if v] == sorted(
        {c for c in project.dataset.table.column("category").to_pylist() if c})
