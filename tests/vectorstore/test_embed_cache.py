"""The content-hash embedding cache: each distinct text is embedded once, across runs and
processes."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vectorstore.embed_base import BaseEmbedder, ModelName
from vectorstore.embed_cache import CachedEmbedder, EmbeddingCache, EmbedStats, text_hash


class CountingEmbedder(BaseEmbedder):
    """Test double: a deterministic vector per text, and a record of every text it was given."""

    name = ModelName("counting-test")
    dim = 4

    def __init__(self, name: str = "counting-test") -> None:
        self.name = ModelName(name)
        self.seen: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.seen.extend(texts)
        return [vector_for(t) for t in texts]

    def get_config(self) -> dict[str, Any]:
        return {"kind": "counting"}


def vector_for(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [b / 7.0 for b in digest[:4]]  # not float32-exact on purpose


@pytest.fixture
def cache(tmp_path: Path) -> EmbeddingCache:
    c = EmbeddingCache(tmp_path / "store" / "embed_cache.sqlite")
    yield c
    c.close()


def test_text_hash_is_the_chunk_content_hash() -> None:
    assert text_hash("Age ≥ 18") == hashlib.sha256("Age ≥ 18".encode()).hexdigest()


def test_duplicates_within_a_call_are_embedded_once_in_order(cache: EmbeddingCache) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, cache)
    texts = ["a", "b", "a", "c", "b", "a"]
    out = cached.embed_documents(texts)
    assert inner.seen == ["a", "b", "c"]
    for text, vec in zip(texts, out, strict=True):
        np.testing.assert_allclose(vec, vector_for(text), rtol=1e-6)
    assert cached.stats == EmbedStats(requested=6, unique=3, cache_hits=0, embedded=3)
    assert cached.stats.duplicates == 3
    assert cached.stats.saved_share == pytest.approx(0.5)


def test_second_call_is_served_from_the_cache(cache: EmbeddingCache) -> None:
    inner = CountingEmbedder()
    cached = CachedEmbedder(inner, cache)
    first = cached.embed_documents(["x", "y"])
    before = cached.stats
    second = cached.embed_documents(["y", "x", "z"])
    assert inner.seen == ["x", "y", "z"]
    assert second[:2] == [first[1], first[0]]
    assert cached.stats - before == EmbedStats(requested=3, unique=3, cache_hits=2, embedded=1)


def test_vectors_round_trip_as_float32(cache: EmbeddingCache) -> None:
    cache.put_many("m", [("h1", [0.1, 0.2, 0.3])])
    got = cache.get_many("m", ["h1", "absent"])
    assert set(got) == {"h1"}
    assert got["h1"].dtype == np.float32
    np.testing.assert_array_equal(got["h1"], np.array([0.1, 0.2, 0.3], dtype=np.float32))


def test_entries_are_keyed_by_model(cache: EmbeddingCache) -> None:
    one, other = CountingEmbedder("model-one"), CountingEmbedder("model-two")
    CachedEmbedder(one, cache).embed_documents(["same text"])
    CachedEmbedder(other, cache).embed_documents(["same text"])
    assert other.seen == ["same text"]
    assert cache.count("model-one") == cache.count("model-two") == 1


def test_cache_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "embed_cache.sqlite"
    first = EmbeddingCache(path)
    CachedEmbedder(CountingEmbedder(), first).embed_documents(["kept", "also kept"])
    first.close()
    inner = CountingEmbedder()
    reopened = CachedEmbedder(inner, EmbeddingCache(path))
    reopened.embed_documents(["kept", "also kept", "new"])
    assert inner.seen == ["new"]
    assert reopened.stats.cache_hits == 2


def test_large_batches_cross_the_sqlite_variable_limit(cache: EmbeddingCache) -> None:
    texts = [f"criterion {i}" for i in range(1203)]
    cached = CachedEmbedder(CountingEmbedder(), cache)
    cached.embed_documents(texts)
    again = CachedEmbedder(CountingEmbedder(), cache)
    again.embed_documents(texts)
    assert again.stats.cache_hits == 1203 and again.stats.embedded == 0


def test_file_uses_wal_mode(cache: EmbeddingCache) -> None:
    cache.put_many("m", [("h", [1.0])])
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_takes_name_dim_and_token_counting_from_the_inner_embedder(
    cache: EmbeddingCache,
) -> None:
    cached = CachedEmbedder(CountingEmbedder("abc"), cache)
    assert cached.name == "abc" == cached.name()
    assert cached.dim == 4
    with pytest.raises(AttributeError, match="cannot count tokens"):
        cached.count_tokens(["x"])


def write_concurrently(path: Path, start: int) -> None:
    """One writer process: its own connection, 30 small transactions, reads in between."""
    cache = EmbeddingCache(path)
    for i in range(start, start + 300, 10):
        cache.put_many("m", [(f"h{j}", [float(j)]) for j in range(i, i + 10)])
        cache.get_many("m", [f"h{j}" for j in range(0, 600, 7)])
    cache.close()


def test_several_processes_can_write_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    fork = multiprocessing.get_context("fork")  # children reuse the imports: fast
    procs = [
        fork.Process(target=write_concurrently, args=(path, start))
        for start in (0, 150)  # overlapping ranges: 0-299 and 150-449
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    cache = EmbeddingCache(path)
    assert cache.count("m") == 450
    assert cache.get_many("m", ["h449"])["h449"].tolist() == [449.0]
    cache.close()


def test_the_asynchronous_calls_langchain_offers_give_the_same_vectors() -> None:
    import asyncio

    inner = CountingEmbedder()
    docs = asyncio.run(inner.aembed_documents(["a", "b"]))
    query = asyncio.run(inner.aembed_query("c"))
    assert docs == [vector_for("a"), vector_for("b")] and query == vector_for("c")
    assert inner.seen == ["a", "b", "c"]
