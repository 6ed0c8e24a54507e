"""Trials and their chunks in Chroma, local (persistent) or shared (server), written atomically.

Three collections hold everything, so a team sharing only a Chroma server shares the whole store:

- ``<name>``: chunks with a dense vector (cosine space), for semantic search;
- ``<name>_lex``: chunks kept for lexical search and display only (contacts, addresses), stored
  with a constant one-number vector because embedding boilerplate buys nothing;
- ``<name>_trials``: one record per trial (the ``Trial`` JSON as the document) carrying the
  trial's *current version*, plus one ``__meta__`` record with the store's generation marker.

A trial is replaced by writing its new chunks under new ids (the version is part of the id), then
flipping the trial record to the new version, then deleting the old version's chunks. Readers only
trust chunks of the current version, so they never see half a trial. A crash leaves unreferenced
chunks, listed in the meta record's ``pending`` field, which the next write removes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel

from summarizer.chunking import CHUNKER_VERSION
from summarizer.models import Chunk, Trial, sha256_text
from vectorstore.base import Embedder

# Sections not worth a dense vector: lexical search still covers their text.
LEXICAL_ONLY_SECTIONS: frozenset[str] = frozenset({"locations", "contacts"})
META_ID = "__meta__"
_UNIT = [1.0]  # the constant vector of records that are never searched by similarity


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


def _client(chroma_url: str | None, path: Path | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=settings,
        )
    assert path is not None
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


def _chunk_metadata(chunk: Chunk, version: str, dense: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "trial_id": chunk.trial_id,
        "version": version,
        "chunk_id": chunk.id,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
        "ordinal": chunk.ordinal,
        "content_hash": chunk.content_hash,
        "source_path": chunk.source_path,
        "title": chunk.title,
        "dense": dense,
    }
    if chunk.kind:
        meta["kind"] = chunk.kind
    return meta


def chunk_from_record(text: str, meta: Mapping[str, Any]) -> Chunk:
    return Chunk(
        id=str(meta["chunk_id"]),
        trial_id=str(meta["trial_id"]),
        section=meta["section"],
        kind=meta.get("kind"),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        source_path=str(meta.get("source_path", "")),
        content_hash=str(meta["content_hash"]),
        ordinal=int(meta["ordinal"]),
        title=str(meta.get("title", "")),
    )


def _and(*clauses: dict[str, Any] | None) -> dict[str, Any] | None:
    """Chroma wants ``$and`` only with two or more clauses."""
    present = [c for c in clauses if c]
    if not present:
        return None
    return present[0] if len(present) == 1 else {"$and": present}


class ChromaTrialStore:
    """The ``TrialStore`` over Chroma; see the module docstring for the write protocol."""

    def __init__(
        self,
        client: Any,
        embedder: Embedder,
        *,
        collection: str = "trialsum",
        location: str = "",
        lexical_only_sections: frozenset[str] = LEXICAL_ONLY_SECTIONS,
        page_size: int = 2000,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.name = collection
        self.location = location
        self.lexical_only_sections = lexical_only_sections
        self.page_size = page_size
        self.max_batch = int(client.get_max_batch_size())
        space = {"hnsw:space": "cosine"}
        self.dense = client.get_or_create_collection(
            collection, embedding_function=None, metadata=space
        )
        self.lexical = client.get_or_create_collection(
            f"{collection}_lex", embedding_function=None, metadata=space
        )
        self.trials = client.get_or_create_collection(
            f"{collection}_trials", embedding_function=None, metadata=space
        )
        self._states: dict[str, TrialState] | None = None
        self._states_generation: str | None = None

    @classmethod
    def open(
        cls, *, embedder: Embedder, store_dir: Path, chroma_url: str | None, collection: str
    ) -> ChromaTrialStore:
        location = chroma_url or str(store_dir / "chroma")
        client = _client(chroma_url, None if chroma_url else store_dir / "chroma")
        return cls(client, embedder, collection=collection, location=location)

    # --- versions and state ---------------------------------------------------------------

    def version_of(self, trial: Trial) -> str:
        """Changes whenever the stored record, its chunks or their vectors would change."""
        key = "|".join(
            (
                CHUNKER_VERSION,
                getattr(self.embedder, "name", "embedder"),
                ",".join(sorted(self.lexical_only_sections)),
                trial.model_dump_json(),
            )
        )
        return sha256_text(key)[:16]

    def wants_dense(self, chunk: Chunk) -> bool:
        return chunk.section not in self.lexical_only_sections

    def _meta(self) -> dict[str, Any]:
        got = self.trials.get(ids=[META_ID], include=["metadatas"])
        if got["ids"]:
            return dict(got["metadatas"][0] or {})
        return {}

    def _write_meta(self, **changes: Any) -> None:
        meta = self._meta()
        meta.update(changes)
        meta["kind"] = "meta"
        self.trials.upsert(ids=[META_ID], embeddings=[_UNIT], documents=[""], metadatas=[meta])

    def generation(self) -> str:
        """Changes on every write; lexical caches compare it to know they are stale."""
        return str(self._meta().get("generation", ""))

    def _bump(self, pending: Sequence[str] = ()) -> None:
        self._write_meta(generation=uuid.uuid4().hex, pending=json.dumps(sorted(pending)))
        self._states = None

    def trial_states(self) -> dict[str, TrialState]:
        """Every stored trial's state, cached until the generation changes."""
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
        self._states, self._states_generation = states, generation
        return states

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
                yield rid, docs[i] or "", dict(got["metadatas"][i] or {})
            if len(ids) < self.page_size:
                return
            offset += len(ids)

    # --- writing ------------------------------------------------------------------------------

    def embed_chunks(self, chunks: Sequence[Chunk]) -> dict[str, list[float]]:
        """Vectors for the dense chunks, one embedder call per distinct text."""
        texts: dict[str, str] = {}
        for chunk in chunks:
            if self.wants_dense(chunk):
                texts.setdefault(chunk.content_hash, chunk.text)
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
        self.recover()
        all_chunks = [c for _, chunks in latest.values() for c in chunks]
        if vectors is None:
            vectors = self.embed_chunks(all_chunks)
        versions = {tid: self.version_of(trial) for tid, (trial, _) in latest.items()}
        self._write_meta(pending=json.dumps(sorted(latest)))

        dense_rows: list[tuple[str, str, dict[str, Any], Sequence[float]]] = []
        lex_rows: list[tuple[str, str, dict[str, Any], Sequence[float]]] = []
        for tid, (_, chunks) in latest.items():
            version = versions[tid]
            for chunk in chunks:
                dense = self.wants_dense(chunk)
                row = (
                    f"{chunk.id}@{version}",
                    chunk.text,
                    _chunk_metadata(chunk, version, dense),
                    vectors[chunk.content_hash] if dense else _UNIT,
                )
                (dense_rows if dense else lex_rows).append(row)
        self._upsert(self.dense, dense_rows)
        self._upsert(self.lexical, lex_rows)

        trial_rows = []
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
            trial_rows.append((tid, trial.model_dump_json(), meta, _UNIT))
        self._upsert(self.trials, trial_rows)  # the flip: readers now trust the new versions

        self._delete_stale(versions)
        self._bump()

    def _upsert(self, collection: Any, rows: list[tuple[str, str, dict[str, Any], Any]]) -> None:
        for i in range(0, len(rows), self.max_batch):
            part = rows[i : i + self.max_batch]
            collection.upsert(
                ids=[r[0] for r in part],
                documents=[r[1] for r in part],
                metadatas=[r[2] for r in part],
                embeddings=[list(r[3]) for r in part],
            )

    def _delete_stale(self, versions: Mapping[str, str]) -> None:
        """Remove chunks of these trials whose version is not the given (current) one."""
        ids = sorted(versions)
        for i in range(0, len(ids), 200):
            part = ids[i : i + 200]
            where = _and(
                {"trial_id": {"$in": part}},
                {"version": {"$nin": [versions[t] for t in part]}},
            )
            for collection in (self.dense, self.lexical):
                collection.delete(where=where)

    def recover(self) -> list[str]:
        """Clean up after a write that never finished: drop chunks no trial record points to."""
        pending = json.loads(self._meta().get("pending") or "[]")
        if not pending:
            return []
        got = self.trials.get(ids=list(pending), include=["metadatas"])
        current = {str(m["trial_id"]): str(m["version"]) for m in got["metadatas"] if m}
        for i in range(0, len(pending), 200):
            part = pending[i : i + 200]
            for collection in (self.dense, self.lexical):
                for tid in part:
                    where = (
                        _and({"trial_id": tid}, {"version": {"$ne": current[tid]}})
                        if tid in current
                        else {"trial_id": tid}
                    )
                    collection.delete(where=where)
        self._bump()
        return list(pending)

    def remove_trial(self, trial_id: str) -> bool:
        if not self.trials.get(ids=[trial_id], include=[])["ids"]:
            return False
        self._write_meta(pending=json.dumps([trial_id]))
        self.trials.delete(ids=[trial_id])
        for collection in (self.dense, self.lexical):
            collection.delete(where={"trial_id": trial_id})
        self._bump()
        return True

    # --- reading ------------------------------------------------------------------------------

    def get_trial(self, trial_id: str) -> Trial | None:
        got = self.trials.get(ids=[trial_id], include=["documents"])
        if not got["ids"] or trial_id == META_ID:
            return None
        return Trial.model_validate_json(got["documents"][0])

    def trial_ids(self) -> list[str]:
        return sorted(self.trial_states())

    def chunks(self, trial_id: str) -> list[Chunk]:
        state = self.trial_states().get(trial_id)
        if state is None:
            return []
        where = _and({"trial_id": trial_id}, {"version": state.version})
        out = [
            chunk_from_record(doc, meta)
            for collection in (self.dense, self.lexical)
            for _, doc, meta in self._scan(collection, where=where)
        ]
        return sorted(out, key=lambda c: c.ordinal)

    def iter_current_chunks(self) -> Iterator[Chunk]:
        """Every chunk of every trial's current version (for building the lexical index)."""
        current = {tid: s.version for tid, s in self.trial_states().items()}
        for collection in (self.dense, self.lexical):
            for _, doc, meta in self._scan(collection):
                if current.get(str(meta.get("trial_id"))) == meta.get("version"):
                    yield chunk_from_record(doc, meta)

    def dense_query(
        self,
        vector: Sequence[float],
        n: int,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Nearest dense chunks of current versions as (chunk, cosine similarity), best first."""
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
        for doc, meta, dist in zip(
            got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
        ):
            state = states.get(str(meta["trial_id"]))
            if state is None or state.version != meta.get("version"):
                continue  # a half-written or superseded version
            out.append((chunk_from_record(doc or "", meta), 1.0 - float(dist)))
        return out

    def stats(self) -> StoreStats:
        states = self.trial_states()
        dense = sum(s.dense_chunks for s in states.values())
        total = sum(s.chunks for s in states.values())
        return StoreStats(
            location=self.location,
            collection=self.name,
            trials=len(states),
            chunks=total,
            dense_chunks=dense,
            lexical_only_chunks=total - dense,
            generation=self.generation(),
        )
