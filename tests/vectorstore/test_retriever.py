"""Hybrid retrieval over a small store: chunk search, trial ranking, the LangChain adapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from vectorstore.chroma_store import ChromaTrialStore
from vectorstore.lexical import LexicalIndex
from vectorstore.retriever import HybridRetriever, LangChainRetriever, RetrievalConfig


@pytest.fixture
def store_location(tmp_path: Path) -> tuple[Path, str | None, str]:
    """Retrieval logic does not depend on the store mode (the store suite covers both)."""
    return tmp_path / "store", None, "trialsum"


@pytest.fixture
def filled(store: ChromaTrialStore, trials: list[Trial]) -> ChromaTrialStore:
    store.put_trials([(t, chunk_trial(t)) for t in trials])
    return store


def retriever(store: ChromaTrialStore, tmp_path: Path, **config: object) -> HybridRetriever:
    index = LexicalIndex(store, tmp_path / "bm25")
    return HybridRetriever(store, index, store.embedder, RetrievalConfig(**config))


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_each_mode_finds_the_criterion_within_a_trial(
    filled: ChromaTrialStore, tmp_path: Path, mode: str, trials: list[Trial]
) -> None:
    owners = [t.trial_id for t in trials if "HIV" in t.source.text]
    hits = retriever(filled, tmp_path, mode=mode).search("HIV infection", k=3, trial_ids=owners)
    assert hits[0].chunk.section == "exclusion" and "HIV" in hits[0].chunk.text
    if mode == "dense":
        assert hits[0].lexical_rank is None and hits[0].dense_rank == 1
    if mode == "lexical":
        assert hits[0].dense_rank is None and hits[0].lexical_rank == 1


def test_across_the_store_criteria_are_found_by_words_not_by_stored_vectors(
    filled: ChromaTrialStore, tmp_path: Path
) -> None:
    """Criteria have no stored vector (cross-trial dense search is better without them)."""
    dense = retriever(filled, tmp_path, mode="dense").search("HIV infection", k=10)
    assert dense and all(h.chunk.section not in ("inclusion", "exclusion") for h in dense)
    hybrid = retriever(filled, tmp_path).search("HIV infection", k=3)
    assert hybrid[0].chunk.section == "exclusion" and hybrid[0].dense_rank is None


def test_hybrid_marks_where_each_hit_ranked(
    filled: ChromaTrialStore, tmp_path: Path, trials: list[Trial]
) -> None:
    ids = [t.trial_id for t in trials]
    hits = retriever(filled, tmp_path).search("known HIV infection", k=2, trial_ids=ids)
    assert all(h.dense_rank and h.lexical_rank for h in hits)
    assert hits[0].score >= hits[1].score


def test_search_respects_trial_and_section_filters(
    filled: ChromaTrialStore, tmp_path: Path, trials: list[Trial]
) -> None:
    only = trials[1].trial_id
    hits = retriever(filled, tmp_path).search(
        "pregnant women", k=5, trial_ids=[only], sections=["exclusion"]
    )
    assert hits and {h.chunk.trial_id for h in hits} == {only}
    assert {h.chunk.section for h in hits} == {"exclusion"}
    assert hits[0].chunk.text == "- Pregnant women"


def test_search_trials_ranks_the_trial_about_the_query_first(
    filled: ChromaTrialStore, tmp_path: Path, trials: list[Trial]
) -> None:
    ranked = retriever(filled, tmp_path).search_trials("children with asthma inhaler", k=3)
    assert ranked[0].trial_id == trials[2].trial_id
    assert ranked[0].title == trials[2].title
    assert ranked[0].hits and ranked[0].hits[0].chunk.trial_id == trials[2].trial_id
    assert [t.score for t in ranked] == sorted((t.score for t in ranked), reverse=True)


@pytest.mark.parametrize("pooling", ["max", "sum3"])
@pytest.mark.parametrize("fusion", ["rrf", "convex"])
def test_trial_ranking_variants_agree_on_an_easy_query(
    filled: ChromaTrialStore, tmp_path: Path, trials: list[Trial], pooling: str, fusion: str
) -> None:
    ranked = retriever(
        filled, tmp_path, pooling=pooling, fusion=fusion, trial_fusion=fusion
    ).search_trials("dialysis kidney disease", k=2)
    assert ranked[0].trial_id == trials[1].trial_id


def test_langchain_adapter_returns_documents_with_spans(
    filled: ChromaTrialStore, tmp_path: Path, trials: list[Trial]
) -> None:
    adapter = LangChainRetriever(retriever=retriever(filled, tmp_path), k=2)
    docs = adapter.invoke("hepatitis B")
    assert docs[0].metadata["trial_id"] == trials[0].trial_id
    meta = docs[0].metadata
    assert trials[0].source.text[meta["start"] : meta["end"]] == docs[0].page_content
    assert {"section", "chunk_id"} <= set(meta)
