import pyarrow as pa
import pytest
from quality.quality_data import answer, dataset, sft

from workbench.quality import compute_signals, redact
from workbench.quality.pii import iban_ok, luhn_ok, pii_counts

FOUND = {
    "email": "Write to jane.doe+billing@example.co.uk today.",
    "phone": "Call us on +44 20 7946 0958 or (555) 123-4567.",
    "credit_card": "My card is 4111 1111 1111 1111.",
    "iban": "Send it to DE89 3704 0044 0532 0130 00 please.",
    "ip_address": "The server is 203.0.113.7 and fe80::1ff:fe23:4567:890a.",
    "ssn": "SSN 123-45-6789.",
    "secret": "export AWS_KEY=AKIAIOSFODNN7EXAMPLE and ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "url_credentials": "Connect with postgres://admin:hunter22@db.example.com/prod",
}
NOT_FOUND = [
    "Order 4111 1111 1111 1112 is on its way.",  # fails Luhn
    "Reference DE89 3704 0044 0532 0130 01.",  # fails mod-97
    "Version 1.2.3.4 of 999.10.1.1 was released on 2023-10-05 at 12:30:45.",  # not an IP, a date, a time
    "SSN-like 666-12-3456 and 000-12-3456.",  # invalid areas
    "The tracking number is 1234 5678 9012 3456 7.",  # a long number, not a phone
    "password: short",  # too short to be a secret
    "Email support@ for help; see https://example.com/path.",
]


@pytest.mark.parametrize("kind", list(FOUND))
def test_each_type_is_found(kind):
    counts = pii_counts([FOUND[kind]])
    assert counts[kind][0] >= 1, kind


def test_lookalikes_are_not_flagged():
    counts = pii_counts(NOT_FOUND)
    hits = {k: v.tolist() for k, v in counts.items() if v.any()}
    assert hits == {}


def test_checksums():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB82 WEST 1234 5698 7654 33")


def test_redact_keeps_the_input_kind():
    text = "Mail jane@example.com, card 4111-1111-1111-1111, call +1 555 123 4567."
    assert redact(text) == "Mail [EMAIL], card [CREDIT_CARD], call [PHONE]."
    assert redact([text, "clean"], types=["email"]) == [
        "Mail [EMAIL], card 4111-1111-1111-1111, call +1 555 123 4567.", "clean"]
    out = redact(pa.array([text, None]))
    assert isinstance(out, pa.Array) and out.to_pylist()[1] == ""
    with pytest.raises(ValueError, match="unknown PII"):
        redact(text, types=["passport"])


def test_signal_counts_by_type_across_the_record():
    rows = [sft("p", "My email is jane@example.com", answer()),
            sft("r", "What now?", answer() + " Call +1 (555) 123-4567 or mail help@example.org."),
            sft("c", "How do I update my card?", answer())]
    rep = compute_signals(dataset(rows), signals=["pii"])
    f = rep.frame.set_index("id")
    assert f.loc["p", "pii_email"] == 1 and f.loc["p", "is_pii_issue"]
    assert f.loc["r", "pii_types"] == "email,phone" and f.loc["r", "pii_count"] == 2
    assert not f.loc["c", "is_pii_issue"] and f.loc["c", "pii_score"] == 1.0
    assert rep.summaries["pii"]["records"]["email"] == 2
