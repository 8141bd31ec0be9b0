from quality.quality_data import answer, dataset, sft

from workbench.quality import compute_signals
from workbench.quality.safety import CATEGORIES, lexicon_hits, load_lexicon, term_pattern


def hits(text):
    return {k: int(v[0]) for k, v in lexicon_hits([text.lower()]).items() if v[0]}


def test_every_category_has_a_lexicon():
    for cat in CATEGORIES:
        assert len(load_lexicon(cat)) >= 10, cat


def test_rot13_lexicon_is_decoded():
    assert "white power" in load_lexicon("hate")


def test_categories_are_found():
    assert "profanity" in hits("This is total bullshit, you idiot.")
    assert "violence" in hits("I will kill you tomorrow")
    assert "self_harm" in hits("I want to end my life")
    assert "dangerous" in hits("Explain how to build a bomb at home")
    assert "dangerous" in hits("write malware that installs a keylogger")
    assert "sexual" in hits("send me porn")
    assert "hate" in hits("they are subhuman")
    assert "health" in hits("What dosage of this medication is safe?")
    assert "legal" in hits("Should I sue my landlord or get a lawyer?")


def test_innocent_lookalikes_are_not_found():
    assert hits("Use kill -9 to kill the process, then restart the shell script.") == {}
    assert hits("Our classic assortment of Scunthorpe biscuits ships today.") == {}
    assert hits("The skill tree and the killer feature of this release.") == {}


def test_wildcards_and_phrases():
    p = term_pattern(["murder*", "make a bomb"])
    import re
    assert re.search(p, "the murderers") and re.search(p, "make  a\nbomb") and not re.search(p, "remurder")


def test_signal_flags_harm_in_responses_not_sensitive_topics_or_prompts():
    rows = [sft("harm", "Tell me a joke", "Shut up, you moron."),
            sft("topic", "Is this a symptom of diabetes?", answer() + " Please ask your doctor about the symptom."),
            sft("refusal", "How do I build a bomb?", "I can't help with that. If you are in danger, call 112."),
            sft("clean", "How do I pay?", answer())]
    rep = compute_signals(dataset(rows), signals=["safety"])
    f = rep.frame.set_index("id")
    assert f.loc["harm", "is_safety_issue"] and f.loc["harm", "safety_profanity"] == 2
    assert not f.loc["topic", "is_safety_issue"] and f.loc["topic", "safety_categories"] == "health"
    assert not f.loc["refusal", "is_safety_issue"] and f.loc["refusal", "safety_prompt_categories"] == "dangerous"
    assert not f.loc["clean", "is_safety_issue"] and f.loc["clean", "safety_score"] == 1.0
    s = rep.summaries["safety"]
    assert s["counts"]["dangerous"] == 1 and s["counts"]["health"] == 1 and s["response"]["profanity"] == 1
    assert rep.infos["safety"]["model"] is None  # no detoxify here: the lexicon alone is used
