"""Read side of a project: current records, the edited table, history and the frames others consume."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from workbench.model.records import Record
from workbench.model.schema import RECORD_SCHEMA
from workbench.store.edits import apply_ops, text_at
from workbench.store.fold import REVIEW_KINDS, FoldedState, active_mask, fold_events, preference_key

LONG_COLUMNS = ["record_id", "annotator", "field", "value", "time", "category", "is_gold", "target", "role"]
STATUS_COLUMNS = ["record_id", "n_reviews", "reviewers", "decision", "decision_source", "disputed",
                  "conflicts", "adjudicated"]


class ViewsMixin:
    """The read side of :class:`~workbench.store.project.Project`."""

    if TYPE_CHECKING:  # what this mixin uses from Project and the other mixins (for mypy only)
        log: Any
        _status_cache: tuple[FoldedState, pd.DataFrame] | None

        @property
        def dataset(self) -> Any: ...
        @property
        def settings(self) -> dict[str, Any]: ...
        @property
        def consolidation(self) -> str: ...
        @property
        def reviewers(self) -> dict[str, str]: ...
        def adjudicators(self) -> set[str]: ...
        def fold(self) -> Any: ...
        def _require_record(self, record_id: Any) -> str: ...

    # source lookups -----------------------------------------------------------------------------
    def _source_rows(self, record_ids) -> dict[str, dict[str, Any]]:
        """Source rows (dicts) for a few record ids, in one Arrow take."""
        ids = list(dict.fromkeys(record_ids))
        if not ids:
            return {}
        pos = self.dataset.positions(ids)
        rows = self.dataset.table.take(pa.array(pos[pos >= 0], pa.int64())).to_pylist()
        return {r["id"]: r for r in rows}

    def _originals(self, frame: pd.DataFrame) -> dict[tuple[str, str], str]:
        """Source texts of edit targets whose edits carry a seen_hash (only those need checking)."""
        ed = frame[(frame["kind"] == "edit") & frame["seen_hash"].notna()]
        if ed.empty:
            return {}
        pairs = set(zip(ed["record_id"], ed["target"]))
        rows = self._source_rows(r for r, _ in pairs)
        out = {}
        for rid, tgt in pairs:
            if rid in rows:
                text = text_at(rows[rid], tgt)
                if text is not None:
                    out[(rid, tgt)] = text
        return out

    def _record_fold(self, record_id: str) -> FoldedState:
        """Fold only one record's events (records are independent, so this equals the full fold's rows)."""
        frame = self.log.frame(record_id=record_id)
        return fold_events(frame, self.consolidation, self.adjudicators(), self._originals(frame),
                           self.settings["rating_tolerance"])

    # records ------------------------------------------------------------------------------------
    def current_row(self, record_id: str) -> dict[str, Any]:
        """The record as a canonical row dict with the edits and turn changes in effect applied."""
        self._require_record(record_id)
        row = self._source_rows([record_id])[record_id]
        ops = self._record_fold(record_id).ops
        ops = ops[ops["applied"]]
        return apply_ops(row, list(zip(ops["kind"], ops["target"], ops["value"]))) if len(ops) else row

    def current_record(self, record_id: str) -> Record:
        """The source record with the consolidated edits, added and deleted turns applied."""
        return Record.from_dict(self.current_row(record_id))

    def edited_table(self) -> pa.Table:
        """The canonical table with every edit in effect applied; rows without edits are untouched."""
        table = self.dataset.table
        ops = self.fold().ops
        ops = ops[ops["applied"]]
        if ops.empty:
            return table
        rows = self._source_rows(ops["record_id"])
        by_record: dict[str, list] = {}
        for rid, kind, target, value in zip(ops["record_id"], ops["kind"], ops["target"], ops["value"]):
            by_record.setdefault(rid, []).append((kind, target, value))
        new_rows = [apply_ops(rows[rid], items) for rid, items in by_record.items()]
        pos = self.dataset.ids.get_indexer(list(by_record))
        order = np.arange(table.num_rows, dtype=np.int64)
        order[pos] = table.num_rows + np.arange(len(pos))
        edited = pa.Table.from_pylist(new_rows, schema=RECORD_SCHEMA)
        return pa.concat_tables([table, edited]).take(pa.array(order)).combine_chunks()

    # state --------------------------------------------------------------------------------------
    def state(self, reviewer: str | None = None):
        """The folded state, or one reviewer's own current values (a DataFrame)."""
        fold = self.fold()
        if reviewer is None:
            return fold
        return fold.per_reviewer[fold.per_reviewer["reviewer"] == reviewer].reset_index(drop=True)

    def history(self, record_id: str) -> pd.DataFrame:
        """Every event on a record in commit order: who, what, when, and whether it is still in effect."""
        self._require_record(record_id)
        frame = self.log.frame(record_id=record_id)
        roles = self.reviewers
        fold = self._record_fold(record_id)
        conflicted = set(fold.conflicts["event_id"])
        return pd.DataFrame({
            "seq": frame["seq"], "time": frame["time"], "reviewer": frame["reviewer"],
            "role": frame["reviewer"].map(roles), "kind": frame["kind"], "target": frame["target"],
            "value": frame["value"], "event_id": frame["id"], "reverts": frame["reverts"],
            "session": frame["session"], "undone": ~active_mask(frame),
            "conflict": frame["id"].isin(conflicted),
        }).reset_index(drop=True)

    def _categories(self) -> pd.Series:
        """record_id -> category: the consolidated label when there is one, else the source's."""
        t = self.dataset.table
        cat = pd.Series(t.column("category").to_pylist(), index=self.dataset.ids, dtype=object)
        c = self.fold().consolidated
        lab = c[(c["kind"] == "label") & c["value"].notna()]
        cat.loc[lab["record_id"].to_numpy()] = lab["value"].to_numpy()
        return cat

    def annotations_long(self) -> pd.DataFrame:
        """One row per reviewer value: the long table the agreement package consumes.

        ``field`` is "overall" or a criterion name (ratings), "category", "tags" (value: sorted tuple),
        "preference" (the winning candidate's name, "tie", or "a>b>c" for rankings), "decision" or
        "edit" (value: the edited text, ``target``: its path). Gold answers are rows with
        ``is_gold`` True and the expert as ``annotator``.
        """
        pr = self.fold().per_reviewer
        pr = pr[pr["kind"].isin(REVIEW_KINDS + ("gold",))]
        kind, target, value = pr["kind"], pr["target"], pr["value"].astype(object)
        field = pd.Series(np.select(
            [kind == "rating", kind == "label", kind == "tags", kind == "preference", kind == "decision",
             kind == "edit"],
            ["", "category", "tags", "preference", "decision", "edit"], default=""), index=pr.index)
        field = field.where(~kind.isin(["rating", "gold"]), target)
        value = value.copy()
        pref = ((kind == "preference") | ((kind == "gold") & (target == "preference"))).to_numpy()
        if pref.any():
            value[pref] = value[pref].map(preference_key)
        tags = ((kind == "tags") | ((kind == "gold") & (target == "tags"))).to_numpy()
        if tags.any():
            value[tags] = value[tags].map(lambda v: tuple(sorted(v or ())))
        roles = self.reviewers
        out = pd.DataFrame({
            "record_id": pr["record_id"], "annotator": pr["reviewer"], "field": field, "value": value,
            "time": pr["time"], "category": pr["record_id"].map(self._categories()),
            "is_gold": kind == "gold", "target": target, "role": pr["reviewer"].map(roles)})
        return out.reset_index(drop=True)[LONG_COLUMNS]

    def status_frame(self) -> pd.DataFrame:
        """Per record: how many reviewed it, who (a sorted tuple of names), the consolidated decision, and
        whether it is disputed.

        ``disputed`` is True when reviewers disagree on any label, rating (beyond the tolerance),
        tag set, preference or decision and no adjudicator has ruled, or when an edit conflict is
        unresolved. The review queue and the adjudication queue filter on it.
        """
        fold = self.fold()
        cached = self._status_cache
        if cached is not None and cached[0] is fold:
            # the Overview's counts and every review session of a kernel ask for it between two actions:
            # built once per fold (0.17 s at 200k records); each caller gets its own shallow copy
            return cached[1].copy(deep=False)
        frame = self._status_frame(fold)
        self._status_cache = (fold, frame)
        return frame.copy(deep=False)

    def _status_frame(self, fold: FoldedState) -> pd.DataFrame:
        ids = self.dataset.ids
        pr = fold.per_reviewer[fold.per_reviewer["kind"].isin(REVIEW_KINDS)]
        who = pr.drop_duplicates(["record_id", "reviewer"]).groupby("record_id", sort=False)["reviewer"]
        n_reviews = who.size().reindex(ids, fill_value=0)
        names = who.agg(lambda s: tuple(sorted(s))).reindex(ids)
        c = fold.consolidated
        dec = c[c["kind"] == "decision"].drop_duplicates("record_id", keep="last").set_index("record_id")
        open_c = c[(c["source"] != "adjudicator") & ~c["agreed"].astype(bool)]
        conf = fold.conflicts
        unresolved = conf[~conf["resolved"].astype(bool)]["record_id"].value_counts()
        conflicts = unresolved.reindex(ids, fill_value=0).astype("int64")
        adjudicated = ids.isin(c.loc[c["source"] == "adjudicator", "record_id"])
        return pd.DataFrame({
            "record_id": ids,
            "n_reviews": n_reviews.to_numpy().astype("int64"),
            # tuples, and the one empty tuple for every record nobody reviewed: a fresh list per record
            # cost 11 MB at 200k records in every kernel that holds the frame
            "reviewers": [v if isinstance(v, tuple) else () for v in names.to_numpy()],
            "decision": _nullable(dec["value"].reindex(ids)),
            "decision_source": _nullable(dec["source"].reindex(ids)),
            "disputed": ids.isin(open_c["record_id"]) | (conflicts.to_numpy() > 0),
            "conflicts": conflicts.to_numpy(),
            "adjudicated": adjudicated,
        })[STATUS_COLUMNS]


def _nullable(s: pd.Series) -> pd.Series:
    """Object values with None (not NaN) where missing, so ``is None`` checks work downstream.

    An explicit object Series: pandas 3 would otherwise infer a string dtype and turn None into NaN.
    """
    s = s.astype(object)
    return pd.Series(s.where(s.notna(), None).to_numpy(), dtype=object)
