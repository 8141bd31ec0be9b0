"""The LLM client's bookkeeping: the on-disk response cache, the usage ledger and running totals."""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from workbench.store.folder import CACHE

_LEDGER_LOCK = threading.Lock()


def request_key(model: str, messages: list[dict[str, Any]], params: dict[str, Any]) -> str:
    """SHA-256 of the request (model, messages, parameters) as canonical JSON: the cache key."""
    text = json.dumps({"model": model, "messages": messages, "params": params}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResponseCache:
    """Answers on disk, one JSON file per request key (``<folder>/<key[:2]>/<key>.json``).

    Every request actually sent is also appended to ``<folder>/usage.jsonl`` (time, model, tokens,
    cost), the project's ledger. ``folder`` None disables both.
    """

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder else None

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored response, or None (a damaged entry counts as missing and is rewritten)."""
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["response"]
        except (OSError, ValueError, KeyError):
            return None

    def put(self, key: str, request: dict[str, Any], response: dict[str, Any], cost: float | None) -> None:
        """Store a response (atomically) and add the request to the ledger."""
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"request": request, "response": response}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, path)
        usage = response.get("usage") or {}
        line = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "model": request["model"],
                "key": key, "prompt_tokens": usage.get("prompt_tokens", 0),
                "completion_tokens": usage.get("completion_tokens", 0), "cost": cost}
        with _LEDGER_LOCK, open(self.folder / "usage.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")


@dataclass
class Usage:
    """Running totals of a client (thread-safe): requests sent, cache hits, retries, tokens, cost."""

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    failures: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    unpriced_requests: int = 0
    tokens_saved_by_cache: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: Any) -> None:
        """Add to the totals (``requests=1, prompt_tokens=12, ...``)."""
        with self._lock:
            for k, v in counts.items():
                setattr(self, k, getattr(self, k) + v)

    def as_dict(self) -> dict[str, Any]:
        """The totals as a plain dict (cost rounded to 6 decimals)."""
        d = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        d["cost"] = round(d["cost"], 6)
        return d


def usage_report(project) -> dict[str, Any]:
    """Totals of every request the project's clients sent (its ``cache/llm/usage.jsonl`` ledger)."""
    path = Path(project.path) / CACHE / "llm" / "usage.jsonl"
    out: dict[str, Any] = {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0, "cost": 0.0,
                           "models": {}}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        m = out["models"].setdefault(d["model"], {"requests": 0, "prompt_tokens": 0, "completion_tokens": 0,
                                                  "cost": 0.0})
        for tgt in (out, m):
            tgt["requests"] += 1
            tgt["prompt_tokens"] += d.get("prompt_tokens", 0)
            tgt["completion_tokens"] += d.get("completion_tokens", 0)
            tgt["cost"] += d.get("cost") or 0.0
    out["cost"] = round(out["cost"], 6)
    return out
