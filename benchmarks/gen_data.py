"""Deterministic synthetic corpora for the benchmarks (generated, never committed).

Every record format the loader reads has a seeded writer: OpenAI chat, Alpaca (with and without an id
column), ShareGPT (``conversations`` with from/value, system turns, multi-turn) and DPO preference pairs
(``prompt/chosen/rejected`` as strings, and as message lists). The text is drawn from a pool of ordinary
English sentences (reused, varied in number and order), so record sizes and string contents look like
real instruction data rather than a handful of repeated words.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = ("account billing refund order shipping package delivery password reset invoice plan upgrade "
         "downgrade cancel subscription charge card payment address tracking return label warranty device "
         "error login email support ticket update settings profile verify code network battery screen").split()
CATEGORIES = ["billing", "account", "shipping", "returns", "technical", "product", "other"]

QUESTIONS = [
    "How do I reset my password if I no longer have access to the email on my account?",
    "Write a short poem about the first snow of winter falling on a quiet city.",
    "Explain the difference between a list and a tuple in Python, with an example of each.",
    "What are three practical ways to reduce food waste at home?",
    "Summarize the main causes of the French Revolution in a few sentences.",
    "Can you help me draft a polite email asking my landlord to fix the heating?",
    "Why is the sky blue during the day but red at sunset?",
    "Give me a recipe for a vegetarian lasagna that serves six people.",
    "Translate the following sentence into Spanish: 'The library opens at nine tomorrow.'",
    "What should I consider before adopting a dog from a shelter?",
    "Describe how photosynthesis works to a ten-year-old.",
    "List the planets of the solar system in order from the sun.",
    "How can I improve my sleep when I work night shifts?",
    "Write a SQL query that returns the ten customers with the highest total order value.",
    "What is the capital of Australia, and why isn't it Sydney?",
    "Suggest a name for a small bakery that specialises in sourdough bread.",
    "Compare renting and buying a home for someone who moves every few years.",
    "How do vaccines train the immune system?",
    "Rewrite this paragraph so that it sounds more formal.",
    "What's a good way to start learning to play the guitar as an adult?",
]
INPUTS = [
    "The meeting has been moved to Thursday at 3 pm in room 204.",
    "Our quarterly revenue grew by 12% while costs stayed flat.",
    "I bought the blue jacket last week but it is too small.",
    "def add(a, b):\n    return a + b",
    "Temperatures will drop below freezing overnight, with light snow expected by morning.",
    "The café on Rue Lépic serves crêpes until midnight.",
    "Customer reports that the app crashes when uploading photos larger than 10 MB.",
]
SENTENCES = [
    "Sure, here is a step-by-step explanation.",
    "First, open the settings page and select the security tab.",
    "The main reason is that shorter wavelengths of light are scattered more strongly by the atmosphere.",
    "You can store the result in a variable and print it afterwards.",
    "Keep in mind that prices and availability may vary by region.",
    "This approach works well for small datasets, but it does not scale to millions of rows.",
    "In summary, both options have trade-offs, and the right choice depends on your situation.",
    "Preheat the oven to 190 °C and grease a large baking dish.",
    "Layer the pasta, the roasted vegetables and the ricotta mixture, then repeat twice.",
    "A tuple is immutable, which means its elements cannot be changed after it is created.",
    "The revolution was driven by fiscal crisis, food shortages and resentment of aristocratic privilege.",
    "Canberra was chosen as a compromise between Sydney and Melbourne in 1908.",
    "Try to keep your bedroom dark and cool, and avoid caffeine in the six hours before sleep.",
    "Here is a query that groups orders by customer and sorts by the total.",
    "Plants use sunlight to turn water and carbon dioxide into sugar and oxygen.",
    "Dogs from shelters are often already house-trained and vaccinated.",
    "If the problem persists, please contact our support team with your order number.",
    "Start with a few simple chords and practise for fifteen minutes every day.",
    "Vaccines expose the immune system to a harmless piece of a pathogen so that it learns to recognise it.",
    "Renting gives you flexibility, while buying builds equity over the long term.",
    "Let me know if you would like a longer or more detailed version.",
    "Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus and Neptune.",
    "« La bibliothèque ouvre à neuf heures demain », or in Spanish: «La biblioteca abre a las nueve mañana».",
    "Note: the function returns None when the input list is empty.",
    "Dear Mr. Alvarez, I am writing to let you know that the heating in my flat has stopped working.",
    "Freeze leftovers in portions, plan meals around what is already in the fridge, and compost scraps.",
    "The answer depends on the version you are using; newer releases changed the default.",
    "Each step below takes about five minutes.",
]
SYSTEMS = ["You are a helpful assistant.", "You are a concise, friendly support agent.",
           "Answer as briefly as possible.", "You are an expert tutor who explains things step by step."]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def question(rng: random.Random) -> str:
    q = rng.choice(QUESTIONS)
    return q if rng.random() < 0.7 else q + " " + rng.choice(SENTENCES)


def answer(rng: random.Random, lo: int = 2, hi: int = 9) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(lo, hi)))


def openai_record(rng: random.Random, i: int) -> dict:
    msgs = [{"role": "user", "content": " ".join(sentence(rng, rng.randint(6, 14)) for _ in range(2))},
            {"role": "assistant", "content": " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(6))}]
    if i % 5 == 0:
        msgs = [{"role": "system", "content": "You are a helpful support agent."}] + msgs
    return {"id": f"rec-{i:07d}", "category": CATEGORIES[i % len(CATEGORIES)], "messages": msgs}


def alpaca_record(rng: random.Random, i: int, with_id: bool = False) -> dict:
    rec = {"id": f"alp-{i:07d}"} if with_id else {}
    rec.update({"instruction": question(rng), "input": rng.choice(INPUTS) if rng.random() < 0.35 else "",
                "output": answer(rng)})
    if i % 10 == 0:
        rec["system"] = rng.choice(SYSTEMS)
    return rec


def sharegpt_record(rng: random.Random, i: int) -> dict:
    turns = []
    if i % 6 == 0:
        turns.append({"from": "system", "value": rng.choice(SYSTEMS)})
    for _ in range(rng.choice((1, 1, 1, 2, 3))):  # mostly single-turn, some multi-turn
        turns += [{"from": "human", "value": question(rng)}, {"from": "gpt", "value": answer(rng, 1, 6)}]
    rec = {"id": f"sg-{i:07d}", "conversations": turns}
    if i % 4 == 0:
        rec["source"] = "sharegpt-bench"
    return rec


def dpo_record(rng: random.Random, i: int) -> dict:
    chosen = answer(rng, 2, 7)
    rejected = answer(rng, 1, 4)
    if rejected == chosen:
        rejected += " (shorter)"
    return {"prompt": question(rng), "chosen": chosen, "rejected": rejected}


def dpo_messages_record(rng: random.Random, i: int) -> dict:
    rec = dpo_record(rng, i)
    prompt = [{"role": "user", "content": rec["prompt"]}]
    if i % 8 == 0:
        prompt = [{"role": "system", "content": rng.choice(SYSTEMS)}] + prompt
    return {"prompt": prompt, "chosen": [{"role": "assistant", "content": rec["chosen"]}],
            "rejected": [{"role": "assistant", "content": rec["rejected"]}]}


WRITERS = {
    "openai": openai_record,
    "alpaca_ids": lambda rng, i: alpaca_record(rng, i, True),
    "alpaca": alpaca_record,
    "sharegpt": sharegpt_record,
    "dpo": dpo_record,
    "dpo_messages": dpo_messages_record,
}


def write_jsonl(path: Path, kind: str, n: int, seed: int = 0) -> Path:
    """Write ``n`` records of ``kind`` (a key of ``WRITERS``) unless the file already exists."""
    path = Path(path)
    if path.exists():
        return path
    make = WRITERS[kind]
    rng = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(make(rng, i), ensure_ascii=False) + "\n")
    tmp.rename(path)
    return path


def write_openai_jsonl(path: Path, n: int, seed: int = 0) -> Path:
    """Write ``n`` OpenAI-chat records (~700 bytes each) unless the file already exists."""
    return write_jsonl(path, "openai", n, seed)
