#!/usr/bin/env python3
"""Generate the synthetic sample dataset shipped in ``data/`` (deterministic, standard library only).

    python data/make_sample.py            # writes next to this script, overwriting
    python data/make_sample.py --out DIR  # writes into DIR

Outputs: ``support_conversations.jsonl`` (OpenAI chat SFT records with injected defects and 6 malformed
lines), ``support_preferences.jsonl`` (DPO pairs, TRL string form), ``annotations.jsonl`` (reviewer
annotations, long table), ``gold.jsonl`` (expert answers), ``sample_manifest.json`` (which ids carry
which defect) and ``README.md``. Everything comes from one ``random.Random(7)``; running the script twice
gives byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))
import _sample_text as T  # noqa: E402

SEED = 7
FILES = ("support_conversations.jsonl", "support_preferences.jsonl", "annotations.jsonl", "gold.jsonl",
         "sample_manifest.json", "README.md")

# How many loadable SFT records of each category the base set has (before duplicates are added).
BASE_MIX = {"billing": 114, "account": 40, "shipping": 38, "returns": 32, "technical": 30, "product": 18,
            "other": 13}
N_EXACT, N_NEAR = 10, 25
PROVENANCE = (("human", 0.42), ("model", 0.33), ("model_edited", 0.25))
PREF_MIX = {"billing": 20, "account": 12, "shipping": 12, "returns": 10, "technical": 14, "product": 7, "other": 5}
PREF_KINDS = {"forbidden_phrase": 14, "refusal": 14, "rude": 12, "incomplete": 18, "wrong": 20}
ANNOTATORS = ("alice", "bob", "chen", "dana")
CRITERIA = ("accuracy", "completeness", "tone", "length", "structure")

FORBIDDEN = ("As an AI language model", "I'm just a language model", "I am just a language model",
             "As a large language model")
APOLOGY = ("I apologize", "I'm sorry", "I am sorry", "Sorry for the inconvenience", "My apologies")
REFUSAL = ("I cannot", "I can't", "I am unable to", "I'm unable to", "I won't be able to")
GUARDED = FORBIDDEN + APOLOGY + REFUSAL + ("{{",)

PII_VALUES = {
    "credit_card": ["4111 1111 1111 1111", "5555 5555 5555 4444", "4012888888881881"],
    "iban": ["GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00"],
    "phone": ["+44 7700 900461", "+1 (415) 555-0198", "+49 151 2345 6789", "+33 1 99 00 12 34", "+61 491 570 156"],
    "ip_address": ["203.0.113.42", "192.0.2.15", "198.51.100.77"],
    "ip_address_local": ["192.168.1.23", "10.0.0.57", "192.168.178.44"],
    "ssn": ["078-05-1120"],
}
PII_SENTENCES = {
    "email": ["You can reach me at {v} if that's easier.", "My account email is {v}, in case you need it.",
              "Please reply to {v}, I don't check the other inbox.", "The account is under {v}."],
    "phone": ["Call me on {v} if that's quicker.", "You can text me at {v} any time after 5pm.",
              "Best number to reach me: {v}."],
    "phone_shipping": ["My number for the courier is {v}.", "The driver can call me on {v} when they're outside."],
    "credit_card": ["The card is {v}, exp 09/27, if you need to check it.", "It's the card {v} (exp 11/26)."],
    "iban": ["Could you refund it by bank transfer instead? My IBAN is {v}.",
             "If a card refund is a problem, send the money to IBAN {v}, the account is in my name."],
    "ip_address_account": ["Also, yesterday I got a login alert from {v}, which wasn't me."],
    "ip_address_local": ["The router log shows the device getting {v} and then dropping off.",
                         "The device has the address {v} in my router's list, if that helps."],
    "ssn": ["If you need to verify who I am, my SSN is {v}."],
    "api_key": ["In case it matters, Home Assistant is also connected with my API key {v}.",
                "My Home Assistant config has api_key: {v}, in case that's related."],
}
ASSISTANT_EMAIL = "We've also sent these steps to {v} so you have them in writing."
# (types, intents it fits or None, where, sentence key): 20 rows, two of them with a second type
PII_PLAN = [
    (("email", "phone"), None, "user", None), ("email", None, "user", None),
    ("email", {"password_reset", "change_email", "two_factor", "household"}, "assistant", None),
    ("email", {"invoice", "update_card", "cancel_subscription"}, "assistant", None), ("email", None, "user", None),
    ("phone", {"where_is_order", "delivered_not_received", "change_address"}, "user", "phone_shipping"),
    ("phone", None, "user", None), ("phone", {"where_is_order", "express", "how_to_return"}, "user", None),
    (("phone", "email"), None, "user", None),
    ("credit_card", {"double_charge", "failed_payment", "unexpected_charge", "update_card"}, "user", None),
    ("credit_card", {"double_charge", "failed_payment", "unexpected_charge", "update_card"}, "user", None),
    ("credit_card", {"double_charge", "failed_payment", "unexpected_charge", "refund_status"}, "user", None),
    ("iban", {"refund_status", "how_to_return", "double_charge"}, "user", None),
    ("iban", {"refund_status", "how_to_return", "late_return"}, "user", None),
    ("ip_address", {"password_reset", "two_factor", "change_email"}, "user", "ip_address_account"),
    ("ip_address", {"camera_offline", "pairing"}, "user", "ip_address_local"),
    ("ip_address", {"camera_offline", "pairing", "firmware_update"}, "user", "ip_address_local"),
    ("ssn", {"change_email", "two_factor", "unexpected_charge"}, "user", None),
    ("api_key", {"voice_assistant", "pairing", "camera_offline"}, "user", None),
    ("api_key", {"voice_assistant", "pairing", "camera_offline", "firmware_update"}, "user", None),
]
FORBIDDEN_INJECTIONS = [
    ("prefix", "As an AI language model, I don't have direct access to your account, but I can explain how this "
               "usually works."),
    ("prefix", "I'm just a language model, so I have no way to look at your account, but here's what usually "
               "applies."),
    ("suffix", "Please note that as an AI language model, my information may not be fully up to date."),
    ("prefix", "As a large language model, I don't have personal experience with this, but many customers find "
               "the following helpful."),
    ("prefix", "I am just a language model and have no view of the billing systems. That said, here is the "
               "general process."),
    ("suffix", "As an AI language model, I recommend double-checking these steps with a human agent."),
]
APOLOGY_INJECTIONS = [
    "I'm sorry for any inconvenience this may have caused!",
    "I apologize for the confusion.",
    "I'm sorry to hear you have to deal with this.",
    "My apologies for any trouble. Sorry for the inconvenience!",
]
REFUSAL_INJECTIONS = [
    "I'm unable to help with {topic} in this chat. Please contact the relevant team through the help centre, "
    "and they will be able to assist you with your request.",
    "I cannot assist with {topic}. For anything related to this, please reach out to the appropriate "
    "department, who can look into it for you.",
    "Unfortunately I can't help with {topic} here. You may want to check the help centre or get in touch "
    "with customer service.",
]
TOPICS = {"billing": "billing questions", "account": "account changes", "shipping": "delivery questions",
          "returns": "returns", "technical": "technical issues", "product": "product questions",
          "other": "this kind of request"}
TOXIC = ["Are you people complete idiots? ", "Honestly your support is useless and whoever built this app is a moron. "]
HOSTILE_HTML = ("The review box on my order page suddenly shows this: <script>alert(1)</script> and under the "
                "photo there's <img src=x onerror=alert(1)> as text. The app crashes whenever I open that order. "
                "Has my account been hacked?")
NEAR_SWAPS = [("usually", "normally"), ("normally", "usually"), ("quickest", "fastest"), ("straight away", "right away"),
              ("Thanks", "Thank you"), ("reply", "respond"), ("check", "verify"), ("a few", "several"),
              ("Open", "Go to"), ("choose", "select"), ("quick", "fast"), ("email", "e-mail"), ("help", "assist")]
NEAR_INSERTS = ["really ", "also ", "just ", "actually ", "simply "]
WRONG_FACTS = [("5-10 business days", "60-90 business days"), ("30 days", "7 days"), ("2.4 GHz", "5 GHz"),
               ("60 minutes", "24 hours"), ("two years", "six months"), ("14 days", "48 hours"),
               ("free of charge", "for a fee of 15.00"), ("prepaid label", "label you pay for yourself"),
               ("three times over seven days", "once"), ("seven years", "three months"),
               ("Settings > Billing > Invoices", "the Orders tab on the website"), ("ten seconds", "one minute")]
WRONG_CLAIMS = {
    "billing": "Please note that refunds are only ever issued as store credit, never to your card.",
    "account": "Also, deleting the app from your phone deletes your account automatically.",
    "shipping": "Customs duties are always included in the price, for every country in the world.",
    "returns": "Opened items can't be returned at all, even within the first week.",
    "technical": "The device works best on a 5 GHz network, so make sure 2.4 GHz is switched off.",
    "product": "All our devices are fully waterproof, so they can be used in the shower.",
    "other": "We sell anonymised recordings to partners to improve their products.",
}
RUDE = [("As explained in the FAQ, which you could have read yourself: ", " Please check the help centre before "
         "writing to us next time."),
        ("This is a very basic question. ", " It's all in the manual."),
        ("We get this question all day. ", " Not sure what else to tell you.")]


LOWERABLE = {"My", "Where", "How", "Why", "What", "Can", "Could", "Please", "The", "Is", "Do", "Does", "Should",
             "When", "Tracking", "Reset", "Setup", "Pairing", "Ordered", "Got", "Looks", "Need", "Cancel",
             "Thinking", "Quick", "Defective", "Feature", "Not", "Under", "Your", "Every", "After", "Typo",
             "Unknown", "There's", "Just", "You", "If", "Sorry", "This"}


MARK = re.compile(r"^\[([\w|]+)\] (.*)$", re.S)


def parse(template: str) -> tuple[set | None, str]:
    m = MARK.match(template)
    return (set(m.group(1).split("|")), m.group(2)) if m else (None, template)


def fits(variants: list[str], case: str) -> list[str]:
    """The variants usable for a user case: unmarked ones and those marked with the case."""
    out = []
    for v in variants:
        cases, text = parse(v)
        if cases is None or case in cases:
            out.append(text)
    return out


def words(text: str) -> int:
    return len(text.split())


def shingles(text: str) -> set:
    w = re.findall(r"\w+", text.lower())
    return {" ".join(w[i:i + 3]) for i in range(max(len(w) - 2, 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()][::-1]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


# ------------------------------------------------------------------------------------------- text building
class Writer:
    """Turns intents and slots into conversations; holds the one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_cat = {c: [i for i in T.INTENTS if i["cat"] == c] for c in BASE_MIX}

    def slots(self, it: dict | None = None) -> dict:
        r = self.rng
        country, cur, carrier, city, years = r.choice(T.COUNTRIES)
        needs_up = it is not None and any("{plan_up}" in u for u in it["user"])
        pi = r.randrange(2) if needs_up else r.choice((0, 0, 1, 1, 2))
        plan, price, annual = T.PLANS[pi]
        up = T.PLANS[min(pi + 1, 2)]
        product, product_b = r.sample(T.PRODUCTS, 2)
        intl, duty = r.choice(T.INTERNATIONAL)
        promo, pct = r.choice(T.PROMOS)
        up_gap = float(T.PLANS[min(pi + 1, 2)][1]) - float(price)
        m, d = r.randrange(12), r.randint(1, 18)
        wd = r.randint(1, 4)
        alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return {
            "name": r.choice(T.NAMES), "product": product, "product_b": product_b,
            "order": f"BW-{r.randint(100000, 999999)}",
            "tracking": "BWT-" + "".join(r.choice(alnum) for _ in range(4)) + "-" + "".join(r.choice(alnum) for _ in range(4)),
            "plan": plan, "price": price, "price_annual": annual, "plan_up": up[0], "price_up": up[1],
            "cur": cur, "country": country, "carrier": carrier, "city": city,
            "warranty": "two years" if years == 2 else "one year",
            "amount": f"{r.randint(12, 349)}.{r.choice(('00', '49', '90', '95', '99'))}",
            "date": f"{T.MONTHS[m]} {d}", "date2": f"{T.MONTHS[m]} {d + 3}", "date3": f"{T.MONTHS[m]} {d + 9}",
            "month": T.MONTHS[(m + 1) % 12], "last4": f"{r.randint(1000, 9999)}", "n": r.randint(3, 9),
            "pct": r.choice((37, 42, 64, 80, 99)), "error": r.choice(T.ERRORS),
            "version": f"4.{r.randint(10, 14)}.{r.randint(0, 3)}", "weekday": T.WEEKDAYS[wd],
            "weekday_before": T.WEEKDAYS[wd - 1], "promo": promo, "promo_pct": pct, "colour": r.choice(T.COLOURS),
            "room": r.choice(T.ROOMS), "phone": r.choice(T.PHONES), "router": r.choice(T.ROUTERS),
            "device": r.choice(T.DEVICES), "camera": r.choice(T.CAMERAS), "bcam": r.choice(T.BATTERY_CAMERAS),
            "prorated": f"{up_gap * r.uniform(0.25, 0.85):.2f}", "late_days": r.randint(8, 12),
            "discount": f"{r.randint(8, 60)}.{r.choice(('00', '50', '99'))}", "intl": intl, "duty": duty,
        }

    def user_turn(self, it: dict, s: dict) -> dict:
        r = self.rng
        cases, core = parse(r.choice(it["user"]))
        parts = {"greeting": r.choice(T.USER_GREETINGS), "context": r.choice(T.USER_CONTEXT),
                 "core": core.format(**s), "extra": "", "signoff": r.choice(T.USER_SIGNOFFS).format(**s),
                 "case": min(cases) if cases else ""}
        return parts

    @staticmethod
    def join_user(p: dict) -> str:
        core, context = p["core"], p["context"]
        if p["greeting"].endswith(", ") and context.split(" ")[0] in LOWERABLE:
            context = context[0].lower() + context[1:]
        lead = context or p["greeting"]
        if lead.endswith((", ", "— ")) and core.split(" ")[0] in LOWERABLE:
            core = core[0].lower() + core[1:]
        text = p["greeting"] + context + core + (" " + p["extra"] if p["extra"] else "") + p["signoff"]
        return text.strip()

    def answer(self, it: dict, s: dict, named: bool, case: str = "") -> str:
        """A full answer; ``self.opener`` keeps its greeting so injected defects can go around it."""
        r = self.rng
        sentences = []
        for block in it["body"]:
            if block[0] == "?":
                usable = fits(block[1:], case)
                sentences += [x.format(**s) for x in r.sample(usable, min(len(usable), r.choice((0, 1, 1, 2, 2))))]
            elif fits(block, case):
                sentences.append(r.choice(fits(block, case)).format(**s))
        extras = [x.format(**s) for x in r.sample(T.EXTRAS[it["cat"]], r.choice((1, 2, 2, 2, 3, 3)))]
        opener = r.choice(T.NAMED_OPENERS if named and r.random() < 0.7 else T.OPENERS).format(**s)
        self.opener = opener
        cut = r.randint(1, max(1, len(sentences) - 1))
        paras = [" ".join(sentences[:cut]), " ".join(sentences[cut:])]
        if opener:
            paras[0] = opener + (" " if not opener.endswith(",") else "\n\n") + paras[0]
        if it["steps"] and r.random() < 0.4:
            steps = r.choice(it["steps"])
            paras.insert(1, r.choice(("Here's the short version:", "In short:", "Step by step:")) + "\n"
                         + "\n".join(f"{i}. {x.format(**s)}" for i, x in enumerate(steps, 1)))
        paras.append(r.choice(T.EXTRA_LEADS) + " ".join(extras))
        closer = r.choice(T.CLOSERS).format(**s)
        if closer:
            paras.append(closer)
        text = "\n\n".join(p for p in paras if p) + r.choice(T.SIGNATURES)
        return text

    def conversation(self, it: dict, s: dict) -> dict:
        """A record: messages plus private bookkeeping (``_user`` parts, index of the main answer)."""
        r = self.rng
        msgs = []
        if r.random() < 0.4:
            msgs.append({"role": "system", "content": r.choice(T.SYSTEM_PROMPTS)})
        parts = self.user_turn(it, s)
        named = bool(parts["signoff"]) and s["name"] in parts["signoff"]
        shape = r.random()
        followups = it["followups"]
        clarify = 0.62 <= shape < 0.80 or shape >= 0.95
        follow = followups and (0.80 <= shape < 0.95 or shape >= 0.95)
        if clarify:
            msgs.append({"role": "user", "content": r.choice(T.VAGUE[it["cat"]])})
            msgs.append({"role": "assistant", "content": r.choice(T.CLARIFY)})
            parts["greeting"], parts["context"] = r.choice(T.DETAIL_PREFIXES), ""
        user_index = len(msgs)
        msgs.append({"role": "user", "content": self.join_user(parts)})
        main = len(msgs)
        msgs.append({"role": "assistant", "content": self.answer(it, s, named, parts["case"])})
        opener = self.opener
        follow = follow and [f for f in followups if len(f) == 2 or f[0] == parts["case"]]
        if follow:
            us, ans = r.choice(follow)[-2:]
            msgs.append({"role": "user", "content": r.choice(us)})
            msgs.append({"role": "assistant", "content": r.choice(ans).format(**s)})
        return {"category": it["cat"], "messages": msgs, "provenance": pick(r, PROVENANCE),
                "_intent": it["key"], "_user": parts, "_ui": user_index, "_main": main, "_tags": {},
                "_opener": opener, "_name": s["name"]}


