"""With the llm engine chosen and no endpoint configured, the error says how to run one here."""

from __future__ import annotations

import pytest

from summarizer.config import Settings
from summarizer.llm_client import LLMError, build_chat_model


def test_no_endpoint_names_the_local_server_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(LLMError) as caught:
        build_chat_model(Settings(engine="llm"))
    message = str(caught.value)
    assert "\n" not in message
    assert "pip install -e '.[local-llm]'" in message
    assert "trialsum llm pull" in message and "trialsum llm serve" in message
    assert "--engine extractive" in message


def test_a_configured_endpoint_builds_without_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    chat = build_chat_model(Settings(engine="llm"))
    assert str(chat.openai_api_base) == "http://127.0.0.1:9/v1"
