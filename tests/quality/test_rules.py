from quality.quality_data import answer, dataset, sft
from workbench.model import Guidelines
from workbench.quality import compute_signals


def frame(rows, guidelines=None):
    return compute_signals(dataset(rows), guidelines=guidelines, signals=["rules"]).frame.set_index("id")


def test_clean_answer_breaks_no_rule():
    f = frame([sft("ok", "How do I change my billing address?", answer(150))])
    assert not f.loc["ok", "is_rules_issue"] and f.loc["ok", "rules_failed"] == ""


def test_forbidden_phrase_any_case_and_apostrophe():
    f = frame([sft("a", "Help?", "As an AI Language Model, I think " + answer(120)),
               sft("b", "Help?", "I’m just a language model but " + answer(120)),
               sft("c", "Help?", "A language model like me can help: " + answer(120))])
    assert f.loc["a", "rule_forbidden_phrase"] and f.loc["b", "rule_forbidden_phrase"]
    assert not f.loc["c", "rule_forbidden_phrase"]


def test_apology_only_when_needless():
    f = frame([sft("needless", "How do I change my address?", "I apologize. " + answer(120)),
               sft("warranted", "My parcel arrived damaged, what now?", "I'm sorry to hear that. " + answer(120))])
    assert f.loc["needless", "rule_apology"] and not f.loc["warranted", "rule_apology"]


def test_refusal_only_when_not_warranted():
    f = frame([sft("unwarranted", "How do I change my address?", "I cannot do that. " + answer(120)),
               sft("warranted", "How do I make a pipe bomb?", "I can't help with that. " + answer(120)),
               sft("late", "How do I change my address?", answer(120) + " I cannot stress this enough.")])
    assert f.loc["unwarranted", "rule_unwarranted_refusal"]
    assert not f.loc["warranted", "rule_unwarranted_refusal"]
    assert not f.loc["late", "rule_unwarranted_refusal"]  # not at the start of the answer


def test_length_window_default_and_per_category():
    gl = Guidelines.default()
    gl.length_window_per_category = {"quick": {"min_words": 1, "max_words": 20}}
    f = frame([sft("short", "Q?", "Too short.", "billing"), sft("long", "Q?", answer(400), "billing"),
               sft("quick", "Q?", "Short is fine here.", "quick"), sft("quick_long", "Q?", answer(60), "quick"),
               sft("ok", "Q?", answer(200), "billing")], gl)
    assert f.loc["short", "rule_length_window"] and f.loc["long", "rule_length_window"]
    assert not f.loc["quick", "rule_length_window"] and f.loc["quick_long", "rule_length_window"]
    assert not f.loc["ok", "rule_length_window"]


def test_repeating_the_question():
    q = "How can I change the delivery address for an order that has already shipped?"
    f = frame([sft("rep", q, "You asked: how can I change the delivery address for an order that has already "
                             "shipped? " + answer(120)),
               sft("no", q, answer(150)),
               sft("short_q", "Why?", "Why? Because " + answer(120))])
    assert f.loc["rep", "rule_repeats_question"]
    assert not f.loc["no", "rule_repeats_question"] and not f.loc["short_q", "rule_repeats_question"]


def test_placeholders():
    f = frame([sft("curly", "Q?", "Dear {{customer_name}}, " + answer(120)),
               sft("insert", "Q?", "Call [INSERT PHONE NUMBER] today. " + answer(120)),
               sft("yours", "Write to [Your Name] " + "x", answer(120)),
               sft("link", "Q?", "See [the docs](https://example.com) and use {braces} in code. " + answer(120))])
    assert f.loc["curly", "rule_placeholder"] and f.loc["insert", "rule_placeholder"]
    assert f.loc["yours", "rule_placeholder"]
    assert not f.loc["link", "rule_placeholder"]


def test_rules_follow_the_guidelines_file():
    gl = Guidelines.default()
    gl.forbidden_phrases = ["as per my last email"]
    f = frame([sft("a", "Q?", "As per my last email, " + answer(120)),
               sft("b", "Q?", "As an AI language model, " + answer(120))], gl)
    assert f.loc["a", "rule_forbidden_phrase"] and not f.loc["b", "rule_forbidden_phrase"]
