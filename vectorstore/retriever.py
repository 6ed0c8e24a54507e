"""Hybrid retrieval: dense (Chroma) and lexical (BM25) rankings fused into one.

``search`` ranks chunks (for questions about chosen trials); ``search_trials`` ranks trials by
their best evidence (for "which trials ..." questions): each retriever's chunk scores are first
pooled per trial, then the per-trial rankings are fused. Defaults were chosen on the TREC 2021
clinical-trials topics (see ``benchmarks/trec_retrieval.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from summarizer.models import Chunk, Hit, TrialHit
from vectorstore.base import Embedder
from vectorstore.fusion import fuse

Mode = Literal["hybrid", "dense", "lexical"]
TrialPooling = Literal["max", "sum2", "sum3"]


class DenseSource(Protocol):
    def dense_query(
        self,
        vector: Sequence[float],
        n: int,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]: ...


class LexicalSource(Protocol):
    def search(
        self,
        query: str,
        k: int = 10,
        *,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]: ...


class RetrievalConfig(BaseModel):
    """How the two rankings are combined; the defaults are the ones measured best on TREC."""

    mode: Mode = "hybrid"
    fusion: str = "rrf"
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    chunk_candidates: int = Field(default=40, description="per retriever, for chunk search")
    trial_candidates: int = Field(default=1000, description="chunks per retriever, trial search")
    # sum3 over max: +0.014 NDCG@10 for 1:1 RRF on TREC 2021, on both halves (docs/BENCHMARKS.md)
    pooling: TrialPooling = "sum3"
    # Trial ranking fuses per-trial scores with its own settings: long patient descriptions match
    # many incidental words, so BM25 gets a smaller share there (RRF k=10, 3:1, chosen on the
    # tuning half of TREC 2021 at 6,786 trials, docs/BENCHMARKS.md), while chunk search for
    # questions keeps 1:1 RRF.
    trial_fusion: str = "rrf10"
    trial_dense_weight: float = 3.0
    trial_lexical_weight: float = 1.0
    # Exact-term pass for short queries ('hospital in Wuhan', 'NCT04430530', 'KRAS G12C'): a
    # rare name or code (capitalized, all capitals or with digits, in fewer than
    # ``exact_max_chunks`` chunks) puts the trials that carry all such terms first, so a loose
    # meaning match never outranks the trial naming the place. Long queries (patient
    # descriptions, TREC topics) are left to fusion: one rare word there is incidental.
    exact_max_words: int = 12
    exact_max_chunks: int = 200


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-]*")


def name_like_terms(query: str, max_words: int) -> list[str]:
    """The words of a short query that look like names or codes: capitalized, all capitals,
    or letters with digits; none for a query longer than ``max_words`` words."""
    words = _WORD.findall(query)
    if len(words) > max_words:
        return []
    return list(
        dict.fromkeys(
            w
            for w in words
            if len(w) >= 3
            and (w[0].isupper() or (any(c.isdigit() for c in w) and any(c.isalpha() for c in w)))
        )
    )


def _pool(scores: list[float], pooling: TrialPooling) -> float:
    top = sorted(scores, reverse=True)
    if pooling == "max":
        return top[0]
    n = 2 if pooling == "sum2" else 3
    return sum(top[:n])


def rank_trials(
    dense: list[tuple[Chunk, float]], lexical: list[tuple[Chunk, float]], config: RetrievalConfig
) -> dict[str, float]:
    """Pool each retriever's chunk scores per trial, then fuse the per-trial rankings."""
    per_trial: list[dict[str, float]] = []
    for ranking in (dense, lexical):
        pooled: dict[str, list[float]] = {}
        for chunk, score in ranking:
            pooled.setdefault(chunk.trial_id, []).append(score)
        per_trial.append({t: _pool(s, config.pooling) for t, s in pooled.items()})
    weights = (config.trial_dense_weight, config.trial_lexical_weight)
    return fuse(config.trial_fusion, per_trial, weights)


