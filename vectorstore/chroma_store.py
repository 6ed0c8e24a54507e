"""Trials and their chunks in Chroma, local (persistent) or shared (server), written atomically.

Four collections hold everything, so a team sharing only a Chroma server shares the whole store:

- ``<name>``: chunks with a dense vector (cosine space), for semantic search;
- ``<name>_lex``: chunks without a stored vector (criteria, outcomes, interventions, addresses,
  contacts; see ``LEXICAL_ONLY_SECTIONS``), stored with a constant one-number vector: BM25 covers
  them, and search within a trial scores them by meaning on demand;
- ``<name>_records``: each trial version's ``Trial`` JSON, under ``<trial id>@<version>``;
- ``<name>_trials``: one small record per trial carrying its *current version*, one
  ``__meta__`` record with the store's generation marker and layout, and one
  ``__pending__.<writer>`` record per write in progress. The ``Trial`` JSON is kept out of it
  because every write to a Chroma collection of large documents costs time that grows with them
  (~230 ms a call with 6,786 trials in it, against ~8 ms for small records), and this collection
  is written three times per batch.

``<name>_lex`` and ``<name>_records`` keep their text in the metadata key ``text``, not as Chroma
documents: Chroma puts every document into a trigram full-text index, which nothing here queries
and which made a write cost ~1.8x (chunks) to ~3x (``Trial`` JSON) as much and the store twice
the size. The dense collection keeps documents, so any Chroma client can read it as usual.

The store is split by job; this module puts the parts together and is where callers import from:

- ``store_records``: sections, row formats, record <-> ``Chunk``;
- ``store_layout``: layout versioning and the ``__meta__`` record (``StoreLayoutError``);
- ``store_reads``: collections, generation, trial states and chunks;
- ``store_writes``: the crash-safe write protocol (pending records, the flip, recovery);
- ``dense_search``: search by meaning (exact within a few trials, the index across all).
"""

from __future__ import annotations

from pathlib import Path

from vectorstore.base import Embedder
from vectorstore.chroma_connection import connect
from vectorstore.dense_search import EXACT_TRIALS_MAX, DenseSearch
from vectorstore.store_layout import META_ID, READABLE_LAYOUTS, STORE_LAYOUT, StoreLayoutError
from vectorstore.store_reads import READ_TRIES
from vectorstore.store_records import (
    LEXICAL_ONLY_SECTIONS,
    MAX_UPSERT_CHARS,
    NO_VECTOR_SECTIONS,
    TEXT_KEY,
    StoreStats,
    TrialState,
    chunk_from_record,
)
from vectorstore.store_records import upsert_parts as _upsert_parts
from vectorstore.store_writes import PENDING_LEASE_S, PENDING_PREFIX, PendingWrite, StoreWriter

__all__ = [
    "EXACT_TRIALS_MAX",
    "LEXICAL_ONLY_SECTIONS",
    "MAX_UPSERT_CHARS",
    "META_ID",
    "NO_VECTOR_SECTIONS",
    "PENDING_LEASE_S",
    "PENDING_PREFIX",
    "READABLE_LAYOUTS",
    "READ_TRIES",
    "STORE_LAYOUT",
    "TEXT_KEY",
    "ChromaTrialStore",
    "PendingWrite",
    "StoreLayoutError",
    "StoreStats",
    "TrialState",
    "_upsert_parts",
    "chunk_from_record",
]


class ChromaTrialStore(StoreWriter, DenseSearch):
    """The ``TrialStore`` over Chroma: reads, crash-safe writes and search by meaning."""

    @classmethod
    def open(
        cls, *, embedder: Embedder, store_dir: Path, chroma_url: str | None, collection: str
    ) -> ChromaTrialStore:
        connection = connect(chroma_url, None if chroma_url else store_dir / "chroma")
        return cls(connection, embedder, collection=collection)
