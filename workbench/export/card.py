"""``README.md``: a dataset card in the structure of a Hugging Face dataset card.

YAML header (``task_categories``, ``size_categories``, ``tags``, ``configs`` with the split files) and
the sections Dataset Summary, Dataset Structure, Data Splits, Curation, Known Limitations.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from workbench.model.markdown import md_code, md_prose
from workbench.model.markdown import md_inline as md

KIND_TAGS = {"openai": "sft", "alpaca": "sft", "sharegpt": "sft", "preference": "dpo", "kto": "kto",
             "ranking": "ranking", "canonical": "workbench-canonical"}
FIELDS = {
    "openai": "`messages`: list of `{role, content}` turns (system / user / assistant), ending with the "
              "assistant's response.",
    "alpaca": "`instruction`, `input`, `output` (and `system`, `history` for multi-turn), plus `id`, "
              "`category`.",
    "sharegpt": "`conversations`: list of `{from, value}` turns (human / gpt); preference rows add `chosen`, "
                "`rejected`. Plus `id`, `category`.",
    "preference": "`prompt`, `chosen`, `rejected` (strings, or message lists for multi-turn), plus `id`, "
                  "`category`.",
    "kto": "`prompt`, `completion`, `label` (true = desirable), plus `id`, `category`.",
    "ranking": "`prompt`, `responses` (candidates in order), plus `id`, `category`.",
    "canonical": "The workbench's canonical record columns.",
}
SMALL_SFT, SMALL_PREF = 1000, 500


def size_category(n: int) -> str:
    """The Hugging Face size bucket for ``n`` rows."""
    bounds = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
              (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")]
    return next((label for b, label in bounds if n < b), "n>100M")


def _where(where: str | None) -> str:
    return md_code(where) if where else "an in-memory table"


def _header(info: dict[str, Any]) -> str:
    fmt = info["format"]
    data_files = [{"split": name, "path": path} for name, path in info["split_files"].items()]
    head = {
        "pretty_name": md_prose(info["name"]),  # shown as text by the Hub: no raw HTML
        "task_categories": ["text-generation"],
        "size_categories": [size_category(info["total"])],
        "tags": sorted({KIND_TAGS.get(fmt, fmt), fmt, "workbench"}),
        "configs": [{"config_name": "default", "data_files": data_files}],
    }
    return "---\n" + yaml.safe_dump(head, sort_keys=False, allow_unicode=True) + "---\n"


def limitations(info: dict[str, Any]) -> list[str]:
    """Known limitations read off the export itself (sizes, coverage, agreement, provenance, PII)."""
    out = []
    total, fmt = info["total"], info["format"]
    floor = SMALL_PREF if fmt in ("preference", "kto") else SMALL_SFT
    if total < floor:
        out.append(f"Small: {total} examples, below the usual floor of about {floor} for a useful "
                   f"{'alignment signal' if floor == SMALL_PREF else 'domain fine-tune'}.")
    per_split = info["counts_per_category"]
    cats = sorted({c for counts in per_split.values() for c in counts})
    for name, counts in per_split.items():
        missing = [c for c in cats if not counts.get(c)]
        if missing and info["counts"].get(name):
            out.append(f"The {md(name)} split has no examples of: {', '.join(map(md, missing))} "
                       "(too few in the data to spread).")
    dev = info["category_distribution"].get("deviation_from_target", {})
    off = {k: v for k, v in dev.items() if abs(v) > 0.05}
    if off:
        out.append("Category mix differs from the target by more than 5 points: "
                   + ", ".join(f"{md(k)} {v:+.0%}" for k, v in off.items()) + ".")
    ag = info["curation"]["agreement"]
    weak = [f"{md(k)} ({a['band']})" for k, a in ag.items()
            if isinstance(a, dict) and str(a.get("band")).startswith(("low", "moderate"))]
    if weak:
        out.append(f"Reviewer agreement is low or moderate on {', '.join(weak)}; "
                   "treat those labels with care.")
    if not ag:
        out.append("No agreement figures: no record was annotated by two or more reviewers.")
    prov = info["curation"].get("provenance")
    if prov and prov.get("synthetic_share"):
        out.append(f"{prov['synthetic_share']:.0%} of the examples are model-generated without human edits.")
    if not info["options"].get("redact_pii"):
        out.append("PII was not redacted in this export; check the quality report's PII figures "
                   "before sharing.")
    leak = info["leakage_check"]
    if leak.get("near_threshold") is None:
        out.append("Near-duplicate detection was switched off; only exact duplicates and shared prompts were "
                   "kept out of different splits.")
    else:
        out.append("Near duplicates are detected with MinHash over word 3-grams (Jaccard >= "
                   f"{leak['near_threshold']}); paraphrases below that similarity can still appear in "
                   "different splits.")
    if not info.get("has_guidelines"):
        out.append("No guidelines file was given, so annotation_guidelines.md is not included.")
    return out


def _summary(info: dict[str, Any]) -> list[str]:
    src = info["curation"]["source"]
    kinds = ", ".join(f"{md(k)} {v}" for k, v in info["kind_counts"].items())
    files = ", ".join(md_code(p) for p in info["split_files"].values())
    return ["## Dataset Summary", "",
            f"{info['total']} examples for fine-tuning in **{info['format']}** format ({info['container']}), "
            f"exported from a curated {src['kind']} ({src['rows_read']} rows read from "
            f"{_where(src['where'])}) with the workbench {info['tool_version']}. Record kinds: {kinds}.", "",
            "## Dataset Structure", "", FIELDS.get(info["format"], ""), "",
            f"Files: {files}. `manifest.json` lists every file with its SHA-256.", ""]


def _splits(info: dict[str, Any]) -> list[str]:
    per = info["counts_per_category"]
    lines = ["## Data Splits", "", "| Split | Examples |", "|---|---|"]
    lines += [f"| {md(k)} | {v} |" for k, v in info["counts"].items()]
    cats = sorted({c for counts in per.values() for c in counts})
    if cats:
        names = list(per)
        lines += ["", "| Category | " + " | ".join(map(md, names)) + " |", "|---|" + "---|" * len(names)]
        lines += [f"| {md(c)} | " + " | ".join(str(per[n].get(c, 0)) for n in names) + " |" for c in cats]
    o = info["options"]
    fractions = ", ".join(f"{md(k)} {v:g}" for k, v in o["splits"].items())
    verdict = "passed" if info["leakage_check"]["ok"] else "FAILED"
    by = info.get("stratified_by", o["stratify"])
    by_text = {"task_type": "the inferred task type", None: "nothing"}.get(by, by)
    semantic = (f", or are semantic duplicates (prompts with embedding cosine >= {o['semantic_threshold']})"
                if o.get("semantic_threshold") is not None else "")
    return lines + ["", f"Splits {fractions}, seed {o['seed']}, stratified by {md(by_text)}; "
                    "records that are exact or near duplicates of each other, or share a prompt (preference "
                    f"data){semantic}, are kept in one split. Leakage check on the written splits: {verdict} "
                    "(see manifest.json).", ""]


def _curation(info: dict[str, Any]) -> list[str]:
    cur, o, source = info["curation"], info["options"], info["source"]
    how = f"Source fingerprint {md_code(source['fingerprint'])}"
    if source.get("last_event_id"):
        how += f", last reviewer event {md_code(source['last_event_id'])}"
    how += f". Included: {md(o['include'])} records"
    if o.get("min_rating") is not None:
        how += f", overall rating >= {o['min_rating']:g}"
    if o.get("min_agreement") is not None:
        how += f", agreement >= {o['min_agreement']:g}"
    how += f"; duplicates removed: {md(o['dedupe'])}; reviewers' edits applied."
    lines = ["## Curation", "", how, ""]
    lines += [f"- left out, {md(k.replace('_', ' '))}: {v}" for k, v in cur["left_out"].items()]
    lines.append(f"- records edited by reviewers: {cur['edits']['records_edited']}")
    for name, a in cur["agreement"].items():
        if isinstance(a, dict) and a.get("value") is not None:
            lines.append(f"- agreement on {md(name)}: {a['metric']} {a['value']:.3f} ({a['band']})")
    prov = cur.get("provenance")
    if prov:
        ratio = prov["synthetic_to_human"]
        lines.append("- provenance: " + ", ".join(f"{md(k)} {v}" for k, v in prov["counts"].items())
                     + ("" if ratio is None else f"; synthetic-to-human ratio {ratio}"))
    docs = ("; `annotation_guidelines.md` the instructions reviewers followed."
            if info.get("has_guidelines") else ".")
    return lines + ["", "The quality report (`dataset_quality_report.md`, `report.html`, `quality.json`) "
                    "describes the exported data; `category_distribution.json` gives the mix per split"
                    + docs, ""]


def render_dataset_card(info: dict[str, Any]) -> str:
    """The README.md text for an export.

    Parameters
    ----------
    info : dict
        The manifest's content plus ``name``, ``format``, ``container``, ``split_files`` (split ->
        path), ``category_distribution``, ``curation`` (the curation summary), ``has_guidelines``,
        ``kind_counts`` and ``tool_version``.

    Returns
    -------
    str
        Markdown with a YAML header; the same export gives the same text.
    """
    lines = [_header(info), f"# {md(info['name'])}", ""]
    lines += _summary(info) + _splits(info) + _curation(info)
    lines += ["## Known Limitations", ""] + [f"- {x}" for x in limitations(info)]
    return "\n".join(lines).rstrip() + "\n"


def card_markdown(text: str, limit: int | None = None) -> str:
    """A card's text for a notebook's Markdown renderer: the YAML header as a fenced ``yaml`` block.

    A notebook (unlike the Hub) does not read front matter: ``---`` becomes a rule and the header's
    ``- split: train`` lines a jumbled bullet list. ``limit`` cuts the body (not the header) at a line
    end before that many characters, with a note.
    """
    head, body = "", text
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end > 0:
            head, body = text[4:end + 1], text[end + 5:].lstrip("\n")
    if limit is not None and len(body) > limit:
        cut = body.rfind("\n", 0, limit)
        body = body[:cut if cut > 0 else limit].rstrip() + f"\n\n*(first {limit:,} characters of {len(body):,})*\n"
    if not head:
        return body
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", head)), default=0) + 1)
    return f"{fence}yaml\n{head}{fence}\n\n{body}"


class DatasetCard:
    """An export's ``README.md`` shown in a notebook (see :func:`card_markdown`).

    ``DatasetCard.read(path, limit=1500)`` displays as Markdown; ``.text`` is the file as written.
    """

    def __init__(self, text: str, limit: int | None = None):
        self.text, self.limit = text, limit

    @classmethod
    def read(cls, path: str | Path, limit: int | None = None) -> DatasetCard:
        return cls(Path(path).read_text(encoding="utf-8"), limit)

    def _repr_markdown_(self) -> str:
        return card_markdown(self.text, self.limit)
