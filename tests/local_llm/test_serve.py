"""Starting the local server: every bad input is one line before or instead of llama.cpp's log.

These run without a real model: the model file is fake or missing, so llama.cpp is reached only
to show that its failure to load becomes a ``ServeError``.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.local_llm import models as models_module
from summarizer.local_llm.pull import model_path, pull
from summarizer.local_llm.serve import (
    LocalServer,
    ServeError,
    ServeOptions,
    free_port,
    port_is_free,
)
from tests.local_llm.conftest import FakeModel

needs_xllamacpp = pytest.mark.skipif(
    not __import__("importlib").util.find_spec("xllamacpp"),
    reason="xllamacpp is not installed (pip install -e '.[local-llm]')",
)


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def test_free_port_is_free_and_a_listening_port_is_not(busy_port: int) -> None:
    assert port_is_free(free_port())
    assert not port_is_free(busy_port)


def test_without_xllamacpp_the_error_names_the_extra(
    fake_model: FakeModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, _ = fake_model()
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import fails as if not installed
    server = LocalServer(spec, tmp_path)
    with pytest.raises(ServeError, match=r"needs the xllamacpp package: pip install -e '\.\["):
        server.start()
    assert not server.running


def test_a_server_not_started_has_no_url_and_stops_quietly(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, _ = fake_model()
    server = LocalServer(spec, tmp_path)
    with pytest.raises(ServeError, match="not running"):
        server.base_url  # noqa: B018
    server.stop()
    server.stop()
    assert not server.running


@needs_xllamacpp
def test_a_model_not_pulled_says_how_to_pull_it(fake_model: FakeModel, tmp_path: Path) -> None:
    spec, _ = fake_model()
    with pytest.raises(ServeError, match=r"not pulled yet .*trialsum llm pull --model fake"):
        LocalServer(spec, tmp_path).start()


@needs_xllamacpp
def test_a_corrupt_model_is_caught_by_its_hash_before_llama_cpp(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, _ = fake_model()
    path = pull(spec, tmp_path).path
    path.write_bytes(path.read_bytes()[:-1] + b"?")
    with pytest.raises(ServeError, match="is corrupt"):
        LocalServer(spec, tmp_path).start()


@needs_xllamacpp
def test_a_file_llama_cpp_cannot_load_is_one_line_not_a_crash(
    fake_model: FakeModel, tmp_path: Path
) -> None:
    spec, _ = fake_model()
    pull(spec, tmp_path)  # verified against its own (fake) hash, but not a real GGUF model
    server = LocalServer(spec, tmp_path, ServeOptions(verify=False))
    with pytest.raises(ServeError) as caught:
        server.start()
    assert "llama.cpp could not load" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not server.running


@needs_xllamacpp
def test_a_port_in_use_is_refused_before_loading(
    fake_model: FakeModel, tmp_path: Path, busy_port: int
) -> None:
    spec, _ = fake_model()
    pull(spec, tmp_path)
    server = LocalServer(spec, tmp_path, ServeOptions(port=busy_port, verify=False))
    with pytest.raises(ServeError, match=f"port {busy_port} on 127.0.0.1 is in use"):
        server.start()
    assert not server.running and server.port is None


@needs_xllamacpp
def test_cli_serve_reports_a_port_in_use_in_one_line(
    fake_model: FakeModel, tmp_path: Path, busy_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from summarizer.cli import app

    spec, _ = fake_model()
    monkeypatch.setitem(models_module.MODELS, "fake", spec)
    pull(spec, tmp_path)
    assert model_path(spec, tmp_path).is_file()
    args = ["llm", "serve", "--model", "fake", "--store", str(tmp_path), "--port", str(busy_port)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"error: port {busy_port} on 127.0.0.1 is in use: pick another with --port, "
        "or leave it out for a free one"
    ]
    assert result.stdout == ""
