"""What a record looks like, safely: bidi overrides and zero-width characters made visible, right-to-left
text with dir="auto", markdown tables (escaped), one fold rule for a pair, a preview that keeps line
breaks and hides when expanded, and emoji/CJK fonts in the stylesheet."""
from __future__ import annotations

import re

from ui.ui_data import HOSTILE, assert_safe

from workbench.model.records import Message, Record
from workbench.ui import render
from workbench.ui.render_text import visible_controls


def _sft(answer: str, question: str = "Q?") -> Record:
    return Record(id="r", kind="sft", messages=[Message("user", question), Message("assistant", answer)])


def test_bidi_override_is_shown_not_obeyed():
    out = render.record_html(_sft("open evil\u202etxt.exe now"))
    assert "\u202e" not in out
    assert "evil<span class=\"wb-ctl\" title=\"U+202E right-to-left override" in out
    assert "⟨RLO⟩</span>txt.exe" in out


def test_every_bidi_and_zero_width_character_is_neutralised():
    hidden = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200e\u200f\u2060\ufeff"
    out = render.record_html(_sft(f"a{hidden}b", question="x\u200by"))
    assert not set(hidden) & set(out)
    for marker in ("LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI", "ZWSP", "LRM", "RLM", "WJ",
                   "BOM"):
        assert f"⟨{marker}⟩" in out


def test_joiners_inside_words_and_emoji_are_kept_elsewhere_marked():
    family = "👨\u200d👩\u200d👧"
    persian = "می\u200cخواهم"
    assert visible_controls(family) == family and visible_controls(persian) == persian
    assert visible_controls("pay\u200dpal") == "pay⟨ZWJ⟩pal"  # between ASCII letters it only hides


def test_controls_in_attributes_are_neutralised_too():
    out = render.badges([("pii", "name \u202eevil")])
    assert "\u202e" not in out and 'title="name ⟨RLO⟩evil"' in out


def test_right_to_left_text_gets_dir_auto():
    out = render.record_html(_sft("مرحبا بك في المتجر\n\nשלום"))
    assert '<div class="wb-turn wb-role-assistant" dir="auto">' in out
    assert '<p dir="auto">مرحبا بك في المتجر</p>' in out


def test_markdown_table_renders_and_escapes_cells():
    text = f"Prices:\n\n| plan | price |\n|---|--:|\n| basic | 5 € |\n| {HOSTILE} | **10** |"
    out = render.markdown(text)
    assert_safe(out)
    assert '<table class="wb-table wb-md-table"><tr><th dir="auto">plan</th><th dir="auto">price</th></tr>' in out
    assert '<td dir="auto">basic</td><td dir="auto">5 €</td>' in out
    assert "&lt;script&gt;" in out and "<strong>10</strong>" in out
    assert "|---|" not in out


def test_no_raw_html_links_or_images_from_markdown():
    out = render.markdown('[click](javascript:alert(1)) ![x](http://tracker.example/p.png) <a href="x">a</a>')
    assert_safe(out)
    assert "<a " not in out and "<img" not in out and "&lt;a href=&quot;x&quot;&gt;" in out


def test_pair_folds_alike_and_preview_keeps_line_breaks():
    long = "line one\nline two\n" + "word " * 600
    rec = Record(id="p", kind="preference", messages=[Message("user", "Which?")],
                 chosen=[Message("assistant", "short answer")], rejected=[Message("assistant", long)])
    out = render.record_html(rec, ["chosen", "rejected"])
    assert out.count('<details class="wb-fold">') == 2  # A is short but folds like B
    preview = re.search(r'<span class="wb-preview" dir="auto">(.*?)</span>', out.split("Response B")[1], re.S)
    assert preview and "line one\nline two\n" in preview.group(1)
    assert "details[open]>summary .wb-preview{display:none}" in render.STYLE
    short = Record(id="q", kind="preference", messages=[Message("user", "Which?")],
                   chosen=[Message("assistant", "a")], rejected=[Message("assistant", "b")])
    assert "<details" not in render.record_html(short, ["chosen", "rejected"])


def test_font_stack_has_emoji_and_cjk():
    m = re.search(r"\.wb-rec\{font-family:([^;]+);", render.STYLE)
    assert m
    fonts = m.group(1)
    for name in ('"Noto Color Emoji"', '"Noto Sans CJK SC"', '"Segoe UI Emoji"', "sans-serif"):
        assert name in fonts
    assert "var(" not in fonts  # an undefined variable would void the whole list


def test_hostile_text_everywhere_stays_inert():
    rec = Record(id=HOSTILE, kind="sft", category=HOSTILE, metadata={"tools": HOSTILE},
                 messages=[Message("user", HOSTILE), Message("assistant", "", tool_calls=HOSTILE),
                           Message("tool", HOSTILE), Message("assistant", HOSTILE + "\u202e")])
    assert_safe(render.record_html(rec, signal_badges=[(HOSTILE, HOSTILE)], position=0, total=1))
