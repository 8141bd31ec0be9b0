"""The chat client against a local protocol server: retries, backoff, timeouts, cache, accounting, errors."""
from __future__ import annotations

import socket
import time
from types import SimpleNamespace

import pytest

from workbench.assist import LLMClient, LLMConfig, LLMError, LLMUnavailable, usage_report
from workbench.assist.llmcache import request_key

HELLO = [{"role": "user", "content": "say hello"}]


def test_chat_returns_text_and_usage(client, fake_llm):
    r = client.chat(HELLO, temperature=0)
    assert r.text == "Draft answer: say hello" and not r.cached and r.model == "fake-1"
    assert r.usage == {"prompt_tokens": 2, "completion_tokens": 4, "total_tokens": 6}
    assert fake_llm.requests[0] == {"model": "fake-1", "messages": HELLO, "temperature": 0}
    u = client.usage.as_dict()
    assert (u["requests"], u["prompt_tokens"], u["completion_tokens"], u["retries"]) == (1, 2, 4, 0)
    assert r.cost is None and u["unpriced_requests"] == 1 and u["cost"] == 0


def test_cost_from_the_price_table(fake_llm, tmp_path):
    c = LLMClient(base_url=fake_llm.base_url, model="fake-1", cache_dir=str(tmp_path),
                  prices={"fake-1": {"prompt": 1.0, "completion": 2.0}})
    r = c.chat(HELLO)
    assert r.cost == pytest.approx((2 * 1.0 + 4 * 2.0) / 1e6)
    assert c.usage.as_dict()["cost"] == pytest.approx(1e-5)


def test_retries_with_exponential_backoff_then_succeeds(client, fake_llm):
    fake_llm.fail(429, 2)
    fake_llm.fail(500, 1)
    r = client.chat(HELLO)
    assert r.text.startswith("Draft answer") and len(fake_llm.requests) == 4
    assert client.sleeps == pytest.approx([0.01, 0.02, 0.04])
    assert client.usage.retries == 3 and client.usage.requests == 1


def test_retry_after_header_is_honoured(client, fake_llm):
    fake_llm.fail(429, 1, **{"Retry-After": "0.5"})
    client.chat(HELLO)
    assert client.sleeps == [0.5]


def test_gives_up_after_max_retries_with_one_line(fake_llm, tmp_path):
    sleeps = []
    c = LLMClient(base_url=fake_llm.base_url, model="m", max_retries=2, backoff=0.01, jitter=0,
                  sleep=sleeps.append)
    fake_llm.fail(503, 5)
    with pytest.raises(LLMUnavailable) as info:
        c.chat(HELLO)
    msg = str(info.value)
    assert "\n" not in msg and "failed after 3 attempts" in msg and "HTTP 503: injected 503" in msg
    assert len(fake_llm.requests) == 3 and len(sleeps) == 2 and c.usage.failures == 1


def test_client_errors_are_not_retried(fake_llm):
    c = LLMClient(base_url=fake_llm.base_url.replace("/v1", "/v2"), model="m", sleep=lambda s: None)
    with pytest.raises(LLMError) as info:
        c.chat(HELLO)
    assert not isinstance(info.value, LLMUnavailable)
    assert str(info.value) == "LLM endpoint answered HTTP 404: no route /v2/chat/completions"
    assert len(fake_llm.requests) == 1


def test_cache_hit_on_rerun_costs_nothing(fake_llm, tmp_path):
    def make():
        return LLMClient(base_url=fake_llm.base_url, model="fake-1", cache_dir=str(tmp_path / "c"),
                         prices={"fake-1": {"prompt": 1, "completion": 1}})

    first = make().chat(HELLO, temperature=0)
    again = make()
    r = again.chat(HELLO, temperature=0)
    assert len(fake_llm.requests) == 1 and r.cached and r.text == first.text and r.cost == 0.0
    assert (again.usage.requests, again.usage.cache_hits, again.usage.cost) == (0, 1, 0.0)
    assert again.usage.tokens_saved_by_cache == 6
    again.chat(HELLO, temperature=0.7)  # other parameters: another request
    assert len(fake_llm.requests) == 2
    key = request_key("fake-1", HELLO, {"temperature": 0})
    assert (tmp_path / "c" / key[:2] / f"{key}.json").is_file() and r.key == key


def test_damaged_cache_entry_is_refetched(client, fake_llm):
    r = client.chat(HELLO)
    path = client.cache._path(r.key)
    path.write_text("{not json")
    assert not client.chat(HELLO).cached and len(fake_llm.requests) == 2


