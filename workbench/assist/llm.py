"""A small client for OpenAI-compatible chat completions (hosted APIs, vLLM, llama.cpp, Ollama).

Over ``httpx`` (one connection pool per client): timeouts; retries with exponential backoff on 429,
5xx, timeouts and connection errors (``Retry-After`` honoured); a concurrency limit shared by every call
of a client; an on-disk cache keyed by the request (SHA-256 of model, messages and parameters) so a
rerun costs nothing; token and cost accounting from the responses' ``usage``; and one clear line,
:class:`LLMUnavailable`, when the endpoint cannot be used.

Configuration, first found wins: keyword arguments; the project's ``llm`` setting (a dict with
``base_url``, ``model``, ``api_key_env`` - the *name* of the variable holding the key, so the key
never lands in the project's audit log - ``timeout``, ``max_retries``, ``concurrency``, ``prices``);
then ``WORKBENCH_LLM_BASE_URL`` / ``WORKBENCH_LLM_MODEL`` / ``WORKBENCH_LLM_API_KEY``.
"""
from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlparse

import httpx

from workbench.assist.common import cache_dir
from workbench.assist.llmcache import ResponseCache, Usage, request_key

ENV = {"base_url": "WORKBENCH_LLM_BASE_URL", "model": "WORKBENCH_LLM_MODEL",
       "api_key": "WORKBENCH_LLM_API_KEY"}
RETRY_STATUS = frozenset({408, 409, 425, 429})


class LLMError(RuntimeError):
    """The endpoint answered in a way retrying will not fix (bad request, auth, not JSON)."""


class LLMUnavailable(LLMError):
    """The endpoint is not configured, cannot be reached, or kept failing after every retry."""


@dataclass
class LLMConfig:
    """Where and how to call the endpoint. ``prices``: model -> {"prompt", "completion"} USD per 1M tokens."""

    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout: float = 60.0
    max_retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    jitter: float = 0.25
    concurrency: int = 4
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    cache_dir: str | None = None

    @classmethod
    def resolve(cls, project=None, **overrides: Any) -> LLMConfig:
        """Keyword arguments over the project's ``llm`` setting over the environment."""
        own = dict((getattr(project, "settings", None) or {}).get("llm") or {}) if project is not None else {}
        key_env = own.pop("api_key_env", None)
        env = {k: os.environ.get(v) for k, v in ENV.items()}
        if key_env:
            env["api_key"] = os.environ.get(key_env)
        known = {f.name for f in fields(cls)}
        unknown = (set(own) | set(overrides)) - known
        if unknown:
            raise ValueError(f"unknown llm settings: {', '.join(sorted(unknown))}")
        merged = {**{k: v for k, v in env.items() if v}, **own, **{k: v for k, v in overrides.items()
                                                                    if v is not None}}
        if project is not None and "cache_dir" not in merged and getattr(project, "path", None):
            merged["cache_dir"] = str(cache_dir(project, "llm"))
        return cls(**merged)

    @property
    def endpoint(self) -> str:
        """The chat completions URL (``/v1`` added when the base URL has no path)."""
        if not self.base_url or not self.model:
            raise LLMUnavailable("no LLM endpoint configured: set WORKBENCH_LLM_BASE_URL and "
                                 "WORKBENCH_LLM_MODEL (or the project's llm setting)")
        url = self.base_url.rstrip("/")
        if url.endswith("/chat/completions"):
            return url
        return url + ("/chat/completions" if urlparse(url).path not in ("", "/") else "/v1/chat/completions")


@dataclass
class ChatResult:
    """One completion: the text, token usage, cost (None when the model has no price), cache hit."""

    text: str
    model: str
    usage: dict[str, int]
    cost: float | None
    cached: bool
    key: str
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