def pick(r: random.Random, weighted) -> str:
    x, acc = r.random(), 0.0
    for v, w in weighted:
        acc += w
        if x < acc:
            return v
    return weighted[-1][0]


def all_text(rec: dict) -> str:
    return "\n".join(m["content"] for m in rec["messages"])


def set_user(rec: dict) -> None:
    rec["messages"][rec["_ui"]]["content"] = Writer.join_user(rec["_user"])


def main_answer(rec: dict) -> str:
    return rec["messages"][rec["_main"]]["content"]


def set_answer(rec: dict, text: str) -> None:
    rec["messages"][rec["_main"]]["content"] = text


def strip_opener(rec: dict) -> str:
    """The main answer without its greeting, so an injected prefix reads naturally."""
    text, opener = main_answer(rec), rec.get("_opener", "")
    return text[len(opener):].lstrip() if opener and text.startswith(opener) else text


def after_opener(rec: dict, insert: str) -> str:
    """The main answer with ``insert`` placed right after the greeting (or first, without one)."""
    text, opener = main_answer(rec), rec.get("_opener", "")
    if opener and text.startswith(opener):
        rest = text[len(opener):]
        return opener + (rest[:2] if rest.startswith("\n\n") else " ") + insert + " " + rest.lstrip()
    return insert + " " + text


