"""Topics of the prompts and a 2-D map of the records, for datasets that come without labels.

Every record gets a ``topic`` (0 is the largest topic; -1 when it has no prompt text), a readable
``topic_label`` (its topic's most distinctive terms, ``quality.topic_terms``), ``topic_similarity``
(cosine to its topic's centre: low = atypical) and map coordinates ``map_x`` / ``map_y``.

How, in bounded memory and seeded (same input and seed -> same ids, labels and coordinates):
1. the prompt (user turns) is projected into a topic space fitted on a sample
   (``quality.topic_features``: hashed byte n-gram TF-IDF + truncated SVD, unit rows), beside a few
   weighted columns for the record's form (``record_form``: a multi-turn conversation, tools, the
   prompt's length), because what a dataset is made of is also how its records are shaped: on a mixture
   of Alpaca, tool-calling chats, HH-RLHF conversations and MT-bench questions the form columns raise the
   topics' agreement with the source files from NMI 0.26 to 0.47 (``benchmarks/bench_topics.py``);
2. spherical k-means (``MiniBatchKMeans`` on the unit rows) is fitted on the same sample with twice
   the most topics (:func:`choose_k`) as sub-clusters, which are then merged by Ward's criterion
   (:func:`ward_merge`) while a merge costs under 2% of the sample's variance (down to a third of the
   most topics, at least 2): a dataset made of a few unlike parts gets about one topic per part instead of
   a large part cut into many topics. On the mixture above the agreement rises from NMI 0.45 (k = 12)
   to 0.63 (k = 4; 0.55-0.59 for seeds 1-3), over every benchmark file from 0.61 (k = 15) to 0.70
   (k = 5); every record takes the topic of its most similar sub-cluster, batch by batch;
3. topics are renumbered by size and labelled by class-based TF-IDF over the sample;
4. the map (``quality.mapcoords``): by default topics are laid out by metric MDS of their centres and
   each record is placed at its similarity-weighted mix of topic anchors plus its offset on its
   topic's two main axes: O(n), seconds at 1M. ``map_method="umap"`` fits UMAP on a sample instead and
   places the rest beside their most similar sampled records; on this 2-core machine under load UMAP
   took 50 s for 2,000 points and 150 s for 4,000 after a 130 s JIT start, too slow for a default.

Topics describe the data; they flag nothing (``is_topics_issue`` is all False) and the score is the
similarity to the topic centre, so sorting by it puts a topic's least typical records first.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.model.turns import as_strings
from workbench.quality.base import Signal, SignalContext, SignalResult
from workbench.quality.topic_features import TopicSpace, seeded_sample, take
from workbench.quality.topic_terms import class_tfidf, label_of

ASSIGN_BATCH = 50_000
SVD_SAMPLE = 10_000
# texts hashed into n-gram counts at a time: 50k (the features' default) held ~1.1 GB of hashing temporaries
# at once in a 1M-record report; rows are projected one by one, so the batch does not change them
TRANSFORM_BATCH = 10_000


def choose_k(n: int) -> int:
    """Most topics for ``n`` records with text: about sqrt(n / 25), between 5 and 50 (fewer for tiny data)."""
    if n < 25:
        return max(1, n // 5)
    return int(np.clip(round(np.sqrt(n / 25)), 5, 50))


MERGE_COST = 0.02   # stop merging sub-clusters when the next merge would cost this share of the total variance


def ward_merge(x: np.ndarray, fine: np.ndarray, k_fine: int, k_max: int, k_min: int,
               max_cost: float = MERGE_COST) -> np.ndarray:
    """Group ``k_fine`` sub-clusters into topics by Ward's criterion on their member means.

    Sub-clusters are merged, cheapest first, while the merge's rise in within-cluster sum of squares,
    ``n_a n_b / (n_a + n_b) |mean_a - mean_b|^2``, stays under ``max_cost`` of the total sum of squares of
    ``x`` and there are more than ``k_min`` groups; then on down to ``k_max`` groups whatever the cost.
    A dataset made of a few unlike parts keeps one topic per part (a large homogeneous source is not cut
    into many topics, which is what splits it across topics), while a homogeneous one keeps its cheap
    merges to ``k_min``. Deterministic: ties go to the lowest pair of ids.

    Returns
    -------
    ndarray[int64] (k_fine,)
        Group of each sub-cluster, ``0..g-1`` numbered by their lowest sub-cluster id.
    """
    x = np.asarray(x, dtype=np.float64)
    sums = np.zeros((k_fine, x.shape[1]))
    np.add.at(sums, fine, x)
    size = np.bincount(fine, minlength=k_fine).astype(np.float64)
    total = float(((x - x.mean(axis=0)) ** 2).sum()) or 1.0
    group = np.arange(k_fine)
    alive = members = np.flatnonzero(size > 0)
    while len(alive) > 1:
        means = sums[alive] / size[alive, None]
        na = size[alive]
        d2 = ((means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
        cost = na[:, None] * na[None, :] / (na[:, None] + na[None, :]) * d2
        cost[np.tril_indices(len(alive))] = np.inf
        i, j = np.unravel_index(np.argmin(cost), cost.shape)
        if len(alive) <= k_max and (len(alive) <= k_min or cost[i, j] > max_cost * total):
            break
        a, b = alive[i], alive[j]
        sums[a] += sums[b]
        size[a] += size[b]
        size[b] = 0
        group[group == b] = a
        alive = np.delete(alive, j)
    out = np.zeros(k_fine, dtype=np.int64)  # a sub-cluster with no member stays in group 0 (it has no weight)
    out[members] = np.unique(group[members], return_inverse=True)[1]
    return out


@dataclass
class Topics:
    """The outcome of :func:`find_topics`.

    Attributes
    ----------
    topic : ndarray[int64]
        Topic per record, 0 = largest; -1 for records without text.
    similarity : ndarray[float32]
        Cosine similarity of each record to its topic centre (0 for -1).
    labels, terms : list
        Per topic: a short label and its (term, weight) list.
    features : ndarray (n, d) float32
        The unit-length topic-space rows (the map is built from them).
    centres : ndarray (k, d) float32
        Unit topic centres, row ``t`` for topic ``t``.
    sample : ndarray[int64]
        Positions the topic space and k-means were fitted on.
    """

    topic: np.ndarray
    similarity: np.ndarray
    labels: list[str]
    terms: list[list[tuple[str, float]]]
    features: np.ndarray
    sample: np.ndarray
    centres: np.ndarray


FORM_WEIGHT = 0.6  # weight of the form columns beside the unit-length text features (0.3: NMI 0.36, 1.0: 0.47)


def record_form(table: pa.Table, views) -> np.ndarray:
    """Form columns of every record (float32, n x 4): two or more user turns, four or more, tool use (tool
    turns, tool calls, or a ``tools`` list in the metadata), and the prompt's log length (/ 8)."""
    n = table.num_rows
    turns = views.turns
    users = np.bincount(turns.parent[turns.role == "user"], minlength=n) if len(turns) else np.zeros(n, np.int64)
    tool_turn = np.isin(turns.role, ["tool", "function", "observation", "function_call"]) | turns.has_tool_calls
    tools = np.zeros(n, dtype=bool)
    if tool_turn.any():
        tools[turns.parent[tool_turn]] = True
    meta = table.column("metadata")
    if meta.null_count < n:
        tools |= pc.fill_null(pc.match_substring(meta, '"tools"'), False).to_numpy(zero_copy_only=False)
    chars = pc.utf8_length(views.prompt).to_numpy(zero_copy_only=False).astype(np.float32)
    return np.column_stack([users >= 2, users >= 4, tools, np.log1p(chars) / 8.0]).astype(np.float32)


