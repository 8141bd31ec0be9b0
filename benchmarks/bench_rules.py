"""The guideline rules signal: neutral defaults against the support guidelines, and the "repeats the
question" kernel against the one it replaced, measured in the same run.

    .venv/bin/python benchmarks/bench_rules.py            # 200k records
    .venv/bin/python benchmarks/bench_rules.py --n 1000000

Prints records/s of the whole rules signal under the neutral defaults (universal rules only) and under
the sample's support guidelines (every rule on), then of the content-word restatement check
(``workbench.quality.restate``) beside the previous word-trigram containment check, which is kept here
as the peer. The machine is shared: read the ratios, not the absolute figures.
"""
from __future__ import annotations

import argparse
import os

import numpy as np
import pyarrow.compute as pc
from bench_quality import best_of, make_table

from workbench.model import Guidelines
from workbench.quality import textops
from workbench.quality.base import SignalContext
from workbench.quality.restate import restates_question
from workbench.quality.rules import GuidelineRulesSignal
from workbench.quality.tokens import shingles, tokenize, unique_sets
from workbench.sample import support_guidelines


def trigram_containment(prompts, responses, ngram: int = 3, batch_size: int = 20_000,
                        prefix_chars: int = 600) -> tuple[np.ndarray, np.ndarray]:
    """The previous kernel (peer): share of each prompt's word 3-grams found in the response's first
    ``prefix_chars`` characters, by one sort of (record, shingle, side) keys per batch."""
    p_arr, r_arr = textops.as_strings(prompts), textops.as_strings(responses)
    share = np.zeros(len(p_arr))
    size = np.zeros(len(p_arr), dtype=np.int64)
    one, bits = np.uint64(1), np.uint64(44)
    for lo in range(0, len(p_arr), batch_size):
        ps = unique_sets(shingles(tokenize(p_arr.slice(lo, batch_size)), ngram), bits=43)
        r_part = pc.utf8_slice_codeunits(r_arr.slice(lo, batch_size), 0, prefix_chars)
        rs = shingles(tokenize(r_part), ngram)
        p_keys = ((ps.record_index().astype(np.uint64) << np.uint64(43)) | ps.hashes) << one
        r_keys = ((((rs.record_index().astype(np.uint64) << np.uint64(43))
                    | (rs.hashes >> np.uint64(21))) << one) | one)
        keys = np.sort(np.concatenate([p_keys, r_keys]))
        found = (keys[:-1] & one == 0) & (keys[1:] == keys[:-1] | one)
        n = len(ps.offsets) - 1
        inter = np.bincount((keys[:-1][found] >> bits).astype(np.int64), minlength=n)
        size[lo:lo + n] = ps.counts
        share[lo:lo + n] = np.divide(inter, ps.counts, out=np.zeros(n), where=ps.counts > 0)
    return share, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    args = ap.parse_args()
    table = make_table(args.n)
    print(f"{args.n:,} records; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    signal = GuidelineRulesSignal()
    rates = {}
    for name, g in (("neutral defaults", Guidelines.default()), ("support guidelines", support_guidelines())):
        ctx = SignalContext(guidelines=g)
        views = ctx.views(table)
        _ = views.response, views.last_user  # build the shared text views outside the timing
        rates[name] = args.n / best_of(lambda ctx=ctx: signal.compute(table, ctx))
        print(f"rules signal, {name:<20} {rates[name]:>10,.0f} records/s  ({', '.join(signal.active(g))})")
    q, a = views.last_user, views.response
    new = args.n / best_of(lambda: restates_question(q, a))
    old = args.n / best_of(lambda: trigram_containment(q, a))
    print(f"repeats the question: content words {new:>10,.0f} records/s; previous trigram containment "
          f"{old:,.0f} records/s; ratio {new / old:.2f}x")


if __name__ == "__main__":
    main()
