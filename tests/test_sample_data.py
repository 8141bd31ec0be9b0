"""The bundled sample data in ``data/``: the script regenerates it byte for byte, the manifest tells the
truth about it, and the loader quarantines exactly the malformed lines the manifest lists."""
from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from statistics import mean

import pytest

from workbench.io import load

DATA = Path(__file__).resolve().parent.parent / "data"
GENERATED = ("support_conversations.jsonl", "support_preferences.jsonl", "annotations.jsonl", "gold.jsonl",
             "sample_manifest.json", "README.md")
CRITERIA = ("overall", "accuracy", "completeness", "tone", "length", "structure")
CATEGORIES = {"billing", "account", "shipping", "returns", "technical", "product", "other"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((DATA / "sample_manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sft(manifest) -> dict[str, dict]:
    """The valid SFT records by id (the manifest's malformed lines left out)."""
    bad = {m["line"] for m in manifest["defects"]["malformed"]}
    lines = (DATA / "support_conversations.jsonl").read_text(encoding="utf-8").splitlines()
    return {rec["id"]: rec for rec in (json.loads(x) for n, x in enumerate(lines, 1) if n not in bad)}


def jsonl(name: str) -> list[dict]:
    return [json.loads(x) for x in (DATA / name).read_text(encoding="utf-8").splitlines() if x.strip()]


def assistant_text(rec: dict) -> str:
    return "\n".join(m["content"] for m in rec["messages"] if m["role"] == "assistant")


def user_text(rec: dict) -> str:
    return "\n".join(m["content"] for m in rec["messages"] if m["role"] == "user")


def main_answer(rec: dict) -> str:
    """The longest assistant turn (the full answer; clarifying questions and follow-ups are shorter)."""
    return max((m["content"] for m in rec["messages"] if m["role"] == "assistant"), key=len)


def test_script_regenerates_the_shipped_files(tmp_path):
    run = subprocess.run([sys.executable, str(DATA / "make_sample.py"), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    for name in GENERATED:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), \
            f"data/{name} differs from what data/make_sample.py writes: run it again"
    assert sum((DATA / n).stat().st_size for n in GENERATED) < 1_500_000


def test_sft_lines_ids_and_counts(manifest, sft):
    text = (DATA / "support_conversations.jsonl").read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    lines = text.splitlines()
    info = manifest["support_conversations"]
    assert len(lines) == info["lines"] == info["records"] + info["malformed_lines"]
    assert len(sft) == info["records"]
    for n, line in enumerate(lines, 1):  # ids are line numbers, so they are unique too
        assert line.startswith(f'{{"id": "sup-{n:04d}"') or n in {m["line"] for m in manifest["defects"]["malformed"]}
    cats = Counter(r["category"] for r in sft.values())
    assert cats == Counter(info["categories"]) and set(cats) == CATEGORIES
    assert 0.35 <= cats["billing"] / len(sft) <= 0.45  # deliberately far above the 15% target
    assert set(Counter(r["provenance"] for r in sft.values())) == {"human", "model", "model_edited"}
    assert info["multi_turn"] >= 40 and info["with_system_prompt"] >= 60
    assert info["main_answer_words"]["share_100_300"] >= 0.75
    bad = sorted(m["line"] for m in manifest["defects"]["malformed"])
    assert len(bad) == 6 and bad[0] > 1 and bad[-1] < len(lines) - 10, "malformed lines sit in the middle"


def test_duplicates(manifest, sft):
    d = manifest["defects"]
    assert len(d["exact_duplicates"]) == 10 and len(d["near_duplicates"]) == 25
    for copy, orig in d["exact_duplicates"]:
        assert copy != orig
        assert {**sft[copy], "id": None} == {**sft[orig], "id": None}
    for copy, orig in d["near_duplicates"]:
        a, b = sft[copy], sft[orig]
        assert a["messages"] != b["messages"] and a["category"] == b["category"]
        ta, tb = (json.dumps(x["messages"], ensure_ascii=False).lower() for x in (a, b))
        ratio = difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio()
        assert ratio > 0.95, (copy, orig, ratio)


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    return int("".join(str(int(c, 36)) for c in s[4:] + s[:4])) % 97 == 1


def test_pii(manifest, sft):
    d = manifest["defects"]
    assert 18 <= len(d["pii_values"]) <= 22
    assert set(d["pii"]) == {"email", "phone", "credit_card", "iban", "ip_address", "ssn", "api_key"}
    assert {i for ids in d["pii"].values() for i in ids} == set(d["pii_values"])
    for rid, values in d["pii_values"].items():
        for v in values:
            where = user_text(sft[rid]) if v["where"] == "user" else assistant_text(sft[rid])
            assert v["value"] in where, (rid, v)
            if v["type"] == "credit_card":
                assert luhn_ok(v["value"])
            if v["type"] == "iban":
                assert iban_ok(v["value"])
            if v["type"] == "api_key":
                assert v["value"].startswith("sk-")
    values = {v["value"] for vs in d["pii_values"].values() for v in vs}
    assert {"4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "078-05-1120"} <= values
    emails = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    flagged = {rid for rid, r in sft.items() if emails.search(json.dumps(r, ensure_ascii=False))}
    assert flagged == set(d["pii"]["email"]), "no e-mail address outside the PII rows"


def test_text_defects(manifest, sft):
    d = manifest["defects"]
    assert len(d["forbidden"]) == 15
    for rid, phrase in d["forbidden"].items():
        assert phrase.lower() in assistant_text(sft[rid]).lower()
    guarded = ("as an ai language model", "just a language model", "as a large language model")
    assert {rid for rid, r in sft.items() if any(g in assistant_text(r).lower() for g in guarded)} \
        == set(d["forbidden"])
    assert len(d["needless_apology"]) >= 5 and len(d["refusal"]) >= 4
    apology = ("i apologize", "i'm sorry", "i am sorry", "sorry for the inconvenience", "my apologies")
    refusal = ("i cannot", "i can't", "i am unable to", "i'm unable to", "i won't be able to")
    for phrases, key in ((apology, "needless_apology"), (refusal, "refusal")):
        found = {rid for rid, r in sft.items() if any(p in assistant_text(r).lower() for p in phrases)}
        assert found == set(d[key]), key
    for rid in d["repeats_question"]:
        first_user = next(m["content"] for m in sft[rid]["messages"] if m["role"] == "user")
        assert main_answer(sft[rid]).split("\n\n")[0] in first_user
    for rid, placeholder in d["template_placeholder"].items():
        assert placeholder in assistant_text(sft[rid])
    assert "{{customer_name}}" in d["template_placeholder"].values()
    assert len(main_answer(sft[d["length_outliers"]["short"]["id"]]).split()) == 3
    assert len(main_answer(sft[d["length_outliers"]["long"]["id"]]).split()) >= 850
    assert len(d["toxic"]) == 2 and all(rid in sft for rid in d["toxic"])
    assert set(d["non_english"].values()) == {"de", "es", "fr"} and all(rid in sft for rid in d["non_english"])
    html = user_text(sft[d["hostile_html"]])
    assert "<script>alert(1)</script>" in html and "<img src=x onerror=alert(1)>" in html


def test_loader_quarantines_the_malformed_lines(manifest):
    ds = load(DATA / "support_conversations.jsonl")
    assert ds.rows_read == len(ds) + len(ds.quarantine)
    assert ds.rows_read == manifest["support_conversations"]["lines"]
    quarantined = {q.line for q in ds.quarantine}
    malformed = manifest["defects"]["malformed"]
    missed = [f"line {m['line']} ({m['reason']})" for m in malformed if m["line"] not in quarantined]
    assert not missed, f"malformed lines loaded instead of quarantined: {', '.join(missed)}"
    assert quarantined <= {m["line"] for m in malformed}, "a valid sample line was quarantined"


def test_preferences(manifest):
    pairs = jsonl("support_preferences.jsonl")
    info = manifest["preferences"]
    assert len(pairs) == info["pairs"] == 80
    assert [p["id"] for p in pairs] == [f"pref-{i:03d}" for i in range(1, 81)]
    assert all(set(p) == {"id", "category", "prompt", "chosen", "rejected"} for p in pairs)
    by_id = {p["id"]: p for p in pairs}
    same = {i for i, p in by_id.items() if p["chosen"] == p["rejected"]}
    assert same == set(info["chosen_equals_rejected"]) and len(same) == 2
    assert len({by_id[i]["prompt"] for i in info["repeated_prompt"]}) == 1 and len(info["repeated_prompt"]) == 3
    longer = [i for i, p in by_id.items() if len(p["rejected"].split()) > len(p["chosen"].split())]
    assert longer == info["rejected_longer"] and 2 <= len(longer) <= 12
    assert set(info["rejected_kind"].values()) >= {"forbidden_phrase", "refusal", "rude", "incomplete", "wrong"}
    ds = load(DATA / "support_preferences.jsonl")
    assert ds.rows_read == 80 == len(ds) + len(ds.quarantine)
    assert {q.line for q in ds.quarantine} == {int(i.split("-")[1]) for i in same}


def test_annotations(manifest, sft):
    rows = jsonl("annotations.jsonl")
    info = manifest["annotations"]
    assert len(rows) == info["rows"]
    for r in rows:
        assert set(r) == {"record_id", "annotator", "field", "value", "time"}
        assert r["record_id"] in sft and r["annotator"] in info["annotators"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r["time"])
        if r["field"] in CRITERIA:
            assert isinstance(r["value"], int) and 1 <= r["value"] <= 5
        elif r["field"] == "category":
            assert r["value"] in CATEGORIES
        else:
            assert r["field"] == "decision" and r["value"] in ("accept", "reject", "needs_fix")
    who = {}
    for r in rows:
        who.setdefault(r["record_id"], set()).add(r["annotator"])
    assert len(who) == info["records"] == 120
    calib = set(info["calibration"])
    assert len(calib) == 20 and all(who[i] == set(info["annotators"]) for i in calib)
    multi = {i for i, a in who.items() if len(a) > 1} - calib
    assert multi == set(info["overlap"]) and 0.10 <= len(multi) / (len(who) - len(calib)) <= 0.20
    gold = jsonl("gold.jsonl")
    assert {g["record_id"] for g in gold} == set(info["gold"]) and len(info["gold"]) == 15
    assert set(info["gold"]) <= set(who)
    # bob is lenient; dana gets noisier late in her sequence
    overall = [r for r in rows if r["field"] == "overall"]
    by = {(r["record_id"], r["annotator"]): r["value"] for r in overall}
    for other in ("alice", "chen", "dana"):  # on the items both rated
        diffs = [v - by[(rid, other)] for (rid, a), v in by.items() if a == "bob" and (rid, other) in by]
        assert mean(diffs) > 0.5, other
    true = info["true_overall"]
    dana = sorted((r for r in overall if r["annotator"] == "dana"), key=lambda r: r["time"])
    errs = [abs(r["value"] - true[r["record_id"]]) for r in dana]
    third = len(errs) // 3
    assert mean(errs[-third:]) > mean(errs[:third]) + 0.2
    # defects lower the latent quality: forbidden-phrase and PII records rate lower than clean ones
    flagged = set(manifest["defects"]["forbidden"]) | set(manifest["defects"]["pii_values"])
    low = [v for k, v in true.items() if k in flagged]
    high = [v for k, v in true.items() if k not in flagged]
    assert low and mean(low) < mean(high) - 0.5
