"""Wires the storage side from settings: embedder, store and retriever, each built once.

Which implementation is used is decided here, from configuration, and nowhere else. Generators
are not built here: ``summarizer.assistant`` builds them from these parts.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from summarizer.config import Settings

if TYPE_CHECKING:
    from vectorstore.base import Embedder, Retriever
    from vectorstore.chroma_store import ChromaTrialStore


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def embedder(self) -> Embedder:
        from vectorstore.embeddings import make_embedder

        return make_embedder(self.settings)

    @cached_property
    def store(self) -> ChromaTrialStore:
        from vectorstore.factory import open_store

        return open_store(self.settings, self.embedder)

    @cached_property
    def retriever(self) -> Retriever:
        from vectorstore.factory import open_retriever

        return open_retriever(self.settings, self.store, self.embedder)
