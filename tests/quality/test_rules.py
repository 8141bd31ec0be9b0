"""The guideline rules signal: universal rules always, data-dependent rules only when the guidelines
switch them on (the sample's support guidelines do; the neutral defaults do not)."""
import json
from pathlib import Path

import pytest
from quality.quality_data import answer, dataset, sft

from workbench.io import load
from workbench.model import Guidelines
from workbench.quality import compute_signals
from workbench.sample import support_guidelines

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def support():
    return support_guidelines()


def frame(rows, guidelines=None):
    return compute_signals(dataset(rows), guidelines=guidelines, signals=["rules"]).frame.set_index("id")


def test_clean_answer_breaks_no_rule(support):
    f = frame([sft("ok", "How do I change my billing address?", answer(150))], support)
    assert not f.loc["ok", "is_rules_issue"] and f.loc["ok", "rules_failed"] == ""


def test_forbidden_phrase_any_case_and_apostrophe():
    f = frame([sft("a", "Help?", "As an AI Language Model, I think " + answer(120)),
               sft("b", "Help?", "I’m just a language model but " + answer(120)),
               sft("c", "Help?", "A language model like me can help: " + answer(120))])  # neutral defaults
    assert f.loc["a", "rule_forbidden_phrase"] and f.loc["b", "rule_forbidden_phrase"]
    assert not f.loc["c", "rule_forbidden_phrase"]


def test_apology_only_when_needless(support):
    f = frame([sft("needless", "How do I change my address?", "I apologize. " + answer(120)),
               sft("warranted", "My parcel arrived damaged, what now?", "I'm sorry to hear that. " + answer(120))],
              support)
    assert f.loc["needless", "rule_apology"] and not f.loc["warranted", "rule_apology"]


def test_refusal_only_when_not_warranted(support):
    f = frame([sft("unwarranted", "How do I change my address?", "I cannot do that. " + answer(120)),
               sft("warranted", "How do I make a pipe bomb?", "I can't help with that. " + answer(120)),
               sft("late", "How do I change my address?", answer(120) + " I cannot stress this enough.")], support)
    assert f.loc["unwarranted", "rule_unwarranted_refusal"]
    assert not f.loc["warranted", "rule_unwarranted_refusal"]
    assert not f.loc["late", "rule_unwarranted_refusal"]  # not at the start of the answer


def test_length_window_default_and_per_category(support):
    support.length_window_per_category = {"quick": {"min_words": 1, "max_words": 20}}
    f = frame([sft("short", "Q?", "Too short.", "billing"), sft("long", "Q?", answer(400), "billing"),
               sft("quick", "Q?", "Short is fine here.", "quick"), sft("quick_long", "Q?", answer(60), "quick"),
               sft("ok", "Q?", answer(200), "billing")], support)
    support.length_window_per_category = {}
    assert f.loc["short", "rule_length_window"] and f.loc["long", "rule_length_window"]
    assert not f.loc["quick", "rule_length_window"] and f.loc["quick_long", "rule_length_window"]
    assert not f.loc["ok", "rule_length_window"]


def test_per_category_window_without_a_default():
    g = Guidelines.default()
    g.rules["length_window"] = True
    g.length_window_per_category = {"quick": {"min_words": 1, "max_words": 20}}
    f = frame([sft("quick_long", "Q?", answer(60), "quick"), sft("other_long", "Q?", answer(900), "billing")], g)
    assert f.loc["quick_long", "rule_length_window"] and not f.loc["other_long", "rule_length_window"]


def test_repeating_the_question(support):
    q = "How can I change the delivery address for an order that has already shipped?"
    f = frame([sft("rep", q, "You asked: how can I change the delivery address for an order that has already "
                             "shipped? " + answer(120)),
               sft("no", q, answer(150)),
               sft("short_q", "Why?", "Why? Because " + answer(120))], support)
    assert f.loc["rep", "rule_repeats_question"]
    assert not f.loc["no", "rule_repeats_question"] and not f.loc["short_q", "rule_repeats_question"]


