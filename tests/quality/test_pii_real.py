"""PII on real-looking text: phone formats of several countries, names, addresses, dates of birth, and
typed redaction; plus rows of presidio-research's labelled test corpus (tests/fixtures/
presidio_pii_sample.json, MIT; provenance in tests/fixtures/SOURCES.md)."""
import json
from pathlib import Path

import pyarrow as pa

from workbench.export.redact import redact_table
from workbench.quality import redact
from workbench.quality.pii import find_spans, pii_counts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def kinds(text):
    return [(text[s:e], k) for s, e, k in find_spans(text)]


def test_phone_numbers_of_several_countries_in_international_and_national_formats():
    found = {
        "+44 20 7946 0958": "Call our London office on +44 20 7946 0958 tomorrow.",
        "+49 30 901820": "Telefon: +49 30 901820",
        "+33 1 42 68 53 00": "Appelez le +33 1 42 68 53 00 avant midi.",
        "(212) 555-0187": "You can reach me at (212) 555-0187 after five.",
        "0612 345 678": "Mein Handy: 0612 345 678",
        "030 901820": "call 030 901820 on weekdays",
        "+91 98765 43210": "WhatsApp +91 98765 43210",
    }
    for number, text in found.items():
        assert (number, "phone") in kinds(text), text


def test_numbers_that_are_not_phones():
    for text in ("The order 2023-04-11 09:12:55 shipped.", "The restaurant is at 17151 2450 Crown St",
                 "Population grew from 1200 to 4500 between 1990 and 2000.", "Version 10.2.3 fixed it."):
        assert not any(k == "phone" for _, k in kinds(text)), text


def test_cards_with_spaces_and_dashes_and_ibans():
    assert ("4111 1111 1111 1111", "credit_card") in kinds("card 4111 1111 1111 1111 exp 12/27")
    assert ("5500-0000-0000-0004", "credit_card") in kinds("pay with 5500-0000-0000-0004 please")
    assert ("GB82 WEST 1234 5698 7654 32", "iban") in kinds("IBAN: GB82 WEST 1234 5698 7654 32")


def test_person_names_from_gazetteer_and_cues():
    assert ("Mary Johnson", "name") in kinds("I spoke with Mary Johnson yesterday about the refund.")
    assert ("Dr. Okafor", "name") in kinds("The results were sent to Dr. Okafor on Monday.")
    assert ("Priya", "name") in kinds("Hi there, my name is Priya and my order is late.")
    assert ("Faina D. Yefremova", "name") in kinds("the verses from Faina D. Yefremova were read")
    assert ("Søren Kierkegård", "name") in kinds("We invited Søren Kierkegård to the panel.")
    # capitalised words that are not people
    for text in ("The United States Congress passed the act.", "Visit Paris in the spring.",
                 "The Civil Rights Act of 1964 protects workers.", "Python is a programming language."):
        assert not any(k == "name" for _, k in kinds(text)), text


def test_street_addresses_in_four_languages_and_dates_of_birth():
    cases = {
        "221 Baker Street": "Send it to 221 Baker Street, London.",
        "Hauptstraße 12": "Ich wohne in der Hauptstraße 12 in Köln.",
        "15 rue de la Paix": "Le bureau est au 15 rue de la Paix à Paris.",
        "Calle Mayor 7": "Vivo en Calle Mayor 7, Madrid.",
        "Apt. 4": "Apt. 4 is on the second floor.",
    }
    for span, text in cases.items():
        assert (span, "address") in kinds(text), text
    assert ("12/05/1984", "date_of_birth") in kinds("Patient DOB: 12/05/1984, admitted today")
    assert ("3 March 1990", "date_of_birth") in kinds("She was born on 3 March 1990 in Leeds.")
    assert not any(k == "date_of_birth" for _, k in kinds("The meeting is on 3 March 1990."))


def test_redaction_uses_typed_placeholders():
    text = ("Hi, my name is Priya Raman, born on 3 March 1990. I live at 221 Baker Street; "
            "call +44 20 7946 0958 or mail priya@example.org.")
    out = redact(text)
    assert out == ("Hi, my name is [NAME], born on [DOB]. I live at [ADDRESS]; "
                   "call [PHONE] or mail [EMAIL].")


def test_redact_table_covers_the_new_types():
    from quality.quality_data import dataset, sft

    table = dataset([sft("a", "Dear Anna Berg, is Hauptstraße 12 right?", "Yes, Mr. Weber confirmed it."),
                     sft("b", "What is 2 + 2?", "4")]).table
    red, stats = redact_table(table)
    msgs = red.column("messages").to_pylist()
    assert msgs[0][0]["content"] == "Dear [NAME], is [ADDRESS] right?"
    assert msgs[0][1]["content"] == "Yes, [NAME] confirmed it."
    assert msgs[1][0]["content"] == "What is 2 + 2?"
    assert stats["records_changed"] == 1


def test_presidio_rows_found_by_type():
    rows = json.loads((FIXTURES / "presidio_pii_sample.json").read_text(encoding="utf-8"))
    counts = pii_counts(pa.array([r["text"] for r in rows]))
    label = {"PHONE_NUMBER": "phone", "PERSON": "name", "STREET_ADDRESS": "address",
             "CREDIT_CARD": "credit_card",
             "IBAN_CODE": "iban", "EMAIL_ADDRESS": "email"}
    hits = {t: [0, 0] for t in label.values()}
    for i, r in enumerate(rows):
        for lab, t in label.items():
            if lab in r["types"]:
                hits[t][1] += 1
                hits[t][0] += counts[t][i] > 0
    assert hits["phone"][0] == hits["phone"][1] and hits["phone"][1] >= 6
    assert hits["credit_card"][0] == hits["credit_card"][1] >= 2 and hits["email"][0] == hits["email"][1] >= 2
    assert hits["name"][0] >= 0.8 * hits["name"][1] and hits["name"][1] >= 6
    assert hits["address"][0] >= 0.8 * hits["address"][1] and hits["address"][1] >= 6
    empty = [i for i, r in enumerate(rows) if not r["types"]]
    assert len(empty) >= 5 and all(sum(int(v[i]) for v in counts.values()) == 0 for i in empty)


def test_a_name_alone_is_counted_not_flagged_on_real_instruction_data():
    """LLaMA-Factory's DPO demo (../shared/samples, Apache-2.0) names story characters and public figures in
    most records; those are counted as names, but only records with other personal data are PII issues."""
    from quality.quality_data import dataset, sft

    from workbench.io import load
    from workbench.quality import compute_signals

    dpo = load(Path(__file__).resolve().parents[1] / "fixtures" / "llamafactory_dpo_en_demo.json")
    res = compute_signals(dpo, signals=["pii"]).results["pii"]
    named = int((res.frame["pii_name"] > 0).sum())
    flagged = int(res.frame["is_pii_issue"].sum())
    assert named > 100 and flagged < 0.1 * len(res.frame)
    assert res.summary["records_naming_people_only"] == int(((res.frame["pii_count"] > 0)
                                                              & ~res.frame["is_pii_issue"]).sum()) > 100
    rows = [sft("story", "Write a story about Jack and Emma.", "Jack met Emma by the river."),
            sft("contact", "Who do I write to?", "Write to John Smith at john.smith@example.com.")]
    f = compute_signals(dataset(rows), signals=["pii"]).frame.set_index("id")
    assert f.loc["story", "pii_name"] > 0 and not f.loc["story", "is_pii_issue"]
    assert f.loc["contact", "pii_name"] > 0 and f.loc["contact", "is_pii_issue"]
