"""The Chroma trial store, in persistent and server modes: whole-trial writes, versions, cleanup."""

from __future__ import annotations

import pytest

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from vectorstore.chroma_store import (
    META_ID,
    TEXT_KEY,
    ChromaTrialStore,
    StoreLayoutError,
    _upsert_parts,
)
from vectorstore.embed_cache import CachedEmbedder, EmbeddingCache


def put(store: ChromaTrialStore, *trials: Trial) -> None:
    store.put_trials([(t, chunk_trial(t)) for t in trials])


def test_a_stored_trial_comes_back_whole(store: ChromaTrialStore, trials: list[Trial]) -> None:
    put(store, *trials)
    assert store.trial_ids() == sorted(t.trial_id for t in trials)
    got = store.get_trial(trials[0].trial_id)
    assert got == trials[0]
    assert store.get_trial("NCT00000000") is None


def test_chunks_are_the_current_versions_and_quote_the_source(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, *trials)
    for trial in trials:
        stored = store.chunks(trial.trial_id)
        assert stored == chunk_trial(trial)
        for chunk in stored:
            assert chunk.text == trial.source.text[chunk.start : chunk.end]


def test_locations_are_kept_for_lexical_search_but_not_embedded(
    store: ChromaTrialStore, trials: list[Trial], embedder
) -> None:
    put(store, trials[0])
    sections = {c.section for c in store.chunks(trials[0].trial_id)}
    assert "locations" in sections
    assert not any("Mayo Clinic" in t for t in embedder.texts)
    stats = store.stats()
    assert stats.trials == 1 and stats.lexical_only_chunks >= 1
    assert stats.chunks == stats.dense_chunks + stats.lexical_only_chunks


def test_replacing_a_trial_leaves_only_the_new_version(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, trials[0])
    changed = trials[0].model_copy(deep=True)
    changed.warnings.append("re-parsed")
    put(store, changed)
    assert store.get_trial(changed.trial_id) == changed
    total = store.dense.count() + store.lexical.count()
    assert total == len(chunk_trial(changed))
    assert store.records.count() == 1  # the old version's Trial record went with its chunks


def test_writing_an_unchanged_trial_again_changes_nothing_visible(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, trials[0])
    before = store.chunks(trials[0].trial_id)
    put(store, trials[0])
    assert store.chunks(trials[0].trial_id) == before
    assert store.dense.count() + store.lexical.count() == len(before)


def test_removing_a_trial_removes_its_chunks(store: ChromaTrialStore, trials: list[Trial]) -> None:
    put(store, *trials)
    assert store.remove_trial(trials[1].trial_id)
    assert not store.remove_trial(trials[1].trial_id)
    assert trials[1].trial_id not in store.trial_ids()
    assert store.chunks(trials[1].trial_id) == []
    metas = store.dense.get(include=["metadatas"])["metadatas"]
    assert {m["trial_id"] for m in metas} == {trials[0].trial_id, trials[2].trial_id}
    assert store.get_trial(trials[1].trial_id) is None
    assert store.records.count() == 2


def test_a_trial_written_before_the_records_collection_is_still_readable(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, trials[0])
    tid = trials[0].trial_id
    state = store.trial_states()[tid]
    # The old layout: the Trial JSON was the trial record's document, with no versioned record.
    store.records.delete(ids=[f"{tid}@{state.version}"])
    row = store.trials.get(ids=[tid], include=["metadatas"])
    store.trials.upsert(
        ids=[tid],
        documents=[trials[0].model_dump_json()],
        metadatas=row["metadatas"],
        embeddings=[[1.0]],
    )
    assert store.get_trial(tid) == trials[0]


