"""render: escaping of hostile text, markdown-ish formatting, folding, badges, diffs, side-by-side."""
from __future__ import annotations

from ui.ui_data import HOSTILE, assert_safe

from workbench.model import Message, Record
from workbench.ui import render


def test_markdown_escapes_before_formatting():
    out = render.markdown(f"hello {HOSTILE}\n\n`{HOSTILE}`\n\n```js\n{HOSTILE}\n```")
    assert_safe(out)
    assert "&lt;script&gt;" in out
    assert "<code>" in out and '<pre class="wb-code"><code class="language-js">' in out


def test_markdown_paragraphs_inline_code_bold_and_bullets():
    out = render.markdown("First line\nsecond line\n\n**bold** and `x < y`\n\n- one\n- two")
    assert "<p dir=\"auto\">First line<br>second line</p>" in out
    assert "<strong>bold</strong>" in out and "<code>x &lt; y</code>" in out
    assert "<ul><li dir=\"auto\">one</li><li dir=\"auto\">two</li></ul>" in out


def test_fence_language_cannot_inject_attributes():
    out = render.markdown('```" onmouseover="alert(1)\ncode\n```')
    assert_safe(out)
    assert "&quot; onmouseover=&quot;" in out


def test_unclosed_fence_renders_rest_as_code():
    out = render.markdown("before\n\n```\nprint(1)\n")
    assert "<pre" in out and "print(1)" in out


def test_long_text_folds_in_details_with_escaped_preview():
    text = HOSTILE + "x" * 3000
    out = render.fold(text)
    assert out.startswith("<details") and "characters" in out
    assert_safe(out)
    assert "<details" not in render.fold("short")


def test_record_html_escapes_every_field():
    rec = Record(id=HOSTILE, kind="sft", category=HOSTILE, source_file=HOSTILE, source_line=3,
                 messages=[Message("user", HOSTILE), Message("assistant", HOSTILE)])
    out = render.record_html(rec, signal_badges=[(HOSTILE, HOSTILE)], position=0, total=1)
    assert_safe(out)
    assert out.count("&lt;script&gt;") >= 5


def test_turns_show_roles_and_indices():
    rec = Record(id="a", kind="sft", messages=[Message("system", "sys"), Message("user", "hi"),
                                              Message("assistant", "hello")])
    out = render.record_html(rec)
    assert "system · 1" in out and "user · 2" in out and "assistant · 3" in out
    assert "wb-role-assistant" in out


def test_side_by_side_uses_letters_and_display_order_not_names():
    rec = Record(id="p", kind="preference", messages=[Message("user", "q")],
                 chosen=[Message("assistant", "GOOD")], rejected=[Message("assistant", "BAD")])
    out = render.record_html(rec, order=["rejected", "chosen"])
    assert out.index("BAD") < out.index("GOOD")
    assert "Response A" in out and "Response B" in out
    assert "chosen" not in out and "rejected" not in out


def test_ranking_candidates_in_order():
    rec = Record(id="r", kind="ranking", messages=[Message("user", "q")], candidates=["c0", "c1", "c2"])
    out = render.record_html(rec, order=[2, 0, 1])
    assert out.index("c2") < out.index("c0") < out.index("c1")
    assert "Response C" in out


def test_kto_shows_completion_and_label():
    rec = Record(id="k", kind="kto", messages=[Message("user", "q")], completion=[Message("assistant", "c")],
                 label=False)
    assert "undesirable" in render.record_html(rec)


def test_badges_show_reason_text_and_tooltip():
    out = render.badges([("pii", "email"), ("length", "")])
    assert 'title="email"' in out and "pii: email" in out and ">length<" in out
    assert render.badges([]) == ""


def test_diff_marks_changes_escaped_with_edit_ratio():
    out = render.diff_html("The cat sat.", f"The dog sat. {HOSTILE}", "messages[1].content")
    assert_safe(out)
    assert "<del>cat</del>" in out and "<ins>dog</ins>" in out
    ratio = render.edit_ratio("The cat sat.", f"The dog sat. {HOSTILE}")
    assert f"edit distance {ratio:.2f}" in out
    assert render.edit_ratio("same", "same") == 0.0
    assert "unchanged" in render.diff_html("same", "same")


def test_annotations_table_and_value_text():
    rows = [("decision", {"alice": "accept", "bob": HOSTILE}), ("tags", {"alice": ["pii", "legal"]})]
    out = render.annotations_table(rows, ["alice", "bob"], {"alice": "reviewer"})
    assert_safe(out)
    assert "alice (reviewer)" in out and "pii, legal" in out
    assert render.value_text({"choice": "A", "order": ["rejected", "chosen"]}) == "A (rejected)"
    assert render.value_text({"ranking": [2, 0], "order": [0, 2]}) == "2 > 0"
    assert "No annotations" in render.annotations_table([], [])


def test_message_html_escapes():
    out = render.message_html(HOSTILE, "error")
    assert_safe(out)
    assert render.message_html("") == ""