class HybridRetriever:
    """The pipeline's ``Retriever``: dense + BM25, fused."""

    def __init__(
        self,
        dense: DenseSource,
        lexical: LexicalSource,
        embedder: Embedder,
        config: RetrievalConfig | None = None,
    ) -> None:
        self.dense = dense
        self.lexical = lexical
        self.embedder = embedder
        self.config = config or RetrievalConfig()

    def _rankings(
        self,
        query: str,
        n: int,
        trial_ids: Sequence[str] | None,
        sections: Sequence[str] | None,
    ) -> tuple[list[tuple[Chunk, float]], list[tuple[Chunk, float]]]:
        mode = self.config.mode
        dense: list[tuple[Chunk, float]] = []
        lexical: list[tuple[Chunk, float]] = []
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed_query(query)
            dense = self.dense.dense_query(vector, n, trial_ids=trial_ids, sections=sections)
        if mode in ("hybrid", "lexical"):
            lexical = self.lexical.search(query, n, trial_ids=trial_ids, sections=sections)
        return dense, lexical

    def _weights(self) -> tuple[float, float]:
        return self.config.dense_weight, self.config.lexical_weight

    def search(
        self,
        query: str,
        *,
        k: int = 8,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[Hit]:
        """Best ``k`` chunks, optionally only from these trials and sections."""
        n = max(self.config.chunk_candidates, k * 3)
        dense, lexical = self._rankings(query, n, trial_ids, sections)
        chunks: dict[str, Chunk] = {}
        dense_scores: dict[str, float] = {}
        lexical_scores: dict[str, float] = {}
        for chunk, score in dense:
            chunks[chunk.id] = chunk
            dense_scores[chunk.id] = score
        for chunk, score in lexical:
            chunks.setdefault(chunk.id, chunk)
            lexical_scores[chunk.id] = score
        fused = fuse(self.config.fusion, [dense_scores, lexical_scores], self._weights())
        dense_rank = {c.id: i + 1 for i, (c, _) in enumerate(dense)}
        lexical_rank = {c.id: i + 1 for i, (c, _) in enumerate(lexical)}
        best = sorted(fused, key=lambda cid: (-fused[cid], chunks[cid].id))[:k]
        return [
            Hit(
                chunk=chunks[cid],
                score=fused[cid],
                dense_rank=dense_rank.get(cid),
                lexical_rank=lexical_rank.get(cid),
            )
            for cid in best
        ]

    def _exact_pass(
        self,
        query: str,
        sections: Sequence[str] | None,
        fused: dict[str, float],
        lexical: list[tuple[Chunk, float]],
    ) -> list[tuple[Chunk, float]]:
        """Lift the trials that carry every rare name or code of a short query above all others
        (``fused`` is changed in place); their matching chunks join the lexical evidence."""
        limit = self.config.exact_max_chunks
        owners: set[str] | None = None
        extra: list[tuple[Chunk, float]] = []
        for term in name_like_terms(query, self.config.exact_max_words):
            found = self.lexical.search(term, limit, sections=sections)
            if not found or len(found) >= limit:
                continue  # a stop word, or too common to be the point of the query
            extra += found
            trials = {c.trial_id for c, _ in found}
            owners = trials if owners is None else owners & trials
        if not owners:
            return lexical
        lift = max(fused.values(), default=0.0) + 1.0
        for tid in owners:
            fused[tid] = fused.get(tid, 0.0) + lift
        seen = {c.id for c, _ in lexical}
        return lexical + [(c, sc) for c, sc in extra if c.trial_id in owners and c.id not in seen]

    def search_trials(
        self, query: str, *, k: int = 10, sections: Sequence[str] | None = None
    ) -> list[TrialHit]:
        """Trials ranked by their best evidence, each with its top matching chunks."""
        n = self.config.trial_candidates
        dense, lexical = self._rankings(query, n, None, sections)
        fused = rank_trials(dense, lexical, self.config)
        if self.config.mode != "dense":
            lexical = self._exact_pass(query, sections, fused, lexical)
        best = sorted(fused, key=lambda t: (-fused[t], t))[:k]

        chunk_scores = fuse(
            self.config.fusion,
            [{c.id: sc for c, sc in dense}, {c.id: sc for c, sc in lexical}],
            self._weights(),
        )
        dense_rank = {c.id: i + 1 for i, (c, _) in enumerate(dense)}
        lexical_rank = {c.id: i + 1 for i, (c, _) in enumerate(lexical)}
        chunks = {c.id: c for c, _ in [*dense, *lexical]}
        evidence: dict[str, list[str]] = {t: [] for t in best}
        for cid in sorted(chunk_scores, key=lambda c: -chunk_scores[c]):
            bucket = evidence.get(chunks[cid].trial_id)
            if bucket is not None and len(bucket) < 3:
                bucket.append(cid)
        out: list[TrialHit] = []
        for tid in best:
            hits = [
                Hit(
                    chunk=chunks[cid],
                    score=chunk_scores[cid],
                    dense_rank=dense_rank.get(cid),
                    lexical_rank=lexical_rank.get(cid),
                )
                for cid in evidence[tid]
            ]
            title = hits[0].chunk.title if hits else ""
            out.append(TrialHit(trial_id=tid, title=title, score=fused[tid], hits=hits))
        return out


def __getattr__(name: str) -> Any:
    """``LangChainRetriever`` lives in its own module: LangChain's retriever classes take ~1 s to
    import, which a search that does not use them should not pay."""
    if name == "LangChainRetriever":
        from vectorstore.langchain_retriever import LangChainRetriever

        return LangChainRetriever
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
