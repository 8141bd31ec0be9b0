"""2-D map coordinates of every record.

Two layouts. :func:`anchored_layout` (the default of the topics signal) is O(n) and needs no
optimisation: topic centres laid out by metric MDS, records placed around them. :func:`map_coordinates`
is UMAP on a seeded sample with the rest placed beside their most similar sampled records.

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


def anchored_layout(x: np.ndarray, topic: np.ndarray, centres: np.ndarray, seed: int = 0,
                    temperature: float = 0.05, sample: int = 2_000) -> np.ndarray:
    """2-D coordinates in O(n): topics laid out by metric MDS of their centres, records around them.

    Each record sits at the softmax(cosine / ``temperature``) mix of the topic anchors (so a record
    between two topics lies between their regions) plus its offset from its topic centre on the topic's
    two main axes (so a topic's inner structure shows), scaled to a radius that grows with the topic's
    size. Memory: one ``(batch, k)`` block at a time. Deterministic for a seed.
    """
    n, k = len(x), len(centres)
    out = np.zeros((n, 2), dtype=np.float32)
    if n == 0 or k == 0:
        return out
    anchors = _anchors(centres)
    spacing = _min_spacing(anchors)
    sizes = np.bincount(topic[topic >= 0], minlength=k).astype(float)
    radius = 0.45 * spacing * np.sqrt(sizes / max(sizes.max(), 1.0)) + 0.05 * spacing
    axes = np.zeros((k, 2, x.shape[1]), dtype=np.float32)
    scale = np.ones(k, dtype=np.float32)
    rng = np.random.default_rng(seed)
    for t in range(k):
        members = np.flatnonzero(topic == t)
        if len(members) > sample:
            members = np.sort(rng.choice(members, sample, replace=False))
        if len(members) < 3:
            continue
        local = x[members] - centres[t]
        _, _, vt = np.linalg.svd(local, full_matrices=False)
        vt = vt[:2] * np.where((local @ vt[:2].T).sum(axis=0) < 0, -1.0, 1.0)[:, None]
        axes[t, : len(vt)] = vt
        spread = np.quantile(np.linalg.norm(local @ vt.T, axis=1), 0.95)
        scale[t] = radius[t] / spread if spread > 0 else 0.0
    for lo in range(0, n, 50_000):
        xb = x[lo:lo + 50_000]
        logits = (xb @ centres.T) / temperature
        logits -= logits.max(axis=1, keepdims=True)
        w = np.exp(logits)
        w /= w.sum(axis=1, keepdims=True)
        pos = w @ anchors
        t = topic[lo:lo + 50_000]  # type: ignore[assignment]  # a narrowing mypy cannot follow
        ok = t >= 0
        local = xb[ok] - centres[t[ok]]  # type: ignore[index]  # a narrowing mypy cannot follow
        offset = np.einsum("nd,ncd->nc", local, axes[t[ok]]) * scale[t[ok], None]  # type: ignore[arg-type, index]  # a narrowing mypy cannot follow
        pos[ok] += offset
        out[lo:lo + len(xb)] = pos
    return out


def _anchors(centres: np.ndarray) -> np.ndarray:
    """2-D positions of the topic centres: metric MDS of their cosine distances (PCA start)."""
    k = len(centres)
    if k == 1:
        return np.zeros((1, 2))
    dist = np.sqrt(np.clip(2.0 - 2.0 * (centres @ centres.T), 0.0, None)).astype(float)
    pos = _pca_2d(centres).astype(float)
    # metric MDS by SMACOF (Guttman transform), started from the PCA layout: deterministic, and a
    # few hundred iterations over at most 50 points cost milliseconds
    for _ in range(300):
        cur = np.linalg.norm(pos[:, None] - pos[None], axis=2)
        ratio = np.divide(dist, cur, out=np.zeros_like(dist), where=cur > 1e-12)
        b = -ratio
        np.fill_diagonal(b, 0.0)
        np.fill_diagonal(b, -b.sum(axis=1))
        nxt = b @ pos / k
        if np.abs(nxt - pos).max() < 1e-7:
            pos = nxt
            break
        pos = nxt
    return pos


def _min_spacing(anchors: np.ndarray) -> float:
    """Median distance from each anchor to its nearest other anchor (the unit of topic radii)."""
    if len(anchors) < 2:
        return 1.0
    d = np.linalg.norm(anchors[:, None] - anchors[None], axis=2)
    np.fill_diagonal(d, np.inf)
    return float(np.median(d.min(axis=1))) or 1.0


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
