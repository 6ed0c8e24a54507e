"""One interface, two engines: the offline extractive engine and the LLM engine."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from summarizer.models import Answer, FitDraft, LaySummary, Trial
from vectorstore.base import Retriever, TrialStore


class Engine(Protocol):
    name: str

    def answer(self, question: str, *, trial_ids: Sequence[str] | None = None) -> Answer: ...

    def stream_answer(
        self, question: str, *, trial_ids: Sequence[str] | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as they are produced, then the final checked ``Answer``."""
        ...

    def summarize(self, trial: Trial) -> LaySummary: ...

    def draft_fit(self, trial: Trial) -> FitDraft: ...


class EngineContext(Protocol):
    """What an engine needs from the rest of the pipeline."""

    store: TrialStore
    retriever: Retriever
