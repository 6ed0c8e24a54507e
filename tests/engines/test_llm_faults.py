"""The chat client under a batch's load: a limit on requests in flight, a shared pause after a
429, and the faults a plain (non-streaming) reply can have, against the real loopback server."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from langchain_core.messages import HumanMessage

from summarizer.config import Settings
from summarizer.engines.llm import LLMEngine
from summarizer.llm_client import LLMClient, LLMError, LLMTruncatedError, RetryPolicy
from summarizer.runtime import Runtime
from tests.fake_openai import FakeOpenAI, RecordedRequest, Reply

MESSAGES = [HumanMessage(content="Say hello.")]


def test_no_more_requests_are_in_flight_than_the_limit(
    fake_openai: FakeOpenAI, llm_settings: Settings
) -> None:
    limit = 2
    client = LLMClient(llm_settings.model_copy(update={"llm_concurrency": limit}))
    # The first `limit` requests each wait for the other at a barrier: they only get through if
    # the client really lets `limit` requests run at once (else the barrier times out: HTTP 500).
    barrier = threading.Barrier(limit, timeout=10)

    def together(request: RecordedRequest) -> Reply:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return Reply.error(400, "the requests did not run together")
        return Reply.text("hello")

    fake_openai.enqueue(*[together] * limit)
    fake_openai.respond_with(lambda request: Reply.slow(0.05, "hello"))

    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda _: client.complete(MESSAGES), range(6)))

    assert replies == ["hello"] * 6
    assert fake_openai.max_in_flight == limit


def test_the_limit_comes_from_the_environment(
    llm_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIALSUM_LLM_CONCURRENCY", "3")

    assert LLMClient(Settings()).max_in_flight == 3


def test_a_new_request_waits_out_the_retry_after_another_request_was_given(
    fake_openai: FakeOpenAI, llm_settings: Settings
) -> None:
    now = [100.0]
    waits: list[tuple[str, float]] = []
    client: LLMClient

    def sleep(seconds: float) -> None:
        first = not waits
        waits.append(("first" if first else "second", seconds))
        if first:  # while the first request waits out its 429, another one starts
            assert client.complete([HumanMessage(content="second")]) == "ok 2"

    client = LLMClient(llm_settings, sleep=sleep, clock=lambda: now[0])
    fake_openai.enqueue(Reply.rate_limited(retry_after=5), Reply.text("ok 2"), Reply.text("ok 1"))

    assert client.complete(MESSAGES) == "ok 1"
    assert waits == [("first", 5.0), ("second", 5.0)]


def test_a_request_after_the_pause_does_not_wait(
    fake_openai: FakeOpenAI, llm_settings: Settings
) -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    client = LLMClient(llm_settings, sleep=sleep, clock=lambda: now[0])
    fake_openai.enqueue(Reply.rate_limited(retry_after=2), Reply.text("a"), Reply.text("b"))

    assert [client.complete(MESSAGES), client.complete(MESSAGES)] == ["a", "b"]
    assert waits == [2.0]


def test_a_reply_cut_at_the_output_limit_is_a_truncation_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Reply.length_limited('{"sections": [{"key": "wh'))

    with pytest.raises(LLMTruncatedError, match="cut off at its output limit"):
        llm_client.complete(MESSAGES)


def test_a_body_cut_off_mid_transfer_is_retried(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.enqueue(Reply.truncated("hello", after=40), Reply.text("whole"))

    assert llm_client.complete(MESSAGES) == "whole"
    assert len(sleeps) == 1


def test_a_body_always_cut_off_is_a_plain_error(
    fake_openai: FakeOpenAI, llm_settings: Settings, sleeps: list[float]
) -> None:
    client = LLMClient(llm_settings, policy=RetryPolicy(max_retries=1), sleep=sleeps.append)
    fake_openai.respond_with(lambda request: Reply.truncated("hello", after=40))

    with pytest.raises(LLMError, match=r"after 2 attempts"):
        client.complete(MESSAGES)
    assert len(fake_openai.chat_requests) == 2


def test_the_engine_builds_one_client_for_all_threads(seeded_runtime: Runtime) -> None:
    engine = LLMEngine(seeded_runtime.store, seeded_runtime.retriever, seeded_runtime.settings)

    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = set(map(id, pool.map(lambda _: engine.client, range(32))))

    assert len(clients) == 1


def test_an_engine_without_a_key_or_server_fails_when_prepared(
    seeded_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")

    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        LLMEngine.build(
            store=seeded_runtime.store,
            retriever=seeded_runtime.retriever,
            settings=seeded_runtime.settings,
        ).prepare()
