"""make_embedder: the configured embedder, behind the cache in the store folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.config import Settings
from vectorstore.embed_cache import CachedEmbedder
from vectorstore.embeddings import embedder_from_config, make_embedder
from vectorstore.onnx_embedder import OnnxMiniLMEmbedder


def test_default_is_the_cached_offline_embedder(tmp_home: Path, no_network: None) -> None:
    settings = Settings(embed_threads=1, embed_batch=16)
    embedder = make_embedder(settings)
    assert isinstance(embedder, CachedEmbedder)
    assert isinstance(embedder.inner, OnnxMiniLMEmbedder)
    assert (embedder.inner.threads, embedder.inner.batch_size) == (1, 16)
    assert embedder.cache.path == tmp_home / "store" / "embed_cache.sqlite"
    assert embedder.name == OnnxMiniLMEmbedder.name and embedder.dim == 384
    assert len(embedder.embed_query("Age 18 or older")) == 384
    assert embedder.cache.path.is_file()


def test_unknown_embedder_names_the_known_ones(tmp_home: Path) -> None:
    settings = Settings.model_construct(**{**Settings().model_dump(), "embedder": "word2vec"})
    with pytest.raises(ValueError, match=r"unknown embedder 'word2vec' \(known: onnx, openai\)"):
        make_embedder(settings)


def test_cached_config_rebuilds_the_same_stack(tmp_home: Path) -> None:
    embedder = make_embedder(Settings())
    rebuilt = embedder_from_config(embedder.get_config())
    assert isinstance(rebuilt, CachedEmbedder)
    assert rebuilt.get_config() == embedder.get_config()


def test_unknown_config_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown embedder kind"):
        embedder_from_config({"kind": "nope"})
