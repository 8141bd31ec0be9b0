"""2-D map coordinates of every record: UMAP on a seeded sample, the rest placed by their neighbours.

Why not ``UMAP.transform`` for everything: it runs a nearest-neighbour search and an optimisation per
batch, minutes per 100k points on two cores. Here UMAP is fitted once on ``fit_sample`` points; every
other record is placed at the similarity-weighted mean of its ``k`` most similar sampled records of the
same topic (one matrix product per block of a topic, bounded memory). A record therefore lands inside
its topic's region of the map, next to the sampled records it resembles. Same input and seed, same map.
"""
from __future__ import annotations

import warnings

import numpy as np

from workbench.quality.topic_features import seeded_sample

FIT_SAMPLE = 15_000
SMALL = 200              # fewer points than this are laid out by PCA (UMAP's start-up costs seconds)
NEIGHBOURS = 5
BLOCK = 4_096


def umap_2d(x: np.ndarray, seed: int = 0, n_neighbors: int = 15, n_epochs: int | None = None) -> np.ndarray:
    """UMAP of the rows of ``x`` (unit vectors) to 2-D, seeded (single-threaded, so reproducible)."""
    n = len(x)
    if n < SMALL:  # a few hundred points: the two main axes show them as well, in milliseconds
        return _pca_2d(x)
    import umap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by random_state", spectral-init fallbacks
        reducer = umap.UMAP(n_components=2, n_neighbors=min(n_neighbors, n - 1), min_dist=0.1,
                            metric="euclidean", random_state=seed, n_epochs=n_epochs,
                            init="spectral" if n > 50 else "random", low_memory=True)
        out = reducer.fit_transform(x)
    return np.asarray(out, dtype=np.float32)


def _pca_2d(x: np.ndarray) -> np.ndarray:
    """The rows of ``x`` on their two main axes (signs fixed, so the layout is deterministic)."""
    out = np.zeros((len(x), 2), dtype=np.float32)
    if len(x) < 2:
        return out
    centred = x - x.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    proj = centred @ vt[:2].T
    proj *= np.where(proj.sum(axis=0) < 0, -1.0, 1.0)  # fix the sign SVD leaves free
    out[:, : proj.shape[1]] = proj
    return out


def map_coordinates(x: np.ndarray, topic: np.ndarray, seed: int = 0, fit_sample: int = FIT_SAMPLE,
                    neighbours: int = NEIGHBOURS, n_epochs: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """2-D coordinates of every row of ``x`` and which rows UMAP saw.

    Parameters
    ----------
    x : ndarray (n, d) float32
        Unit-length feature rows (zero rows for empty texts).
    topic : ndarray (n,) int
        Topic of each row (-1 for none): rows are placed among sampled rows of their own topic.
    seed : int
        Seeds the sample and UMAP.
    fit_sample : int
        Rows UMAP is fitted on.
    neighbours : int
        Sampled rows whose coordinates are averaged to place another row.

    Returns
    -------
    (coords, sampled)
        ``coords`` float32 ``(n, 2)``; ``sampled`` the sorted positions UMAP was fitted on.
    """
    n = len(x)
    coords = np.zeros((n, 2), dtype=np.float32)
    if n == 0:
        return coords, np.zeros(0, dtype=np.int64)
    sampled = _stratified_sample(topic, fit_sample, seed)
    coords[sampled] = umap_2d(x[sampled], seed, n_epochs=n_epochs)
    rest = np.ones(n, dtype=bool)
    rest[sampled] = False
    for t in np.unique(topic):
        queries = np.flatnonzero(rest & (topic == t))
        if not len(queries):
            continue
        refs = sampled[topic[sampled] == t]
        if not len(refs):
            refs = sampled
        coords[queries] = _place(x, queries, refs, coords[refs], neighbours)
    return coords, sampled


def _stratified_sample(topic: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A seeded sample of ``size`` rows that holds at least a few rows of every topic (small topics
    would otherwise have no sampled rows to be placed among)."""
    n = len(topic)
    base = seeded_sample(n, size, seed)
    if n <= size:
        return base
    rng = np.random.default_rng(seed + 1)
    extra = []
    have = np.bincount(topic[base] + 1, minlength=int(topic.max()) + 2)
    for t in np.unique(topic):
        if have[t + 1] < 20:
            members = np.flatnonzero(topic == t)
            extra.append(rng.choice(members, size=min(20, len(members)), replace=False))
    return np.unique(np.concatenate([base, *extra])) if extra else base


def _place(x: np.ndarray, queries: np.ndarray, refs: np.ndarray, ref_xy: np.ndarray, k: int) -> np.ndarray:
    """Similarity-weighted mean of the ``k`` most similar reference rows' coordinates."""
    k = min(k, len(refs))
    ref_x = x[refs]
    out = np.empty((len(queries), 2), dtype=np.float32)
    for lo in range(0, len(queries), BLOCK):
        q = queries[lo:lo + BLOCK]
        sims = x[q] @ ref_x.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k] if k < len(refs) else \
            np.broadcast_to(np.arange(len(refs)), (len(q), len(refs)))
        w = np.clip(np.take_along_axis(sims, top, axis=1), 0.0, None) + 1e-3
        out[lo:lo + len(q)] = (ref_xy[top] * w[:, :, None]).sum(axis=1) / w.sum(axis=1, keepdims=True)
    return out
