"""The language signal on real texts: records of public Alpaca files and UDHR sentences
(tests/fixtures/language_real.jsonl, udhr_sentences.tsv; provenance in tests/fixtures/SOURCES.md)."""
import csv
import json
from pathlib import Path

import numpy as np
from quality.quality_data import dataset, sft

from workbench.quality import compute_signals
from workbench.quality.langid_fast import english_fast_pass, fold_macro
from workbench.quality.langtext import content_letters, strip_non_language, translation_requests
from workbench.quality.language import LanguageSignal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def real_frame():
    rows = []
    for line in (FIXTURES / "language_real.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        prompt = r["instruction"] + ("\n\n" + r["input"] if r["input"] else "")
        rows.append(sft(r["id"], prompt, r["output"]))
    frame = compute_signals(dataset(rows), signals=["language"]).frame
    frame.index = [r["id"] for r in rows]
    return frame


def test_lists_numbers_and_code_are_undetermined_and_not_flagged():
    f = real_frame()
    for rid in ("names_list", "multiplication", "java_python", "percent", "fruits"):
        assert f.loc[rid, "response_language"] == "und", rid
        assert not f.loc[rid, "is_language_issue"], rid
    # the code block goes; the English explanation after it is what is identified
    assert f.loc["code", "response_language"] == "en" and not f.loc["code", "is_language_issue"]
    assert (f.loc[["names_list", "java_python", "code"], "prompt_language"] == "en").all()
    # "Calculate 15% of 500." has too few words to tell either
    assert f.loc["percent", "prompt_language"] == "und"


def test_translation_requests_are_not_mismatches():
    f = real_frame()
    assert f.loc["translate_es", "response_language"] == "es"
    assert f.loc["translate_es", "is_translation_request"]
    assert f.loc["another_language_fr", "is_translation_request"]
    for rid in ("translate_es", "another_language_fr"):
        assert not f.loc[rid, "is_mixed_language"] and not f.loc[rid, "is_language_issue"]


def test_chinese_varieties_fold_to_zh_and_keep_the_fine_code():
    f = real_frame()
    for rid in ("passive_wuu", "east_africa_wuu", "winter_words"):
        assert f.loc[rid, "language"] == "zh", rid
        assert not f.loc[rid, "is_language_issue"], rid
    assert f.loc["passive_wuu", "language_fine"] == "wuu"
    assert list(fold_macro(["wuu", "yue", "cmn", "nb", "nn", "en", "zxx"])) == [
        "zh", "zh", "zh", "no", "no", "en", "und"]


def test_english_answer_to_a_chinese_prompt_is_flagged_unless_english_was_asked_for():
    f = real_frame()
    assert f.loc["english_answer_to_chinese", "is_mixed_language"]
    assert f.loc["english_answer_to_chinese", "prompt_language"] == "zh"
    assert f.loc["english_answer_to_chinese", "response_language"] == "en"
    # the prompt quotes the English phrase to use: an English sentence is what it asks for
    assert not f.loc["quoted_english_phrase", "is_mixed_language"]


def test_a_prompt_naming_the_language_excuses_the_response():
    german = ("Um ein deutsches Verb zu beenden, muss man die richtige Endung hinzufügen. Die Endung hängt "
              "von der Person und der Zeitform ab.")
    rows = [sft("asked", "Give a grammar tip on how to end a German verb.", german),
            sft("unasked", "Give a grammar tip on how to end a verb in a sentence.", german)]
    f = compute_signals(dataset(rows), signals=["language"]).frame
    assert not f.loc[0, "is_mixed_language"] and f.loc[1, "is_mixed_language"]


def test_udhr_sentence_accuracy_above_the_floor():
    with open(FIXTURES / "udhr_sentences.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    fine, _, _ = LanguageSignal().classify([r["sentence"] for r in rows])
    got = fold_macro(fine)
    want = np.array([r["lang"] for r in rows], dtype=object)
    assert len(rows) >= 150 and len(set(want)) >= 20
    assert (got == want).mean() >= 0.95


def test_text_preparation_strips_code_and_links_and_measures_content():
    text = "See https://example.com/x?a=1 and run:\n```python\nprint('hola que tal amigos')\n```\nDone."
    stripped = strip_non_language([text])[0].as_py()
    assert "example.com" not in stripped and "hola" not in stripped and "Done." in stripped
    letters = content_letters(["15% of 500 is 75.", "Amanda, James, John, Maria",
                               "The weather is lovely today and we go out.", "今天天气很好，我们要和孩子们一起去公园。"])
    assert letters[0] == 0 and letters[1] == 0 and letters[2] >= 30 and letters[3] >= 20
    assert translation_requests(["Traduire en anglais : bonjour", "请把这句话翻译成英文", "Sum 2 and 3"]).tolist() == [
        True, True, False]


def test_a_translation_task_type_excuses_the_response_even_without_the_word_translate():
    # no translation verb the prompt pattern knows: only the task-type signal says it is a translation
    prompt = "Convert this English sentence to German: The weather is lovely today and we are going to the lake."
    rows = [sft("t", prompt, "Das Wetter ist heute herrlich und wir gehen an den See, um zu schwimmen.")]
    assert not translation_requests([prompt])[0]
    rep = compute_signals(dataset(rows), signals=["task_type", "language"])
    frame = rep.frame
    assert frame.loc[0, "task_type"] == "translation"
    assert frame.loc[0, "is_translation_request"] and not frame.loc[0, "is_language_issue"]
    # asked for alone, language still runs the task types first (it requires them)
    alone = compute_signals(dataset(rows), signals=["language"])
    assert "task_type" in alone.timings and alone.frame.loc[0, "is_translation_request"]


def fixture_texts():
    texts = []
    for line in (FIXTURES / "language_real.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        texts += [r["instruction"], r["output"]]
    for line in (FIXTURES / "selfinstruct_text-davinci-003_predictions.jsonl").read_text(
            encoding="utf-8").splitlines():
        texts.append(json.loads(line)["response"])
    return texts


def test_english_fast_pass_takes_english_prose_and_nothing_else():
    with open(FIXTURES / "udhr_sentences.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    fast, letters = english_fast_pass([r["sentence"] for r in rows])
    lang = np.array([r["lang"] for r in rows])
    assert fast[lang == "en"].all() and not fast[lang != "en"].any()  # 150 sentences in 25 other languages
    assert (letters[fast] >= 20).all()
    lists = ["1. The Perfect Storm 2. The Day After Tomorrow 3. Twister 4. The Finest Hours",
             "Amanda, James, John, Maria, and the rest of them",  # 15 letters in phrase-like segments
             "def add(a, b):\n    return a + b  # add the two numbers that you have",
             "See https://example.com for the details of this and that, which are what you need.",
             "Translate it: 今天天气很好，我们要和孩子们一起去公园。 This is the text that you have to translate."]
    assert not english_fast_pass(lists)[0].any()


def test_fast_and_precise_paths_agree_on_real_records():
    texts = fixture_texts()
    fast_signal, precise_signal = LanguageSignal(), LanguageSignal(LanguageSignal.Config(fast_english=False))
    fast, _ = english_fast_pass(texts)
    assert fast.sum() >= 80  # most self-instruct answers are plain English prose
    lang, conf, scripts = fast_signal.classify(texts)
    plang, _, pscripts = precise_signal.classify(texts)
    assert (lang[fast] == "en").all() and (conf[fast] == 1.0).all()
    assert (fold_macro(lang) == fold_macro(plang)).mean() >= 0.99
    assert (lang[~fast] == plang[~fast]).all()  # the others take the precise path unchanged
    assert (scripts[fast, 1:] == 0).all() and (scripts[fast, 0] == pscripts[fast, 0]).mean() >= 0.5
