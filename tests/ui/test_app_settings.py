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
