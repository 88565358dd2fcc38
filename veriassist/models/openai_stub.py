"""ScriptedOpenAIServer: a test stand-in that speaks the OpenAI chat-completions protocol.

It runs on 127.0.0.1 on a free port, answers with scripted replies in order (or, for
many conversations at once, from a `responder` that picks the scripted reply from the
request's messages), records every request body, and can be scripted to fail the ways
real servers do. No model is behind it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A successful completion. Token counts default to a word count of the request and reply."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Fail:
    """An HTTP error with an OpenAI-style error body, e.g. Fail(429, retry_after=1)."""

    status: int
    message: str = "scripted failure"
    retry_after: float | None = None


@dataclass(frozen=True)
class Delay:
    """Wait before answering (longer than the client's timeout, to script a timeout)."""

    seconds: float
    then: Reply | Fail | None = None


@dataclass(frozen=True)
class Junk:
    """A body that is not a chat completion (an HTML error page, or nothing at all)."""

    body: bytes = b"<html>Bad gateway</html>"
    status: int = 200
    content_type: str = "text/html"


Step = Reply | Fail | Delay | Junk
# Picks the scripted step for a request body; None answers "no reply left" (a 400).
Responder = Callable[[dict[str, Any]], "Step | str | None"]


class ScriptedOpenAIServer:
    """`with ScriptedOpenAIServer(["hello"]) as server: ... server.url ... server.requests`.

    `latency_s` delays every reply (for batch benchmarks). `api_key`, when given, is
    required as a Bearer token and a wrong one gets a 401. When the script runs out it
    answers 400 with a message saying so, which the client does not retry.

    `responder`, when given, replaces the ordered script: it is called with each request
    body and returns the step to answer with, so concurrent conversations (a batch over
    many problems) each get their own scripted replies whatever order they arrive in.
    """

    def __init__(
        self,
        script: Iterable[Step | str] = (),
        *,
        latency_s: float = 0.0,
        api_key: str | None = None,
        model_ids: Iterable[str] = ("scripted-stand-in",),
        responder: Responder | None = None,
    ) -> None:
        self.script: list[Step] = [Reply(s) if isinstance(s, str) else s for s in script]
        self.responder = responder
        self.latency_s = latency_s
        self.api_key = api_key
        self.model_ids = tuple(model_ids)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests handled at once, to check concurrency caps
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> ScriptedOpenAIServer:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="scripted-openai",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a Delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The base URL a client is given, ending in /v1."""
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def add(self, *steps: Step | str) -> None:
        with self._lock:
            self.script.extend(Reply(s) if isinstance(s, str) else s for s in steps)

    def _next_step(self, body: dict[str, Any], headers: dict[str, str]) -> Step | None:
        with self._lock:
            index = len(self.requests)
            self.requests.append(body)
            self.headers.append(headers)
            if self.responder is None:
                return self.script[index] if index < len(self.script) else None
        step = self.responder(body)
        return Reply(step) if isinstance(step, str) else step

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)


def _make_handler(server: ScriptedOpenAIServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0: one request per connection, so streaming needs no chunked encoding.
        protocol_version = "HTTP/1.0"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                data = [{"id": m, "object": "model", "owned_by": "scripted"} for m in server.model_ids]
                self._json(200, {"object": "list", "data": data})
            else:
                self._error(404, f"no route GET {self.path}")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._error(404, f"no route POST {self.path}")
                return
            try:
                body = json.loads(raw)
            except json.JSONDecodeError:
                self._error(400, "request body is not JSON")
                return
            step = server._next_step(body, {k.lower(): v for k, v in self.headers.items()})
            server._enter()
            try:
                self._answer(body, step)
            finally:
                server._leave()

        def _answer(self, body: dict[str, Any], step: Step | None) -> None:
            if server.api_key is not None and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                self._error(401, "Incorrect API key provided", code="invalid_api_key")
                return
            server._wait(server.latency_s)
            while isinstance(step, Delay):
                server._wait(step.seconds)
                step = step.then
            if step is None:
                self._error(
                    400,
                    f"ScriptedOpenAIServer: the script has no reply left for request {len(server.requests)}",
                )
            elif isinstance(step, Fail):
                headers = {"Retry-After": f"{step.retry_after:g}"} if step.retry_after is not None else {}
                self._error(step.status, step.message, headers=headers)
            elif isinstance(step, Junk):
                self._send(step.status, step.body, step.content_type)
            elif body.get("stream"):
                self._stream(body, step)
            else:
                self._json(200, _completion(body, step))

        def _stream(self, body: dict[str, Any], reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            full = _completion(body, reply)
            base = {k: full[k] for k in ("id", "created", "model")} | {"object": "chat.completion.chunk"}
            pieces = [reply.text[i : i + 8] for i in range(0, len(reply.text), 8)] or [""]
            chunks: list[dict[str, Any]] = [
                base | {"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}
            ]
            chunks += [base | {"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
            chunks.append(
                base | {"choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}
            )
            if (body.get("stream_options") or {}).get("include_usage"):
                chunks.append(base | {"choices": [], "usage": full["usage"]})
            for chunk in chunks:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(payload).encode(), "application/json", headers)

        def _error(
            self, status: int, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
        ) -> None:
            error = {"message": message, "type": "scripted_error", "param": None, "code": code}
            self._json(status, {"error": error}, headers)

        def _send(
            self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    prompt_words = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    prompt_tokens = reply.prompt_tokens if reply.prompt_tokens is not None else prompt_words
    completion_tokens = (
        reply.completion_tokens if reply.completion_tokens is not None else len(reply.text.split())
    )
    return {
        "id": f"chatcmpl-scripted-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body.get("model", "scripted-stand-in")),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.text},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
