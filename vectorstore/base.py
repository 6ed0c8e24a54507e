"""Small protocols the pipeline talks to, so embedders and stores are chosen by configuration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from summarizer.models import Chunk, Hit, Trial, TrialHit


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class TrialStore(Protocol):
    """Trials and their chunks, written a whole trial at a time."""

    def put_trial(self, trial: Trial, chunks: Sequence[Chunk]) -> None: ...

    def remove_trial(self, trial_id: str) -> bool: ...

    def get_trial(self, trial_id: str) -> Trial | None: ...

    def trial_ids(self) -> list[str]: ...

    def chunks(self, trial_id: str) -> list[Chunk]: ...


class Retriever(Protocol):
    def search(
        self,
        query: str,
        *,
        k: int = 8,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[Hit]: ...

    def search_trials(
        self, query: str, *, k: int = 10, sections: Sequence[str] | None = None
    ) -> list[TrialHit]: ...
