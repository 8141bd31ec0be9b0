"""Personal data and secrets: find them by type, count them, and redact them with typed placeholders.

Two stages, so the per-row Python work is confined to the few rows that can hold PII:
1. one RE2 pass (Arrow, threaded) of the union of all candidate patterns marks candidate rows;
2. on those rows only, Python ``re`` finds each type's matches in priority order (a span claimed by a
   secret or a card is not also a phone) and validates them: Luhn for cards, ISO 13616 mod-97 for
   IBANs, ``ipaddress`` for IPs, SSA rules for US SSNs, digit counts for phones, Shannon entropy for
   generic ``key=value`` secrets.
Patterns are written in the common subset of RE2 and Python ``re``. Person names, street addresses,
dates of birth and phone numbers need context, a gazetteer or ``phonenumbers``: their finders live in
``pii_people``, and their candidate rows are found apart from the structured types' (a capitalised pair
of words is in most English rows). Measured on presidio-research's labelled corpus by
``benchmarks/bench_signal_quality_pii.py``.
"""
from __future__ import annotations

import ipaddress
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.quality import pii_people as people
from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.textviews import TEXT_COLUMNS, list_items


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card_ok(m: str) -> bool:
    d = re.sub(r"\D", "", m)
    if not 13 <= len(d) <= 19 or not luhn_ok(d):
        return False
    # issuer prefixes (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay): random Luhn-valid
    # numbers such as order ids are 10% of all numbers, so the prefix matters
    return bool(re.match(r"4|5[1-5]|2[2-7]|3[47]|6011|64[4-9]|65|35|3[068]|62|1800|2131", d))


_IBAN_LENGTHS = {"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
                 "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22,
                 "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
                 "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TR": 26,
                 "AE": 23, "SA": 24, "IL": 23, "BR": 29, "UA": 29, "RS": 22, "QA": 29, "KW": 30}


def iban_ok(m: str) -> bool:
    s = m.replace(" ", "").upper()
    want = _IBAN_LENGTHS.get(s[:2])
    if want is not None and len(s) != want:
        return False
    if not 15 <= len(s) <= 34:
        return False
    num = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(num) % 97 == 1


def _ip_ok(m: str) -> bool:
    try:
        ip = ipaddress.ip_address(m)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified)


def _ssn_ok(m: str) -> bool:
    area, group, serial = m.split("-")
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def entropy(s: str) -> float:
    counts = Counter(s)
    return -sum(c / len(s) * math.log2(c / len(s)) for c in counts.values()) if s else 0.0


def _secret_ok(m: str) -> bool:
    kv = re.match(r"(?i)[a-z_\- ]*[\"']?\s*[:=]\s*[\"']?(.*)$", m)
    if kv is None or not re.match(r"(?i)(api|secret|access|auth|token|pass|pwd)", m):
        return True  # a provider-specific key format: the shape is the evidence
    value = kv.group(1)
    if re.match(r"(?i)pass|pwd", m):
        return len(value) >= 8 and bool(re.search(r"\d", value)) and bool(re.search(r"[A-Za-z]", value))
    return len(value) >= 12 and entropy(value) >= 3.0


@dataclass(frozen=True)
class PIIType:
    name: str
    pattern: str  # valid in RE2 and in Python re (for a finder type: the RE2 candidate pattern only)
    validate: Callable[[str], bool] | None = None
    # a finder returns the validated spans of one text itself (names need context and a gazetteer)
    finder: Callable[[str], list[tuple[int, int]]] | None = None
    label: str = ""

    @property
    def placeholder(self) -> str:
        return f"[{(self.label or self.name).upper()}]"


