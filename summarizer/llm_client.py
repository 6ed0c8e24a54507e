"""The chat-model client of the llm engine: LangChain's ``ChatOpenAI`` plus our own retry policy.

Any OpenAI-compatible server works (OpenAI, vLLM, Ollama, llama.cpp server): ``OPENAI_BASE_URL``
picks the server, ``TRIALSUM_MODEL`` the model, ``OPENAI_API_KEY`` the key (local servers take
any key). The OpenAI SDK's own retries are switched off so that one policy, tested here, decides:
exponential backoff with jitter on 429 (honouring ``Retry-After``), 5xx, timeouts and dropped
connections, then one ``LLMError`` with a plain message. The key never appears in a repr, a log
line or an error message.

One client is shared by every thread of a batch, so it also keeps the batch polite: at most
``TRIALSUM_LLM_CONCURRENCY`` requests are in flight at once (waiting out a backoff does not hold a
slot), and a 429's ``Retry-After`` pauses new requests from every thread, not only the one told.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from summarizer.config import Settings

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from langchain_openai import ChatOpenAI

log = logging.getLogger(__name__)

LOCAL_PLACEHOLDER_KEY = "not-needed"  # local servers (vLLM, Ollama, llama.cpp) accept any key
_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-*]+")
_USERINFO = re.compile(r"(https?://)[^/@\s]+@")


class LLMError(RuntimeError):
    """The language model could not give a usable reply; the message is for the user."""


class LLMTruncatedError(LLMError):
    """A streamed reply stopped before the model finished it."""


class RetryPolicy(BaseModel):
    """How long to wait between attempts: ``base * 2**n`` with jitter, capped; Retry-After wins."""

    max_retries: int = Field(default=3, ge=0)
    base_delay: float = Field(default=0.5, ge=0)
    max_delay: float = Field(default=20.0, ge=0)
    max_retry_after: float = Field(
        default=60.0, ge=0, description="give up rather than wait longer than this"
    )

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_delay, self.base_delay * (2**attempt))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)  # "equal jitter"


def redact(text: str, secrets: Sequence[str | None] = ()) -> str:
    """``text`` with API keys and URL credentials replaced, safe to log or show."""
    for secret in secrets:
        if secret and secret != LOCAL_PLACEHOLDER_KEY and len(secret) >= 4:
            text = text.replace(secret, "***")
    text = _KEY_PATTERN.sub(r"\1***", text)
    return _USERINFO.sub(r"\1***@", text)


def build_chat_model(settings: Settings, **overrides: Any) -> ChatOpenAI:
    """``ChatOpenAI`` configured from settings, with the SDK's own retries off (ours apply)."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise LLMError("the llm engine needs langchain-openai (pip install trialsum)") from exc
    key = settings.openai_api_key
    base_url = settings.openai_base_url
    if not key and not base_url:
        raise LLMError(
            "The llm engine needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server "
            "(vLLM, Ollama, llama.cpp; or run one here: pip install -e '.[local-llm]', "
            "trialsum llm pull, trialsum llm serve). Or use --engine extractive, which works "
            "offline."
        )
    params: dict[str, Any] = {
        "model": settings.model,
        "api_key": key or LOCAL_PLACEHOLDER_KEY,
        "base_url": base_url,
        "timeout": settings.llm_timeout,
        "max_retries": 0,
        "temperature": 0,
        "max_tokens": settings.llm_max_reply_tokens,
        "stream_usage": False,  # stream_options is not understood by every local server
    }
    params.update(overrides)
    return ChatOpenAI(**params)