# ------------------------------------------------------------------------------------------- SFT set
def base_records(w: Writer) -> list[dict]:
    """Templated records per BASE_MIX (minus the hand-written specials), diverse by construction: a
    record too similar to an earlier one (word 3-gram Jaccard >= 0.45) or repeating a prompt is redrawn."""
    r = w.rng
    n_special = Counter(c for _, c, *_ in T.NON_ENGLISH)
    n_special["billing"] += 1  # the 900-word answer
    plan = [c for c, n in BASE_MIX.items() for _ in range(n - n_special[c])]
    r.shuffle(plan)
    cycles = {c: [] for c in BASE_MIX}
    seen_sh: dict[str, list] = {}
    seen_prompts: set = set()
    out = []
    for cat in plan:
        if not cycles[cat]:
            cycles[cat] = list(w.by_cat[cat])
            r.shuffle(cycles[cat])
        it = cycles[cat].pop()
        for _attempt in range(40):
            rec = w.conversation(it, w.slots(it))
            sh = shingles(all_text(rec))
            prompt = rec["_user"]["core"]
            if prompt not in seen_prompts and all(jaccard(sh, o) < 0.45 for o in seen_sh.get(it["key"], [])):
                break
        seen_prompts.add(rec["_user"]["core"])
        seen_sh.setdefault(it["key"], []).append(sh)
        for m in rec["messages"]:
            if m["role"] == "assistant":
                assert not any(g.lower() in m["content"].lower() for g in GUARDED), m["content"]
        out.append(rec)
    return out


