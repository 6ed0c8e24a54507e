"""Build the store and retriever from settings: local Chroma folder or a shared Chroma server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.models import sha256_text
from vectorstore.base import Embedder
from vectorstore.chroma_store import ChromaTrialStore
from vectorstore.lexical import LexicalIndex
from vectorstore.retriever import HybridRetriever, RetrievalConfig

if TYPE_CHECKING:
    from summarizer.config import Settings


def open_store(settings: Settings, embedder: Embedder) -> ChromaTrialStore:
    """``PersistentClient`` under ``store_dir/chroma``, or ``HttpClient`` for ``chroma_url``."""
    return ChromaTrialStore.open(
        embedder=embedder,
        store_dir=settings.store_dir,
        chroma_url=settings.chroma_url,
        collection=settings.collection,
    )


def lexical_dir(settings: Settings) -> Path:
    """Where the BM25 cache lives: beside the vectors, one folder per store it mirrors."""
    if settings.chroma_url:
        key = "server-" + sha256_text(f"{settings.chroma_url}|{settings.collection}")[:12]
    else:
        key = settings.collection
    return settings.store_dir / "bm25" / key


def open_retriever(
    settings: Settings,
    store: ChromaTrialStore,
    embedder: Embedder,
    config: RetrievalConfig | None = None,
) -> HybridRetriever:
    lexical = LexicalIndex(store, lexical_dir(settings))
    return HybridRetriever(store, lexical, embedder, config)
