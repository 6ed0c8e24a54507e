"""BM25 over stored chunks: stemming, filters, and staying in step with the store."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from vectorstore.chroma_store import ChromaTrialStore
from vectorstore.lexical import LexicalIndex


def put(store: ChromaTrialStore, *trials: Trial) -> None:
    store.put_trials([(t, chunk_trial(t)) for t in trials])


def test_stemmed_words_match_and_locations_are_searchable(
    store: ChromaTrialStore, trials: list[Trial], tmp_path: Path
) -> None:
    put(store, *trials)
    index = LexicalIndex(store, tmp_path / "bm25")
    top = index.search("women who are breastfeeding", 5)
    assert top[0][0].text == "- Pregnant or breastfeeding"
    infections = index.search("infections", 5)
    assert {c.text for c, _ in infections} == {"- Known HIV infection"}
    paris = index.search("Paris", 3)
    assert paris[0][0].section == "locations" and paris[0][0].trial_id == trials[1].trial_id
    assert index.search("zzzz unknownword", 5) == []


def test_filters_by_trials_and_sections(
    store: ChromaTrialStore, trials: list[Trial], tmp_path: Path
) -> None:
    put(store, *trials)
    index = LexicalIndex(store, tmp_path / "bm25")
    both = index.search("HIV infection", 10)
    assert {c.trial_id for c, _ in both} == {trials[0].trial_id, trials[2].trial_id}
    one = index.search("HIV infection", 10, trial_ids=[trials[2].trial_id], sections=["exclusion"])
    assert [c.trial_id for c, _ in one] == [trials[2].trial_id]
    assert index.search("HIV infection", 10, sections=["inclusion"]) == []
    assert index.search("HIV", 10, trial_ids=[]) == []


def test_rebuilds_when_the_store_changes_and_reloads_from_disk_otherwise(
    store: ChromaTrialStore, trials: list[Trial], tmp_path: Path
) -> None:
    put(store, trials[0])
    index = LexicalIndex(store, tmp_path / "bm25")
    assert index.ensure_current() is True
    assert index.ensure_current() is False
    assert index.search("asthma", 5) == []

    put(store, trials[2])
    assert {c.trial_id for c, _ in index.search("asthma", 5)} == {trials[2].trial_id}

    fresh = LexicalIndex(store, tmp_path / "bm25")  # another process, same folder
    assert fresh.ensure_current() is False  # loaded the saved index, no rebuild
    assert len(fresh) == len(index)

    store.remove_trial(trials[2].trial_id)
    assert index.search("asthma", 5) == []


def test_an_empty_store_finds_nothing(store: ChromaTrialStore, tmp_path: Path) -> None:
    index = LexicalIndex(store, tmp_path / "bm25")
    assert index.search("cancer", 5) == []
    assert len(index) == 0


class CountingSource:
    """A chunk source that counts what the index asks of it."""

    def __init__(self, store: ChromaTrialStore) -> None:
        self.store = store
        self.generations = 0
        self.scans = 0

    def generation(self) -> str:
        self.generations += 1
        return self.store.generation()

    def iter_current_chunks(self):  # type: ignore[no-untyped-def]
        self.scans += 1
        return self.store.iter_current_chunks()


def test_nothing_is_loaded_until_a_search_needs_it(
    store: ChromaTrialStore, trials: list[Trial], tmp_path: Path
) -> None:
    put(store, *trials)
    source = CountingSource(store)
    index = LexicalIndex(source, tmp_path / "bm25")
    assert (source.generations, source.scans) == (0, 0)
    assert index.search("HIV infection", 3)
    assert source.scans == 1


def test_a_saved_index_is_memory_mapped_and_old_formats_are_pruned(
    store: ChromaTrialStore, trials: list[Trial], tmp_path: Path
) -> None:
    put(store, *trials)
    folder = tmp_path / "bm25"
    stale = folder / store.generation()  # a snapshot in the format before SNAPSHOT_FORMAT
    stale.mkdir(parents=True)
    (stale / "chunks.json").write_text("{}", encoding="utf-8")
    assert LexicalIndex(store, folder).ensure_current() is True
    assert not stale.exists()

    source = CountingSource(store)
    fresh = LexicalIndex(source, folder)
    top = fresh.search("women who are breastfeeding", 1)
    assert top[0][0].text == "- Pregnant or breastfeeding" and source.scans == 0
    assert isinstance(fresh._bm25.scores["data"], np.memmap)
