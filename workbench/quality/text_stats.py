"""Text statistics per role, robust length outliers per category, and empty turns."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.schema import ROLES
from workbench.model.turns import shared_strings
from workbench.quality import textops
from workbench.quality.base import Signal, SignalContext, SignalResult


def robust_z(values: np.ndarray, groups: np.ndarray, active: np.ndarray, min_group: int) -> np.ndarray:
    """Modified z-scores (Iglewicz & Hoaglin: 0.6745 (x - median) / MAD) of ``values`` within ``groups``.

    Groups with fewer than ``min_group`` active rows use the statistics of all active rows. Rows that
    are not ``active`` (e.g. no response) get 0. A zero MAD (most values equal) falls back to the mean
    absolute deviation, so a single odd value in a uniform group still stands out.
    """
    z = np.zeros(len(values))
    if not active.any():
        return z
    s = pd.Series(values[active])
    g = pd.Series(groups[active]).astype(str)
    sizes = g.map(g.value_counts())
    g = g.where(sizes >= min_group, "\0all")
    med = s.groupby(g.values).transform("median")
    dev = (s - med).abs()
    mad = dev.groupby(g.values).transform("median")
    meanad = dev.groupby(g.values).transform("mean") * 1.2533 / 1.4826  # put both on the MAD scale
    scale = mad.where(mad > 0, meanad).to_numpy()
    zz = np.divide(0.6745 * (s - med).to_numpy(), scale, out=np.zeros(len(s)), where=scale > 0)
    z[active] = zz
    return z


class TextStatsSignal(Signal):
    """Characters, words, approximate tokens and turns per role; length outliers; empty turns.

    Approximate tokens are ``ceil(chars / 4)`` per turn (the usual rule of thumb for English BPE
    vocabularies; no tokenizer download). Outliers are robust z-scores of ``log1p(words)`` of the
    prompt and of the response within each category. Issue: an outlier or an empty/whitespace turn.
    """

    name = "text_stats"
    batchable = True

    @dataclass(frozen=True)
    class Config:
        outlier_z: float = 3.5
        min_group: int = 20
        chars_per_token: float = 4.0

    def compute_rows(self, table: pa.Table, ctx: SignalContext) -> pd.DataFrame:
        views = ctx.views(table)
        n = views.n
        turns = views.turns
        words = textops.word_counts(turns.content)
        chars = textops.char_counts(turns.content)
        tokens = np.ceil(chars / self.config.chars_per_token).astype(np.int64)
        frame = {}
        for role in ROLES:  # tool columns too: summarize drops them when no record has a tool turn
            m = turns.role == role
            parent = turns.parent[m]
            for unit, v in (("chars", chars), ("words", words), ("tokens", tokens)):
                frame[f"{role}_{unit}"] = np.bincount(parent, weights=v[m], minlength=n).astype(np.int64)
            frame[f"{role}_turns"] = np.bincount(parent, minlength=n)
        empty_turn = (words == 0) & ~turns.has_tool_calls  # a function call's turn has no text by design
        empty = np.bincount(turns.parent[empty_turn], minlength=n) if len(turns) else np.zeros(n, int)
        frame["turns"] = np.bincount(turns.parent, minlength=n) if len(turns) else np.zeros(n, int)
        frame["empty_turns"] = empty
        frame["response_words"] = textops.word_counts(views.response)
        frame["response_chars"] = textops.char_counts(views.response)
        frame["prompt_words"] = frame["user_words"]
        return pd.DataFrame(frame)

    def summarize(self, rows: pd.DataFrame, keys: pa.Table, ctx: SignalContext) -> SignalResult:
        """Length outliers are robust z-scores within each category of the whole data set."""
        if not rows["tool_turns"].to_numpy().any():
            rows = rows.drop(columns=[f"tool_{u}" for u in ("chars", "words", "tokens", "turns")])
        roles = [r for r in ROLES if f"{r}_turns" in rows.columns]
        summary: dict = {"roles": {}}
        for role in roles:
            count = rows[f"{role}_turns"].to_numpy()
            has = count > 0
            summary["roles"][role] = {"records": int(has.sum()), "turns": int(count.sum()),
                                      **{unit: textops.describe(rows[f"{role}_{unit}"].to_numpy()[has])
                                         for unit in ("chars", "words", "tokens")}}
        frame = {c: rows[c].to_numpy() for c in rows.columns}
        empty = frame["empty_turns"]
        response_words, response_chars = frame["response_words"], frame["response_chars"]
        prompt_words = frame["prompt_words"]
        cats = shared_strings(keys.column("category"))
        z_resp = robust_z(np.log1p(response_words), cats, response_words > 0, self.config.min_group)
        z_prompt = robust_z(np.log1p(prompt_words), cats, prompt_words > 0, self.config.min_group)
        thr = self.config.outlier_z
        frame["response_length_z"] = np.round(z_resp, 3)
        frame["prompt_length_z"] = np.round(z_prompt, 3)
        frame["is_length_outlier"] = (np.abs(z_resp) > thr) | (np.abs(z_prompt) > thr)
        worst = np.maximum(np.abs(z_resp), np.abs(z_prompt))
        score = np.where(worst > thr, thr / np.maximum(worst, 1e-9), 1.0)
        score = np.where(empty > 0, 0.0, score)
        issue = frame["is_length_outlier"] | (empty > 0)

        out = pd.DataFrame({f"is_{self.name}_issue": issue, f"{self.name}_score": score, **frame})
        has_resp = response_words > 0
        summary.update({
            "response": {"records": int(has_resp.sum()), "words": textops.describe(response_words[has_resp]),
                         "chars": textops.describe(response_chars[has_resp])},
            "outliers": int(out["is_length_outlier"].sum()),
            "response_outliers": int((np.abs(z_resp) > thr).sum()),
            "prompt_outliers": int((np.abs(z_prompt) > thr).sum()),
            "empty_turns": int(empty.sum()),
            "records_with_empty_turns": int((empty > 0).sum()),
            "outlier_z": thr,
        })
        ids = keys.column("id").to_numpy(zero_copy_only=False)
        summary["examples"] = {"outliers": textops.example_ids(ids, out["is_length_outlier"]),
                               "empty_turns": textops.example_ids(ids, empty > 0)}
        return self.result(out, summary)
