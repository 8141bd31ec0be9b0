"""The dashboard built headless (no browser, no kernel): tabs, reviewer identity, linked views, export, errors."""
from __future__ import annotations

import pytest
from helpers import make_dataset, msg, widget_texts

from workbench.app import open_dashboard, request_query_string
from workbench.store import Project
from workbench.ui.dashboard import TAB_TITLES, Dashboard, reviewer_from_query

CATEGORIES = ["billing", "account", "shipping", "billing", "returns", "technical", "billing", "product"]


def _answer(i: int, cat: str) -> str:
    return (f"Answer {i} about {cat}: " + "here is what to do next, step by step and clearly. " * 4).strip()


@pytest.fixture
def project(tmp_path):
    rows = [{"id": f"r{i}", "kind": "sft", "category": cat,
             "messages": [msg("user", f"Question {i} about {cat}?"), msg("assistant", _answer(i, cat))]}
            for i, cat in enumerate(CATEGORIES)]
    p = Project.create(tmp_path / "project", make_dataset(rows))
    yield p
    p.close()


def test_tabs_and_lazy_build(project):
    d = Dashboard(project, query_string="")
    assert tuple(d.tabs.titles) == TAB_TITLES
    assert d.tabs.children[0].children, "the Overview is built at once"
    assert all(not d.tabs.children[i].children for i in (1, 2, 3)), "other tabs wait until opened"
    assert "8</b> records" in d.counts_html.value
    for i in range(len(TAB_TITLES)):
        d.tabs.selected_index = i
        assert d.tabs.children[i].children
    assert "could not be shown" not in widget_texts(d.widget)


@pytest.mark.parametrize("query, name", [
    ("reviewer=alice", "alice"), ("?reviewer=bob&x=1", "bob"), ("reviewer=%20carol%20", "carol"),
    ("", None), ("reviewer=", None), ("other=1", None), ("reviewer=*", None)])
def test_reviewer_from_query(query, name):
    assert reviewer_from_query(query) == name


def test_reviewer_from_the_query_string_carries_into_events(project):
    d = Dashboard(project, query_string="reviewer=alice")
    assert d.reviewer == "alice"
    assert d.identity.layout.display == "none"
    assert "alice" in d.header.value
    d.tabs.selected_index = 1
    d.review_widget.decision.buttons["accept"].click()
    ev = project.log.frame()
    ev = ev[ev["record_id"] != "*"]
    assert list(ev["reviewer"]) == ["alice"] and list(ev["kind"]) == ["decision"]


def test_reviewer_from_the_environment_as_voila_sets_it(project, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "reviewer=dora")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert Dashboard(project).reviewer == "dora"
    assert request_query_string() == "reviewer=dora"


def test_name_field_on_first_visit(project):
    d = Dashboard(project, query_string="")
    assert d.reviewer is None and d.identity.layout.display != "none"
    d.tabs.selected_index = 1
    assert "Type your name" in widget_texts(d.tabs.children[1])
    d.name.value = "  carol "
    assert d.reviewer == "carol"
    assert d.review_widget is not None and d.session.reviewer == "carol"
    d.review_widget.rating.toggles["overall"].value = 4
    assert project.state("carol")["value"].tolist() == [4]


def test_names_are_escaped(project):
    d = Dashboard(project, reviewer="<img src=x onerror=alert(1)>")
    assert "<img" not in d.header.value and "&lt;img" in d.header.value


def test_connect_takes_the_reviewer_and_refreshes_counts(project):
    d = Dashboard(project, query_string="")
    project.decide("zoe", "r0", "accept")
    d.connect("reviewer=erin")
    assert d.reviewer == "erin"
    assert "1</b> accepted" in d.counts_html.value


def test_category_bar_click_filters_the_review_queue(project):
    d = Dashboard(project, reviewer="alice")
    events = d.composition.events  # the page reports a click as (trace, point) indices of the static figure
    bars = d.composition.figure.data[0]
    events._receive(events, {"event": "click", "points": [[0, list(bars.customdata).index("billing")]]}, [])
    assert d.tabs.selected_index == 1
    assert d.session.filters.category == "billing"
    assert len(d.session.queue) == CATEGORIES.count("billing")
    assert "3 records where category = billing" in d.message.value


