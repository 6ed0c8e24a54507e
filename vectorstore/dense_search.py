"""Search by meaning in the store: exact scoring within a few trials, the vector index across all.

Within up to ``EXACT_TRIALS_MAX`` named trials every chunk outside ``NO_VECTOR_SECTIONS`` is scored
exactly, with vectors from the embedder (its cache holds those computed at ingest, and ``warm``
fills it ahead of a first question); that covers criteria and other sections without a stored
vector, and is faster than a filtered index query on a large store. Across the store only chunks
with a stored vector take part, through Chroma's index.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.models import Chunk
from vectorstore.dense_text import dense_text
from vectorstore.store_reads import READ_TRIES, StoreReader
from vectorstore.store_records import NO_VECTOR_SECTIONS, chunk_from_record, where_all

#: Up to this many trials, ``dense_query`` scores their chunks exactly instead of asking the index.
EXACT_TRIALS_MAX = 50


class DenseSearch(StoreReader):
    """``dense_query`` and ``warm`` of ``ChromaTrialStore``."""

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
            for _ in range(READ_TRIES):
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
        import numpy as np  # only scoring needs it; importing the store stays cheap

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
        states = self.states_of(trial_ids) if trial_ids is not None else None
        if trial_ids is not None and states is not None:
            ids = [t for t in trial_ids if t in states]
            if not ids:
                return []
            version_clause = {"version": {"$in": [states[t].version for t in ids]}}
        else:
            version_clause = None
        section_clause = {"section": {"$in": list(sections)}} if sections else None
        where = where_all(version_clause, section_clause)
        total = self.dense.count()
        if total == 0:
            return []
        got = self.dense.query(
            query_embeddings=[list(vector)],
            n_results=min(n, total),
            where=where,
            include=["metadatas", "documents", "distances"],
        )
        if states is None:  # across the store: read the states of the trials hit, not all
            states = self.states_of([str(meta["trial_id"]) for meta in got["metadatas"][0]])
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