def find_topics(texts, k: int = 0, seed: int = 0, sample: int = 50_000, dims: int = 64,
                n_terms: int = 8, form: np.ndarray | None = None) -> Topics:
    """Cluster ``texts`` into topics (see the module docstring).

    Parameters
    ----------
    texts : list, numpy or Arrow string array
        One text per record (e.g. its prompt).
    k : int
        Number of topics (plain k-means); 0: k-means sub-clusters merged by :func:`ward_merge`, at most
        :func:`choose_k` of the number of non-empty texts.
    seed : int
        Seeds the sample, the SVD and k-means.
    sample : int
        Records the topic space, k-means and labels are fitted on.
    form : ndarray (n, f), optional
        Form columns (:func:`record_form`) set beside the text features, weighted by ``FORM_WEIGHT``.
    """
    arr = as_strings(texts)
    n = len(arr)
    lengths = pc.utf8_length(pc.utf8_trim_whitespace(arr)).to_numpy(zero_copy_only=False)
    has_text = np.flatnonzero(lengths > 0)
    topic = np.full(n, -1, dtype=np.int64)
    sim = np.zeros(n, dtype=np.float32)
    if not len(has_text):
        return Topics(topic, sim, [], [], np.zeros((n, 1), np.float32), np.zeros(0, np.int64), np.zeros((0, 1)))
    fit_rows = has_text[seeded_sample(len(has_text), sample, seed)]
    fit_texts = take(arr, fit_rows)
    # the projection needs far fewer texts than k-means: its cost grows with the sample's n-grams
    space = TopicSpace.fit(take(arr, fit_rows[seeded_sample(len(fit_rows), SVD_SAMPLE, seed)]), dims=dims, seed=seed)
    x = space.transform(arr, batch=TRANSFORM_BATCH)
    if form is not None:
        x = np.hstack([x, FORM_WEIGHT * np.asarray(form, np.float32)])
        x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    if k:  # a fixed number of topics: k-means with k centres
        k = min(k, len(fit_rows))
        km = _kmeans(x[fit_rows], k, seed)
        fine_centres, group = km.cluster_centers_, np.arange(k)
    else:  # automatic: twice the most topics as sub-clusters, then merged by Ward's criterion
        k_max = min(choose_k(len(has_text)), len(fit_rows))
        k_fine = min(2 * k_max, len(fit_rows))
        km = _kmeans(x[fit_rows], k_fine, seed)
        fine_centres = km.cluster_centers_
        fit_fine = np.asarray(km.labels_, dtype=np.int64)
        group = ward_merge(x[fit_rows], fit_fine, k_fine, k_max, max(2, k_max // 3)) if k_fine > 1 else np.zeros(1, np.int64)
        k = int(group.max()) + 1
    # a topic's centre: the size-weighted mean of its sub-clusters' centres (the mean of its sample rows)
    fine_sizes = np.bincount(np.asarray(km.labels_, dtype=np.int64), minlength=len(fine_centres)).astype(np.float32)
    centres = np.zeros((k, x.shape[1]), dtype=np.float32)
    np.add.at(centres, group, np.asarray(fine_centres, np.float32) * fine_sizes[:, None])
    centres = _unit(centres)
    keep = fine_sizes > 0 if len(fine_centres) > k else np.ones(len(fine_centres), bool)  # no empty sub-cluster
    fine_centres, group = _unit(np.asarray(fine_centres, np.float32)[keep]), group[keep]
    raw = np.full(n, -1, dtype=np.int64)
    for lo in range(0, len(has_text), ASSIGN_BATCH):
        rows = has_text[lo:lo + ASSIGN_BATCH]
        raw[rows] = group[(x[rows] @ fine_centres.T).argmax(axis=1)]  # the topic of its nearest sub-cluster
        sim[rows] = np.einsum("ij,ij->i", x[rows], centres[raw[rows]])
    # renumber by size (largest first; ties by the old id, itself seeded) so ids are stable and meaningful
    sizes = np.bincount(raw[has_text], minlength=k)
    order = np.lexsort((np.arange(k), -sizes))
    new_id = np.empty(k, dtype=np.int64)
    new_id[order] = np.arange(k)
    topic[has_text] = new_id[raw[has_text]]
    top_terms = class_tfidf(fit_texts.to_pylist(), topic[fit_rows], k, n_terms)
    labels = [label_of(t) for t in top_terms]
    return Topics(topic, np.clip(sim, 0.0, 1.0), labels, top_terms, x, fit_rows, centres[order])


def _kmeans(x: np.ndarray, k: int, seed: int):
    from sklearn.cluster import MiniBatchKMeans

    return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3, batch_size=4096, max_iter=100).fit(x)


def _unit(a: np.ndarray) -> np.ndarray:
    return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)


