"""The session's suggestion actions: pre-filled answers and adopting a machine suggestion as one's own."""
from __future__ import annotations

from typing import Any

from workbench.model.events import value_hash
from workbench.store.edits import parse_target
from workbench.store.fold import preference_key
from workbench.ui.render import LETTERS


class SuggestionActions:
    """Mixin of :class:`~workbench.ui.actions.SessionActions` (uses its rate/label/tag/edit/... methods)."""

    # suggestions ---------------------------------------------------------------------------------
    def prefill(self, record_id: str | None = None) -> dict[str, dict[str, Any]]:
        """Suggestions for fields the reviewer has not answered (shown pre-filled and marked; not saved)."""
        state = self.record_state(record_id)
        answered = {t for _, t in state.mine(self.reviewer)}
        if "decision" in answered:
            answered.add("low_quality")
        return {t: v for t, v in state.suggestions.items() if isinstance(v, dict) and t not in answered}

    def accept_suggestion(self, target: str | None = None, record_id: str | None = None,
                          text: str | None = None):
        """Adopt a machine suggestion as the reviewer's own answer (one key, "s", in the widget).

        The event is the reviewer's and references the suggestion: its ``seen_hash`` is the
        suggestion's value hash. A text draft is written verbatim first (an added turn for a
        prompt-only record, else an edit), then ``text``, when the reviewer changed it, as a further
        edit, so provenance tells "model" from "model_edited". Tags are added to the reviewer's own;
        a low-quality flag is accepted as a reject decision.
        """
        rid = record_id or self.current_id
        sugg = self.record_state(rid).suggestions if rid else {}
        if not sugg:
            self._say("no suggestion on this record", "warning")
            return None
        target = target or next(iter(self.prefill(rid) or sugg))
        if target not in sugg:
            self._say(f"no suggestion for {target!r} (have: {', '.join(sugg)})", "error")
            return None
        payload = sugg[target] if isinstance(sugg[target], dict) else {"value": sugg[target]}
        value, ref = payload.get("value"), {"seen_hash": value_hash(sugg[target])}
        if target == "category":
            return self.label(value, rid, **ref)
        if target == "tags":
            return self.tag(sorted({*(self._my_tags(rid)), *(value or [])}), rid, **ref)
        if target in ("decision", "low_quality"):
            if target == "low_quality" and value is not True:
                self._say("the model does not flag this record as low quality: nothing to accept", "warning")
                return None
            return self.decide("reject" if target == "low_quality" else value, rid, **ref)
        if target in ["overall", *(c.name for c in self.project.guidelines.criteria)]:
            return self.rate(value, target, rid, **ref)
        if target == "preference":
            if isinstance(value, dict) and "ranking" in value:
                return self.rank(value["ranking"], rid, **ref)
            winner, order = preference_key(value), self.current_order(rid)
            return self.prefer(LETTERS[order.index(winner)] if winner in order else "tie", rid, **ref)
        return self._accept_text(rid, target, str(value or ""), text, ref)

    def _accept_text(self, rid: str, target: str, draft: str, text: str | None, ref: dict[str, str]):
        state = self.record_state(rid)
        try:
            shown = state.text(target)
        except ValueError as exc:
            self._say(f"cannot accept the suggestion for {target!r}: {exc}", "error")
            return None
        if shown is None:  # a new turn one past the last: a prompt-only record's answer
            field, index = parse_target(target)
            if index != len(state.row.get(field) or []):
                self._say(f"the record has no {self._field(target, rid)} to fill", "error")
                return None
            event = self.add_turn(index, "assistant", draft, field=field, record_id=rid, **ref)
        else:
            event = self.edit(target, draft, rid)
        if event is not None and text is not None and text != draft:
            event = self.edit(target, text, rid)
        return event
