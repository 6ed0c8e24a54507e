"""Calls to a Chroma server that is briefly unreachable are retried with backoff and reported;
a server that stays away, or an error the server itself returns, surfaces at once and clearly."""

from __future__ import annotations

import httpx
import pytest

from vectorstore.server_retry import Retrying, RetryPolicy, ServerUnavailable

FAST = RetryPolicy(budget=1.0, first_delay=0.01, max_delay=0.05)


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def count(self) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise httpx.ConnectError("connection refused")
        return 42

    def query(self) -> None:
        raise ValueError("bad where clause")


def test_an_unreachable_server_is_retried_and_the_recovery_reported() -> None:
    said: list[str] = []
    target = Flaky(failures=2)
    assert Retrying(target, FAST, "http://127.0.0.1:1", said.append).count() == 42
    assert target.calls == 3
    assert [s.split(" (")[0] for s in said[:2]] == ["Chroma server at http://127.0.0.1:1 "
                                                    "unreachable during count"] * 2  # fmt: skip
    assert "is back" in said[-1]


def test_a_server_that_stays_away_ends_in_a_clear_error() -> None:
    with pytest.raises(ServerUnavailable, match="unreachable for 1s"):
        Retrying(Flaky(failures=10**6), FAST, "http://127.0.0.1:1", lambda _: None).count()


def test_errors_from_the_server_itself_are_not_retried() -> None:
    target = Flaky(failures=0)
    with pytest.raises(ValueError, match="bad where"):
        Retrying(target, FAST, "http://127.0.0.1:1").query()
