"""The direct client reads records (``get``, ``count``) from the metadata segment in SQL, as
chromadb's own reader does, without loading any vector index; a read it does not translate, or a
segment that has not taken in its whole log, goes to the bindings and answers the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from tests.vectorstore.conftest import HashEmbedder, open_local
from vectorstore.chroma_direct import DirectClient, DirectCollection, MetadataReader, open_direct
from vectorstore.chroma_store import META_ID
from vectorstore.settle_marker import is_settled

NAMES = ("trialsum", "trialsum_lex", "trialsum_trials", "trialsum_records")


@pytest.fixture
def written(tmp_path: Path, trials: list[Trial], embedder: HashEmbedder) -> Path:
    """A local store folder with the three trials written and settled."""
    chroma = tmp_path / "store" / "chroma"
    store, folder = open_local(chroma, embedder)
    store.put_trials([(t, chunk_trial(t)) for t in trials])
    folder._close_client()
    folder.lock.close()
    store, folder = open_local(chroma, embedder)
    store.trial_ids()
    assert is_settled(chroma, folder.lock.epoch())
    folder._close_client()
    folder.lock.close()
    return chroma


def _bindings_get(col: DirectCollection, **kwargs: Any) -> dict[str, Any]:
    """The same call answered by the bindings (the SQL reader switched off)."""
    reader, col._reader = col._reader, None
    try:
        return col.get(**kwargs)
    finally:
        col._reader = reader


READS: list[dict[str, Any]] = [
    {"include": ["metadatas"]},
    {"include": ["metadatas", "documents"]},
    {"include": ["documents"]},
    {"include": []},
    {"include": ["metadatas", "documents"], "limit": 7, "offset": 2},
    {"include": ["metadatas"], "limit": 3},
    {"include": ["metadatas"], "offset": 4},
    {"where": {"trial_id": "NCT90000002"}, "include": ["metadatas", "documents"]},
    {"where": {"trial_id": {"$eq": "NCT90000001"}}, "include": ["metadatas"]},
    {"where": {"trial_id": {"$in": ["NCT90000003", "NCT90000001"]}}, "include": ["metadatas"]},
    {
        "where": {
            "$and": [{"trial_id": "NCT90000001"}, {"section": {"$in": ["summary", "title"]}}]
        },
        "include": ["metadatas", "documents"],
    },
    {
        "where": {"$or": [{"trial_id": "NCT90000003"}, {"kind": "meta"}]},
        "include": ["metadatas"],
        "limit": 5,
    },
    {"where": {"kind": "trial"}, "include": ["metadatas"]},
    {"where": {"kind": "no such kind"}, "include": ["metadatas"]},
    {"ids": [META_ID], "include": ["metadatas"]},
    {"ids": ["NCT90000002", "NCT90000001", "NCT00000000"], "include": ["metadatas", "documents"]},
    {"ids": "NCT90000003", "include": ["documents"]},
]


def test_every_read_the_store_makes_answers_as_the_bindings_do(written: Path) -> None:
    client = open_direct(written, fallback=lambda: pytest.fail("nothing to create"))
    assert isinstance(client, DirectClient)
    answered = 0
    for name in NAMES:
        col = client.get_or_create_collection(name)
        assert col._reader is not None
        assert col.count() == col._bindings.count(col._key, col.tenant, col.database) > 0
        for read in READS:
            ids = read.get("ids")
            sql = col._reader.get(
                col._key,
                [ids] if isinstance(ids, str) else ids,
                read.get("where"),
                read.get("limit"),
                read.get("offset", 0),
                read["include"],
            )
            assert sql is not None, (name, read)  # answered in SQL, not handed on
            answered += len(sql[0])
            assert col.get(**read) == _bindings_get(col, **read), (name, read)
    assert answered > 100  # the reads found records: equal answers on nothing prove nothing
    client.close()


def test_records_are_read_without_loading_any_vector_index(written: Path) -> None:
    """With every vector index unreadable, ``get`` and ``count`` still answer (through SQL),
    while a search by vector, which needs the index, fails as the bindings fail."""
    for pickle in written.glob("*/index_metadata.pickle"):
        pickle.write_bytes(b"torn")
    client = open_direct(written, fallback=lambda: pytest.fail("nothing to create"))
    assert client is not None
    trials = client.get_or_create_collection("trialsum_trials")
    got = trials.get(where={"kind": "trial"}, include=["metadatas"])
    assert sorted(m["trial_id"] for m in got["metadatas"]) == [
        "NCT90000001",
        "NCT90000002",
        "NCT90000003",
    ]
    dense = client.get_or_create_collection("trialsum")
    assert dense.count() > 0
    assert dense.get(where={"trial_id": "NCT90000001"}, include=["documents"])["documents"]
    with pytest.raises(Exception, match=r"(?i)pickle|hnsw|index"):
        _bindings_get(dense, where={"trial_id": "NCT90000001"}, include=["documents"])
    with pytest.raises(Exception, match=r"(?i)pickle|hnsw|index"):
        dense.query(query_embeddings=[[1.0] + [0.0] * 63], n_results=2)
    client.close()


@pytest.mark.parametrize(
    "read",
    [
        {"where": {"chunks": 3}, "include": ["metadatas"]},  # a number: not translated
        {"where": {"trial_id": {"$ne": "NCT90000001"}}, "include": ["metadatas"]},
        {"where": {"trial_id": "NCT90000001", "kind": "trial"}, "include": ["metadatas"]},
        {"include": ["metadatas", "embeddings"]},
    ],
)
def test_a_read_not_translated_goes_to_the_bindings_and_answers_the_same(
    written: Path, read: dict[str, Any]
) -> None:
    client = open_direct(written, fallback=lambda: pytest.fail("nothing to create"))
    assert client is not None
    col = client.get_or_create_collection("trialsum_trials")
    ids = read.get("ids")
    assert col._reader.get(col._key, ids, read.get("where"), None, 0, read["include"]) is None
    try:
        expected = _bindings_get(col, **read)
    except Exception as exc:  # chromadb refuses the filter: so does the direct client
        with pytest.raises(type(exc)):
            col.get(**read)
    else:
        got = col.get(**read)
        assert got["ids"] == expected["ids"]
        assert got["metadatas"] == expected["metadatas"]
    client.close()


def test_a_metadata_segment_behind_its_log_is_read_through_the_bindings(written: Path) -> None:
    db = sqlite3.connect(written / "chroma.sqlite3")
    (cid,) = db.execute("SELECT id FROM collections WHERE name = 'trialsum_trials'").fetchone()
    (topic,) = db.execute(
        "SELECT topic FROM embeddings_queue WHERE topic LIKE ? LIMIT 1", (f"%/{cid}",)
    ).fetchone()
    # A log record the segment has not applied (what a writer killed mid-way could leave).
    db.execute(
        "INSERT INTO embeddings_queue (seq_id, operation, topic, id) "
        "VALUES ((SELECT MAX(seq_id) + 1 FROM embeddings_queue), 0, ?, 'x')",
        (topic,),
    )
    db.commit()
    db.close()
    reader = MetadataReader(written)
    assert reader.get(cid, None, {"kind": "trial"}, None, 0, ["metadatas"]) is None
    assert reader.count(cid) is None
    (other,) = (
        sqlite3.connect(written / "chroma.sqlite3")
        .execute("SELECT id FROM collections WHERE name = 'trialsum_records'")
        .fetchone()
    )
    assert reader.count(other) == 3  # the other collections' segments are current
    reader.close()


def test_a_full_text_filter_goes_to_the_bindings(written: Path) -> None:
    """The SQL reader does not read the full-text index: a ``where_document`` read is the
    bindings' (and finds only what the text holds)."""
    client = open_direct(written, fallback=lambda: pytest.fail("nothing to create"))
    assert client is not None
    dense = client.get_or_create_collection("trialsum")
    everything = dense.get(include=["documents"])
    word = "NCT90000002"  # in that trial's chunks only
    assert any(word in d for d in everything["documents"])
    some = dense.get(where_document={"$contains": word}, include=["documents"])
    assert some == _bindings_get(dense, where_document={"$contains": word}, include=["documents"])
    assert some["ids"] and len(some["ids"]) < len(everything["ids"])
    assert all(word in d for d in some["documents"])
    client.close()