class LLMClient:
    """Complete or stream one chat exchange, with retries; errors become ``LLMError``."""

    def __init__(
        self,
        settings: Settings,
        *,
        policy: RetryPolicy | None = None,
        chat: ChatOpenAI | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = settings.model
        self.base_url = settings.openai_base_url or "https://api.openai.com/v1"
        self.timeout = settings.llm_timeout
        self.policy = policy or RetryPolicy(max_retries=settings.llm_max_retries)
        self._secrets = (settings.openai_api_key,)
        self._chat = chat or build_chat_model(settings)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._clock = clock
        self.max_in_flight = settings.llm_concurrency
        self._slots = threading.BoundedSemaphore(self.max_in_flight)
        self._pause_lock = threading.Lock()
        self._resume_at = 0.0  # clock time before which no new request starts (after a 429)

    def __repr__(self) -> str:
        return f"LLMClient(model={self.model!r}, base_url={redact(self.base_url)!r})"

    # ------------------------------------------------------------ public calls

    def complete(self, messages: Sequence[BaseMessage]) -> str:
        """The model's whole reply; an empty reply is an error, not an answer."""

        def call() -> tuple[str, Any]:
            with self._slots:
                reply = self._chat.invoke(list(messages))
            return _content_text(reply.content), reply.response_metadata.get("finish_reason")

        text, finish = self._with_retries(call)
        if not text.strip():
            raise LLMError(f"The language model ({self.model}) returned an empty reply.")
        if finish == "length":
            raise LLMTruncatedError(
                f"The language model's reply was cut off at its output limit ({self.model}, "
                "finish_reason=length); the text that arrived is incomplete."
            )
        return text

    def stream(self, messages: Sequence[BaseMessage]) -> Iterator[str]:
        """Text pieces as they arrive. Retries happen only before the first piece.

        A stream that ends without the model saying it finished (a dropped connection, a server
        that stops mid-reply) raises ``LLMTruncatedError``: what arrived is incomplete.
        """
        attempt = 0
        self._respect_pause()
        while True:
            started = False
            finished = False
            try:
                with self._slots:  # held while the reply streams in; released if abandoned
                    for chunk in self._chat.stream(list(messages)):
                        if chunk.response_metadata.get("finish_reason"):
                            finished = True
                        piece = _content_text(chunk.content)
                        if piece:
                            started = True
                            yield piece
            except Exception as exc:
                if started:
                    raise LLMTruncatedError(
                        "The language model's reply stopped before it was complete "
                        f"({self._describe(exc)})."
                    ) from None
                failure = self._classify(exc)
                if not failure.retryable or attempt >= self.policy.max_retries:
                    raise self._final_error(failure, attempt + 1) from None
                self._wait(attempt, failure)
                attempt += 1
                continue
            if not finished:
                raise LLMTruncatedError(
                    "The language model's reply stopped before it was complete "
                    "(the stream ended without a finish signal)."
                )
            if not started:
                raise LLMError(f"The language model ({self.model}) returned an empty reply.")
            return

    def list_models(self) -> list[str]:
        """Model ids the server offers: a cheap health check."""
        root = self._chat.root_client

        def call() -> list[str]:
            with self._slots:
                return [m.id for m in root.models.list()]

        return self._with_retries(call)

    # ------------------------------------------------------------ retries

    def _with_retries(self, call: Callable[[], Any]) -> Any:
        attempt = 0
        self._respect_pause()
        while True:
            try:
                return call()
            except Exception as exc:
                failure = self._classify(exc)
                if not failure.retryable or attempt >= self.policy.max_retries:
                    raise self._final_error(failure, attempt + 1) from None
                self._wait(attempt, failure)
                attempt += 1

    def _wait(self, attempt: int, failure: _Failure) -> None:
        if failure.retry_after is not None and failure.retry_after > self.policy.max_retry_after:
            raise LLMError(
                f"The language model service is rate limiting requests and asked to wait "
                f"{failure.retry_after:.0f} s; try again later."
            )
        delay = self.policy.delay(attempt, failure.retry_after, self._rng)
        if failure.retry_after is not None:
            with self._pause_lock:
                self._resume_at = max(self._resume_at, self._clock() + delay)
        log.warning(
            "llm request failed (%s); retry %d of %d in %.2f s",
            failure.reason,
            attempt + 1,
            self.policy.max_retries,
            delay,
        )
        self._sleep(delay)

    def _respect_pause(self) -> None:
        """Before a new request: wait out a Retry-After another thread's request was given.

        Retries skip this: they have just waited out their own backoff.
        """
        with self._pause_lock:
            remaining = self._resume_at - self._clock()
        if remaining > 0:
            log.info("llm service asked to slow down; new request waits %.2f s", remaining)
            self._sleep(remaining)

    def _classify(self, exc: BaseException) -> _Failure:
        import openai

        detail = self._describe(exc)
        if isinstance(exc, openai.APITimeoutError):
            return _Failure("timeout", True, detail)
        if isinstance(exc, openai.APIConnectionError):
            return _Failure("connection", True, detail)
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            retry_after = _retry_after(exc.response.headers) if status == 429 else None
            retryable = status in (408, 409, 429) or status >= 500
            return _Failure(f"http {status}", retryable, detail, status, retry_after)
        if isinstance(exc, openai.APIError):  # e.g. a malformed body
            return _Failure("bad response", True, detail)
        if isinstance(exc, json.JSONDecodeError):  # a 200 whose body is not JSON
            return _Failure("bad response", True, detail)
        if isinstance(exc, _transport_errors()):
            return _Failure("connection", True, detail)
        if isinstance(exc, LLMError):
            return _Failure("llm", False, str(exc))
        return _Failure("unexpected", False, detail)

    def _final_error(self, failure: _Failure, attempts: int) -> LLMError:
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        where = redact(self.base_url, self._secrets)
        status = failure.status
        if failure.reason == "timeout":
            msg = f"The language model did not reply within {self.timeout:g} s ({tries})."
        elif failure.reason == "connection":
            msg = f"Could not reach the language model at {where} ({tries}): {failure.detail}"
        elif status == 429:
            msg = f"The language model service is rate limiting requests (HTTP 429), {tries}."
        elif status is not None and status >= 500:
            msg = f"The language model service failed (HTTP {status}) {tries}."
        elif status in (401, 403):
            msg = (
                f"The language model service at {where} refused the API key (HTTP {status}). "
                "Check OPENAI_API_KEY."
            )
        elif status == 404:
            msg = (
                f"Model {self.model!r} was not found at {where} (HTTP 404). Check TRIALSUM_MODEL "
                "and OPENAI_BASE_URL."
            )
        elif status is not None:
            msg = f"The language model service rejected the request (HTTP {status}): "
            msg += failure.detail
        elif failure.reason == "bad response":
            msg = f"The language model service sent a reply that could not be read ({tries})."
        else:
            msg = f"The language model call failed: {failure.detail}"
        return LLMError(redact(msg, self._secrets))

    def _describe(self, exc: BaseException) -> str:
        text = str(exc).strip() or type(exc).__name__
        text = text.splitlines()[0][:300]
        return redact(text, self._secrets)


class _Failure:
    __slots__ = ("detail", "reason", "retry_after", "retryable", "status")

    def __init__(
        self,
        reason: str,
        retryable: bool,
        detail: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.reason = reason
        self.retryable = retryable
        self.detail = detail
        self.status = status
        self.retry_after = retry_after


def _retry_after(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, parsed.timestamp() - time.time())


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Transport errors the SDK lets through while a stream is read (httpx or httpx2)."""
    errors: list[type[BaseException]] = [OSError]
    for name in ("httpx2", "httpx"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        errors.append(module.HTTPError)
    return tuple(errors)


def _content_text(content: Any) -> str:
    """Message content as text (content can be a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", ""))
            for part in content
            if isinstance(part, str | dict)
        )
    return ""