def special_records(w: Writer) -> list[dict]:
    r = w.rng
    out = []
    for lang, cat, user, answer in T.NON_ENGLISH:
        s = w.slots()
        if lang == "de" and cat == "billing":
            s["price"] = s["price"].replace(".", ",")
        msgs = [{"role": "user", "content": user.format(**s)}, {"role": "assistant", "content": answer.format(**s)}]
        out.append({"category": cat, "messages": msgs, "provenance": "human", "_intent": f"non_english_{lang}",
                    "_user": None, "_ui": 0, "_main": 1, "_tags": {"non_english": lang}})
    s = w.slots()
    s["plan"], s["price"], s["price_annual"] = T.PLANS[2]
    long_answer = "\n\n".join(p.format(**s) for p in T.LONG_SECTIONS)
    msgs = [{"role": "system", "content": r.choice(T.SYSTEM_PROMPTS)},
            {"role": "user", "content": T.LONG_PROMPT.format(**s)}, {"role": "assistant", "content": long_answer}]
    out.append({"category": "billing", "messages": msgs, "provenance": "model", "_intent": "long_answer",
                "_user": None, "_ui": 1, "_main": 2, "_tags": {"length_outlier": "long"}})
    return out


def inject_defects(recs: list[dict], w: Writer) -> None:
    """Put each curation problem on its own records (one kind of defect per record)."""
    r = w.rng
    free = [x for x in recs if x["_user"] is not None]
    r.shuffle(free)

    def take(pred):
        for i, x in enumerate(free):
            if pred(x):
                return free.pop(i)
        raise RuntimeError("no record left for a defect")

    single = lambda x: sum(m["role"] == "user" for m in x["messages"]) == 1  # noqa: E731
    # PII
    for types, intents, where, key in PII_PLAN:
        x = take(lambda x, intents=intents: intents is None or x["_intent"] in intents)
        types = (types,) if isinstance(types, str) else types
        vals = [(t, pii_value(r, key if key and i == 0 and key.startswith(t) and key in PII_VALUES else t, x))
                for i, t in enumerate(types)]
        for i, (t, v) in enumerate(vals):
            sentence = r.choice(PII_SENTENCES[key if key and i == 0 else t]).format(v=v)
            if where == "assistant":
                text = main_answer(x).rstrip()
                tail = ""
                for sig in T.SIGNATURES:
                    if sig and text.endswith(sig):
                        text, tail = text[: -len(sig)], sig
                set_answer(x, text + "\n\n" + ASSISTANT_EMAIL.format(v=v) + tail)
            else:
                x["_user"]["extra"] = (x["_user"]["extra"] + " " + sentence).strip()
                set_user(x)
        x["_tags"]["pii"] = [[t, v, where] for t, v in vals]
        x["provenance"] = "human" if where == "user" else x["provenance"]
    # forbidden phrases: mostly on model output
    for k in range(15):
        x = take(lambda x, k=k: x["provenance"] in ("model", "model_edited") or k % 5 == 4)
        pos, phrase = FORBIDDEN_INJECTIONS[k % len(FORBIDDEN_INJECTIONS)]
        text = main_answer(x)
        text = phrase + " " + strip_opener(x) if pos == "prefix" else text + "\n\n" + phrase
        set_answer(x, text)
        x["_tags"]["forbidden"] = next(f for f in FORBIDDEN if f.lower() in phrase.lower())
    # needless apologies on how-to questions where nothing went wrong
    howto = {"update_card", "invoice", "household", "change_email", "voice_assistant", "compare", "express",
             "feedback", "upgrade_proration", "privacy_request", "recycling", "how_to_return", "two_factor"}
    for k in range(8):
        x = take(lambda x: x["_intent"] in howto)
        phrase = APOLOGY_INJECTIONS[k % len(APOLOGY_INJECTIONS)]
        set_answer(x, after_opener(x, phrase))
        x["_tags"]["needless_apology"] = phrase
    # refusals where help is possible
    for k in range(6):
        x = take(lambda x: x["_intent"] in howto | {"password_reset", "pairing", "where_is_order", "refund_status"})
        phrase = REFUSAL_INJECTIONS[k % len(REFUSAL_INJECTIONS)].format(topic=TOPICS[x["category"]])
        if k % 2 == 0:
            set_answer(x, phrase)  # the whole answer is the refusal
        else:
            set_answer(x, phrase.split(". ")[0] + ". That said, here is some general information.\n\n"
                       + strip_opener(x))
        x["_tags"]["refusal"] = "full" if k % 2 == 0 else "partial"
    # the answer repeats the user's question
    for _ in range(2):
        x = take(single)
        set_answer(x, x["_user"]["core"] + "\n\n" + strip_opener(x))
        x["_tags"]["repeats_question"] = True
    # unfilled template placeholders
    x = take(single)
    set_answer(x, "Hi {{customer_name}},\n\n" + strip_opener(x))
    x["_tags"]["template_placeholder"] = "{{customer_name}}"
    x = take(lambda x: single(x) and not main_answer(x).rstrip().endswith("Support"))
    set_answer(x, main_answer(x) + "\n\nBest regards,\n{{agent_name}}")
    x["_tags"]["template_placeholder"] = "{{agent_name}}"
    # a 3-word answer
    x = take(lambda x: single(x) and x["_intent"] == "password_reset" and "email" in x["_user"]["core"])
    set_answer(x, "Check spam folder.")
    x["_tags"]["length_outlier"] = "short"
    # toxic users (the answer stays professional)
    for k in range(2):
        x = take(lambda x: x["category"] in ("billing", "technical", "shipping") and single(x))
        x["_user"]["context"] = TOXIC[k] + x["_user"]["context"]
        set_user(x)
        x["_tags"]["toxic"] = TOXIC[k].strip()
        x["provenance"] = "human"
    # hostile HTML pasted by a user
    x = take(lambda x: x["_intent"] == "app_crash")
    x["_user"]["core"] = HOSTILE_HTML
    set_user(x)
    set_answer(x, T.HOSTILE_ANSWER)
    x["_tags"]["hostile_html"] = True


def pii_value(r: random.Random, typ: str, rec: dict) -> str:
    if typ == "email":
        name = re.sub(r"[^a-z]", "", rec["_name"].lower())
        surname = r.choice(("keller", "hartmann", "obrien", "martins", "nair", "dubois", "rossi", "walsh", "silva"))
        dom = r.choice(("gmail.com", "outlook.com", "web.de", "yahoo.com", "protonmail.com", "gmx.de", "icloud.com"))
        return f"{name}.{surname}{r.randint(1, 99)}@{dom}"
    if typ == "api_key":
        chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return r.choice(("sk-", "sk-proj-")) + "".join(r.choice(chars) for _ in range(40))
    return r.choice(PII_VALUES[typ])