# priority order: earlier types claim their spans first
PII_TYPES: tuple[PIIType, ...] = (
    PIIType("secret", r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
                      r"|\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}|\bgh[pousr]_[A-Za-z0-9]{36}\b"
                      r"|\bgithub_pat_[A-Za-z0-9_]{22,}|\bxox[abprs]-[A-Za-z0-9\-]{10,}|\bAIza[0-9A-Za-z_\-]{35}"
                      r"|(?i:\b(?:api[_\-]?key|secret(?:[_\-]?key)?|access[_\-]?(?:key|token)|auth[_\-]?token"
                      r"|token|password|passwd|pwd)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+_.=!@#$%^&*\-]{8,}",
            _secret_ok),
    PIIType("url_credentials", r"\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]+:[^\s/@]+@[A-Za-z0-9.\-]+"),
    PIIType("email", r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b"),
    PIIType("iban", r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", iban_ok),
    PIIType("credit_card", r"\b\d(?:[ \-]?\d){12,18}\b", _card_ok),
    PIIType("ssn", r"\b\d{3}-\d{2}-\d{4}\b", _ssn_ok),
    PIIType("ip_address", r"\b(?:\d{1,3}\.){3}\d{1,3}\b|(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{1,4}", _ip_ok),
    PIIType("date_of_birth", people.re2_candidate(people.DOB_PATTERN), finder=people.find_dobs, label="dob"),
    PIIType("phone", people.PHONE_PATTERN, finder=people.find_phones),
    PIIType("address", people.re2_candidate(people.ADDRESS_PATTERN), finder=people.find_addresses),
    PIIType("name", people.NAME_CANDIDATE, finder=people.find_names),
)
PII_NAMES = tuple(t.name for t in PII_TYPES)
_PLACEHOLDERS = {t.name: t.placeholder for t in PII_TYPES}
_PATTERNS = {t.name: t.pattern for t in PII_TYPES}
_COMPILED = {t.name: re.compile(t.pattern) for t in PII_TYPES if t.finder is None}
# free-text types: their candidate rows are found apart from the structured ones, so the many rows
# with a capitalised pair of words do not send every structured pattern through Python too
TEXT_TYPES = ("address", "name")


def _select(types) -> list[PIIType]:
    if types is None:
        return list(PII_TYPES)
    unknown = set(types) - set(PII_NAMES)
    if unknown:
        raise ValueError(f"unknown PII type(s) {sorted(unknown)}; known: {', '.join(PII_NAMES)}")
    return [t for t in PII_TYPES if t.name in set(types)]


_NUMERIC = {"credit_card", "ssn", "ip_address", "phone"}
_VERSION = re.compile(r"(?i)(?:version|ver\.?|release|v)\s*$")


def _embedded(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] is part of a longer number (a digit next to it, maybe across one separator)."""
    before = text[max(0, s - 2):s].rstrip(" -.")[-1:]
    after = text[e:e + 2].lstrip(" -.")[:1]
    return before.isdigit() or after.isdigit()


def find_spans(text: str, types=None) -> list[tuple[int, int, str]]:
    """Validated (start, end, type) spans in ``text``, non-overlapping, in text order."""
    taken: list[tuple[int, int, str]] = []
    for t in _select(types):
        found = t.finder(text) if t.finder else [m.span() for m in _COMPILED[t.name].finditer(text)]
        for s, e in found:
            if any(s < te and ts < e for ts, te, _ in taken):
                continue
            if t.name in _NUMERIC and _embedded(text, s, e):
                continue
            if t.name == "ip_address" and _VERSION.search(text[max(0, s - 12):s]):
                continue  # "version 1.2.3.4" is a version number, not an address
            if t.validate is None or t.validate(text[s:e]):
                taken.append((s, e, t.name))
    return sorted(taken)


def candidate_rows(texts, types=None) -> np.ndarray:
    """Indices of the texts that match any candidate pattern (one vectorised RE2 pass)."""
    union = "|".join(f"(?:{t.pattern})" for t in _select(types))
    return np.flatnonzero(textops.regex_match(texts, union))


def pii_counts(texts, types=None) -> dict[str, np.ndarray]:
    """Occurrences of each PII type per text (structured and free-text types as two candidate groups)."""
    arr = textops.as_strings(texts)
    sel = [t.name for t in _select(types)]
    out = {t: np.zeros(len(arr), dtype=np.int64) for t in sel}
    groups = ([t for t in sel if t not in TEXT_TYPES], [t for t in sel if t in TEXT_TYPES])
    for group in groups:
        if not group:
            continue
        rows = candidate_rows(arr, group)
        sub = arr.take(pa.array(rows, pa.int64()))
        for i, text, kinds in zip(rows.tolist(), sub.to_pylist(), row_types(sub, group)):
            for _, _, name in find_spans(text, kinds):
                out[name][i] += 1
    return out


def row_types(texts: pa.Array, types) -> list[list[str]]:
    """For each (candidate) text, the types whose RE2 candidate pattern it matches: one vectorised pass
    per type over the few candidate rows spares the Python pass the patterns that cannot match."""
    names = [t.name for t in _select(types)]
    hits = {t: textops.regex_match(texts, _PATTERNS[t]) for t in names}
    return [[t for t in names if hits[t][i]] for i in range(len(texts))]


def redact(texts, types=None):
    """Replace PII in ``texts`` with typed placeholders (``[EMAIL]``, ``[PHONE]``, ``[CREDIT_CARD]``,
    ``[NAME]``, ``[ADDRESS]``, ``[DOB]``...).

    Parameters
    ----------
    texts : str, list of str or pyarrow string Array
    types : iterable of str, optional
        PII types to redact (default: all, see ``PII_NAMES``).

    Returns
    -------
    The same kind of value as ``texts`` with the spans replaced.
    """
    single = isinstance(texts, str)
    arr = textops.as_strings([texts] if single else texts)
    rows = candidate_rows(arr, types)
    new = []
    sub = arr.take(pa.array(rows, pa.int64()))
    for text, kinds in zip(sub.to_pylist(), row_types(sub, types)):  # only rows that can hold PII
        for s, e, name in reversed(find_spans(text, kinds)):
            text = text[:s] + _PLACEHOLDERS[name] + text[e:]
        new.append(text)
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    out = pc.replace_with_mask(arr, pa.array(mask), pa.array(new, pa.string())) if len(rows) else arr
    if single:
        return out[0].as_py()
    return out if isinstance(texts, (pa.Array, pa.ChunkedArray)) else out.to_pylist()


class PIISignal(Signal):
    """PII and secrets anywhere in a record (conversation, completions, candidates), counted by type.

    Columns: ``pii_<type>`` (occurrences), ``pii_count`` and ``pii_types`` (comma-separated).
    Issue: any PII of a ``flag_alone`` type, or a person's name beside another PII type (a name with an
    e-mail, phone or address is someone's record). A name on its own is counted, not flagged: ordinary
    instruction data names public figures and story characters in a quarter to a half of its records
    (LLaMA-Factory's Alpaca/DPO/KTO demos, self-instruct), which no gazetteer tells from private people.
    Score: ``1 / (1 + occurrences)``.
    """

    name = "pii"
    version = "2"
    batchable = True

    @dataclass(frozen=True)
    class Config:
        types: tuple[str, ...] = PII_NAMES
        flag_alone: tuple[str, ...] = tuple(t for t in PII_NAMES if t != "name")

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        n = table.num_rows
        counts = {t: np.zeros(n, dtype=np.int64) for t in self.config.types}
        for col in TEXT_COLUMNS:  # every turn of every column, without joining them into one copy
            content, parent, _ = list_items(table.column(col))
            for t, v in pii_counts(content, self.config.types).items():
                counts[t] += np.bincount(parent, weights=v, minlength=n).astype(np.int64)
        total = sum(counts.values()) if counts else np.zeros(n, dtype=np.int64)
        alone = [v for k, v in counts.items() if k in self.config.flag_alone]
        issue = sum(alone) > 0 if alone else total > 0  # only names asked for: names flag
        types_col = np.full(n, "", dtype=object)
        for i in np.flatnonzero(total > 0).tolist():  # few rows: a Python loop is fine here
            types_col[i] = ",".join(k for k, v in counts.items() if v[i])
        return pd.DataFrame({f"is_{self.name}_issue": issue, f"{self.name}_score": 1.0 / (1.0 + total),
                             **{f"pii_{k}": v for k, v in counts.items()},
                             "pii_count": total, "pii_types": types_col})

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        counts = {t: rows[f"pii_{t}"].to_numpy() for t in self.config.types}
        total = rows["pii_count"].to_numpy()
        issue = rows[f"is_{self.name}_issue"].to_numpy()
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        summary = {
            "records": {k: int((v > 0).sum()) for k, v in counts.items()},
            "occurrences": {k: int(v.sum()) for k, v in counts.items()},
            "records_with_pii": int(issue.sum()),
            "records_naming_people_only": int(((total > 0) & ~issue).sum()),
            "examples": {k: textops.example_ids(ids, v > 0, 3) for k, v in counts.items() if v.any()},
        }
        return self.result(rows, summary)
