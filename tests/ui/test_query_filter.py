"""The review queue's query box runs our own grammar: attacks are refused (one line), never executed,
also when they come back from a saved session file."""
from __future__ import annotations

import json

import pytest

from workbench.ui import ReviewSession
from workbench.ui.widget import ReviewWidget


def attack(target) -> str:
    return f'@pd.io.common.os.system("touch {target}")'


ATTACKS = [
    attack,
    lambda t: f"__import__('os').system('touch {t}')",
    lambda t: f"category == 'x' or open('{t}', 'w')",
    lambda t: f"pii_score.__class__.__init__.__globals__['os'].system('touch {t}')",
]


def ids(session):
    return list(session.index.ids[session.queue])


@pytest.mark.parametrize("make", ATTACKS, ids=range(len(ATTACKS)))
def test_set_filters_refuses_attack_with_one_line(session, tmp_path, make):
    target = tmp_path / "pwned"
    session.set_filters(category="billing")
    before = ids(session)
    assert not session.set_filters(query=make(target))
    assert not target.exists()
    assert session.level == "error" and "\n" not in session.message
    assert "not allowed" in session.message
    assert session.filters.query == "" and session.filters.category == "billing" and ids(session) == before


def test_grammar_through_the_session(session, project):
    project.rate("bob", "s6", 4)
    assert session.set_filters(query="n_reviews > 0 or contains(id, 'dup')")
    assert ids(session) == ["s6", "dup1"]
    assert session.set_filters(query="is_pii_issue or (pii_score == 1 and startswith(category, 'TECH'))")
    assert ids(session) == ["s2", "evil"]
    assert session.set_filters(query="language not in ['en'] and matches(id, '^s[0-9]$')")
    assert ids(session) == ["s4"]
    assert not session.set_filters(query="pii_scor < 1")
    assert "unknown column 'pii_scor'" in session.message and "pii_score" in session.message


def _saved(path):
    return json.loads(path.read_text(encoding="utf-8"))["modes"]["review"]


def test_saved_session_with_bad_query_is_ignored_with_message(project, signals, tmp_path):
    target = tmp_path / "pwned-on-reopen"
    first = ReviewSession(project, "alice", signals=signals)
    assert first.set_filters(category="billing", query="n_reviews == 0")
    first.jump(ids(first)[2])
    path = first.state_path
    state = json.loads(path.read_text(encoding="utf-8"))
    state["modes"]["review"]["filters"]["query"] = attack(target)  # an old or tampered session file
    path.write_text(json.dumps(state), encoding="utf-8")

    again = ReviewSession(project, "alice", signals=signals)
    assert not target.exists()
    assert again.filters.query == ""
    assert again.message.startswith("the saved query was ignored") and "not allowed" in again.message
    assert again.level == "warning" and "\n" not in again.message
    # the rest of the state comes back: other filters, the record the reviewer was on
    assert again.filters.category == "billing"
    assert again.current_id == ids(first)[2]
    assert _saved(path)["filters"]["query"] == ""  # the bad query is not kept for the next reopen


def test_saved_valid_query_is_restored(project, signals):
    first = ReviewSession(project, "alice", signals=signals)
    assert first.set_filters(query="startswith(id, 's') and pii_score == 1")
    again = ReviewSession(project, "alice", signals=signals)
    assert again.filters.query == "startswith(id, 's') and pii_score == 1"
    assert ids(again) == ids(first) and "s2" not in ids(again)


def test_widget_shows_the_error_under_the_query_box(session, tmp_path):
    target = tmp_path / "pwned-from-widget"
    ui = ReviewWidget(session)
    f = ui.filters
    f.query.value = attack(target)
    f.apply.click()
    assert not target.exists()
    assert "not allowed in a query" in f.query_error.value
    assert "&quot;touch" in f.query_error.value or "&#x27;" in f.query_error.value  # escaped user text
    assert f.query_error.value.count("<div") == 1 and "\n" not in f.query_error.value
    f.query.value = "category == 'billing'"
    f.apply.click()
    assert f.query_error.value == "" and set(session.index.table.column("category").to_pylist()[i]
                                             for i in session.queue) == {"billing"}
