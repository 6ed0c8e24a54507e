"""Request and response bodies of the HTTP API: what crosses the wire, validated at the edge.

Answers, hits, summaries and reports are the application layer's own models; only what the API
adds (requests, envelopes, the error body) is defined here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.assistant import BulletCheck
from summarizer.models import Hit, TrialHit

EngineName = Literal["extractive", "assisted", "llm"]

MAX_QUESTION_CHARS = 2_000
MAX_TRIALS_PER_QUESTION = 50
MAX_BULLETS = 100


class AskRequest(BaseModel):
    """A question, optionally about given trials; ``stream`` asks for server-sent events."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(max_length=MAX_QUESTION_CHARS, description="a plain-language question")
    trial_ids: list[str] | None = Field(
        default=None,
        max_length=MAX_TRIALS_PER_QUESTION,
        description="ask about these trials only; omit to search all trials",
    )
    engine: EngineName | None = Field(default=None, description="default: the server's engine")
    stream: bool = Field(
        default=False,
        description="answer as server-sent events (same as the header Accept: text/event-stream)",
    )


MAX_DESCRIPTION_CHARS = 100_000  # longer bodies are refused; the pre-screen reads the first 4,000


class MatchRequest(BaseModel):
    """A person's own description, for a pre-screen of the trials in the store."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(
        min_length=1,
        max_length=MAX_DESCRIPTION_CHARS,
        description="the person in their own words: age, sex, condition, treatments",
    )
    k: int = Field(default=10, ge=1, le=100, description="how many trials to return")
    status: str | None = Field(
        default=None, description="only trials with this status: recruiting, open, completed..."
    )


class CheckFitRequest(BaseModel):
    """An editor's "Who should consider this trial" bullets, to be checked against the trial."""

    model_config = ConfigDict(extra="forbid")

    good_fit: list[str] = Field(default_factory=list, max_length=MAX_BULLETS)
    not_fit: list[str] = Field(default_factory=list, max_length=MAX_BULLETS)


class FitCheckResponse(BaseModel):
    """The checker's verdict per bullet; ``ok`` when every bullet is supported."""

    trial_id: str
    bullets: list[BulletCheck]
    ok: bool


class SearchResponse(BaseModel):
    """Ranked passages, or ranked trials when ``trials=true`` was asked."""

    query: str
    hits: list[Hit] = Field(default_factory=list)
    trials: list[TrialHit] = Field(default_factory=list)


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str
    engine: str
    fingerprint: str = Field(description="what besides the trial decides an output (engine, model)")
    trials: int = Field(description="trials in the store")
    auth: bool = Field(description="whether requests need an API key")


class ErrorBody(BaseModel):
    """Every 4xx/5xx response: a stable ``error`` code and a one-line ``detail`` for people."""

    error: str = Field(description="not_found, bad_request, invalid, unauthorized, too_large, ...")
    detail: str
