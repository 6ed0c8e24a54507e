"""Fixtures for the llm engine: a loopback OpenAI-compatible server and settings pointing at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from summarizer.config import Settings
from summarizer.llm_client import LLMClient, RetryPolicy
from tests.fake_openai import FakeOpenAI

if TYPE_CHECKING:
    from summarizer.runtime import Runtime

TEST_KEY = "sk-test-TOPSECRET-0123456789abcdef"


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections and name lookups anywhere but this machine fail the test."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo
    local = ("127.0.0.1", "localhost", "::1")

    def connect(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or host in local:
            return real_connect(self, address)  # type: ignore[arg-type]
        raise AssertionError(f"network access attempted: {address!r}")

    def getaddrinfo(host: object, *args: object, **kw: object) -> object:
        if host in local:
            return real_getaddrinfo(host, *args, **kw)  # type: ignore[arg-type]
        raise AssertionError(f"DNS lookup attempted: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def fake_openai(loopback_only: None) -> Iterator[FakeOpenAI]:
    """A fresh loopback server per test; script it with ``enqueue`` / ``respond_with``."""
    with FakeOpenAI(models=("fake-model", "other-model")) as server:
        yield server


@pytest.fixture
def llm_settings(
    fake_openai: FakeOpenAI, tmp_home: object, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Settings as a user would set them for a local OpenAI-compatible server."""
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", TEST_KEY)
    monkeypatch.setenv("TRIALSUM_MODEL", "fake-model")
    monkeypatch.setenv("TRIALSUM_LLM_TIMEOUT", "2")
    monkeypatch.setenv("TRIALSUM_LLM_MAX_RETRIES", "3")
    return Settings()


@pytest.fixture
def sleeps() -> list[float]:
    """Every backoff wait the client asked for, instead of sleeping."""
    return []


@pytest.fixture
def llm_client(llm_settings: Settings, sleeps: list[float]) -> LLMClient:
    policy = RetryPolicy(max_retries=llm_settings.llm_max_retries, base_delay=0.5, max_delay=8)
    return LLMClient(llm_settings, policy=policy, sleep=sleeps.append)


@pytest.fixture
def seeded_runtime(seeded_home: Path, llm_settings: Settings) -> Runtime:
    """The seeded store, with settings that point the llm engine at the fake server."""
    from summarizer.runtime import Runtime

    return Runtime(llm_settings.model_copy(update={"home": seeded_home}))
