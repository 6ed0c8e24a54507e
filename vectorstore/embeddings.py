"""Which embedder the pipeline uses, chosen by ``Settings.embedder`` from a small registry.

Every embedder made here is wrapped in the content-hash cache kept in the store folder, so
re-ingesting or ingesting overlapping corpora embeds only what is new.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from vectorstore.embed_base import BaseEmbedder, embedder_from_config
from vectorstore.embed_cache import CachedEmbedder, EmbeddingCache, EmbedStats, text_hash

if TYPE_CHECKING:
    from summarizer.config import Settings

__all__ = [
    "CACHE_FILENAME",
    "EMBEDDERS",
    "BaseEmbedder",
    "CachedEmbedder",
    "EmbedStats",
    "EmbeddingCache",
    "cache_path",
    "embedder_from_config",
    "make_embedder",
    "text_hash",
]

CACHE_FILENAME = "embed_cache.sqlite"


def _onnx(settings: Settings) -> BaseEmbedder:
    from vectorstore.onnx_embedder import OnnxMiniLMEmbedder

    return OnnxMiniLMEmbedder(
        threads=settings.embed_threads,
        batch_size=settings.embed_batch,
        max_tokens=settings.embed_max_tokens,
    )


def _openai(settings: Settings) -> BaseEmbedder:
    from vectorstore.openai_embedder import OpenAIEmbedder

    return OpenAIEmbedder(
        model=settings.embedding_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


#: Settings.embedder -> builder of the uncached embedder.
EMBEDDERS: dict[str, Callable[[Settings], BaseEmbedder]] = {"onnx": _onnx, "openai": _openai}


def cache_path(settings: Settings) -> Path:
    return settings.store_dir / CACHE_FILENAME


def make_embedder(settings: Settings) -> CachedEmbedder:
    """The configured embedder behind the store's embedding cache."""
    try:
        build = EMBEDDERS[settings.embedder]
    except KeyError:
        known = ", ".join(sorted(EMBEDDERS))
        raise ValueError(f"unknown embedder {settings.embedder!r} (known: {known})") from None
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    return CachedEmbedder(build(settings), EmbeddingCache(cache_path(settings)))