def topic_overview(frame: pd.DataFrame, labels: dict | list | None = None) -> pd.DataFrame:
    """One row per topic: size, share, label and, when the frame has them, the task-type mix and the
    share of records flagged by any signal.

    Parameters
    ----------
    frame : DataFrame
        A signal frame with ``topic`` (and ``topic_label``); optional ``task_type`` and
        ``is_<signal>_issue`` columns (``compute_signals(...).frame`` has them all).
    labels : dict or list, optional
        Topic id -> label, when the frame has no ``topic_label``.

    Returns
    -------
    DataFrame
        Index ``topic``; columns ``label``, ``size``, ``share``, ``task_types`` (dict type -> share,
        most common first) and ``flag_rate`` when available. Sorted by size.
    """
    if "topic" not in frame.columns:
        raise KeyError("the frame has no 'topic' column: compute the 'topics' signal first")
    topic = frame["topic"].to_numpy()
    out = pd.DataFrame({"size": pd.Series(topic).value_counts()})
    out.index.name = "topic"
    out["share"] = out["size"] / max(len(topic), 1)
    if "topic_label" in frame.columns:
        out["label"] = frame.groupby("topic", sort=False)["topic_label"].first().reindex(out.index)
    elif labels is not None:
        lab = dict(enumerate(labels)) if isinstance(labels, list) else {int(k): v for k, v in labels.items()}
        out["label"] = [lab.get(int(t), "(no text)" if t == -1 else "") for t in out.index]
    if "task_type" in frame.columns:
        mix = pd.crosstab(frame["topic"], frame["task_type"], normalize="index")
        out["task_types"] = [{k: round(float(v), 4) for k, v in mix.loc[t].sort_values(ascending=False).items() if v > 0}
                             for t in out.index]
    flags = [c for c in frame.columns if c.startswith("is_") and c.endswith("_issue") and c != "is_topics_issue"]
    if flags:
        any_flag = frame[flags].fillna(False).astype(bool).any(axis=1)
        out["flag_rate"] = any_flag.groupby(frame["topic"]).mean().reindex(out.index)
    return out