def test_flag_filter_needs_a_reviewer(project):
    d = Dashboard(project, query_string="")
    d.filter_review(signals=["rules"])
    assert "type your name first" in d.message.value
    d.set_reviewer("alice")
    d.filter_review(status="unreviewed")
    assert d.session.filters.status == "unreviewed"


def test_export_button_writes_files(project):
    d = Dashboard(project, reviewer=project.owner)  # exports need an owner or adjudicator
    d.tabs.selected_index = 3
    d.export_splits.value = "0.5, 0.5"
    d.export_button.click()
    assert "wb-error" not in d.message.value, d.message.value
    out = project.path / "exports"
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    assert (out / f"{folder.name}.zip").is_file()  # the download beside it
    names = {p.name for p in folder.iterdir()}
    assert {"train.jsonl", "test.jsonl", "README.md"} <= names
    assert str(folder) in d.export_result.value and "train.jsonl" in d.export_result.value


def test_errors_become_messages_not_tracebacks(project, monkeypatch):
    d = Dashboard(project, reviewer=project.owner)
    d.tabs.selected_index = 3
    d.export_splits.value = "0.5,0.2"  # does not sum to 1
    d.export_button.click()  # must not raise
    assert "wb-error" in d.message.value and "export failed" in d.message.value
    assert "Traceback" not in d.message.value

    def broken():
        raise RuntimeError("the log is unreadable\nsecond line")

    monkeypatch.setattr(project, "annotations_long", broken)
    d.tabs.selected_index = 2
    text = widget_texts(d.tabs.children[2])
    assert "Agreement could not be shown: the log is unreadable" in text and "second line" not in text


def test_agreement_without_annotations_says_so(project):
    d = Dashboard(project, reviewer="alice")
    d.tabs.selected_index = 2
    assert "No agreement yet" in widget_texts(d.tabs.children[2])


def test_agreement_tab_on_the_sample(tmp_path):
    from workbench.sample import sample_project

    project = sample_project(tmp_path / "sample", signals=False)
    d = Dashboard(project, reviewer=project.owner)
    d.tabs.selected_index = 2
    text = widget_texts(d.tabs.children[2])
    assert "Accuracy on gold (overall)" in text and "Adjudication queue" in text and "Calibration" in text
    kinds = [type(w).__name__ for w in d.tabs.children[2].children]
    assert kinds[:2] == ["Output", "Dropdown"]
    heat = d.tabs.children[2].children[2].children[0].outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert heat["data"][0]["type"] == "heatmap"
    d.tabs.children[2].children[1].value = "decision"
    assert "Accuracy on gold (decision)" in widget_texts(d.tabs.children[2])
    project.close()


