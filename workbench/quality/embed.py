"""Static text embeddings that ship inside a PyPI wheel: WordLlama's 256-d "l2_supercat" weights.

Why this model: it needs no network (the weights and tokenizer are in the ``wordllama`` wheel, 16 MB),
runs on the CPU without torch, and embeds about 45k short prompts a second on one core here. Its plain
``WordLlama.load()`` tries to download a tokenizer file it already ships, so it is loaded from its own
package folder with downloads disabled.

The model is loaded once per process (:func:`model`). Semantic duplicates embed the prompts with
:func:`embed_texts`; the task-type features average the same model's embedding table over their own
tokens (``task_features``); topics and the map use byte n-grams (``topic_features``), so one
``compute_signals`` run embeds each prompt once.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np
import pyarrow as pa

DIM = 256
BATCH = 20_000          # texts per call into the model: bounded memory for any dataset size
MAX_CHARS = 2_000       # a prompt's topic and type are in its opening; long texts are cut (speed, memory)


@functools.lru_cache(maxsize=1)
def model():
    """The WordLlama model, loaded offline from the installed package (cached per process)."""
    import os

    import wordllama
    from wordllama import WordLlama

    return WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True, dim=DIM)


def _as_list(texts: Sequence[str | None] | pa.Array | pa.ChunkedArray | Iterable[str | None]) -> list[str]:
    if isinstance(texts, (pa.Array, pa.ChunkedArray)):
        texts = texts.to_pylist()
    return [(t or "")[:MAX_CHARS] for t in texts]


def embed_texts(texts, normalize: bool = True) -> np.ndarray:
    """Embed ``texts`` (list, numpy or Arrow string array) as float32 rows of length :data:`DIM`.

    Rows are L2-normalised by default (so a dot product is the cosine). Empty or missing texts give a
    zero row. Work is done in batches of :data:`BATCH` texts so memory stays bounded.
    """
    items = _as_list(texts)
    out = np.zeros((len(items), DIM), dtype=np.float32)
    if not items:
        return out
    m = model()
    for start in range(0, len(items), BATCH):
        chunk = items[start:start + BATCH]
        vec = np.asarray(m.embed(chunk, norm=False, return_np=True, batch_size=256), dtype=np.float32)
        if normalize:
            norms = np.linalg.norm(vec, axis=1, keepdims=True)
            np.divide(vec, norms, out=vec, where=norms > 0)
        empty = np.fromiter((not t.strip() for t in chunk), dtype=bool, count=len(chunk))
        vec[empty] = 0.0
        out[start:start + len(chunk)] = vec
    return out