def test_only_chunks_with_a_vector_are_chroma_documents(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    """Chroma full-text indexes every document; only the dense collection's text should be one."""
    put(store, trials[0])
    dense = store.dense.get(include=["documents", "metadatas"])
    assert dense["ids"] and all(dense["documents"])
    assert not any(TEXT_KEY in m for m in dense["metadatas"])
    for collection in (store.lexical, store.records):
        got = collection.get(include=["documents", "metadatas"])
        assert got["ids"]
        assert not any(got["documents"])
        assert all(m[TEXT_KEY] for m in got["metadatas"])


def test_chunks_and_records_written_as_documents_are_still_readable(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    """Stores written before STORE_LAYOUT "slim-v4" kept all text in documents."""
    put(store, trials[0])
    tid = trials[0].trial_id
    before = store.chunks(tid)
    for collection in (store.lexical, store.records):
        got = collection.get(include=["metadatas", "embeddings"])
        metas = [{k: v for k, v in m.items() if k != TEXT_KEY} for m in got["metadatas"]]
        texts = [m[TEXT_KEY] for m in got["metadatas"]]
        collection.delete(ids=got["ids"])
        collection.add(
            ids=got["ids"], documents=texts, metadatas=metas, embeddings=got["embeddings"]
        )
    assert store.chunks(tid) == before
    assert store.get_trial(tid) == trials[0]


def test_a_store_in_a_newer_layout_is_refused_not_misread(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, trials[0])
    meta = store.trials.get(ids=[META_ID], include=["metadatas"])["metadatas"][0]
    store.trials.update(ids=[META_ID], metadatas=[{**meta, "layout": "slim-v99"}])
    for read in (store.trial_ids, lambda: store.chunks(trials[0].trial_id), store.stats):
        with pytest.raises(StoreLayoutError, match=r"newer trialsum.*slim-v99"):
            read()
    records = store.records.count()
    with pytest.raises(StoreLayoutError):
        put(store, trials[1])
    with pytest.raises(StoreLayoutError):
        store.remove_trial(trials[0].trial_id)
    assert store.records.count() == records  # nothing written


def test_upserts_are_split_by_row_count_and_by_size() -> None:
    rows = [
        (f"r{i}", "x" * size, {"text": "y" * size}, [1.0])
        for i, size in enumerate([3, 3, 10, 1, 1, 1])
    ]
    parts = list(_upsert_parts(rows, max_rows=2, max_chars=12))
    assert [[r[0] for r in p] for p in parts] == [["r0", "r1"], ["r2"], ["r3", "r4"], ["r5"]]
    assert [r for p in parts for r in p] == rows  # in order, nothing lost
    assert list(_upsert_parts([], max_rows=2, max_chars=12)) == []


def test_warming_a_trial_leaves_nothing_for_its_first_question_to_embed(
    store_location, embedder, trials: list[Trial], tmp_path
) -> None:
    store_dir, url, collection = store_location
    cached = CachedEmbedder(embedder, EmbeddingCache(tmp_path / "vectors.sqlite"))
    store = ChromaTrialStore.open(
        embedder=cached, store_dir=store_dir, chroma_url=url, collection=collection
    )
    put(store, trials[0])
    tid = trials[0].trial_id
    chunks = store.chunks(tid)
    embedded_before = len(embedder.texts)
    assert store.warm([tid]) == sum(c.section not in ("locations", "contacts") for c in chunks)
    assert len(embedder.texts) > embedded_before  # the criteria had no vector yet
    calls = embedder.calls
    hits = store.dense_query(embedder.embed_query("age 16"), 5, trial_ids=[tid])
    assert hits and embedder.calls == calls


def test_every_write_moves_the_generation(store: ChromaTrialStore, trials: list[Trial]) -> None:
    g0 = store.generation()
    put(store, trials[0])
    g1 = store.generation()
    store.remove_trial(trials[0].trial_id)
    assert len({g0, g1, store.generation()}) == 3


class Crash(Exception):
    pass


def test_a_crash_before_the_flip_keeps_the_old_version_and_is_cleaned_up(
    store: ChromaTrialStore, trials: list[Trial], monkeypatch: pytest.MonkeyPatch
) -> None:
    put(store, trials[0])
    old_chunks = store.chunks(trials[0].trial_id)
    changed = trials[0].model_copy(deep=True)
    changed.warnings.append("new parser")

    real_upsert = store._upsert

    def upsert_then_crash_on_trials(collection, rows):  # type: ignore[no-untyped-def]
        if collection is store.trials and rows[0][2].get("kind") == "trial":
            raise Crash("power cut")
        real_upsert(collection, rows)

    monkeypatch.setattr(store, "_upsert", upsert_then_crash_on_trials)
    with pytest.raises(Crash):
        put(store, changed)
    monkeypatch.undo()

    # Readers still see the old version only, though new chunks were written.
    assert store.get_trial(trials[0].trial_id) == trials[0]
    assert store.chunks(trials[0].trial_id) == old_chunks
    assert store.dense.count() + store.lexical.count() > len(old_chunks)
    vector = store.embedder.embed_query("pembrolizumab lung cancer")
    found = store.dense_query(vector, 50)
    assert {c.id for c, _ in found} <= {c.id for c in old_chunks}

    assert store.recover() == [trials[0].trial_id]
    assert store.dense.count() + store.lexical.count() == len(old_chunks)
    assert store.records.count() == 1


def test_dense_query_filters_by_trial_and_section(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, *trials)
    vector = store.embedder.embed_query("Known HIV infection")
    found = store.dense_query(vector, 10, trial_ids=[trials[2].trial_id], sections=["exclusion"])
    assert found and all(c.trial_id == trials[2].trial_id for c, _ in found)
    assert all(c.section == "exclusion" for c, _ in found)
    assert found[0][0].text == "- Known HIV infection"
    assert found[0][1] == pytest.approx(found[0][1]) and found[0][1] > 0.5
    assert store.dense_query(vector, 10, trial_ids=["NCT00000000"]) == []


def test_criteria_have_no_stored_vector_but_are_scored_within_a_trial(
    store: ChromaTrialStore, trials: list[Trial], embedder
) -> None:
    put(store, *trials)
    vector = store.embedder.embed_query("Known HIV infection")
    across = store.dense_query(vector, 200)
    assert across and not {c.section for c, _ in across} & {"inclusion", "exclusion"}
    within = store.dense_query(vector, 200, trial_ids=[trials[2].trial_id])
    assert within[0][0].text == "- Known HIV infection"
    assert not {c.section for c, _ in within} & {"locations", "contacts"}
    # The exact scores are the index's own for chunks that have a stored vector.
    index_scores = {c.id: s for c, s in across}
    for chunk, score in within:
        if chunk.id in index_scores:
            assert score == pytest.approx(index_scores[chunk.id], abs=1e-5)
