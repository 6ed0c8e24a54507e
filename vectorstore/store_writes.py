"""The store's crash-safe write protocol: whole trials or nothing, with cleanup after a crash.

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

A trial's parsed criteria are derived from its text and are not part of its version: when the
criteria parser changes, ``refresh_criteria`` rewrites each unchanged trial's record row in place
(same id, same version) under a pending record naming that version, so chunks, vectors and the
generation stay as they are and a kill leaves the old record or the new one, both readable.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from summarizer.chunking import CHUNKER_VERSION
from summarizer.models import Chunk, Trial, sha256_text
from vectorstore.dense_text import DENSE_VIEW_VERSION, dense_text
from vectorstore.store_layout import STORE_LAYOUT, meta_row
from vectorstore.store_reads import StoreReader
from vectorstore.store_records import (
    CRITERIA_KEY,
    MAX_UPSERT_CHARS,
    TEXT_KEY,
    UNIT,
    Row,
    chunk_metadata,
    upsert_parts,
)

PENDING_PREFIX = "__pending__."
#: A pending record older than this is abandoned even if its process looks alive (other host).
PENDING_LEASE_S = 15 * 60

_in_flight: set[str] = set()  # this process's writes in progress, by writer id
_in_flight_lock = threading.Lock()


class PendingWrite(BaseModel):
    """A write in progress: per trial, the version it replaces and the one it writes."""

    writer: str
    host: str
    pid: int
    started: float
    items: list[tuple[str, str, str]]  # (trial_id, old version or "", new version or "")


class _Superseded(Exception):
    """Another writer replaced a trial while its parsed criteria were being refreshed."""


def _parser_of(trial: Trial) -> str:
    """The fingerprint of the parser that read the trial's attached criteria, or ""."""
    parsed = trial.criteria_parsed
    return (parsed.parser or "") if parsed is not None else ""


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreWriter(StoreReader):
    """The writing half of ``ChromaTrialStore``; see the module docstring for the protocol."""

    # --- versions -------------------------------------------------------------------------

    def version_of(self, trial: Trial) -> str:
        """Changes whenever the trial's text, its chunks or their vectors would change.

        The parsed criteria (``Trial.criteria_parsed``) are derived from the trial's text and
        touch no chunk or vector, so they are left out: a trial's version is the same before
        ingest attaches them as after, and a new criteria parser changes no version (ingest
        refreshes the stale parses with ``refresh_criteria``, without re-embedding)."""
        key = "|".join(
            (
                CHUNKER_VERSION,
                DENSE_VIEW_VERSION,
                STORE_LAYOUT,
                getattr(self.embedder, "name", "embedder"),
                ",".join(sorted(self.lexical_only_sections)),
                trial.model_dump_json(exclude={"criteria_parsed"}),
            )
        )
        return sha256_text(key)[:16]

    def _meta_row(self) -> Row:
        """The meta record with a fresh generation, to go in the same upsert as a flip."""
        return meta_row()

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
                dense_rows: list[Row] = []
                lex_rows: list[Row] = []
                for tid, (_, chunks) in latest.items():
                    version = versions[tid]
                    for chunk in chunks:
                        dense = self.wants_dense(chunk)
                        rid, meta = f"{chunk.id}@{version}", chunk_metadata(chunk, version)
                        if dense:
                            dense_rows.append((rid, chunk.text, meta, vectors[chunk.content_hash]))
                        else:
                            lex_rows.append((rid, None, {**meta, TEXT_KEY: chunk.text}, UNIT))
                self._upsert(self.dense, dense_rows)
                self._upsert(self.lexical, lex_rows)
                record_rows: list[Row] = [
                    (
                        f"{tid}@{versions[tid]}",
                        None,
                        {
                            "trial_id": tid,
                            "version": versions[tid],
                            TEXT_KEY: trial.model_dump_json(),
                        },
                        UNIT,
                    )
                    for tid, (trial, _) in latest.items()
                ]
                self._upsert(self.records, record_rows)

                trial_rows: list[Row] = []
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
                        CRITERIA_KEY: _parser_of(trial),
                    }
                    trial_rows.append((tid, trial.title, meta, UNIT))
                # The flip: readers now trust the new versions, and the generation moves with it.
                self._upsert(self.trials, [*trial_rows, self._meta_row()])
                self._states = None
                self._delete_versions([o for t, o, n in items_ if o and o != n])

    # --- parsed criteria ---------------------------------------------------------------------

    def refresh_criteria(self, trials: Sequence[Trial]) -> list[str]:
        """Store these trials' parsed criteria in place of the ones stored with them.

        Only a trial whose stored version is its version (the same text: ``version_of``) is
        rewritten, and only its record row, under a pending record naming that version: chunks,
        vectors and the generation stay as they are (nothing a reader caches depends on the
        parse). A trial replaced or removed by another writer meanwhile is left to that writer:
        the row written for the old version is cleaned up like any abandoned write's. Returns
        the ids refreshed.
        """
        latest = {trial.trial_id: trial for trial in trials}
        if not latest:
            return []
        versions = {tid: self.version_of(trial) for tid, trial in latest.items()}
        with self._writing():
            self.generation()  # refuses a store in a newer layout before touching it
            self.recover()
            current = self._current_versions(sorted(latest))
            ids = [tid for tid in sorted(latest) if current.get(tid) == versions[tid]]
            if not ids:
                return []
            try:
                with self._pending([(tid, versions[tid], versions[tid]) for tid in ids]):
                    rows: list[Row] = [
                        (
                            f"{tid}@{versions[tid]}",
                            None,
                            {
                                "trial_id": tid,
                                "version": versions[tid],
                                TEXT_KEY: latest[tid].model_dump_json(),
                            },
                            UNIT,
                        )
                        for tid in ids
                    ]
                    self._upsert(self.records, rows)
                    self.trials.update(
                        ids=ids, metadatas=[{CRITERIA_KEY: _parser_of(latest[t])} for t in ids]
                    )
                    self._states = None  # the cached states name the old parser
                    now = self._current_versions(ids)
                    if any(now.get(tid) != versions[tid] for tid in ids):
                        raise _Superseded  # keep the pending record: recover() cleans up
            except _Superseded:
                self.recover()
                now = self._current_versions(ids)
                return [tid for tid in ids if now.get(tid) == versions[tid]]
            return ids

    def _upsert(self, collection: Any, rows: Sequence[Row]) -> None:
        """Upsert in as few calls as Chroma allows (a flip of one batch is a single call).

        Rows whose document is ``None`` carry their text in metadata (``TEXT_KEY``)."""
        for part in upsert_parts(rows, self.max_batch, MAX_UPSERT_CHARS):
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
                    [(PENDING_PREFIX + record.writer, record.model_dump_json(), meta, UNIT)],
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
                tombstone = (trial_id, "", {"kind": "removed", "trial_id": trial_id}, UNIT)
                self._upsert(self.trials, [tombstone, self._meta_row()])
                self._states = None
                self._delete_versions([state.version])
                self.trials.delete(ids=[trial_id], where={"kind": "removed"})
            return True
