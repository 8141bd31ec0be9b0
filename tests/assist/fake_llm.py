"""A small OpenAI-compatible chat completions server on 127.0.0.1 for the assist tests.

It answers ``POST /v1/chat/completions`` from the prompt (deterministically), reports ``usage``,
counts requests, tracks how many were in flight at once, and can be told to fail the next N requests
with a status (429 / 500 ...), to hang (timeout tests) or to judge pairs with a position bias.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def _words(text: str) -> int:
    return len(str(text).split())


def default_answer(body: dict[str, Any], server: FakeLLM) -> str:
    """Judge scores, pair verdicts or a draft, decided from the last user message only."""
    user = next((m["content"] for m in reversed(body["messages"]) if m["role"] == "user"), "")
    if "Response A:" in user:
        if server.biased:
            return '{"choice": "A", "rationale": "the first one reads better"}'
        a = user.split("Response A:", 1)[1].split("Response B:", 1)[0]
        b = user.split("Response B:", 1)[1]
        choice = "A" if "GOOD" in a and "GOOD" not in b else "B" if "GOOD" in b and "GOOD" not in a else "tie"
        verdict = json.dumps({"choice": choice, "rationale": "one is GOOD"})
        return f"Sure! Here is my verdict:\n```json\n{verdict}\n```"
    if "Response to judge:" in user:
        response = user.split("<<<", 1)[1].split(">>>", 1)[0]
        criteria = re.findall(r"(\w+) \(1-5\)", user)
        score = 5 if "GOOD" in response else 2
        scores = {c: {"score": score, "rationale": f"{c} looks {'fine' if score == 5 else 'weak'}"}
                  for c in criteria}
        return "Here you go:\n```json\n" + json.dumps({"scores": scores}) + "\n```\nHope that helps."
    return f"Draft answer: {user.strip()[:60]}"


class FakeLLM:
    """The server and its controls; use as a context manager (starts a daemon thread)."""

    def __init__(self, answer: Callable[[dict[str, Any], FakeLLM], str] = default_answer):
        self.answer = answer
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.hang = 0.0
        self.delay = 0.0
        self.biased = False
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append(dict(self.headers))
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                    failure = fake.failures.pop(0) if fake.failures else None
                done = [False]

                def leave():  # out of flight before the answer is written: the client may send its next
                    with fake._lock:  # request as soon as it has read this one
                        if not done[0]:
                            fake.in_flight -= 1
                            done[0] = True

                self._leave = leave
                try:
                    if self.path != "/v1/chat/completions":
                        return self._send(404, {"error": {"message": f"no route {self.path}"}})
                    if failure is not None:
                        status, headers = failure
                        return self._send(status, {"error": {"message": f"injected {status}"}}, headers)
                    if fake.hang:
                        time.sleep(fake.hang)
                    if fake.delay:
                        time.sleep(fake.delay)
                    text = fake.answer(body, fake)
                    prompt = sum(_words(m["content"]) for m in body["messages"])
                    self._send(200, {"id": "x", "object": "chat.completion", "model": body["model"],
                                     "choices": [{"index": 0, "finish_reason": "stop",
                                                  "message": {"role": "assistant", "content": text}}],
                                     "usage": {"prompt_tokens": prompt, "completion_tokens": _words(text),
                                               "total_tokens": prompt + _words(text)}})
                finally:
                    leave()

            def _send(self, status, payload, headers=None):
                data = json.dumps(payload).encode()
                self._leave()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def fail(self, status: int, times: int, **headers: str) -> None:
        """Answer the next ``times`` requests with ``status``."""
        self.failures += [(status, headers)] * times

    def __enter__(self) -> FakeLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
