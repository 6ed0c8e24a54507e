"""Which embedder the pipeline uses, chosen by ``Settings.embedder`` from a small registry.

Every embedder made here is wrapped in the content-hash cache kept in the store folder, so
re-ingesting or ingesting overlapping corpora embeds only what is new.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vectorstore.embed_base import BaseEmbedder
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


def _from_onnx_config(config: dict[str, Any]) -> BaseEmbedder:
    from vectorstore.onnx_embedder import OnnxMiniLMEmbedder

    return OnnxMiniLMEmbedder(**config)


def _from_openai_config(config: dict[str, Any]) -> BaseEmbedder:
    from vectorstore.openai_embedder import OpenAIEmbedder

    return OpenAIEmbedder(**config)


def _from_cached_config(config: dict[str, Any]) -> BaseEmbedder:
    inner = embedder_from_config(config["inner"])
    return CachedEmbedder(inner, EmbeddingCache(config["cache_path"]))


_FROM_CONFIG: dict[str, Callable[[dict[str, Any]], BaseEmbedder]] = {
    "onnx": _from_onnx_config,
    "openai": _from_openai_config,
    "cached": _from_cached_config,
}


def embedder_from_config(config: dict[str, Any]) -> BaseEmbedder:
    """Rebuild an embedder from its ``get_config()`` (how Chroma reopens a collection)."""
    params = dict(config)
    kind = params.pop("kind", None)
    if kind not in _FROM_CONFIG:
        raise ValueError(f"unknown embedder kind {kind!r} in config {config!r}")
    return _FROM_CONFIG[kind](params)
