"""Reading the Chroma trial store: its four collections, the generation, trial states, chunks.

Readers trust only chunks of a trial's *current* version (named by its record in
``<name>_trials``), so a write in progress is invisible to them; a read torn by a concurrent flip
(server mode) is redone. See ``vectorstore.store_writes`` for the other half of that contract.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from summarizer.loader import collector_paused
from summarizer.models import Chunk, Trial
from vectorstore.base import Embedder
from vectorstore.chroma_connection import Connection
from vectorstore.dense_text import dense_text
from vectorstore.store_layout import META_ID, generation_of
from vectorstore.store_records import (
    CRITERIA_KEY,
    LEXICAL_ONLY_SECTIONS,
    TEXT_KEY,
    UNIT,
    StoreStats,
    TrialState,
    chunk_from_record,
    where_all,
)

READ_TRIES = 3  # re-reads when a concurrent writer (server mode) moved on mid-read


def _unit_vectors(
    ids: Sequence[str], documents: Sequence[str | None], metadatas: Sequence[Mapping[str, Any]]
) -> list[list[float]]:
    """The constant vector of the collections never searched by similarity."""
    return [list(UNIT) for _ in ids]


def _state_of(meta: Mapping[str, Any]) -> TrialState:
    """A trial's state from its record in ``<name>_trials``."""
    return TrialState(
        trial_id=str(meta["trial_id"]),
        version=str(meta["version"]),
        source_sha256=str(meta.get("source_sha256", "")),
        title=str(meta.get("title", "")),
        source_path=str(meta.get("source_path", "")),
        chunks=int(meta.get("chunks", 0)),
        dense_chunks=int(meta.get("dense_chunks", 0)),
        criteria_parser=str(meta.get(CRITERIA_KEY, "")),
    )


class StoreReader:
    """The reading half of ``ChromaTrialStore``: collections, generation, states and chunks."""

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
        known = getattr(connection, "vectors_for", None)
        if isinstance(known, dict):  # a local folder: how to rebuild a torn vector index
            known[self.name] = self._stored_vectors
            for suffix in ("_lex", "_trials", "_records"):
                known[self.name + suffix] = _unit_vectors
        with self._reading():
            self._current()

    def _stored_vectors(
        self,
        ids: Sequence[str],
        documents: Sequence[str | None],
        metadatas: Sequence[Mapping[str, Any]],
    ) -> list[list[float]]:
        """The dense collection's vectors, computed again as ingest computed them."""
        state = TrialState(trial_id="", version="", source_sha256="")
        texts = [
            dense_text(chunk_from_record(rid, doc or "", meta, state))
            for rid, doc, meta in zip(ids, documents, metadatas, strict=True)
        ]
        return [list(map(float, v)) for v in self.embedder.embed_documents(texts)]

    # --- access ---------------------------------------------------------------------------

    def _reading(self) -> Any:
        return self.connection.access(write=False)

    def _writing(self) -> Any:
        return self.connection.access(write=True)

    def _current(self) -> tuple[Any, Any, Any, Any]:
        """The four collections of the connection's current client (refetched after a reopen)."""
        # A fetch may itself reopen the client (a read-only local client hands the creation of
        # a missing collection to the full one): fetch again until one client gave all four.
        while self._collections is None or self._collections[0] != self.connection.incarnation():
            incarnation = self.connection.incarnation()
            client = self.connection.client()
            space = {"hnsw:space": "cosine"}
            names = (self.name, f"{self.name}_lex", f"{self.name}_trials", f"{self.name}_records")
            found = []
            for name in names:
                got = client.get_or_create_collection(name, embedding_function=None, metadata=space)
                found.append(self.connection.wrap(got))
                if self.connection.incarnation() != incarnation:
                    break  # reopened meanwhile: start again with the new client
            else:
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

    # --- generation and states ------------------------------------------------------------

    def wants_dense(self, chunk: Chunk) -> bool:
        return chunk.section not in self.lexical_only_sections

    def generation(self) -> str:
        """Changes on every write; lexical caches compare it to know they are stale.

        Every read and write asks for it first, so this is also where a store in an unknown
        layout is refused."""
        with self._reading():
            got = self.trials.get(ids=[META_ID], include=["metadatas"])
        if not got["ids"]:
            return ""
        return generation_of(got["metadatas"][0], location=self.location, name=self.name)

    def trial_states(self) -> dict[str, TrialState]:
        """Every stored trial's state, cached until the generation changes."""
        with self._reading():
            generation = self.generation()
            if self._states is not None and self._states_generation == generation:
                return self._states
            states: dict[str, TrialState] = {}
            for _, _, meta in self._scan(self.trials, where={"kind": "trial"}, documents=False):
                state = _state_of(meta)
                states[state.trial_id] = state
            if generation == self.generation():  # not torn by a concurrent flip
                self._states, self._states_generation = states, generation
            return states

    def states_of(self, trial_ids: Sequence[str]) -> dict[str, TrialState]:
        """The states of these trials (those stored): the cached states when current, else one
        read of their records by id -- not a scan of every trial, which a single search across
        a large store need not pay (~0.6 s at 6,786 trials)."""
        wanted = list(dict.fromkeys(trial_ids))
        with self._reading():
            generation = self.generation()  # refuses a store in a newer layout
            if self._states is not None and self._states_generation == generation:
                return {t: self._states[t] for t in wanted if t in self._states}
            return self._read_states(wanted)

    def _read_states(self, trial_ids: Sequence[str]) -> dict[str, TrialState]:
        """One read of these trials' records by id (no cache): what writers check under their
        hold, and what ``states_of`` falls back on."""
        if not trial_ids:
            return {}
        got = self.trials.get(ids=list(trial_ids), include=["metadatas"])
        return {
            state.trial_id: state
            for meta in got["metadatas"]
            if meta and meta.get("kind") == "trial"
            for state in (_state_of(meta),)
        }

    def _current_versions(self, trial_ids: Sequence[str]) -> dict[str, str]:
        """The stored version of each of these trials (a read of their records, not the store)."""
        return {tid: state.version for tid, state in self._read_states(trial_ids).items()}

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

    # --- trials and chunks ----------------------------------------------------------------

    def get_trial(self, trial_id: str) -> Trial | None:
        with self._reading():
            for _ in range(READ_TRIES):
                state = self.states_of([trial_id]).get(trial_id)
                if state is None:
                    return None
                got = self.records.get(
                    ids=[f"{trial_id}@{state.version}"], include=["metadatas", "documents"]
                )
                if got["ids"]:
                    meta = got["metadatas"][0] or {}
                    with collector_paused():  # a trial may hold 100,000 sites: acyclic models
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
            for _ in range(READ_TRIES):
                state = self.states_of([trial_id]).get(trial_id)
                if state is None:
                    return []
                where = where_all({"trial_id": trial_id}, {"version": state.version})
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
