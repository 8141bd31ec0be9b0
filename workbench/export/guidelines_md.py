"""``annotation_guidelines.md``: the project's guidelines file rendered for people who did not write it."""
from __future__ import annotations

from workbench.model import Guidelines
from workbench.model.markdown import md_inline as md
from workbench.model.markdown import md_prose


def _quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in md_prose(text).strip().splitlines())


def render_guidelines_md(guidelines: Guidelines) -> str:
    """The guidelines as markdown: task, criteria and scales, what must not appear, categories and tags,
    reasoning, refusals and sensitive topics, good and bad examples, how disagreements are settled.

    Parameters
    ----------
    guidelines : Guidelines

    Returns
    -------
    str
        Markdown text (deterministic: the same guidelines give the same bytes).
    """
    g = guidelines
    out = ["# Annotation guidelines", "",
           "Generated from the project's guidelines file, the same file the review tool and the automated "
           "quality checks read, so these instructions and the checks cannot drift apart.", ""]
    out += ["## Task", "", md_prose(g.task or "_No task description was given._").strip(), ""]
    out += ["## Quality criteria", "", "Rate every criterion on its scale (higher is better).", "",
            "| Criterion | What it means | Scale |", "|---|---|---|"]
    for c in [Guidelines.OVERALL, *g.criteria]:
        lo, hi = c.scale
        out.append(f"| {md(c.name)} | {md(c.description)} | {lo} (worst) - {hi} (best) |")
    out.append("")
    window = g.window_for(None)  # None: the guidelines set no length window (the neutral defaults)
    out += ["### Length", "", f"Enough but not more: {window[0]}-{window[1]} words for a response." if window
            else "Enough but not more: as long as the request needs (no fixed length window)."]
    for cat, w in sorted(g.length_window_per_category.items()):
        out.append(f"- {md(cat)}: {w.get('min_words', 0)}-{w.get('max_words', 'any')} words")
    out.append("")
    out += ["## What must not appear in a response", ""]
    if g.forbidden_phrases:
        out.append("Never (the response is rejected or fixed):")
        out += [f'- "{md(p)}"' for p in g.forbidden_phrases]
        out.append("")
    if g.apology_phrases:
        out.append("Apologies only for a real problem; needless ones such as these are removed:")
        out += [f'- "{md(p)}"' for p in g.apology_phrases]
        out.append("")
    if g.refusal_phrases:
        out.append("No refusal where help is possible; phrases that signal one:")
        out += [f'- "{md(p)}"' for p in g.refusal_phrases]
        out.append("")
    if g.rule_on("repeats_question"):
        out += ["Also: do not repeat the user's question back, and do not state product facts you cannot "
                "confirm are current.", ""]
    out += ["## Reasoning steps", "",
            f"Reasoning is **{md(g.reasoning)}** in responses; apply this one choice to every example.", ""]
    if g.refusals:
        out += ["## Refusing harmful requests", "", md_prose(g.refusals).strip(), ""]
    if g.sensitive_topics:
        out += ["## Sensitive topics", "", md_prose(g.sensitive_topics).strip(), ""]
    out += ["## Categories", ""]
    if g.categories:
        out += ["| Category | Target share |", "|---|---|"]
        for cat in g.categories:
            share = g.target_mix.get(cat)
            out.append(f"| {md(cat)} | {'-' if share is None else f'{share:.0%}'} |")
    else:
        out.append("_No categories are defined._")
    out.append("")
    out += ["## Tags", "", "Tag every example that applies (several may):", ""]
    out += [f"- {md(t)}" for t in g.tags] or ["_No tags are defined._"]
    out.append("")
    out += _examples(g)
    if g.agreement:
        rule = g.agreement.get("consolidation", "majority")
        out += ["## When reviewers disagree", "",
                f"Values are consolidated by **{md(rule)}**; disagreements go to an adjudicator, who decides "
                "(they are not averaged away)."]
        if g.agreement.get("min_agreement") is not None:
            out.append(f"Agreement below {md(g.agreement['min_agreement'])} sends the guidelines back "
                       "for review.")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _examples(g: Guidelines) -> list[str]:
    out = ["## Examples", ""]
    if not g.examples:
        return out + ["_No examples are given yet; add good and bad ones with the reason._", ""]
    for label in ("good", "bad"):
        items = [e for e in g.examples if str(e.get("kind", "good")).lower() == label]
        for i, ex in enumerate(items, 1):
            out += [f"### {label.capitalize()} example {i}", ""]
            if ex.get("prompt"):
                out += ["**Prompt**", "", _quote(ex["prompt"]), ""]
            if ex.get("response"):
                out += ["**Response**", "", _quote(ex["response"]), ""]
            if ex.get("why"):
                out += [f"**Why it is {label}:** {md_prose(ex['why']).strip()}", ""]
    return out

