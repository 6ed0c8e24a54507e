"""The OpenAI embedder, through the real client, against a local OpenAI-compatible server."""

from __future__ import annotations

import _socket
import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from summarizer.config import Settings
from vectorstore.embed_cache import CachedEmbedder
from vectorstore.embeddings import make_embedder
from vectorstore.openai_embedder import OpenAIEmbedder

DIM = 6


def fake_vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255.0, 6) for b in digest[:DIM]]


class FakeOpenAI:
    """A tiny ``/v1/embeddings`` server that records what it was sent."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                auth = self.headers["Authorization"]
                outer.requests.append({"path": self.path, "auth": auth, **body})
                inputs = body["input"] if isinstance(body["input"], list) else [body["input"]]
                payload = {
                    "object": "list",
                    "model": body["model"],
                    "data": [
                        {"object": "embedding", "index": i, "embedding": fake_vector(t)}
                        for i, t in enumerate(inputs)
                    ],
                    "usage": {"prompt_tokens": 1, "total_tokens": 1},
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    @property
    def texts(self) -> list[str]:
        return [t for r in self.requests for t in r["input"]]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def loopback_only(no_network: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """``no_network``, but name lookups of loopback hosts are allowed (httpx resolves even
    ``127.0.0.1`` through ``getaddrinfo``); any other lookup still fails the test."""
    guarded = socket.getaddrinfo  # the no_network version
    real_getaddrinfo = _socket.getaddrinfo

    def lookup(host: object, *args: Any, **kwargs: Any) -> Any:
        if host in ("127.0.0.1", "localhost", "::1"):
            return real_getaddrinfo(host, *args, **kwargs)
        return guarded(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)


def test_embeds_through_the_real_client(server: FakeOpenAI, loopback_only: None) -> None:
    embedder = OpenAIEmbedder(model="local-embed", api_key="sk-test", base_url=server.base_url)
    texts = ["Pregnant or breastfeeding women", "Hemoglobin above 80 g/L"]
    assert embedder.embed_documents(texts) == [fake_vector(t) for t in texts]
    assert embedder.embed_query("Age 18 or older") == fake_vector("Age 18 or older")
    first = server.requests[0]
    assert first["path"] == "/v1/embeddings"
    assert first["auth"] == "Bearer sk-test"
    assert first["model"] == "local-embed"
    assert first["input"] == texts  # raw strings, not tiktoken ids
    assert embedder.dim == DIM  # learned from the first answer for an unknown model
    assert embedder.name == "openai/local-embed" == embedder.name()


def test_known_models_know_their_size_before_any_call() -> None:
    assert OpenAIEmbedder(model="text-embedding-3-small").dim == 1536


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(RuntimeError, match="OPENAI_API_KEY is not set"):
        OpenAIEmbedder().embed_documents(["x"])


def test_settings_select_it_behind_the_cache(
    server: FakeOpenAI, tmp_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    embedder = make_embedder(Settings(embedder="openai", embedding_model="local-embed"))
    assert isinstance(embedder, CachedEmbedder)
    assert isinstance(embedder.inner, OpenAIEmbedder)
    embedder.embed_documents(["a", "b", "a"])
    embedder.embed_documents(["b", "c"])
    assert server.texts == ["a", "b", "c"]
    assert server.requests[0]["auth"] == "Bearer sk-env"
    assert (tmp_home / "store" / "embed_cache.sqlite").is_file()


def test_config_round_trip_keeps_the_key_out() -> None:
    embedder = OpenAIEmbedder(model="local-embed", api_key="sk-secret", base_url="http://x/v1")
    config = embedder.get_config()
    assert "sk-secret" not in json.dumps(config)
    rebuilt = OpenAIEmbedder.build_from_config(config)
    assert isinstance(rebuilt, OpenAIEmbedder)
    assert rebuilt.get_config() == config
