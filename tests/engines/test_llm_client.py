"""The chat client against a real loopback server: what it sends, retries, and every fault mode."""

from __future__ import annotations

import email.utils
import logging
import random
import time

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from summarizer.config import Settings
from summarizer.llm_client import (
    LLMClient,
    LLMError,
    LLMTruncatedError,
    RetryPolicy,
    _retry_after,
    build_chat_model,
    redact,
)
from tests.engines.conftest import TEST_KEY
from tests.fake_openai import FakeOpenAI, Reply

MESSAGES = [SystemMessage(content="Be brief."), HumanMessage(content="Say hello.")]


# ---------------------------------------------------------------- what is sent


def test_sends_the_configured_model_messages_and_key(
    llm_client: LLMClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Reply.text("Hello."))

    assert llm_client.complete(MESSAGES) == "Hello."

    (request,) = fake_openai.chat_requests
    assert request.body is not None
    assert request.body["model"] == "fake-model"
    assert request.message("system") == "Be brief."
    assert request.message("user") == "Say hello."
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"


def test_every_reply_is_capped_at_the_configured_length(
    llm_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(Reply.text("ok"), Reply.text("ok"))

    LLMClient(llm_settings).complete(MESSAGES)
    short = llm_settings.model_copy(update={"llm_max_reply_tokens": 64})
    LLMClient(short).complete(MESSAGES)

    # langchain-openai names the cap max_completion_tokens (older versions: max_tokens)
    default, capped = (
        (r.body or {}).get("max_completion_tokens", (r.body or {}).get("max_tokens"))
        for r in fake_openai.chat_requests
    )
    assert default == Settings().llm_max_reply_tokens == 2048
    assert capped == 64


def test_a_local_server_needs_no_key(
    fake_openai: FakeOpenAI, llm_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    fake_openai.enqueue(Reply.text("ok"))

    assert LLMClient(Settings()).complete(MESSAGES) == "ok"


def test_no_key_and_no_server_is_a_plain_error(
    tmp_home: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    with pytest.raises(LLMError, match="OPENAI_API_KEY"):
        LLMClient(Settings())


def test_timeout_and_model_come_from_settings(llm_settings: Settings) -> None:
    chat = build_chat_model(llm_settings)

    assert chat.model_name == "fake-model"
    assert chat.request_timeout == 2
    assert chat.max_retries == 0  # our policy retries, not the SDK's


def test_lists_the_servers_models(llm_client: LLMClient) -> None:
    assert llm_client.list_models() == ["fake-model", "other-model"]


# ---------------------------------------------------------------- the key stays secret


def test_key_never_appears_in_repr_logs_or_errors(
    llm_client: LLMClient,
    fake_openai: FakeOpenAI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The server echoes the key back, as OpenAI's own 401 message does.
    fake_openai.respond_with(
        lambda req: Reply.error(401, f"Incorrect API key provided: {TEST_KEY}.")
    )
    caplog.set_level(logging.DEBUG)

    with pytest.raises(LLMError) as caught:
        llm_client.complete(MESSAGES)

    assert "OPENAI_API_KEY" in str(caught.value)
    assert len(fake_openai.chat_requests) == 1  # a refused key is not retried
    for text in (str(caught.value), repr(llm_client), caplog.text, repr(caught.value)):
        assert TEST_KEY not in text
        assert "TOPSECRET" not in text


def test_redact_hides_keys_and_url_credentials() -> None:
    text = "key sk-proj-abcdefghijklmnop at https://user:pass@example.org/v1 and my-secret-key"

    out = redact(text, ["my-secret-key"])

    assert "abcdefghijklmnop" not in out
    assert "user:pass" not in out
    assert "my-secret-key" not in out
    assert "https://***@example.org/v1" in out


# ---------------------------------------------------------------- retries


def test_429_honours_retry_after_then_succeeds(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.enqueue(Reply.rate_limited(retry_after=3), Reply.text("fine"))

    assert llm_client.complete(MESSAGES) == "fine"
    assert sleeps == [3.0]
    assert len(fake_openai.chat_requests) == 2


def test_429_without_retry_after_backs_off_exponentially(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.enqueue(*[Reply.rate_limited(retry_after=None)] * 3, Reply.text("fine"))

    assert llm_client.complete(MESSAGES) == "fine"
    # equal jitter: each wait lies in [ceiling/2, ceiling], ceilings 0.5, 1, 2
    assert [0.25 <= sleeps[0] <= 0.5, 0.5 <= sleeps[1] <= 1, 1 <= sleeps[2] <= 2] == [True] * 3


def test_rate_limit_that_never_clears_is_a_plain_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.respond_with(lambda req: Reply.rate_limited(retry_after=1))

    with pytest.raises(LLMError, match=r"rate limiting.*after 4 attempts"):
        llm_client.complete(MESSAGES)
    assert len(fake_openai.chat_requests) == 4
    assert sleeps == [1.0, 1.0, 1.0]


def test_a_retry_after_beyond_the_limit_gives_up_at_once(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.enqueue(Reply.rate_limited(retry_after=3600))

    with pytest.raises(LLMError, match="asked to wait 3600 s"):
        llm_client.complete(MESSAGES)
    assert sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float], status: int
) -> None:
    fake_openai.enqueue(Reply.server_error(status), Reply.text("recovered"))

    assert llm_client.complete(MESSAGES) == "recovered"
    assert len(sleeps) == 1


def test_server_errors_exhaust_retries_with_a_plain_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.respond_with(lambda req: Reply.server_error(500))

    with pytest.raises(LLMError, match=r"failed \(HTTP 500\) after 4 attempts"):
        llm_client.complete(MESSAGES)
    assert caplog.text.count("retry") == 3


def test_a_bad_request_is_not_retried(llm_client: LLMClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.respond_with(lambda req: Reply.error(400, "messages: too long"))

    with pytest.raises(LLMError, match=r"rejected the request \(HTTP 400\)"):
        llm_client.complete(MESSAGES)
    assert len(fake_openai.chat_requests) == 1


def test_an_unknown_model_names_the_setting(llm_client: LLMClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply.error(404, "model not found"))

    with pytest.raises(LLMError, match="TRIALSUM_MODEL"):
        llm_client.complete(MESSAGES)


def test_a_slow_reply_times_out_and_is_retried(
    fake_openai: FakeOpenAI, llm_settings: Settings, sleeps: list[float]
) -> None:
    settings = llm_settings.model_copy(update={"llm_timeout": 0.3})
    client = LLMClient(settings, policy=RetryPolicy(max_retries=1), sleep=sleeps.append)
    fake_openai.enqueue(Reply.slow(2.0, "late"), Reply.text("on time"))

    assert client.complete(MESSAGES) == "on time"
    assert len(sleeps) == 1


def test_a_server_that_never_answers_in_time_is_a_plain_error(
    fake_openai: FakeOpenAI, llm_settings: Settings, sleeps: list[float]
) -> None:
    settings = llm_settings.model_copy(update={"llm_timeout": 0.2})
    client = LLMClient(settings, policy=RetryPolicy(max_retries=1), sleep=sleeps.append)
    fake_openai.respond_with(lambda req: Reply.slow(2.0))

    started = time.monotonic()
    with pytest.raises(LLMError, match=r"did not reply within 0.2 s \(after 2 attempts\)"):
        client.complete(MESSAGES)
    assert time.monotonic() - started < 1.9  # gave up on the timeout, not the server's pace


def test_an_unreachable_server_is_a_plain_error(
    llm_settings: Settings, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # discard port: closed
    client = LLMClient(Settings(), policy=RetryPolicy(max_retries=1), sleep=sleeps.append)

    with pytest.raises(LLMError, match=r"Could not reach the language model at http://127.0.0.1:9"):
        client.complete(MESSAGES)
    assert len(sleeps) == 1


# ---------------------------------------------------------------- bad replies


def test_an_invalid_json_body_is_a_plain_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.respond_with(lambda req: Reply.invalid_body())

    with pytest.raises(LLMError, match="could not be read"):
        llm_client.complete(MESSAGES)


def test_an_invalid_body_once_is_retried(llm_client: LLMClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply.invalid_body(), Reply.text("good"))

    assert llm_client.complete(MESSAGES) == "good"


@pytest.mark.parametrize("content", ["", "   \n", None])
def test_an_empty_reply_is_a_plain_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI, content: str | None
) -> None:
    fake_openai.enqueue(Reply(content=content))

    with pytest.raises(LLMError, match="empty reply"):
        llm_client.complete(MESSAGES)


# ---------------------------------------------------------------- streaming


def test_streams_pieces_as_they_arrive(llm_client: LLMClient, fake_openai: FakeOpenAI) -> None:
    text = "The trial takes adults aged 18 to 75. It is in Boston."
    fake_openai.enqueue(Reply.text(text, chunk_size=5))

    pieces = list(llm_client.stream(MESSAGES))

    assert "".join(pieces) == text
    assert len(pieces) == len(text) // 5 + 1
    assert fake_openai.chat_requests[0].streaming


def test_a_stream_cut_mid_reply_is_a_truncation_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI
) -> None:
    text = "A long reply that never finishes."
    fake_openai.enqueue(Reply.truncated(text, after=2))  # two 12-character deltas, then a drop

    pieces: list[str] = []
    with pytest.raises(LLMTruncatedError, match="stopped before it was complete"):
        pieces.extend(llm_client.stream(MESSAGES))
    assert "".join(pieces) == text[:24]


def test_a_stream_that_ends_without_finishing_is_a_truncation_error(
    llm_client: LLMClient, fake_openai: FakeOpenAI
) -> None:
    fake_openai.enqueue(
        Reply.truncated("A long reply that never finishes.", after=1, clean_end=True)
    )

    with pytest.raises(LLMTruncatedError, match="without a finish signal"):
        list(llm_client.stream(MESSAGES))


def test_a_stream_is_retried_when_it_fails_before_the_first_piece(
    llm_client: LLMClient, fake_openai: FakeOpenAI, sleeps: list[float]
) -> None:
    fake_openai.enqueue(Reply.server_error(503), Reply.rate_limited(1), Reply.text("Hi there."))

    assert "".join(llm_client.stream(MESSAGES)) == "Hi there."
    assert len(sleeps) == 2 and sleeps[1] == 1.0


def test_an_empty_stream_is_a_plain_error(llm_client: LLMClient, fake_openai: FakeOpenAI) -> None:
    fake_openai.enqueue(Reply.empty())

    with pytest.raises(LLMError, match="empty reply"):
        list(llm_client.stream(MESSAGES))


# ---------------------------------------------------------------- the policy alone


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay=1, max_delay=5)
    rng = random.Random(7)

    for attempt, ceiling in enumerate([1, 2, 4, 5, 5]):
        waits = {policy.delay(attempt, None, rng) for _ in range(50)}
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(waits) > 1  # jittered, so clients that failed together spread out


def test_retry_after_is_read_as_seconds_or_an_http_date() -> None:
    in_ten = email.utils.formatdate(time.time() + 10, usegmt=True)

    assert _retry_after({"retry-after": "7"}) == 7.0
    assert _retry_after({"retry-after-ms": "1500"}) == 1.5
    assert 8 <= (_retry_after({"retry-after": in_ten}) or 0) <= 10
    assert _retry_after({"retry-after": "soon"}) is None
    assert _retry_after({}) is None
