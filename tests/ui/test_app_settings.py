"""Settings page: store, server and engine choices; the API key is never shown; what is saved is
checked first (a Chroma server that does not answer, the LLM engine without an endpoint)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Heartbeat(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/api/v2/heartbeat"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b'{"nanosecond heartbeat": 1}' if ok else b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chroma_like() -> Iterator[str]:
    """A loopback server answering Chroma's heartbeat, as a running ``chroma run`` does."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Heartbeat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture
def silent_port() -> Iterator[str]:
    """A port that accepts connections and never answers (a stuck or firewalled server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_api_key_status_shown_but_never_the_key(empty_home, page, page_text, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-very-secret-value")
    at = page("settings")
    assert not at.exception
    text = page_text(at)
    assert "API key: **set**" in text
    assert "sk-test-very-secret-value" not in text


def test_saving_settings_switches_the_engine_for_the_session(empty_home, page, chroma_like):
    at = page("settings")
    at.selectbox[0].select("llm")
    at.text_input[1].input(chroma_like)
    at.text_input[2].input("http://127.0.0.1:9/v1")
    at.button[0].click().run()
    assert not at.exception
    assert "Saved" in at.success[0].value
    overrides = at.session_state["settings_overrides"]
    assert overrides["engine"] == "llm"
    assert overrides["chroma_url"] == chroma_like


def test_an_unreachable_chroma_server_is_reported_within_seconds(empty_home, page, silent_port):
    at = page("settings")
    at.text_input[1].input(silent_port)
    started = time.monotonic()
    at.button[0].click().run()
    assert time.monotonic() - started < 15  # the probe waits 3 s; the rest is the page run
    assert not at.exception
    assert "Could not reach the Chroma server" in at.error[0].value
    assert "not saved" in at.error[0].value
    assert "settings_overrides" not in at.session_state


def test_a_server_that_is_not_chroma_is_named(empty_home, page, chroma_like):
    at = page("settings")
    at.text_input[1].input(chroma_like + "/not-here")
    at.button[0].click().run()
    assert "HTTP 404" in at.error[0].value
    assert "settings_overrides" not in at.session_state


def test_the_llm_engine_without_an_endpoint_warns_at_once(empty_home, page, monkeypatch):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    at = page("settings")
    at.selectbox[0].select("llm")
    at.button[0].click().run()
    assert not at.exception
    warning = at.warning[0].value
    assert "needs an endpoint" in warning and "--" not in warning
    assert "settings_overrides" not in at.session_state


def test_errors_on_screen_carry_no_command_line_advice():
    from ui.state import for_the_web

    said = for_the_web(
        "The llm engine needs OPENAI_API_KEY (or run one here: trialsum llm serve). "
        "Or use --engine extractive, which works offline."
    )
    assert "--engine" not in said and "trialsum llm" not in said
    assert said.startswith("The llm engine needs OPENAI_API_KEY") and "Settings" in said
    assert for_the_web("took too long") == "took too long"


def test_a_bad_server_url_is_refused_in_plain_words(empty_home, page):
    at = page("settings")
    at.text_input[1].input("localhost:8000")
    at.button[0].click().run()
    assert not at.exception
    assert "should start with http://" in at.error[0].value
    assert "settings_overrides" not in at.session_state


def test_the_llm_endpoint_can_be_set_for_the_session_without_its_credentials_shown(
    empty_home, page, page_text
):
    at = page("settings")
    at.text_input[2].input("http://user:hunter2@127.0.0.1:9000/v1")
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["settings_overrides"]["llm_endpoint"].endswith("127.0.0.1:9000/v1")
    text = page_text(at).replace(
        at.text_input[2].value, ""
    )  # the field itself shows what was typed
    assert "set on this page" in text
    assert "hunter2" not in text


def test_the_session_endpoint_is_what_the_llm_client_will_use(empty_home, monkeypatch):
    from ui.state import UISettings

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
    assert UISettings().openai_base_url == "http://127.0.0.1:1/v1"
    assert UISettings(llm_endpoint="http://127.0.0.1:2/v1").openai_base_url.endswith(":2/v1")


def test_a_bad_endpoint_is_refused_and_nothing_is_saved(empty_home, page):
    at = page("settings")
    at.text_input[2].input("ftp://example")
    at.button[0].click().run()
    assert not at.exception
    assert "LLM endpoint should start with http://" in at.error[0].value
    assert "settings_overrides" not in at.session_state
