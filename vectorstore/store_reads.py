"""Reading the Chroma trial store: its four collections, the generation, trial states, chunks.

Readers trust only chunks of a trial's *current* version (named by its record in
``<name>_trials``), so a write in progress is invisible to them; a read torn by a concurrent flip
(server mode) is redone. See ``vectorstore.store_writes`` for the other half of that contract.

A warm reader (the API server) keeps, for the store's current *view* -- a local folder's write
epoch (it moves on every write, by any process or store object: a criteria refresh, which keeps
the generation, included), the generation, and a count of this reader's own writes (every write
forgets the cached states) --
the trial states it has read and the last ``TRIAL_CACHE_SIZE`` parsed ``Trial`` records, so a
question across the store does not read and parse the same records again on every request. Any
change of view drops both. The cached ``Trial`` objects are shared: callers must not change them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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
#: Parsed ``Trial`` records kept per view, and the most ``Trial`` JSON characters they may come
#: from (a record averages ~44,000 characters at 6,786 trials; the largest ~1.2 million).
TRIAL_CACHE_SIZE = 256
TRIAL_CACHE_CHARS = 24_000_000

#: What a view is: (write epoch, generation, this reader's forget count).
View = tuple[str, str, int]


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
        self._cache_lock = threading.Lock()
        self._forgets = 0
        self._view: View | None = None
        self._known: dict[str, TrialState | None] = {}  # states read at ``_view`` (None: absent)
        self._parsed: OrderedDict[tuple[str, str, str], tuple[Trial, int]] = OrderedDict()
        self._parsed_chars = 0
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

    # --- the warm reader's caches ---------------------------------------------------------

    @property
    def _states(self) -> dict[str, TrialState] | None:
        """Every trial's state at ``_states_generation`` (None: not read, or forgotten)."""
        return self._all_states

    @_states.setter
    def _states(self, value: dict[str, TrialState] | None) -> None:
        # Writers (``store_writes``) and torn reads set this to None: that forgets every cached
        # state and parsed record too, so an in-process write that keeps the generation (a
        # criteria refresh rewrites record rows in place) is never served from a cache.
        self._all_states = value
        if value is None:
            with self._cache_lock:
                self._forgets += 1
                self._view = None
                self._known = {}
                self._parsed.clear()
                self._parsed_chars = 0

    def _epoch(self) -> str:
        """A local folder's write epoch (read under the hold ``_reading`` took); a Chroma server
        has none: there a write that keeps the generation (another writer's criteria refresh,
        which changes no answer: readers re-check the parse) is seen when the generation moves."""
        lock = getattr(self.connection, "lock", None)
        epoch = getattr(lock, "epoch", None)
        return str(epoch()) if callable(epoch) else str(self.connection.incarnation())

    def _view_at(self, generation: str) -> View:
        """The view ``generation`` belongs to; the caches are switched to it when they hold
        another (call under ``_cache_lock``)."""
        view = (self._epoch(), generation, self._forgets)
        if self._view != view:
            self._view, self._known = view, {}
            self._parsed.clear()
            self._parsed_chars = 0
        return view

    def _cached_trial(self, key: tuple[str, str, str], view: View) -> Trial | None:
        with self._cache_lock:
            if self._view != view:
                return None
            hit = self._parsed.get(key)
            if hit is None:
                return None
            self._parsed.move_to_end(key)
            return hit[0]

    def _keep_trial(self, key: tuple[str, str, str], view: View, trial: Trial, chars: int) -> None:
        if chars > TRIAL_CACHE_CHARS // 4:
            return  # one huge record (100,000 sites) would push out everything else
        with self._cache_lock:
            if self._view != view or key in self._parsed:
                return  # the store moved on (or a write was made) while it was parsed
            self._parsed[key] = (trial, chars)
            self._parsed_chars += chars
            while self._parsed and (
                len(self._parsed) > TRIAL_CACHE_SIZE or self._parsed_chars > TRIAL_CACHE_CHARS
            ):
                _, (_, dropped) = self._parsed.popitem(last=False)
                self._parsed_chars -= dropped

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
        read of the records by id of those not read yet at this view -- not a scan of every
        trial, which a single search across a large store need not pay (~0.6 s at 6,786
        trials)."""
        return self._states_at(trial_ids)[0]

    def _states_at(self, trial_ids: Sequence[str]) -> tuple[dict[str, TrialState], View | None]:
        """``states_of`` and the view they belong to (None: read while a writer moved on)."""
        wanted = list(dict.fromkeys(trial_ids))
        with self._reading():
            generation = self.generation()  # refuses a store in a newer layout
            all_states = self._states
            view: View | None
            with self._cache_lock:
                view = self._view_at(generation)
                if all_states is not None and self._states_generation == generation:
                    return {t: all_states[t] for t in wanted if t in all_states}, view
                known = self._known
                have = {t: known[t] for t in wanted if t in known}
            missing = [t for t in wanted if t not in have]
            if missing:
                read = self._read_states(missing)
                have.update((t, read.get(t)) for t in missing)
                if self.generation() != generation:  # torn by a concurrent flip: keep nothing
                    view = None
                else:
                    with self._cache_lock:
                        if self._view == view:
                            known.update((t, read.get(t)) for t in missing)
                        else:
                            view = None
            return {t: s for t in wanted if (s := have[t]) is not None}, view

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
                states, view = self._states_at([trial_id])
                state = states.get(trial_id)
                if state is None:
                    return None
                key = (trial_id, state.version, state.criteria_parser)
                if view is not None and (cached := self._cached_trial(key, view)) is not None:
                    return cached
                got = self.records.get(
                    ids=[f"{trial_id}@{state.version}"], include=["metadatas", "documents"]
                )
                if got["ids"]:
                    meta = got["metadatas"][0] or {}
                    text = meta.get(TEXT_KEY) or got["documents"][0]
                    with collector_paused():  # a trial may hold 100,000 sites: acyclic models
                        trial = Trial.model_validate_json(text)
                    if view is not None:
                        self._keep_trial(key, view, trial, len(text))
                    return trial
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
