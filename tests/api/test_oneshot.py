"""A served CLI command sends its one request on a bare socket (``summarizer.api.oneshot``): the
reply reads the same as through ``http.client`` (sized, chunked or ended by the server closing),
errors map to the same exceptions, and the process does not import ``http.client`` at all."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from summarizer.api.client import RemoteAssistant, RemoteError
from summarizer.api.oneshot import BadReply, parse
from summarizer.assistant import TrialNotFoundError, UsageError

from .conftest import ROOT, cli_env

HIT = {
    "chunk": {
        "id": "NCT90000001:inclusion:0-10:abcd",
        "trial_id": "NCT90000001",
        "section": "inclusion",
        "kind": "inclusion",
        "text": "Age 18 years or older",
        "start": 0,
        "end": 10,
        "source_path": "/data/NCT90000001.txt",
        "content_hash": "abcd",
        "ordinal": 0,
        "title": "Lung",
    },
    "score": 0.5,
}


class _Handler(BaseHTTPRequestHandler):
    """``/search`` answers one hit, sized or chunked; ``/trials/X`` 404s; ``/ask`` echoes."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, str, bytes]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, status: int, body: bytes, *, chunked: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 7):
                part = body[i : i + 7]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def do_GET(self) -> None:
        self.seen.append(("GET", self.path, b""))
        if self.path.startswith("/search"):
            chunked = "chunked=1" in self.path
            self._reply(200, json.dumps({"hits": [HIT]}).encode(), chunked=chunked)
        else:
            self._reply(404, b'{"detail": "trial \'X\' is not in the store"}')

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(("POST", self.path, body))
        if json.loads(body).get("question") == "":
            self._reply(422, b'{"detail": "ask a question"}')
        else:
            self._reply(200, body)


@pytest.fixture
def fake() -> Iterator[str]:
    """A plain HTTP server on a free loopback port, answering like ``trialsum serve``."""
    _Handler.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_sized_and_a_chunked_reply_read_the_same(fake: str) -> None:
    remote = RemoteAssistant(fake)
    sized = remote.request_json("GET", "/search", params={"q": "age", "k": 3, "trial": []})
    chunked = remote.request_json("GET", "/search", params={"q": "age", "chunked": 1})
    assert sized == chunked == {"hits": [HIT]}
    assert _Handler.seen[0][:2] == ("GET", "/search?q=age&k=3")  # an empty list is left out


def test_a_body_is_sent_as_json_and_errors_are_the_typed_ones(fake: str) -> None:
    remote = RemoteAssistant(fake)
    payload = remote.ask_payload("Who can join?", ["NCT90000001"])
    assert remote.request_json("POST", "/ask", body=payload) == payload
    assert json.loads(_Handler.seen[-1][2]) == payload
    with pytest.raises(UsageError, match="ask a question"):
        remote.request_json("POST", "/ask", body={"question": ""})
    with pytest.raises(TrialNotFoundError, match="not in the store"):
        remote.request_json("GET", "/trials/X")


def test_no_server_is_a_remote_error_naming_the_url() -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(RemoteError, match=f"no trialsum server answers at http://127.0.0.1:{port}"):
        RemoteAssistant(f"http://127.0.0.1:{port}").request_json("GET", "/search")


def test_a_reply_read_until_close_and_malformed_replies() -> None:
    assert parse(b"HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\n{}") == (200, b"{}")
    assert parse(b"HTTP/1.0 204 No Content\r\n\r\n") == (204, b"")
    with pytest.raises(BadReply):
        parse(b"SSH-2.0-OpenSSH\r\n\r\n")
    with pytest.raises(BadReply):
        parse(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")  # cut short
    with pytest.raises(BadReply):
        parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")


PROBE = """
import atexit, json, sys
dump = sys.argv.pop()
atexit.register(lambda: open(dump, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["trialsum", *sys.argv[1:]]
from summarizer.cli import main
main()
"""


def test_a_served_search_prints_the_hits_without_importing_http_client(
    fake: str, tmp_path: Path
) -> None:
    dump = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "search", "age", "--json", str(dump)],
        cwd=ROOT,
        env=cli_env(TRIALSUM_URL=fake),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["chunk"]["trial_id"] == "NCT90000001"
    names = set(json.loads(dump.read_text()))
    assert "summarizer.api.oneshot" in names
    assert not {"http.client", "email.parser", "ssl"} & names
