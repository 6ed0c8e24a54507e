"""Settings page: store, server and engine choices; the API key is never shown."""

from __future__ import annotations


def test_api_key_status_shown_but_never_the_key(empty_home, page, page_text, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-very-secret-value")
    at = page("settings")
    assert not at.exception
    text = page_text(at)
    assert "API key: **set**" in text
    assert "sk-test-very-secret-value" not in text


def test_saving_settings_switches_the_engine_for_the_session(empty_home, page):
    at = page("settings")
    at.selectbox[0].select("llm")
    at.text_input[1].input("http://127.0.0.1:8765")
    at.button[0].click().run()
    assert not at.exception
    assert "Saved" in at.success[0].value
    overrides = at.session_state["settings_overrides"]
    assert overrides["engine"] == "llm"
    assert overrides["chroma_url"] == "http://127.0.0.1:8765"


def test_a_bad_server_url_is_refused_in_plain_words(empty_home, page):
    at = page("settings")
    at.text_input[1].input("localhost:8000")
    at.button[0].click().run()
    assert not at.exception
    assert "should start with http://" in at.error[0].value
    assert "settings_overrides" not in at.session_state