@pytest.mark.slow  # a wall-clock bound: the client gives up before the server answers
def test_timeout_then_unavailable(fake_llm):
    fake_llm.hang = 2.0
    c = LLMClient(base_url=fake_llm.base_url, model="m", timeout=0.2, max_retries=1, backoff=0.01, jitter=0,
                  sleep=lambda s: None)
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailable, match=r"failed after 2 attempts: no answer within 0.2s"):
        c.chat(HELLO)
    assert time.monotonic() - t0 < 1.5 and len(fake_llm.requests) == 2


def test_unreachable_endpoint_is_one_clear_line():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    sleeps = []
    c = LLMClient(base_url=f"http://127.0.0.1:{port}/v1", model="m", max_retries=2, backoff=0.1, jitter=0,
                  sleep=sleeps.append)
    with pytest.raises(LLMUnavailable) as info:
        c.chat(HELLO)
    msg = str(info.value)
    assert msg.startswith(f"LLM endpoint http://127.0.0.1:{port}/v1 failed after 3 attempts: unreachable (")
    assert "\n" not in msg and sleeps == pytest.approx([0.1, 0.2])


def test_concurrency_limit(fake_llm, tmp_path):
    fake_llm.delay = 0.15
    c = LLMClient(base_url=fake_llm.base_url, model="m", concurrency=2, cache_dir=str(tmp_path))
    convs = [[{"role": "user", "content": f"q{i}"}] for i in range(6)]
    results = c.chat_many(convs)
    assert [r.text for r in results] == [f"Draft answer: q{i}" for i in range(6)]
    assert fake_llm.max_in_flight == 2 and len(fake_llm.requests) == 6
    assert all(r.cached for r in c.chat_many(convs)) and len(fake_llm.requests) == 6


def test_chat_many_returns_or_raises_failures(fake_llm):
    c = LLMClient(base_url=fake_llm.base_url, model="m", concurrency=1, max_retries=0, sleep=lambda s: None)
    fake_llm.fail(500, 1)
    out = c.chat_many([HELLO, HELLO + [{"role": "user", "content": "b"}]], return_exceptions=True)
    assert isinstance(out[0], LLMUnavailable) and out[1].text
    fake_llm.fail(500, 1)
    with pytest.raises(LLMUnavailable):
        c.chat_many([[{"role": "user", "content": "c"}]])


def test_configuration_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_LLM_BASE_URL", "http://env:1")
    monkeypatch.setenv("WORKBENCH_LLM_MODEL", "env-model")
    monkeypatch.setenv("WORKBENCH_LLM_API_KEY", "env-key")
    monkeypatch.setenv("MY_KEY", "project-key")
    assert LLMConfig.resolve().model == "env-model" and LLMConfig.resolve().api_key == "env-key"
    llm = {"model": "proj-model", "api_key_env": "MY_KEY", "timeout": 5}
    project = SimpleNamespace(settings={"llm": llm}, path=tmp_path)
    cfg = LLMConfig.resolve(project, timeout=9)
    got = (cfg.base_url, cfg.model, cfg.api_key, cfg.timeout)
    assert got == ("http://env:1", "proj-model", "project-key", 9)
    assert cfg.cache_dir == str(tmp_path / "cache" / "llm")
    with pytest.raises(ValueError, match="unknown llm settings: colour"):
        LLMConfig.resolve(colour="red")


def test_endpoint_forms(monkeypatch):
    for var in ("WORKBENCH_LLM_BASE_URL", "WORKBENCH_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    ep = {u: LLMConfig(base_url=u, model="m").endpoint for u in (
        "http://localhost:11434", "http://localhost:11434/v1/", "http://h:8000/v1/chat/completions",
        "https://api.example.com/openai/v1")}
    assert list(ep.values()) == ["http://localhost:11434/v1/chat/completions",
                                 "http://localhost:11434/v1/chat/completions",
                                 "http://h:8000/v1/chat/completions",
                                 "https://api.example.com/openai/v1/chat/completions"]
    with pytest.raises(LLMUnavailable, match="no LLM endpoint configured"):
        LLMClient().chat(HELLO)


def test_api_key_is_sent_as_bearer(fake_llm):
    LLMClient(base_url=fake_llm.base_url, model="m", api_key="sekrit").chat(HELLO)
    assert fake_llm.headers[0]["Authorization"] == "Bearer sekrit"
    LLMClient(base_url=fake_llm.base_url, model="m").chat(HELLO + HELLO)
    assert "Authorization" not in fake_llm.headers[1]


def test_usage_ledger_in_the_project_cache(labelled, fake_llm):
    c = LLMClient(project=labelled, base_url=fake_llm.base_url, model="fake-1")
    c.chat(HELLO)
    c.chat(HELLO)  # cached: not in the ledger
    rep = usage_report(labelled)
    assert rep["requests"] == 1 and rep["models"]["fake-1"]["prompt_tokens"] == 2
