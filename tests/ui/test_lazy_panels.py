"""The review widget builds its rarely used panels (filters, editor, bulk, adjudication) on first use."""
from __future__ import annotations

import ipywidgets as w

from workbench.ui import ReviewSession
from workbench.ui.widget import LAZY_PANELS, TOOLS, ReviewWidget


def models(widget: w.Widget) -> int:
    """Widget models reachable from ``widget`` (children, layouts, styles)."""
    seen: dict[int, w.Widget] = {}

    def walk(x):
        if id(x) in seen:
            return
        seen[id(x)] = x
        for name in x.keys:
            value = getattr(x, name, None)
            for c in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(c, w.Widget):
                    walk(c)

    walk(widget)
    return len(seen)


def test_first_render_leaves_the_rare_panels_unbuilt(session):
    ui = ReviewWidget(session)
    assert ui._panels == {} and all(not ui._slots[n].children for n in LAZY_PANELS)
    first = models(ui.widget)
    for name in LAZY_PANELS:
        getattr(ui, name)
    assert set(ui._panels) == set(LAZY_PANELS)
    assert models(ui.widget) - first >= 100, "the four panels hold over a hundred widget models"
    assert ui._slots["adjudication"].children[0].layout.display == "none"  # not adjudicating


def test_opening_an_accordion_section_builds_its_panel(session):
    ui = ReviewWidget(session)
    ui.tools.selected_index = TOOLS.index("filters")
    assert set(ui._panels) == {"filters"}
    f = ui.filters
    assert ui._slots["filters"].children == (f.box,)
    f.category.value = "account"
    f.apply.click()
    assert session.filters.category == "account"
    assert "record" in ui.message.value


def test_edit_key_builds_and_opens_the_editor(session):
    ui = ReviewWidget(session)
    ui.on_key({"type": "keydown", "key": "i"})
    assert ui.tools.selected_index == TOOLS.index("editor") and "editor" in ui._panels
    assert "wb-editor" in ui.editor.box._dom_classes
    before = session.current_id
    ui.on_key({"type": "keydown", "key": "j"})  # the built editor follows the record from now on
    assert session.current_id != before and ui.editor.session is session


def test_restored_filters_show_when_the_panel_opens(project, signals):
    ReviewSession(project, "alice", signals=signals).set_filters(category="billing", status="unreviewed")
    ui = ReviewWidget(ReviewSession(project, "alice", signals=signals))
    assert "filters" not in ui._panels
    ui.tools.selected_index = 0
    assert ui.filters.category.value == "billing" and ui.filters.status.value == "unreviewed"


def test_adjudication_is_built_at_once_and_shown_when_adjudicating(project):
    project.rate("alice", "s0", 5)
    project.rate("bob", "s0", 1)
    ui = ReviewWidget(ReviewSession(project, "judge", mode="adjudicate", signals=None))
    assert "adjudication" in ui._panels and ui._slots["adjudication"].children == (ui.adjudication.box,)
    assert ui.adjudication.box.layout.display is None
    table = ui.adjudication.html.value
    assert "alice" in table and "bob" in table
