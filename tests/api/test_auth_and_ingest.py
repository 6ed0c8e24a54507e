"""A keyed server: every route but /health and the docs needs the key; uploads are indexed,
bad files named, and an upload over the server's limit refused; off loopback, no key, no start."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from .conftest import KEY, ROOT, Server, cli_env, free_port
from .test_routes import assert_error


def multipart(files: dict[str, bytes]) -> tuple[bytes, dict[str, str]]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, data in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_without_the_key_only_health_and_docs_answer(keyed_server: Server) -> None:
    assert keyed_server.request("GET", "/health").json()["auth"] is True
    assert keyed_server.request("GET", "/openapi.json").status == 200
    assert_error(keyed_server.request("GET", "/trials"), 401, "unauthorized", "API key")
    wrong = keyed_server.request("GET", "/trials", headers={"X-API-Key": "not-it"})
    assert_error(wrong, 401, "unauthorized", "wrong")
    assert keyed_server.request("GET", "/trials", headers={"X-API-Key": KEY}).status == 200
    bearer = keyed_server.request("GET", "/trials", headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.status == 200


def test_upload_indexes_documents_and_names_the_bad_ones(
    keyed_server: Server, samples_dir: Path
) -> None:
    sample = sorted(samples_dir.glob("*.txt"))[0]
    body, headers = multipart(
        {sample.name: sample.read_bytes(), "notes.xml": b"<x>not a trial</x>"}
    )
    assert_error(
        keyed_server.request("POST", "/ingest", raw=body, headers=headers), 401, "unauthorized"
    )
    headers["X-API-Key"] = KEY
    report = keyed_server.request("POST", "/ingest", raw=body, headers=headers)
    assert report.status == 200, report.body
    data = report.json()
    assert data["trials_new"] == 1
    assert [f["path"] for f in data["trials_failed"]] == ["notes.xml"]
    listed = keyed_server.request("GET", "/trials", headers={"X-API-Key": KEY}).json()
    assert len(listed) == 1
    kept = Path(listed[0]["source_path"])
    assert kept.is_file() and kept.is_relative_to(keyed_server.home / "uploads")
    again = keyed_server.request("POST", "/ingest", raw=body, headers=headers).json()
    assert again["trials_unchanged"] == 1 and again["trials_new"] == 0


def test_an_upload_over_the_limit_is_413(keyed_server: Server) -> None:
    headers = {"Content-Type": "multipart/form-data; boundary=x", "X-API-Key": KEY}
    reply = keyed_server.declare("POST", "/ingest", 128 * 1024, headers)
    assert_error(reply, 413, "too_large", "65,536")


def test_refuses_to_listen_beyond_loopback_without_a_key(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "summarizer",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            str(free_port()),
            "--store",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "API key" in lines[0] and "0.0.0.0" in lines[0]
    assert not (tmp_path / "store").exists()  # refused before opening anything
