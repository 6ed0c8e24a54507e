"""Real ``trialsum serve`` processes on free loopback ports, spoken to over real HTTP.

``sample_server``: the five samples, ingested by ``trialsum ingest`` into a fresh store, served
without a key. ``keyed_server``: an empty store, an API key and a small upload limit.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-key-7f3a"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRIALSUM_")}
    env.update(ANONYMIZED_TELEMETRY="False", PYTHONUNBUFFERED="1", **extra)
    return env


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    home: Path

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        try:
            conn.request(method, path, body=data, headers=sent)
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def declare(self, method: str, path: str, length: int, headers: dict[str, str]) -> Reply:
        """Send only the headers of a request whose body would be ``length`` bytes, then read
        the reply: what a careful client sees when the server refuses before reading."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.putrequest(method, path)
            for name, value in {**headers, "Content-Length": str(length)}.items():
                conn.putheader(name, value)
            conn.endheaders()
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def chunked(
        self, method: str, path: str, chunks: list[bytes], headers: dict[str, str]
    ) -> Reply:
        """A body sent with ``Transfer-Encoding: chunked`` (no declared length)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request(method, path, body=iter(chunks), headers=headers, encode_chunked=True)
            r = conn.getresponse()
            return Reply(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()


def start_server(home: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = (home / "serve.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "summarizer",
            "serve",
            "--store",
            str(home),
            "--port",
            str(port),
            *args,
        ],
        cwd=ROOT,
        env=env or cli_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(f"http://127.0.0.1:{port}", port, process, home)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {(home / 'serve.log').read_text()}")
        try:
            if server.request("GET", "/health").status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise AssertionError(f"server did not start: {(home / 'serve.log').read_text()}")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()


@pytest.fixture(scope="session")
def sample_server(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("api") / "home"
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "ingest", str(samples_dir), "--store", str(home)],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    server = start_server(home)
    yield server
    stop(server)


@pytest.fixture(scope="session")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("api-key") / "home"
    home.mkdir()
    server = start_server(home, "--api-key", KEY, "--max-upload", str(64 * 1024))
    yield server
    stop(server)
