"""Wires the pipeline from settings: embedder, store, retriever and engine, each built once.

Which implementation is used is decided here, from configuration, and nowhere else.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from summarizer.config import Settings

if TYPE_CHECKING:
    from summarizer.engines.base import Engine
    from vectorstore.base import Embedder, Retriever
    from vectorstore.chroma_store import ChromaTrialStore


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._engines: dict[str, Engine] = {}

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

    def engine(self, name: str | None = None) -> Engine:
        from summarizer.engines.factory import make_engine

        key = name or self.settings.engine
        if key not in self._engines:
            self._engines[key] = make_engine(key, self)
        return self._engines[key]