class TopicsSignal(Signal):
    """Topics and map coordinates of every record (see the module docstring).

    Columns: ``topic``, ``topic_label``, ``topic_similarity``, ``map_x``, ``map_y``. Summary:
    ``topics`` (per topic: id, label, terms, size, share, and ``task_types`` / ``flag_rate`` when the
    task-type signal or flagging signals ran before it in the same run), ``k``, ``method``.
    """

    name = "topics"
    version = "3"

    @dataclass(frozen=True)
    class Config:
        k: int = 0                 # 0: automatic (sub-clusters merged while cheap, at most choose_k)
        seed: int = 0
        sample: int = 50_000       # records the topic space and k-means are fitted on
        dims: int = 64
        n_terms: int = 8
        form: bool = True          # the record's form (turns, tools, length) counts beside its words
        map: bool = True
        map_method: str = "anchored"  # or "umap": UMAP on map_sample records, the rest placed beside them
        map_sample: int = 5_000    # records UMAP is fitted on (map_method="umap")
        map_epochs: int = 0        # 0: UMAP's default for the sample size

    def compute(self, table: pa.Table, ctx: SignalContext) -> SignalResult:
        c = self.config
        views = ctx.views(table)
        found = find_topics(views.prompt, c.k, c.seed, c.sample, c.dims, c.n_terms,
                            form=record_form(table, views) if c.form else None)
        n = table.num_rows
        label_arr = np.array([*found.labels, "(no text)"], dtype=object)
        frame = pd.DataFrame({
            "is_topics_issue": np.zeros(n, dtype=bool),
            "topics_score": found.similarity.astype(float),
            "topic": found.topic,
            "topic_label": label_arr[found.topic],  # -1 indexes the trailing "(no text)"
            "topic_similarity": found.similarity,
        })
        map_info: dict = {}
        if c.map and n:
            from workbench.quality.mapcoords import anchored_layout, map_coordinates  # only when mapping

            if c.map_method == "umap":
                xy, sampled = map_coordinates(found.features, found.topic, c.seed, c.map_sample,
                                              n_epochs=c.map_epochs or None)
                map_info = {"map": "umap on a sample, the rest placed among their topic's sampled neighbours",
                            "map_fitted_on": int(len(sampled))}
            elif c.map_method == "anchored":
                xy = anchored_layout(found.features, found.topic, found.centres, c.seed)
                map_info = {"map": "topics placed by MDS of their centres, records around them", "map_fitted_on": 0}
            else:
                raise ValueError(f"map_method must be 'anchored' or 'umap', got {c.map_method!r}")
            frame["map_x"], frame["map_y"] = xy[:, 0], xy[:, 1]
        overview = topic_overview(self._with_earlier(frame, ctx), found.labels)
        topics = []
        for t, row in overview.iterrows():
            entry = {"topic": int(t), "label": row.get("label", ""), "size": int(row["size"]),
                     "share": round(float(row["share"]), 4),
                     "terms": [term for term, _ in found.terms[t]] if t >= 0 else []}
            for extra in ("task_types", "flag_rate"):
                if extra in overview.columns:
                    entry[extra] = row[extra]
            topics.append(entry)
        summary = {"k": len(found.labels), "method": "hashed byte n-gram TF-IDF + SVD" + (
                       " + record form" if c.form else "") + (
                       ", spherical k-means" if c.k else ", spherical k-means sub-clusters merged by Ward's criterion"),
                   "topics": topics}
        return self.result(frame, summary, {"fitted_on": int(len(found.sample)), **map_info})

    @staticmethod
    def _with_earlier(frame: pd.DataFrame, ctx: SignalContext) -> pd.DataFrame:
        """``frame`` plus the task types and issue flags of signals computed earlier in this run."""
        cols = {}
        for name, res in ctx.results.items():
            if name == "task_type" and "task_type" in res.frame.columns:
                cols["task_type"] = res.frame["task_type"].to_numpy()
            if res.issue_column in res.frame.columns:
                cols[res.issue_column] = res.frame[res.issue_column].to_numpy()
        return frame.assign(**cols) if cols else frame