def near_copy(rec: dict, r: random.Random) -> dict:
    """A copy with 2-4 small edits: word swaps, insertions, case and punctuation changes."""
    new = json.loads(json.dumps({k: v for k, v in rec.items() if not k.startswith("_")}))
    ui, main = rec["_ui"], rec["_main"]
    edits = []
    ans = new["messages"][main]["content"]
    swaps = [(a, b) for a, b in NEAR_SWAPS if re.search(rf"\b{re.escape(a)}\b", ans)]
    if swaps:
        a, b = r.choice(swaps)
        ans = re.sub(rf"\b{re.escape(a)}\b", b, ans, count=1)
        edits.append(f"swap:{a}->{b}")
    else:
        ans = ans.replace(". ", ". " + "In short, ", 1)
        edits.append("insert:In short")
    new["messages"][main]["content"] = ans
    user = new["messages"][ui]["content"]
    for op in r.sample(("lower", "punct", "insert", "swap2"), r.randint(1, 3)):
        if op == "lower" and user != user.lower():
            user = user.lower()
            edits.append("case:lower user")
        elif op == "punct":
            user = user.rstrip(".?!") + r.choice(("", "??", "!", "..."))
            edits.append("punct:end")
        elif op == "insert":
            ws = user.split(" ")
            i = r.randint(1, max(1, len(ws) - 1))
            ins = r.choice(NEAR_INSERTS).strip()
            ws.insert(i, ins)
            user = " ".join(ws)
            edits.append(f"insert:{ins}")
        elif op == "swap2":
            ans2 = new["messages"][main]["content"]
            new["messages"][main]["content"] = ans2.replace(", ", " ", 1)
            edits.append("punct:comma")
    new["messages"][ui]["content"] = user
    assert new["messages"] != rec["messages"]
    new.update({k: v for k, v in rec.items() if k.startswith("_")})
    new["_tags"] = {"near_duplicate_edits": edits}
    return new


def malformed_lines(w: Writer) -> list[tuple[str, str, str]]:
    """(reason, expected loader code, line text with an ``{ID}`` slot) for the 6 broken rows."""
    r = w.rng
    its = [r.choice(T.INTENTS) for _ in range(6)]
    recs = [w.conversation(it, w.slots(it)) for it in its]
    out = []

    def dump(rec):
        return json.dumps({"id": "{ID}", "category": rec["category"], "messages": rec["messages"],
                           "provenance": rec["provenance"]}, ensure_ascii=False)

    line = dump(recs[0])
    out.append(("truncated_json", "parse_error", line[: int(len(line) * 0.55)]))
    line = dump(recs[1]).replace('}], "provenance"', '},], "provenance"')
    out.append(("invalid_json", "parse_error", line))
    rec = recs[2]
    rec["messages"][rec["_main"]]["role"] = "bot"
    out.append(("role_bot", "unrecognized_role", dump(rec)))
    rec = recs[3]
    rec["messages"][rec["_main"]]["content"] = ""
    out.append(("empty_assistant_content", "empty_content", dump(rec)))
    rec = recs[4]
    rec["messages"] = [m for m in rec["messages"][: rec["_main"]] if m["role"] != "assistant"]
    out.append(("no_assistant_turn", "example_missing_assistant_message", dump(rec)))
    rec = recs[5]
    text = "\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in rec["messages"])
    out.append(("messages_is_string", "data_type",
                json.dumps({"id": "{ID}", "category": rec["category"], "messages": text,
                            "provenance": rec["provenance"]}, ensure_ascii=False)))
    for reason, _c, text in out:
        if reason in ("truncated_json", "invalid_json"):
            try:
                json.loads(text.replace("{ID}", "x"))
                raise AssertionError(reason)
            except json.JSONDecodeError:
                pass
    return out


def build_sft(w: Writer):
    r = w.rng
    base = base_records(w) + special_records(w)
    inject_defects(base, w)
    r.shuffle(base)
    clean = [i for i, x in enumerate(base) if not x["_tags"] and x["_user"] is not None]
    originals = r.sample(clean, N_EXACT + N_NEAR)
    rows = list(base)
    for k, oi in enumerate(originals):
        orig = base[oi]
        if k < N_EXACT:
            copy = dict(orig)
            copy["_tags"] = {"exact_duplicate": True}
            copy["messages"] = json.loads(json.dumps(orig["messages"]))
        else:
            copy = near_copy(orig, r)
        copy["_copy_of"] = orig
        pos = next(i for i, y in enumerate(rows) if y is orig)
        rows.insert(r.randint(pos + 1, len(rows)), copy)
    bad = malformed_lines(w)
    total = len(rows) + len(bad)
    slots = sorted(r.sample(range(int(total * 0.12), int(total * 0.9)), len(bad)))
    lines, malformed = [], []
    it = iter(rows)
    bad_at = dict(zip(slots, bad))
    for n in range(total):
        rid = f"sup-{n + 1:04d}"
        if n in bad_at:
            reason, code, text = bad_at[n]
            lines.append(text.replace("{ID}", rid))
            malformed.append({"line": n + 1, "id": rid, "reason": reason, "expected_code": code})
        else:
            rec = next(it)
            rec["id"] = rid
            lines.append(json.dumps({"id": rid, "category": rec["category"], "messages": rec["messages"],
                                     "provenance": rec["provenance"]}, ensure_ascii=False))
    return rows, lines, malformed


# ------------------------------------------------------------------------------------------- preferences
def build_preferences(w: Writer):
    r = w.rng
    cats = [c for c, n in PREF_MIX.items() for _ in range(n)]
    r.shuffle(cats)
    kinds = [k for k, n in PREF_KINDS.items() for _ in range(n)]
    r.shuffle(kinds)
    identical = set(r.sample(range(len(cats)), 2))
    repeated = sorted(r.sample([i for i in range(len(cats)) if i not in identical], 3))
    shared = None
    pairs, kind_of, seen = [], {}, set()
    ki = iter(kinds)
    for i, cat in enumerate(cats):
        if i in repeated and shared is not None:
            pass
        else:
            if i in repeated:
                cat = cats[repeated[0]]
            it = r.choice(w.by_cat[cat])
            for _ in range(40):
                s = w.slots(it)
                parts = w.user_turn(it, s)
                prompt = w.join_user(parts)
                if prompt not in seen:
                    break
            case = parts["case"]
            if i in repeated:
                shared = (it, s, prompt, case)
        if i in repeated and shared is not None:
            it, s, prompt, case = shared
        seen.add(prompt)
        chosen = w.answer(it, s, named=False, case=case)
        if i in identical:
            kind, rejected = "identical", chosen
        else:
            kind = next(ki)
            rejected = worse_answer(w, it, s, case, kind)
            if kind == "wrong" and words(rejected) > words(chosen) and r.random() < 0.75:
                paras = rejected.split("\n\n")  # mostly keep the wrong answer shorter than the good one
                while len(paras) > 1 and words("\n\n".join(paras)) >= words(chosen):
                    paras.pop()
                rejected = "\n\n".join(paras)
                markers = [b for _a, b in WRONG_FACTS if b != "5 GHz"] + [WRONG_CLAIMS[it["cat"]]]
                if not any(m in rejected for m in markers):  # trimming dropped the error: put one back
                    head, sep, tail = rejected.partition("\n\n")
                    rejected = head + " " + WRONG_CLAIMS[it["cat"]] + sep + tail
        pid = f"pref-{i + 1:03d}"
        kind_of[pid] = kind
        pairs.append({"id": pid, "category": it["cat"], "prompt": prompt, "chosen": chosen, "rejected": rejected})
    return pairs, kind_of, [pairs[i]["id"] for i in repeated], [pairs[i]["id"] for i in sorted(identical)]


