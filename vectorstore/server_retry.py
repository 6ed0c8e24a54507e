"""Ride out a Chroma server that is restarting: say so, retry with backoff, give up clearly.

Every store write is idempotent (upserts of fixed ids, deletes by filter), so retrying a call
whose answer was lost is safe. Only failures to *reach* the server are retried; an error the
server returns (bad filter, unknown collection) is not.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, Field

log = logging.getLogger(__name__)
T = TypeVar("T")


class ServerUnavailable(RuntimeError):
    """The Chroma server stayed unreachable for longer than the retry budget."""


def is_unreachable(exc: BaseException) -> bool:
    """True for connection-level failures (refused, reset, timed out, cut off mid-answer)."""
    import httpx

    if isinstance(exc, httpx.TransportError):
        return True
    return isinstance(exc, ValueError) and "Could not connect to a Chroma server" in str(exc)


class RetryPolicy(BaseModel):
    """Exponential backoff from ``first_delay`` to ``max_delay``, for at most ``budget`` s."""

    budget: float = Field(default=120.0, description="seconds to keep trying before giving up")
    first_delay: float = 0.25
    max_delay: float = 5.0

    def run(
        self,
        call: Callable[[], T],
        *,
        where: str,
        what: str,
        notify: Callable[[str], None] | None = None,
    ) -> T:
        say = notify or log.warning
        deadline = time.monotonic() + self.budget
        delay, attempt = self.first_delay, 0
        while True:
            try:
                result = call()
            except Exception as exc:
                if not is_unreachable(exc):
                    raise
                attempt += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServerUnavailable(
                        f"Chroma server at {where} unreachable for {self.budget:.0f}s "
                        f"({type(exc).__name__}); is `chroma run` still running?"
                    ) from exc
                wait = min(delay, left)
                say(
                    f"Chroma server at {where} unreachable during {what} "
                    f"({type(exc).__name__}); retry {attempt} in {wait:.1f}s"
                )
                time.sleep(wait)
                delay = min(delay * 2, self.max_delay)
                continue
            if attempt:
                say(f"Chroma server at {where} is back; {what} went through after {attempt} tries")
            return result


class Retrying:
    """Wraps a Chroma client or collection so each method call goes through a ``RetryPolicy``."""

    def __init__(
        self,
        target: Any,
        policy: RetryPolicy,
        where: str,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self._target = target
        self._policy = policy
        self._where = where
        self._notify = notify

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._policy.run(
                lambda: attr(*args, **kwargs), where=self._where, what=name, notify=self._notify
            )

        return call