def test_open_dashboard_shows_a_message_for_a_bad_project(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert open_dashboard(tmp_path / "missing") is None
    (widget,) = shown
    assert "could not open the project" in widget.value and "not a workbench project" in widget.value


def test_open_dashboard_reads_the_environment(project, monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    monkeypatch.setenv("WORKBENCH_PROJECT", str(project.path))
    monkeypatch.setenv("QUERY_STRING", "reviewer=frank")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    d = open_dashboard()
    from IPython.display import Javascript

    assert shown[0] is d and d.reviewer == "frank" and d.project.path == project.path
    (title,) = [x for x in shown[1:] if isinstance(x, Javascript)]  # the browser tab's title
    assert title.data == f'document.title = "{project.path.name} \\u00b7 Workbench";' and len(shown) == 2


def test_static_charts_when_linked_charts_are_off(project, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LINKED_CHARTS", "0")
    d = Dashboard(project, reviewer="alice")
    kinds = {type(w).__name__ for w in d.tabs.children[0].children}
    assert "PlotEvents" not in kinds and "FigureWidget" not in kinds and "Output" in kinds
    assert d.composition.events is None
    linked = Dashboard(project, reviewer="alice", linked_charts=True)
    kinds = {type(w).__name__ for w in linked.composition.output.children}
    assert kinds == {"Output", "PlotEvents"}
    assert Dashboard(project, linked_charts=True).linked_charts


def test_changing_the_reviewer_rebuilds_the_review_tab(project):
    d = Dashboard(project, reviewer="alice")
    d.tabs.selected_index = 1
    first = d.review_widget
    d.set_reviewer("bob")
    assert d.review_widget is not first and d.session.reviewer == "bob"
    d.review_widget.decision.buttons["reject"].click()
    assert project.state("bob")["value"].tolist() == ["reject"]


def test_overview_shows_machine_suggestions_apart(tmp_path):
    from helpers import make_dataset, sft

    from workbench.store import Project
    from workbench.ui.dashboard import Dashboard

    project = Project.create(tmp_path / "p", make_dataset([sft("a", "q?", "answer"), sft("b", "q2?", "answer 2")]))
    d = Dashboard(project, reviewer="alice")
    assert "no machine suggestions" in d._machine_suggestions().value
    project.suggest("model:x", "a", "category", "billing", score=0.9)
    box = d._machine_suggestions().value
    assert "Machine suggestions" in box and "model:x" in box and "not human annotations" in box
    assert project.annotations_long().empty  # a suggestion is never a human annotation


def test_a_histogram_of_many_values_is_shown_as_bars_of_its_counts():
    import numpy as np
    import pandas as pd

    from workbench import plots
    from workbench.ui.dashboard import binned

    values = np.random.default_rng(0).integers(1, 400, size=20_000)
    frame = pd.DataFrame({"id": [f"r{i}" for i in range(len(values))], "response_words": values})
    fig = plots.length_histogram(frame, "response_words", window=(50, 300))
    small = binned(fig, max_values=len(values))
    assert small is fig  # at most max_values: the figure as it is
    out = binned(fig, max_values=1_000)
    (bars,) = out.data
    assert bars.type == "bar" and int(np.sum(bars.y)) == len(values)
    b = fig.data[0].xbins
    edges = b.start + b.size * np.arange(len(bars.y) + 1)
    assert edges[-1] >= values.max() and list(bars.y) == np.histogram(values, bins=edges)[0].tolist()
    assert bars.text[0] == f"{edges[0]:g}-{edges[1]:g}" and "%{text}" in bars.hovertemplate
    assert out.layout.shapes == fig.layout.shapes  # the guideline window stays
    assert len(out.to_json()) < len(fig.to_json()) / 20


def test_a_preheated_kernel_reads_its_request_from_voilas_socket(monkeypatch):
    """In a pre-heated kernel the query string arrives over Voila's request-info websocket
    (``voila/query/<kernel id>``): read without importing voila (its server side costs each kernel a
    second and 46 MB), and a server that never answers costs a logged warning, not a hang."""
    import asyncio
    import json
    import sys
    import threading

    import websockets

    paths: list[str] = []
    state: dict = {}
    ready = threading.Event()

    async def handler(socket):
        paths.append(socket.request.path)
        await socket.send(json.dumps({"QUERY_STRING": "reviewer=erin", "SERVER_SOFTWARE": "voila/0.5.11"}))

    async def main():
        state["loop"], state["stop"] = asyncio.get_running_loop(), asyncio.Event()
        async with websockets.serve(handler, "127.0.0.1", 0) as server:
            state["port"] = server.sockets[0].getsockname()[1]
            ready.set()
            await state["stop"].wait()

    thread = threading.Thread(target=lambda: asyncio.run(main()))
    thread.start()
    try:
        assert ready.wait(10)
        for key, value in {"VOILA_PREHEAT": "True", "VOILA_APP_IP": "127.0.0.1", "VOILA_APP_PORT": str(state["port"]),
                           "VOILA_SERVER_URL": "/", "VOILA_KERNEL_ID": "k-123"}.items():
            monkeypatch.setenv(key, value)
        for name in ("QUERY_STRING", "SERVER_SOFTWARE", "VOILA_WS_BASE_URL"):
            # set first, so the undo also removes what the request puts there (a delenv of an absent
            # variable records nothing, and SERVER_SOFTWARE=voila/... would make later tests "served")
            monkeypatch.setenv(name, "")
            monkeypatch.delenv(name)
        voila_loaded = "voila" in sys.modules
        assert request_query_string() == "reviewer=erin"
        assert paths == ["/voila/query/k-123"]
        import os
        assert os.environ["SERVER_SOFTWARE"] == "voila/0.5.11"
        assert ("voila" in sys.modules) == voila_loaded  # nothing of voila imported on the way
    finally:
        state["loop"].call_soon_threadsafe(state["stop"].set)
        thread.join(10)
    # nobody listening: a warning and an empty query, quickly
    from workbench.app import wait_for_request
    monkeypatch.setenv("QUERY_STRING", "")
    wait_for_request(f"ws://127.0.0.1:{state['port']}/voila/query/k-123", timeout=1.0)
    assert request_query_string() == ""