def worse_answer(w: Writer, it: dict, s: dict, case: str, kind: str) -> str:
    r = w.rng
    body = [r.choice(fits(b[1:] if b[0] == "?" else b, case)).format(**s) for b in it["body"]
            if fits(b[1:] if b[0] == "?" else b, case)]
    if kind == "forbidden_phrase":
        phrase = r.choice(FORBIDDEN)
        return (f"{phrase}, I don't have access to your account or order details. {body[0]} You may want to "
                f"contact customer support for further assistance.")
    if kind == "refusal":
        return r.choice(REFUSAL_INJECTIONS).format(topic=TOPICS[it["cat"]])
    if kind == "rude":
        pre, post = r.choice(RUDE)
        return pre + " ".join(body[:2]) + post
    if kind == "incomplete":
        first = body[0]
        cut = first.split(", ")[0].split(": ")[0].rstrip(".")
        return r.choice((cut + "...", body[0], body[0] + " " + cut + "...",
                         "Have a look in the settings, it should be there somewhere."))
    text = w.answer(it, s, named=False, case=case)  # "wrong": a fluent answer with the policy facts changed
    changed = False
    for a, b in WRONG_FACTS:
        if a in text:
            text = text.replace(a, b)
            changed = True
    if not changed or r.random() < 0.5:
        head, sep, tail = text.partition("\n\n")
        text = head + " " + WRONG_CLAIMS[it["cat"]] + sep + tail
    return text


# ------------------------------------------------------------------------------------------- annotations
EFFECTS = {  # latent-quality shifts per defect: criterion -> delta, "overall" -> extra delta
    "forbidden": {"accuracy": -1.0, "tone": -1.6, "overall": -1.6},
    "pii": {"accuracy": -1.5, "overall": -1.5},
    "needless_apology": {"tone": -1.4, "overall": -0.7},
    "refusal": {"completeness": -2.4, "accuracy": -1.2, "overall": -2.0},
    "repeats_question": {"structure": -1.6, "tone": -0.5, "overall": -1.0},
    "template_placeholder": {"accuracy": -1.6, "overall": -1.5},
    "length_outlier": {"length": -3.0, "completeness": -1.0, "overall": -1.8},
    "hostile_html": {"overall": -0.4},
}
CONFUSABLE = {"billing": "account", "account": "billing", "shipping": "returns", "returns": "shipping",
              "technical": "product", "product": "technical", "other": "account"}


def latent(rec: dict, r: random.Random) -> dict:
    base = {"human": 4.5, "model_edited": 4.1, "model": 3.8}[rec["provenance"]] + r.gauss(0, 0.45)
    q = {c: base + r.gauss(0, 0.25) for c in CRITERIA}
    extra = 0.0
    for tag, eff in EFFECTS.items():
        if tag in rec["_tags"]:
            if tag == "length_outlier" and rec["_tags"][tag] == "short":
                eff = {**eff, "completeness": -3.0}
            for c, d in eff.items():
                if c == "overall":
                    extra += d
                else:
                    q[c] += d
    q = {c: min(5.0, max(1.0, v)) for c, v in q.items()}
    q["overall"] = min(5.0, max(1.0, sum(q.values()) / len(CRITERIA) + extra * 0.8))
    return q


def decide(v: dict) -> str:
    low = min(v[c] for c in CRITERIA)
    if v["overall"] >= 4 and low >= 3:
        return "accept"
    if v["overall"] <= 2 or low <= 1:
        return "reject"
    return "needs_fix"


def build_annotations(rows: list[dict], w: Writer):
    r = w.rng
    for rec in rows:  # copies share the latent quality of their original
        if "_copy_of" not in rec:
            rec["_q"] = latent(rec, r)
    for rec in rows:
        if "_copy_of" in rec:
            rec["_q"] = dict(rec["_copy_of"]["_q"])
    flagged = [x for x in rows if any(t in x["_tags"] for t in EFFECTS)]
    plain = [x for x in rows if x not in flagged]
    chosen = r.sample(flagged, 36) + r.sample(plain, 84)
    r.shuffle(chosen)
    calib, regular = chosen[:20], chosen[20:]
    queues = {a: [] for a in ANNOTATORS}
    primary = [ANNOTATORS[i % 4] for i in range(len(regular))]
    r.shuffle(primary)
    overlap = set(r.sample(range(len(regular)), 15))
    second = {}
    for i, rec in enumerate(regular):
        queues[primary[i]].append(rec)
        if i in overlap:
            second[i] = r.choice([a for a in ANNOTATORS if a != primary[i]])
            queues[second[i]].append(rec)
    gold = []
    for a in ANNOTATORS:  # three unmarked gold items in each annotator's own queue, three shared
        own = [rec for i, rec in enumerate(regular) if primary[i] == a and i not in overlap]
        bad = [x for x in own if x in flagged]
        first = r.choice(bad) if bad else r.choice(own)
        gold += [first] + r.sample([x for x in own if x is not first], 2)
    gold += r.sample([regular[i] for i in sorted(overlap)], 3)
    out = []
    for a in ANNOTATORS:
        cal = list(calib)
        r.shuffle(cal)
        reg = list(queues[a])
        r.shuffle(reg)
        seq = cal + reg
        t = datetime(2024, 5, 6, 9, 30, tzinfo=UTC) + timedelta(minutes=r.randint(0, 20))
        for pos, rec in enumerate(seq):
            if pos == len(cal):  # regular work starts on the next days; dana does hers in one long afternoon
                t = datetime(2024, 5, 7 + ANNOTATORS.index(a) % 3, 13 if a == "dana" else 8, 45, tzinfo=UTC)
            elif pos > len(cal) and a != "dana" and (pos - len(cal)) % 10 == 0:
                t = t.replace(hour=8, minute=40 + r.randint(0, 15)) + timedelta(days=1)
            out += annotate(rec, a, pos / (len(seq) - 1), t, r)
            minutes = r.uniform(2.5, 6.5) if a != "dana" else max(1.2, 6.0 - 4.5 * pos / len(seq)) + r.uniform(0, 1)
            t += timedelta(minutes=minutes)
    out.sort(key=lambda e: (e["time"], e["annotator"]))
    gold_rows = []
    for rec in gold:
        q = {c: min(5, max(1, round(v))) for c, v in rec["_q"].items()}
        gold_rows += [{"record_id": rec["id"], "field": "overall", "value": q["overall"]},
                      {"record_id": rec["id"], "field": "decision", "value": decide(q)},
                      {"record_id": rec["id"], "field": "category", "value": rec["category"]}]
    info = {
        "annotators": list(ANNOTATORS), "records": len(chosen), "rows": len(out),
        "fields": ["overall", *CRITERIA, "category", "decision"],
        "calibration": sorted(x["id"] for x in calib),
        "overlap": sorted(regular[i]["id"] for i in overlap),
        "gold": sorted(x["id"] for x in gold),
        "items_per_annotator": {a: len(calib) + len(queues[a]) for a in ANNOTATORS},
        "lenient": {"bob": "+1 on every rating (clipped at 5)"},
        "drifting": {"dana": "rating noise grows from sd 0.3 to 1.8 over her sequence; category slips late"},
        "true_overall": {x["id"]: round(x["_q"]["overall"], 2) for x in sorted(chosen, key=lambda x: x["id"])},
    }
    return out, gold_rows, info


