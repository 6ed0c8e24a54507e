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
the size. The dense collection keeps documents, so any Chroma client can read it as usual. A
store written in a layout this code does not know (a newer trialsum's) is refused rather than
misread (``StoreLayoutError``).

Writing a batch of trials: (1) a pending record lists each trial's old and new version; (2) the
new chunks and ``Trial`` records are written under new ids (the version is part of the id); (3)
one upsert flips the trial records to the new versions *and* moves the generation, so no reader
can see the flip without the generation change; (4) the old versions' chunks and the pending
record are deleted. Readers only trust chunks of a trial's current version, so they never see half
a trial, and a cache keyed by the generation (the BM25 index) is never stale for a generation it
was built at.
A writer killed at any step leaves at most unreferenced chunks; the next writer finds its pending
record (its process is gone) and deletes exactly the versions it names that are not current.
Deleting only named versions means two writers on one server never delete each other's work.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from summarizer.chunking import CHUNKER_VERSION
from summarizer.models import Chunk, Trial, sha256_text
from vectorstore.base import Embedder
from vectorstore.chroma_connection import Connection, connect
from vectorstore.dense_text import DENSE_VIEW_VERSION, dense_text

# Sections never searched by similarity: boilerplate (addresses, phone numbers) that BM25 covers.
NO_VECTOR_SECTIONS: frozenset[str] = frozenset({"locations", "contacts"})
# Sections kept out of the stored vector index, i.e. out of cross-trial dense search. Criteria are
# half of all chunks; on TREC 2021 cross-trial dense ranking is better without them (NDCG@10
# 0.505 -> 0.521, docs/BENCHMARKS.md), and search within one trial embeds them on demand
# (``dense_query`` with ``trial_ids``), so questions about one trial still match them by meaning.
# "other" (officials, stray labels), "design" (allocation, masking) and "outcomes" (measures and
# time frames) cost little or nothing on TREC when left out (NDCG@10 0.521 -> 0.517 on the judged
# trials) and are an eighth of the word pieces: what keeps ingest of the 6,786 trials in 15 min.
# "interventions" (drug names, doses, arm labels) are 5% of the word pieces and no help to dense
# ranking on TREC (0.517 -> 0.518 without them): the names are in the title and summary, which
# keep their vectors, and BM25 matches them exactly.
LEXICAL_ONLY_SECTIONS: frozenset[str] = NO_VECTOR_SECTIONS | {
    "inclusion",
    "exclusion",
    "other",
    "design",
    "outcomes",
    "interventions",
}
#: Up to this many trials, ``dense_query`` scores their chunks exactly instead of asking the index.
EXACT_TRIALS_MAX = 50
META_ID = "__meta__"
PENDING_PREFIX = "__pending__."
#: A pending record older than this is abandoned even if its process looks alive (other host).
PENDING_LEASE_S = 15 * 60
_UNIT = [1.0]  # the constant vector of records that are never searched by similarity
TEXT_KEY = "text"  # where the lexical and records collections keep their text (not documents)
#: Part of every trial's version: a change in where things are stored rewrites each trial once.
#: Recorded in ``__meta__`` from "slim-v4" on; stores without it are older and readable.
STORE_LAYOUT = "slim-v4"
READABLE_LAYOUTS = frozenset({STORE_LAYOUT})
#: Characters per upsert call: a Chroma server refuses requests of some tens of MB, and a batch of
#: large trials' ``Trial`` JSON can reach that.
MAX_UPSERT_CHARS = 8_000_000
_READ_TRIES = 3  # re-reads when a concurrent writer (server mode) moved on mid-read

_in_flight: set[str] = set()  # this process's writes in progress, by writer id
_in_flight_lock = threading.Lock()


#: A row to upsert: id, document (``None``: the text is in the metadata), metadata, vector.
_Row = tuple[str, str | None, dict[str, Any], Sequence[float]]


class StoreLayoutError(RuntimeError):
    """The store was written by a trialsum whose layout this one cannot read (a newer one)."""


def _upsert_parts(rows: Sequence[_Row], max_rows: int, max_chars: int) -> Iterator[list[_Row]]:
    """Consecutive runs of rows, each within Chroma's row limit and a request size."""
    part: list[_Row] = []
    size = 0
    for row in rows:
        chars = len(row[1] or "") + sum(len(v) for v in row[2].values() if isinstance(v, str))
        if part and (len(part) >= max_rows or size + chars > max_chars):
            yield part
            part, size = [], 0
        part.append(row)
        size += chars
    if part:
        yield part


class TrialState(BaseModel):
    """What the store knows about a trial without loading it."""

    trial_id: str
    version: str
    source_sha256: str
    title: str = ""
    source_path: str = ""
    chunks: int = 0
    dense_chunks: int = 0


class StoreStats(BaseModel):
    location: str
    collection: str
    trials: int
    chunks: int
    dense_chunks: int
    lexical_only_chunks: int
    generation: str


class PendingWrite(BaseModel):
    """A write in progress: per trial, the version it replaces and the one it writes."""

    writer: str
    host: str
    pid: int
    started: float
    items: list[tuple[str, str, str]]  # (trial_id, old version or "", new version or "")


def _chunk_metadata(chunk: Chunk, version: str) -> dict[str, Any]:
    """Only what filters need or the chunk alone knows: each key is a row in Chroma's metadata
    index, and at 160,000 chunks eleven keys cost ~1.2 ms a chunk to write against ~0.8 for
    these. The id, content hash, title and source path come back from the record id, the text
    and the trial's state (``chunk_from_record``)."""
    meta: dict[str, Any] = {
        "trial_id": chunk.trial_id,
        "version": version,
        "section": chunk.section,
        "span": f"{chunk.start},{chunk.end},{chunk.ordinal}",
    }
    if chunk.kind:
        meta["kind"] = chunk.kind
    return meta


def chunk_from_record(
    record_id: str, text: str, meta: Mapping[str, Any], state: TrialState
) -> Chunk:
    if "span" in meta:
        start, end, ordinal = (int(x) for x in str(meta["span"]).split(","))
    else:  # written before STORE_LAYOUT "slim-v3"
        start, end, ordinal = int(meta["start"]), int(meta["end"]), int(meta["ordinal"])
    return Chunk(
        id=record_id.rsplit("@", 1)[0],
        trial_id=str(meta["trial_id"]),
        section=meta["section"],
        kind=meta.get("kind"),
        text=text,
        start=start,
        end=end,
        source_path=state.source_path,
        content_hash=sha256_text(text),
        ordinal=ordinal,
        title=state.title,
    )


def _and(*clauses: dict[str, Any] | None) -> dict[str, Any] | None:
    """Chroma wants ``$and`` only with two or more clauses."""
    present = [c for c in clauses if c]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"$and": present}


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ChromaTrialStore:
    """The ``TrialStore`` over Chroma; see the module docstring for the write protocol."""

    def __init__(
        self,
        connection: Connection,
        embedder: Embedder,
        *,
        collection: str = "trialsum",
        lexical_only_sections: frozenset[str] = LEXICAL_ONLY_SECTIONS,
        page_size: int = 2000,
    ) -> None:
        self.connection = connection
        self.embedder = embedder
        self.name = collection
        self.location = connection.location
        self.lexical_only_sections = lexical_only_sections
        self.page_size = page_size
        self._collections: tuple[int, Any, Any, Any, Any] | None = None
        self.max_batch = 0
        self._states: dict[str, TrialState] | None = None
        self._states_generation: str | None = None
        with self._reading():
            self._current()

    @classmethod
    def open(
        cls, *, embedder: Embedder, store_dir: Path, chroma_url: str | None, collection: str
    ) -> ChromaTrialStore:
        connection = connect(chroma_url, None if chroma_url else store_dir / "chroma")
        return cls(connection, embedder, collection=collection)

    # --- access ---------------------------------------------------------------------------

    def _reading(self) -> Any:
        return self.connection.access(write=False)

    def _writing(self) -> Any:
        return self.connection.access(write=True)

    def _current(self) -> tuple[Any, Any, Any, Any]:
        """The four collections of the connection's current client (refetched after a reopen)."""
        incarnation = self.connection.incarnation()
        if self._collections is None or self._collections[0] != incarnation:
            client = self.connection.client()
            space = {"hnsw:space": "cosine"}
            names = (self.name, f"{self.name}_lex", f"{self.name}_trials", f"{self.name}_records")
            found = [
                self.connection.wrap(
                    client.get_or_create_collection(name, embedding_function=None, metadata=space)
                )
                for name in names
            ]
            self.max_batch = int(client.get_max_batch_size())
            self._collections = (incarnation, *found)
        return self._collections[1:]

    @property
    def dense(self) -> Any:
        with self._reading():
            return self._current()[0]

    @property
    def lexical(self) -> Any:
        with self._reading():
            return self._current()[1]

    @property
    def trials(self) -> Any:
        with self._reading():
            return self._current()[2]

    @property
    def records(self) -> Any:
        with self._reading():
            return self._current()[3]

    # --- versions and state ---------------------------------------------------------------

    def version_of(self, trial: Trial) -> str:
        """Changes whenever the stored record, its chunks or their vectors would change."""
        key = "|".join(
            (
                CHUNKER_VERSION,
                DENSE_VIEW_VERSION,
                STORE_LAYOUT,
                getattr(self.embedder, "name", "embedder"),
                ",".join(sorted(self.lexical_only_sections)),
                trial.model_dump_json(),
            )
        )
        return sha256_text(key)[:16]

    def wants_dense(self, chunk: Chunk) -> bool:
        return chunk.section not in self.lexical_only_sections

    def _meta_row(self) -> tuple[str, str, dict[str, Any], list[float]]:
        """The meta record with a fresh generation, to go in the same upsert as a flip."""
        meta = {"kind": "meta", "generation": uuid.uuid4().hex, "layout": STORE_LAYOUT}
        return (META_ID, "", meta, _UNIT)

    def generation(self) -> str:
        """Changes on every write; lexical caches compare it to know they are stale.

        Every read and write asks for it first, so this is also where a store in an unknown
        layout is refused."""
        with self._reading():
            got = self.trials.get(ids=[META_ID], include=["metadatas"])
        if not got["ids"]:
            return ""
        meta = got["metadatas"][0] or {}
        layout = meta.get("layout")
        if layout is not None and layout not in READABLE_LAYOUTS:
            raise StoreLayoutError(
                f"The store {self.location} ({self.name}) was written by a newer trialsum "
                f"(store layout {layout!r}; this version reads {STORE_LAYOUT!r} and older). "
                "Upgrade trialsum, or use another --store."
            )
        return str(meta.get("generation", ""))

    def trial_states(self) -> dict[str, TrialState]:
        """Every stored trial's state, cached until the generation changes."""
        with self._reading():
            generation = self.generation()
            if self._states is not None and self._states_generation == generation:
                return self._states
            states: dict[str, TrialState] = {}
            for _, _, meta in self._scan(self.trials, where={"kind": "trial"}, documents=False):
                state = TrialState(
                    trial_id=str(meta["trial_id"]),
                    version=str(meta["version"]),
                    source_sha256=str(meta.get("source_sha256", "")),
                    title=str(meta.get("title", "")),
                    source_path=str(meta.get("source_path", "")),
                    chunks=int(meta.get("chunks", 0)),
                    dense_chunks=int(meta.get("dense_chunks", 0)),
                )
                states[state.trial_id] = state
            if generation == self.generation():  # not torn by a concurrent flip
                self._states, self._states_generation = states, generation
            return states

    def _current_versions(self, trial_ids: Sequence[str]) -> dict[str, str]:
        """The stored version of each of these trials (a read of their records, not the store)."""
        got = self.trials.get(ids=list(trial_ids), include=["metadatas"])
        return {
            rid: str(meta["version"])
            for rid, meta in zip(got["ids"], got["metadatas"], strict=True)
            if meta and meta.get("kind") == "trial"
        }

    def _scan(
        self, collection: Any, *, where: dict[str, Any] | None = None, documents: bool = True
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            got = collection.get(where=where, include=include, limit=self.page_size, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            docs = got.get("documents") or [""] * len(ids)
            for i, rid in enumerate(ids):
                meta = dict(got["metadatas"][i] or {})
                yield rid, str(meta.pop(TEXT_KEY, "") or docs[i] or ""), meta
            if len(ids) < self.page_size:
                return
            offset += len(ids)

    # --- writing ------------------------------------------------------------------------------

    def dense_texts(self, chunks: Sequence[Chunk]) -> dict[str, str]:
        """Content hash -> embedder input, once per distinct chunk that gets a stored vector."""
        texts: dict[str, str] = {}
        for chunk in chunks:
            if self.wants_dense(chunk):
                texts.setdefault(chunk.content_hash, dense_text(chunk))
        return texts

    def embed_chunks(self, chunks: Sequence[Chunk]) -> dict[str, list[float]]:
        """Vectors for the dense chunks, one embedder call per distinct text."""
        texts = self.dense_texts(chunks)
        if not texts:
            return {}
        vectors = self.embedder.embed_documents(list(texts.values()))
        return dict(zip(texts.keys(), (list(map(float, v)) for v in vectors), strict=True))

    def put_trial(self, trial: Trial, chunks: Sequence[Chunk]) -> None:
        self.put_trials([(trial, list(chunks))])

    def put_trials(
        self,
        items: Sequence[tuple[Trial, Sequence[Chunk]]],
        vectors: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        """Replace each trial with its new chunks; ``vectors`` maps content hash to vector."""
        latest: dict[str, tuple[Trial, Sequence[Chunk]]] = {}
        for trial, chunks in items:
            latest[trial.trial_id] = (trial, chunks)
        if not latest:
            return
        all_chunks = [c for _, chunks in latest.values() for c in chunks]
        if vectors is None:
            vectors = self.embed_chunks(all_chunks)
        versions = {tid: self.version_of(trial) for tid, (trial, _) in latest.items()}
        with self._writing():
            self.generation()  # refuses a store in a newer layout before touching it
            self.recover()
            old = self._current_versions(sorted(latest))
            items_ = [(t, old.get(t, ""), versions[t]) for t in sorted(latest)]
            with self._pending(items_):
                dense_rows: list[_Row] = []
                lex_rows: list[_Row] = []
                for tid, (_, chunks) in latest.items():
                    version = versions[tid]
                    for chunk in chunks:
                        dense = self.wants_dense(chunk)
                        rid, meta = f"{chunk.id}@{version}", _chunk_metadata(chunk, version)
                        if dense:
                            dense_rows.append((rid, chunk.text, meta, vectors[chunk.content_hash]))
                        else:
                            lex_rows.append((rid, None, {**meta, TEXT_KEY: chunk.text}, _UNIT))
                self._upsert(self.dense, dense_rows)
                self._upsert(self.lexical, lex_rows)
                record_rows: list[_Row] = [
                    (
                        f"{tid}@{versions[tid]}",
                        None,
                        {
                            "trial_id": tid,
                            "version": versions[tid],
                            TEXT_KEY: trial.model_dump_json(),
                        },
                        _UNIT,
                    )
                    for tid, (trial, _) in latest.items()
                ]
                self._upsert(self.records, record_rows)

                trial_rows: list[_Row] = []
                for tid, (trial, chunks) in latest.items():
                    meta = {
                        "kind": "trial",
                        "trial_id": tid,
                        "version": versions[tid],
                        "source_sha256": trial.source.sha256,
                        "title": trial.title,
                        "source_path": trial.source.path,
                        "chunks": len(chunks),
                        "dense_chunks": sum(self.wants_dense(c) for c in chunks),
                    }
                    trial_rows.append((tid, trial.title, meta, _UNIT))
                # The flip: readers now trust the new versions, and the generation moves with it.
                self._upsert(self.trials, [*trial_rows, self._meta_row()])
                self._states = None
                self._delete_versions([o for t, o, n in items_ if o and o != n])

    def _upsert(self, collection: Any, rows: Sequence[_Row]) -> None:
        """Upsert in as few calls as Chroma allows (a flip of one batch is a single call).

        Rows whose document is ``None`` carry their text in metadata (``TEXT_KEY``)."""
        for part in _upsert_parts(rows, self.max_batch, MAX_UPSERT_CHARS):
            docs = [r[1] for r in part]
            collection.upsert(
                ids=[r[0] for r in part],
                documents=None if all(d is None for d in docs) else [d or "" for d in docs],
                metadatas=[r[2] for r in part],
                embeddings=[list(r[3]) for r in part],
            )

    def _delete_versions(self, versions: Sequence[str]) -> None:
        """Delete every chunk of these versions (a version names one trial's one content)."""
        wanted = sorted(set(versions))
        for i in range(0, len(wanted), 200):
            where = {"version": {"$in": wanted[i : i + 200]}}
            for collection in (self.dense, self.lexical, self.records):
                collection.delete(where=where)

    def _pending(self, items: list[tuple[str, str, str]]) -> Any:
        """Context: a pending record for this write, removed when the write completes."""
        store = self

        class _Pending:
            def __enter__(self) -> PendingWrite:
                record = PendingWrite(
                    writer=uuid.uuid4().hex,
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    started=time.time(),
                    items=items,
                )
                self.record = record
                with _in_flight_lock:
                    _in_flight.add(record.writer)
                meta = {"kind": "pending", "writer": record.writer}
                store._upsert(
                    store.trials,
                    [(PENDING_PREFIX + record.writer, record.model_dump_json(), meta, _UNIT)],
                )
                return record

            def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
                with _in_flight_lock:
                    _in_flight.discard(self.record.writer)
                if exc_type is None:
                    store.trials.delete(ids=[PENDING_PREFIX + self.record.writer])
                # On failure the record stays: whoever writes next cleans up after us.

        return _Pending()

    def _pending_writes(self) -> list[PendingWrite]:
        got = self.trials.get(where={"kind": "pending"}, include=["documents"])
        return [PendingWrite.model_validate_json(doc) for doc in got["documents"] if doc]

    def _abandoned(self, record: PendingWrite) -> bool:
        """Is nobody going to finish this write?"""
        with _in_flight_lock:
            if record.writer in _in_flight:
                return False
        if self.connection.sole_writer:
            return True  # we hold the folder's write lock: no other writer exists
        same_host = record.host == socket.gethostname()
        if same_host and (record.pid == os.getpid() or not _process_alive(record.pid)):
            return True
        return time.time() - record.started > PENDING_LEASE_S

    def recover(self) -> list[str]:
        """Clean up after writes that never finished; returns the trials they touched.

        Deletes only the versions an abandoned write named that are not current, so it never
        touches a trial's readable chunks or another live writer's work.
        """
        with self._reading():
            if not self._pending_writes():
                return []  # the usual case: no need to take the write lock
        with self._writing():
            records = self._pending_writes()
            abandoned = [r for r in records if self._abandoned(r)]
            if not abandoned:
                return []
            live = {v for r in records if r not in abandoned for _, o, n in r.items for v in (o, n)}
            touched = sorted({tid for r in abandoned for tid, _, _ in r.items})
            got = self.trials.get(ids=touched, include=["metadatas"])
            current: dict[str, str] = {}
            tombstones: list[str] = []
            for rid, meta in zip(got["ids"], got["metadatas"], strict=True):
                if meta and meta.get("kind") == "trial":
                    current[rid] = str(meta["version"])
                elif meta and meta.get("kind") == "removed":
                    tombstones.append(rid)
            stale = {
                v
                for r in abandoned
                for tid, o, n in r.items
                for v in (o, n)
                if v and v != current.get(tid) and v not in live
            }
            self._delete_versions(sorted(stale))
            if tombstones:
                self.trials.delete(ids=tombstones)
            self.trials.delete(ids=[PENDING_PREFIX + r.writer for r in abandoned])
            self._states = None
            return touched

    def remove_trial(self, trial_id: str) -> bool:
        """Tombstone the record and move the generation in one upsert, then delete chunks."""
        with self._writing():
            state = self.trial_states().get(trial_id)
            if state is None:
                return False
            with self._pending([(trial_id, state.version, "")]):
                tombstone = (trial_id, "", {"kind": "removed", "trial_id": trial_id}, _UNIT)
                self._upsert(self.trials, [tombstone, self._meta_row()])
                self._states = None
                self._delete_versions([state.version])
                self.trials.delete(ids=[trial_id], where={"kind": "removed"})
            return True

    # --- reading ------------------------------------------------------------------------------

    def get_trial(self, trial_id: str) -> Trial | None:
        with self._reading():
            for _ in range(_READ_TRIES):
                state = self.trial_states().get(trial_id)
                if state is None:
                    return None
                got = self.records.get(
                    ids=[f"{trial_id}@{state.version}"], include=["metadatas", "documents"]
                )
                if got["ids"]:
                    meta = got["metadatas"][0] or {}
                    return Trial.model_validate_json(meta.get(TEXT_KEY) or got["documents"][0])
                legacy = self.trials.get(ids=[trial_id], include=["documents"])["documents"]
                if legacy and (legacy[0] or "").startswith("{"):
                    return Trial.model_validate_json(legacy[0])  # written before STORE_LAYOUT
                self._states = None  # flipped (server mode) between the two reads: look again
        return None

    def trial_ids(self) -> list[str]:
        return sorted(self.trial_states())

    def chunks(self, trial_id: str) -> list[Chunk]:
        """The trial's current chunks, all of them (re-read if a writer flipped it meanwhile)."""
        out: list[Chunk] = []
        with self._reading():
            for _ in range(_READ_TRIES):
                state = self.trial_states().get(trial_id)
                if state is None:
                    return []
                where = _and({"trial_id": trial_id}, {"version": state.version})
                out = [
                    chunk_from_record(rid, doc, meta, state)
                    for collection in (self.dense, self.lexical)
                    for rid, doc, meta in self._scan(collection, where=where)
                ]
                if len(out) == state.chunks:
                    break
                self._states = None
        return sorted(out, key=lambda c: c.ordinal)

    def iter_current_chunks(self) -> Iterator[Chunk]:
        """Every chunk of every trial's current version (for building the lexical index).

        In server mode a writer may flip a trial during the scan; callers that need a snapshot
        compare ``generation()`` before and after (see ``vectorstore.lexical``).
        """
        with self._reading():
            states = self.trial_states()
            for collection in (self.dense, self.lexical):
                for rid, doc, meta in self._scan(collection):
                    state = states.get(str(meta.get("trial_id")))
                    if state is not None and state.version == meta.get("version"):
                        yield chunk_from_record(rid, doc, meta, state)

    def dense_query(
        self,
        vector: Sequence[float],
        n: int,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest chunks of current versions as (chunk, cosine similarity), best first.

        Across the store, only chunks with a stored vector take part. Within a few named trials
        every chunk outside ``NO_VECTOR_SECTIONS`` does: the trials' chunks are scored exactly,
        with vectors from the embedder (its cache holds those computed at ingest), which is also
        faster than a filtered index query on a large store.
        """
        with self._reading():
            out: list[tuple[Chunk, float]] = []
            exact = trial_ids is not None and len(trial_ids) <= EXACT_TRIALS_MAX
            for _ in range(_READ_TRIES):
                generation = self.generation()
                if exact and trial_ids is not None:
                    out = self._exact_query(vector, n, trial_ids, sections)
                else:
                    out = self._dense_query(vector, n, trial_ids, sections)
                if self.generation() == generation:
                    break
            return out

    def _exact_chunks(
        self, trial_ids: Sequence[str], sections: Sequence[str] | None = None
    ) -> list[Chunk]:
        """The chunks search within these trials scores by meaning."""
        return [
            c
            for tid in dict.fromkeys(trial_ids)
            for c in self.chunks(tid)
            if c.section not in NO_VECTOR_SECTIONS and (not sections or c.section in sections)
        ]

    def warm(self, trial_ids: Sequence[str]) -> int:
        """Embed ahead of time what a first question about these trials would embed.

        Criteria and other chunks without a stored vector are embedded on a trial's first
        question (0.2-0.4 s at 6,786 trials); a caller that knows which trial is coming (the UI,
        when one is picked) can pay that before the question. Only useful with a caching
        embedder. Returns how many chunks were embedded or found in the cache."""
        chunks = self._exact_chunks(trial_ids)
        if chunks:
            self.embedder.embed_documents([dense_text(c) for c in chunks])
        return len(chunks)

    def _exact_query(
        self,
        vector: Sequence[float],
        n: int,
        trial_ids: Sequence[str],
        sections: Sequence[str] | None,
    ) -> list[tuple[Chunk, float]]:
        chunks = self._exact_chunks(trial_ids, sections)
        if not chunks or n <= 0:
            return []
        vectors = self.embedder.embed_documents([dense_text(c) for c in chunks])
        matrix = np.asarray(vectors, dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        scores = matrix @ query / np.where(norms > 0, norms, 1.0)
        order = sorted(range(len(chunks)), key=lambda i: (-float(scores[i]), chunks[i].id))[:n]
        return [(chunks[i], float(scores[i])) for i in order]

    def _dense_query(
        self,
        vector: Sequence[float],
        n: int,
        trial_ids: Sequence[str] | None,
        sections: Sequence[str] | None,
    ) -> list[tuple[Chunk, float]]:
        states = self.trial_states()
        if trial_ids is not None:
            ids = [t for t in trial_ids if t in states]
            if not ids:
                return []
            version_clause = {"version": {"$in": [states[t].version for t in ids]}}
        else:
            version_clause = None
        section_clause = {"section": {"$in": list(sections)}} if sections else None
        where = _and(version_clause, section_clause)
        total = self.dense.count()
        if total == 0:
            return []
        got = self.dense.query(
            query_embeddings=[list(vector)],
            n_results=min(n, total),
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        out: list[tuple[Chunk, float]] = []
        for rid, doc, meta, dist in zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=True,
        ):
            state = states.get(str(meta["trial_id"]))
            if state is None or state.version != meta.get("version"):
                continue  # a half-written or superseded version
            out.append((chunk_from_record(rid, doc or "", meta, state), 1.0 - float(dist)))
        return out

    def stats(self) -> StoreStats:
        with self._reading():
            states = self.trial_states()
            generation = self.generation()
        dense = sum(s.dense_chunks for s in states.values())
        total = sum(s.chunks for s in states.values())
        return StoreStats(
            location=self.location,
            collection=self.name,
            trials=len(states),
            chunks=total,
            dense_chunks=dense,
            lexical_only_chunks=total - dense,
            generation=generation,
        )