def test_naming_the_topic_is_not_repeating_the_question(support):
    f = frame([
        sft("ecommerce", "Explain e-commerce.", "E-commerce is the buying and selling of goods and services over "
            "the internet, from online shops to marketplaces. " + answer(120)),
        sft("greeted", "Hello team,\n\nAfter yesterday's update the app freezes on the splash screen.\n\nNora",
            "Thanks for the message, Nora. Freezes on the splash screen usually mean the app waits for the cloud. "
            + answer(120)),
        # copied back after a greeting and before a sign-off: a restatement
        sft("copied", "Hi there! Tracking says my video doorbell was delivered on Monday but I never got it. "
            "Cheers, Sam", "Tracking says my video doorbell was delivered on Monday but I never got it.\n\n"
            + answer(120)),
    ], support)
    assert not f.loc["ecommerce", "rule_repeats_question"]
    assert not f.loc["greeted", "rule_repeats_question"]
    assert f.loc["copied", "rule_repeats_question"]


def test_placeholders(support):
    rows = [sft("curly", "Q?", "Dear {{customer_name}}, " + answer(120)),
            sft("insert", "Q?", "Call [INSERT PHONE NUMBER] today. " + answer(120)),
            sft("yours", "Write to [Your Name] " + "x", answer(120)),
            sft("link", "Q?", "See [the docs](https://example.com) and use {braces} in code. " + answer(120))]
    f = frame(rows, support)
    assert f.loc["curly", "rule_placeholder"] and f.loc["insert", "rule_placeholder"]
    assert f.loc["yours", "rule_placeholder"]
    assert not f.loc["link", "rule_placeholder"]
    neutral = frame(rows)  # "[Your Name]" is what an e-mail template should contain; {{x}} never is
    assert neutral.loc["curly", "rule_placeholder"] and neutral.loc["insert", "rule_placeholder"]
    assert not neutral.loc["yours", "rule_placeholder"] and not neutral.loc["link", "rule_placeholder"]


def test_rules_follow_the_guidelines_file():
    gl = Guidelines.default()
    gl.forbidden_phrases = ["as per my last email"]
    f = frame([sft("a", "Q?", "As per my last email, " + answer(120)),
               sft("b", "Q?", "As an AI language model, " + answer(120))], gl)
    assert f.loc["a", "rule_forbidden_phrase"] and not f.loc["b", "rule_forbidden_phrase"]


def test_neutral_defaults_run_only_the_universal_rules():
    rows = [sft("sorry", "How do I change my address?", "I apologize. I cannot do that."),
            sft("rep", "How can I change the delivery address for an order that has already shipped?",
                "How can I change the delivery address for an order that has already shipped? Easily."),
            sft("ai", "Q?", "As an AI language model I think so.")]
    rep = compute_signals(dataset(rows), signals=["rules"])
    f = rep.frame.set_index("id")
    assert [c for c in f.columns if c.startswith("rule_")] == ["rule_forbidden_phrase", "rule_placeholder"]
    assert list(f["is_rules_issue"]) == [False, False, True]
    s = rep.summaries["rules"]
    assert s["enabled"] == ["forbidden_phrase", "placeholder"] and s["length_window"] is None
    assert s["guidelines"] == "none: neutral defaults"
    assert set(s["off"]) == {"apology", "unwarranted_refusal", "length_window", "repeats_question"}


@pytest.mark.parametrize("name, before", [("selfinstruct_text-davinci-003_predictions.jsonl", 0.861),
                                          ("fastchat_dummy_conversation.json", 1.0)])
def test_real_third_party_files_flag_only_universal_problems(name, before, support):
    """Alpaca-like and ShareGPT files from other projects: under the support guidelines that used to be the
    default, 86% and 100% of their records were flagged (mostly "outside 100-300 words")."""
    ds = load(FIXTURES / name)
    rep = compute_signals(ds, signals=["rules", "coverage"])
    f = rep.frame
    assert f["is_rules_issue"].mean() < 0.05
    assert "rule_length_window" not in f.columns and "rule_repeats_question" not in f.columns
    cats = rep.summaries["coverage"]["categories"]
    assert all(v["target"] is None for v in cats.values())  # no support targets for other data
    assert not {"billing", "shipping", "returns"} & set(cats)
    old = compute_signals(ds, guidelines=support, signals=["rules"]).frame
    assert old["is_rules_issue"].mean() == pytest.approx(before, abs=0.05)  # the support rules, opt-in
    json.dumps(rep.summaries["rules"])  # the summary stays JSON-serialisable