def annotate(rec: dict, who: str, progress: float, t: datetime, r: random.Random) -> list[dict]:
    bias = 1.0 if who == "bob" else 0.0
    sd = {"alice": 0.35, "bob": 0.35, "chen": 0.4}.get(who, 0.3 + 1.5 * progress ** 1.5)
    vals = {c: min(5, max(1, round(rec["_q"][c] + bias + r.gauss(0, sd)))) for c in (*CRITERIA, "overall")}
    slip = 0.05 if who != "dana" else 0.03 + 0.3 * progress ** 2
    cat = rec["category"] if r.random() >= slip else CONFUSABLE[rec["category"]]
    rows = []
    for field in (*CRITERIA, "overall", "category", "decision"):
        value = vals.get(field, cat if field == "category" else None)
        if field == "decision":
            value = decide(vals)
        t += timedelta(seconds=r.randint(4, 40))
        rows.append({"record_id": rec["id"], "annotator": who, "field": field, "value": value,
                     "time": t.strftime("%Y-%m-%dT%H:%M:%SZ")})
    return rows


# ------------------------------------------------------------------------------------------- manifest + README
def build_manifest(rows, lines, malformed, pairs, kinds, repeated, identical, ann_info, n_ann, n_gold):
    tags = lambda key: [x for x in rows if key in x["_tags"]]  # noqa: E731
    pii: dict[str, list] = {}
    for x in tags("pii"):
        for t, _v, _where in x["_tags"]["pii"]:
            pii.setdefault(t, []).append(x["id"])
    mains = [words(main_answer(x)) for x in rows]
    outliers = {x["_tags"]["length_outlier"]: {"id": x["id"], "words": words(main_answer(x))}
                for x in tags("length_outlier")}
    assert all(10 <= n <= 600 for x, n in zip(rows, mains) if "length_outlier" not in x["_tags"])
    srt = sorted(mains)
    pw = [(p["id"], words(p["chosen"]), words(p["rejected"])) for p in pairs]
    return {
        "generator": "python data/make_sample.py (random.Random(7), standard library only)",
        "licence": "CC0-1.0",
        "support_conversations": {
            "file": "support_conversations.jsonl", "lines": len(lines), "records": len(rows),
            "malformed_lines": len(malformed),
            "categories": dict(sorted(Counter(x["category"] for x in rows).items(), key=lambda kv: -kv[1])),
            "provenance": dict(Counter(x["provenance"] for x in rows).most_common()),
            "with_system_prompt": sum(x["messages"][0]["role"] == "system" for x in rows),
            "multi_turn": sum(sum(m["role"] == "user" for m in x["messages"]) > 1 for x in rows),
            "main_answer_words": {"min": srt[0], "median": srt[len(srt) // 2], "max": srt[-1],
                                  "share_100_300": round(sum(100 <= n <= 300 for n in mains) / len(mains), 3)},
        },
        "defects": {
            "exact_duplicates": [[x["id"], x["_copy_of"]["id"]] for x in tags("exact_duplicate")],
            "near_duplicates": [[x["id"], x["_copy_of"]["id"]] for x in tags("near_duplicate_edits")],
            "near_duplicate_edits": {x["id"]: x["_tags"]["near_duplicate_edits"] for x in tags("near_duplicate_edits")},
            "pii": {k: sorted(v) for k, v in sorted(pii.items())},
            "pii_values": {x["id"]: [{"type": t, "value": v, "where": wh} for t, v, wh in x["_tags"]["pii"]]
                           for x in sorted(tags("pii"), key=lambda x: x["id"])},
            "forbidden": {x["id"]: x["_tags"]["forbidden"] for x in sorted(tags("forbidden"), key=lambda x: x["id"])},
            "needless_apology": sorted(x["id"] for x in tags("needless_apology")),
            "refusal": {x["id"]: x["_tags"]["refusal"] for x in sorted(tags("refusal"), key=lambda x: x["id"])},
            "repeats_question": sorted(x["id"] for x in tags("repeats_question")),
            "template_placeholder": {x["id"]: x["_tags"]["template_placeholder"] for x in tags("template_placeholder")},
            "length_outliers": outliers,
            "toxic": sorted(x["id"] for x in tags("toxic")),
            "non_english": {x["id"]: x["_tags"]["non_english"] for x in sorted(tags("non_english"), key=lambda x: x["id"])},
            "hostile_html": tags("hostile_html")[0]["id"],
            "malformed": malformed,
        },
        "notes": {
            "ids": "sup-NNNN is the 1-based line number; malformed lines keep an id where the line has one",
            "length_outliers": "main answers under 10 or over 600 words; every other answer is 10-600 words",
            "duplicates": "originals of exact and near duplicates are clean records (no other defect)",
            "assistant_phrases": "apology, refusal and forbidden phrases of the support guidelines "
                                 "(support_guidelines.yaml) occur in assistant turns only where listed here",
        },
        "preferences": {
            "file": "support_preferences.jsonl", "pairs": len(pairs),
            "categories": dict(Counter(p["category"] for p in pairs).most_common()),
            "rejected_kind": kinds,
            "chosen_equals_rejected": identical,
            "repeated_prompt": repeated,
            "rejected_longer": [i for i, c, rj in pw if rj > c],
        },
        "annotations": {"file": "annotations.jsonl", "gold_file": "gold.jsonl", "gold_rows": n_gold, **ann_info},
    }


def readme(m: dict) -> str:
    s, d, p, a = m["support_conversations"], m["defects"], m["preferences"], m["annotations"]
    cats = ", ".join(f"{k} {v} ({v / s['records']:.0%})" for k, v in s["categories"].items())
    ids = lambda xs: ", ".join(xs)  # noqa: E731
    rows = [
        ("Exact duplicates (copy, original)", len(d["exact_duplicates"]),
         ids(f"{c}={o}" for c, o in d["exact_duplicates"])),
        ("Near duplicates (copy, original)", len(d["near_duplicates"]),
         ids(f"{c}~{o}" for c, o in d["near_duplicates"])),
        *[(f"PII: {k}", len(v), ids(v)) for k, v in d["pii"].items()],
        ("Forbidden phrase", len(d["forbidden"]), ids(d["forbidden"])),
        ("Needless apology", len(d["needless_apology"]), ids(d["needless_apology"])),
        ("Refusal where help is possible", len(d["refusal"]), ids(d["refusal"])),
        ("Answer repeats the question", len(d["repeats_question"]), ids(d["repeats_question"])),
        ("Unfilled template placeholder", len(d["template_placeholder"]),
         ids(f"{k} {v}" for k, v in d["template_placeholder"].items())),
        ("Length outlier", len(d["length_outliers"]),
         ids(f"{v['id']} ({k}, {v['words']} words)" for k, v in d["length_outliers"].items())),
        ("Toxic user message", len(d["toxic"]), ids(d["toxic"])),
        ("Non-English", len(d["non_english"]), ids(f"{k} ({v})" for k, v in d["non_english"].items())),
        ("Hostile HTML in user text", 1, d["hostile_html"]),
        ("Malformed line (quarantine)", len(d["malformed"]),
         ids(f"line {x['line']} {x['reason']}" for x in d["malformed"])),
    ]
    table = "\n".join(f"| {name} | {n} | {where} |" for name, n, where in rows)
    ipa = ", ".join(f"{k} {v}" for k, v in a["items_per_annotator"].items())
    return f"""# Sample data

Synthetic data for trying the workbench: `make app` opens it, and the notebooks and tests use it.
Everything here was written for this project and generated by `python data/make_sample.py`
(deterministic: `random.Random(7)`, standard library only; `--out DIR` writes elsewhere). Do not edit
the files by hand: change the script (or `_sample_text.py`, its phrase banks) and run it again;
`tests/test_sample_data.py` checks that the shipped files are exactly what the script writes.

The company, products, people and policies are invented (Brightwell, a shop for smart-home devices
with a companion app and Basic / Plus / Pro plans). The PII values are well-known test values
(payment-card test numbers, the documentation IBANs, the long-void specimen SSN 078-05-1120, IP
addresses from the documentation ranges, phone numbers from ranges reserved for fiction where one
exists) or made up; the e-mail addresses and API keys are random.

## Files

| File | What it holds |
| --- | --- |
| `support_conversations.jsonl` | {s['lines']} lines: {s['records']} customer-support SFT records in OpenAI chat format (`id`, `category`, `messages`, `provenance`) and {s['malformed_lines']} malformed lines |
| `support_preferences.jsonl` | {p['pairs']} DPO pairs in TRL string form (`id`, `category`, `prompt`, `chosen`, `rejected`) |
| `annotations.jsonl` | {a['rows']} reviewer annotations on {a['records']} SFT records, long table (`record_id`, `annotator`, `field`, `value`, `time`) |
| `gold.jsonl` | {a['gold_rows']} expert answers (`record_id`, `field`, `value`) for {len(a['gold'])} annotated records |
| `sample_manifest.json` | machine-readable: which ids carry which defect, counts, annotation design |
| `support_guidelines.yaml` | the sample's customer-support guidelines (written by hand, not generated): criteria, categories and target mix, 100-300 words, apology / refusal / repeated-question rules. The sample project uses them; other data gets the neutral defaults |
| `make_sample.py`, `_sample_text.py` | the generator and its phrase banks |

## Support conversations

Categories: {cats}. Billing is deliberately over-represented against the guidelines' target of 15%.
Provenance: {", ".join(f"{k} {v}" for k, v in s['provenance'].items())}. {s['with_system_prompt']} records
start with a system prompt and {s['multi_turn']} are multi-turn (a clarifying question, a follow-up, or
both). Main answers have a median of {s['main_answer_words']['median']} words; {s['main_answer_words']['share_100_300']:.0%}
are within 100-300 words. Ids are `sup-NNNN`, where NNNN is the line number.

### Defects injected

| Defect | Count | Ids |
| --- | --- | --- |
{table}

The originals of duplicated records carry no other defect. Apology, refusal and forbidden phrases of
the support guidelines appear in assistant turns only where the table lists them.

## Preferences

{p['pairs']} pairs over the same support topics. The rejected answer is worse in one way:
{", ".join(f"{k} {v}" for k, v in Counter(p['rejected_kind'].values()).most_common())}.
Chosen equals rejected (to be quarantined): {ids(p['chosen_equals_rejected'])}. The same prompt is used
by {ids(p['repeated_prompt'])}. The rejected answer is longer than the chosen one in
{len(p['rejected_longer'])} pairs ({ids(p['rejected_longer'])}).

## Annotations

Four annotators ({", ".join(a['annotators'])}) rated {a['records']} records on overall, accuracy,
completeness, tone, length and structure (1-5), labelled the category and decided accept / reject /
needs_fix. A calibration set of {len(a['calibration'])} records was annotated by all four first; of the
remaining {a['records'] - len(a['calibration'])}, {len(a['overlap'])} were annotated by two people and
the rest by one. Items per annotator: {ipa}. Gold items ({len(a['gold'])} records, unmarked in the
queues): {ids(a['gold'])}.

Ratings scatter around a latent true quality that the injected defects lower (forbidden phrases, PII,
refusals, placeholders, length outliers...). bob is systematically lenient (+1); dana drifts: her
ratings get noisier and her category labels slip later in her long session (fatigue).

## Licence

Synthetic, written for this project; released under CC0 1.0 (public domain dedication).
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: next to this script)")
    args = ap.parse_args(argv)
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    w = Writer(random.Random(SEED))
    rows, lines, malformed = build_sft(w)
    pairs, kinds, repeated, identical = build_preferences(w)
    ann, gold, ann_info = build_annotations(rows, w)
    manifest = build_manifest(rows, lines, malformed, pairs, kinds, repeated, identical, ann_info, len(ann), len(gold))
    for vals in manifest["defects"]["pii_values"].values():
        for v in vals:
            assert v["type"] != "credit_card" or luhn_ok(v["value"])
            assert v["type"] != "iban" or iban_ok(v["value"])

    def jsonl(name, objs):
        (out / name).write_text("".join(o + "\n" if isinstance(o, str) else
                                        json.dumps(o, ensure_ascii=False) + "\n" for o in objs),
                                encoding="utf-8", newline="\n")

    jsonl("support_conversations.jsonl", lines)
    jsonl("support_preferences.jsonl", pairs)
    jsonl("annotations.jsonl", ann)
    jsonl("gold.jsonl", gold)
    (out / "sample_manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8", newline="\n")
    (out / "README.md").write_text(readme(manifest), encoding="utf-8", newline="\n")
    print(f"wrote {', '.join(FILES)} to {out}")


if __name__ == "__main__":
    main()
