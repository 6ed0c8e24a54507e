"""One interface, two generators: the offline extractive one and the LLM one.

A generator drafts; it never checks. ``summarizer.assistant`` hands its drafts to
``summarizer.verify``, the one place where statements get their checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from summarizer.models import DraftAnswer, DraftFit, DraftSummary, Trial


class Generator(Protocol):
    name: str
    rewrites: bool  # True when sentences are the generator's own words (unsupported: dropped)

    def draft_answer(self, question: str, trials: Sequence[Trial] | None = None) -> DraftAnswer: ...

    def draft_summary(self, trial: Trial) -> DraftSummary: ...

    def draft_fit(self, trial: Trial) -> DraftFit: ...


@runtime_checkable
class StreamingGenerator(Protocol):
    """A generator that shows text while it writes; the draft comes last."""

    def stream_draft(
        self, question: str, trials: Sequence[Trial] | None = None
    ) -> Iterator[str | DraftAnswer]: ...