class LLMClient:
    """Chat completions with retries, a concurrency limit, a disk cache and accounting.

    Parameters
    ----------
    config : LLMConfig, optional
        Default: :meth:`LLMConfig.resolve` with ``project`` and ``overrides``.
    project : Project, optional
        Its ``llm`` setting is read and its ``cache/llm`` folder holds the cache and usage ledger.
    sleep : callable
        Used between retries (tests pass a recorder).
    **overrides
        Fields of :class:`LLMConfig` (``base_url``, ``model``, ``timeout``, ``max_retries``, ...).
    """

    def __init__(self, config: LLMConfig | None = None, project=None,
                 sleep: Callable[[float], None] = time.sleep, **overrides: Any):
        self.config = config or LLMConfig.resolve(project, **overrides)
        self.usage = Usage()
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(max(1, int(self.config.concurrency)))
        self.cache = ResponseCache(self.config.cache_dir)
        self._http: httpx.Client | None = None
        self._http_lock = threading.Lock()

    def _client(self) -> httpx.Client:
        """The connection pool, opened on the first request (thread-safe; a cached rerun opens none)."""
        with self._http_lock:
            if self._http is None:
                limits = httpx.Limits(max_connections=max(1, int(self.config.concurrency)))
                self._http = httpx.Client(timeout=float(self.config.timeout), limits=limits)
            return self._http

    def close(self) -> None:
        """Close the connection pool (a later call opens a new one)."""
        with self._http_lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def model(self) -> str | None:
        return self.config.model

    # calls --------------------------------------------------------------------------------------
    def _cost(self, model: str, usage: dict[str, int]) -> float | None:
        price = self.config.prices.get(model)
        if not price:
            return None
        return (usage.get("prompt_tokens", 0) * float(price.get("prompt", 0))
                + usage.get("completion_tokens", 0) * float(price.get("completion", 0))) / 1e6

    def chat(self, messages: list[dict[str, Any]], **params: Any) -> ChatResult:
        """One chat completion (from the cache when the same request was answered before).

        Parameters
        ----------
        messages : list of dict
            ``[{"role": ..., "content": ...}, ...]``.
        **params
            Sent as is (``temperature``, ``max_tokens``, ``response_format``, ...) and part of the key.

        Raises
        ------
        LLMUnavailable
            Not configured, unreachable, timing out or failing with 429/5xx after every retry.
        LLMError
            Any other error answer, or a body that is not a chat completion.
        """
        model = params.pop("model", None) or self.config.model
        endpoint = self.config.endpoint
        key = request_key(model, messages, params)
        hit = self.cache.get(key)
        if hit is not None:
            usage = _usage(hit)
            self.usage.add(cache_hits=1, tokens_saved_by_cache=usage["total_tokens"])
            return ChatResult(_text(hit), model, usage, 0.0, True, key, hit)
        body = {"model": model, "messages": messages, **params}
        raw = self._post(endpoint, body)
        usage = _usage(raw)
        cost = self._cost(model, usage)
        self.usage.add(requests=1, prompt_tokens=usage["prompt_tokens"],
                       completion_tokens=usage["completion_tokens"], cost=cost or 0.0,
                       unpriced_requests=int(cost is None))
        text = _text(raw)
        self.cache.put(key, body, raw, cost)
        return ChatResult(text, model, usage, cost, False, key, raw)

    def chat_many(self, conversations: list[list[dict[str, Any]]], return_exceptions: bool = False,
                  **params: Any) -> list[Any]:
        """:meth:`chat` for many conversations, at most ``concurrency`` in flight; results in order.

        With ``return_exceptions`` a failed conversation gives its exception in place of a result;
        otherwise the first failure is raised once every call has finished.
        """
        def one(messages):
            try:
                return self.chat(messages, **dict(params))
            except LLMError as exc:
                return exc

        workers = max(1, min(int(self.config.concurrency), len(conversations) or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, conversations))
        if not return_exceptions:
            for r in results:
                if isinstance(r, Exception):
                    raise r
        return results

    def _post(self, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        c = self.config
        last = ""
        for attempt in range(int(c.max_retries) + 1):
            wait = None
            try:
                with self._slots:
                    resp = self._client().post(endpoint, content=data, headers=headers)
            except httpx.TimeoutException:
                last = f"no answer within {c.timeout:g}s"
            except (httpx.TransportError, OSError) as exc:
                last = f"unreachable ({_one_line(exc)})"
            else:
                if resp.status_code < 400:
                    try:
                        return json.loads(resp.content)
                    except ValueError:
                        raise LLMError(f"LLM endpoint {endpoint} did not answer with JSON") from None
                detail = _error_detail(resp)
                if resp.status_code not in RETRY_STATUS and resp.status_code < 500:
                    self.usage.add(failures=1)
                    raise LLMError(f"LLM endpoint answered HTTP {resp.status_code}: {detail}") from None
                last = f"HTTP {resp.status_code}: {detail}"
                wait = _retry_after(resp)
            if attempt < c.max_retries:
                delay = min(c.max_backoff, wait if wait is not None else c.backoff * 2 ** attempt)
                delay += random.uniform(0, c.jitter * delay) if c.jitter else 0.0
                self.usage.add(retries=1)
                self._sleep(delay)
        self.usage.add(failures=1)
        tries = int(c.max_retries) + 1
        raise LLMUnavailable(f"LLM endpoint {c.base_url} failed after {tries} attempts: {last}")


def _one_line(obj: Any) -> str:
    text = str(obj).strip()
    return text.splitlines()[0][:200] if text else type(obj).__name__


def _error_detail(resp: httpx.Response) -> str:
    try:
        body = resp.content.decode("utf-8", "replace")
        err = json.loads(body).get("error", body)
        return _one_line(err.get("message", err) if isinstance(err, dict) else err)
    except Exception:  # noqa: BLE001 - any unreadable body still gives the status line
        return _one_line(resp.reason_phrase or resp.status_code)


def _retry_after(resp: httpx.Response) -> float | None:
    try:
        return max(0.0, float(resp.headers.get("Retry-After")))
    except (TypeError, ValueError):
        return None


def _usage(raw: dict[str, Any]) -> dict[str, int]:
    u = raw.get("usage") or {}
    p, c = int(u.get("prompt_tokens") or 0), int(u.get("completion_tokens") or 0)
    return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": int(u.get("total_tokens") or p + c)}


def _text(raw: dict[str, Any]) -> str:
    try:
        return raw["choices"][0]["message"]["content"] or ""
    except (KeyError, IndexError, TypeError):
        raise LLMError("LLM endpoint answered without choices[0].message.content") from None
