"""A loopback OpenAI-compatible HTTP server for tests: scripted replies and fault modes.

It speaks just enough of the OpenAI API (``POST /v1/chat/completions``, plain JSON or SSE
streaming ending with ``data: [DONE]``, and ``GET /v1/models``) for the real ``openai`` and
``langchain-openai`` clients to talk to it over a real socket on 127.0.0.1. Each test scripts the
replies (a queue, or a function of the request) and reads back every request it received.

This is test infrastructure: it never stands in for a model in the product.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted response. Build them with the class methods, which name the fault modes."""

    content: str | None = ""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw_body: bytes | None = None  # sent as-is instead of a chat completion (invalid JSON etc.)
    delay: float = 0.0  # seconds before anything is sent
    finish_reason: str | None = "stop"
    chunk_size: int = 12  # characters per streamed delta
    truncate_after: int | None = None  # streaming: drop the connection after this many deltas;
    # plain JSON: send only this many bytes of the body, then drop the connection
    clean_end: bool = False  # streaming truncation: end the body properly, but without [DONE]

    @classmethod
    def text(cls, content: str, **kw: Any) -> Reply:
        return cls(content=content, **kw)

    @classmethod
    def json(cls, obj: Any, **kw: Any) -> Reply:
        return cls(content=json.dumps(obj), **kw)

    @classmethod
    def slow(cls, seconds: float, content: str = "{}") -> Reply:
        return cls(content=content, delay=seconds)

    @classmethod
    def rate_limited(cls, retry_after: float | None = 1) -> Reply:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        return cls.error(429, "Rate limit reached", headers=headers, kind="rate_limit_exceeded")

    @classmethod
    def server_error(cls, status: int = 500) -> Reply:
        return cls.error(status, "The server had an error", kind="server_error")

    @classmethod
    def error(
        cls, status: int, message: str, *, headers: dict[str, str] | None = None, kind: str = ""
    ) -> Reply:
        body = {"error": {"message": message, "type": kind or "error", "code": kind or None}}
        return cls(status=status, headers=headers or {}, raw_body=json.dumps(body).encode())

    @classmethod
    def invalid_body(cls) -> Reply:
        """A 200 whose body is not JSON at all."""
        return cls(raw_body=b'{"id": "chatcmpl-x", "choices": [ this is not json')

    @classmethod
    def empty(cls) -> Reply:
        return cls(content="")

    @classmethod
    def truncated(cls, content: str, after: int = 2, *, clean_end: bool = False) -> Reply:
        """Streaming: send ``after`` deltas, then stop without a finish reason or ``[DONE]``.

        A plain (non-streaming) request gets the first ``after`` bytes of its body instead.
        """
        return cls(content=content, truncate_after=after, clean_end=clean_end)

    @classmethod
    def length_limited(cls, content: str) -> Reply:
        """A complete response whose reply the model stopped at its output limit."""
        return cls(content=content, finish_reason="length")


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: dict[str, Any] | None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list((self.body or {}).get("messages", []))

    def message(self, role: str) -> str:
        """The text of the first message with ``role`` ('' when absent)."""
        for msg in self.messages:
            if msg.get("role") == role:
                content = msg.get("content")
                if isinstance(content, list):
                    return "".join(p.get("text", "") for p in content if isinstance(p, dict))
                return str(content or "")
        return ""

    @property
    def streaming(self) -> bool:
        return bool((self.body or {}).get("stream"))


Responder = Callable[[RecordedRequest], Reply]


class FakeOpenAI:
    """Run with ``with FakeOpenAI() as server:``; point clients at ``server.base_url``."""

    def __init__(self, models: tuple[str, ...] = ("fake-model",)) -> None:
        self.models = models
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0  # chat requests being answered right now
        self.max_in_flight = 0  # the most ever answered at once
        self._queue: deque[Reply | Responder] = deque()
        self._fallback: Responder | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ scripting

    def enqueue(self, *replies: Reply | Responder) -> None:
        """Replies used once each, in order, before the fallback responder."""
        with self._lock:
            self._queue.extend(replies)

    def respond_with(self, responder: Responder) -> None:
        """Used for every request once the queue is empty."""
        self._fallback = responder

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            item = self._queue.popleft() if self._queue else self._fallback
        if item is None:
            return Reply.error(500, "fake server: no scripted reply left for this request")
        return item if isinstance(item, Reply) else item(request)

    # ------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeOpenAI

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _record(self, body: dict[str, Any] | None) -> RecordedRequest:
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = RecordedRequest(self.command, self.path, headers, body)
        with self.fake._lock:
            self.fake.requests.append(request)
        return request

    def do_GET(self) -> None:
        self._record(None)
        if self.path.rstrip("/").endswith("/models"):
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"}
                for m in self.fake.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"null")
        except json.JSONDecodeError:
            body = None
        request = self._record(body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, {"error": {"message": f"no route {self.path}"}})
            return
        with self.fake._lock:
            self.fake.in_flight += 1
            self.fake.max_in_flight = max(self.fake.max_in_flight, self.fake.in_flight)
        try:
            self._answer(request, body)
        finally:
            with self.fake._lock:
                self.fake.in_flight -= 1

    def _answer(self, request: RecordedRequest, body: Any) -> None:
        reply = self.fake._next_reply(request)
        if reply.delay and self.fake._stopping.wait(reply.delay):
            return
        try:
            if reply.raw_body is not None or reply.status != 200:
                self._send_raw(reply.status, reply.raw_body or b"{}", reply.headers)
            elif request.streaming:
                self._send_stream(reply, str((body or {}).get("model", "")))
            elif reply.truncate_after is not None:
                self._send_cut(_completion(reply, str((body or {}).get("model", ""))), reply)
            else:
                self._send_json(200, _completion(reply, str((body or {}).get("model", ""))))
        except OSError:
            pass  # the client gave up (a timeout test) or the socket is gone: nothing to do

    # ------------------------------------------------------------ writers

    def _send_json(self, status: int, obj: Any) -> None:
        self._send_raw(status, json.dumps(obj).encode(), {})

    def _send_raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_cut(self, obj: Any, reply: Reply) -> None:
        """Promise the whole body, send only its start, then drop the connection."""
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: reply.truncate_after])
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(2)

    def _send_stream(self, reply: Reply, model: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        cid = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        text = reply.content or ""
        pieces = [text[i : i + reply.chunk_size] for i in range(0, len(text), reply.chunk_size)]
        self._event(_chunk(cid, model, {"role": "assistant", "content": ""}, None))
        for n, piece in enumerate(pieces):
            if reply.truncate_after is not None and n >= reply.truncate_after:
                if reply.clean_end:
                    self._end_chunked()
                else:
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)  # mid-body, no terminating chunk
                return
            self._event(_chunk(cid, model, {"content": piece}, None))
            time.sleep(0.001)
        self._event(_chunk(cid, model, {}, reply.finish_reason))
        self._write_chunk(b"data: [DONE]\n\n")
        self._end_chunked()

    def _event(self, obj: dict[str, Any]) -> None:
        self._write_chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
