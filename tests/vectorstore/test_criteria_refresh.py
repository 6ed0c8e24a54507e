"""Refreshing a trial's stored criteria parse: the record row of its version is rewritten in
place, nothing else; a trial whose text changed, or that another writer replaces meanwhile, is
left to the writer of its new version, with no stray rows behind."""

from __future__ import annotations

import pytest

from summarizer.chunking import chunk_trial
from summarizer.criteria import is_current, parse_trial
from summarizer.criteria.fingerprint import parser_fingerprint
from summarizer.models import Trial
from vectorstore.chroma_store import ChromaTrialStore


def put(store: ChromaTrialStore, *trials: Trial) -> None:
    store.put_trials([(t, chunk_trial(t)) for t in trials])


def parsed(trial: Trial) -> Trial:
    """The same trial with its criteria parsed by the current parser."""
    copy = trial.model_copy(deep=True)
    copy.criteria_parsed = parse_trial(copy)
    return copy


def rows(store: ChromaTrialStore) -> int:
    return store.dense.count() + store.lexical.count() + store.records.count()


def test_a_refresh_rewrites_the_record_in_place_and_leaves_chunks_and_generation(
    store: ChromaTrialStore, trials: list[Trial], embedder
) -> None:
    put(store, *trials)
    tid = trials[0].trial_id
    assert store.trial_states()[tid].criteria_parser == ""  # written without a parse
    chunks, generation, count, calls = (
        store.chunks(tid),
        store.generation(),
        rows(store),
        embedder.calls,
    )

    fresh = parsed(trials[0])
    assert store.refresh_criteria([fresh]) == [tid]

    stored = store.get_trial(tid)
    assert stored == fresh and stored is not None and is_current(stored.criteria_parsed, stored)
    assert store.trial_states()[tid].criteria_parser == parser_fingerprint()
    # the other trial untouched:
    assert store.trial_states()[trials[1].trial_id].criteria_parser == ""
    assert store.chunks(tid) == chunks and rows(store) == count
    assert store.generation() == generation and embedder.calls == calls
    assert store._pending_writes() == []


def test_a_trial_written_with_its_parse_notes_the_parser(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, parsed(trials[0]), trials[1])
    noted = {t: s.criteria_parser for t, s in store.trial_states().items()}
    assert noted == {trials[0].trial_id: parser_fingerprint(), trials[1].trial_id: ""}


def test_a_trial_whose_text_changed_is_not_refreshed(
    store: ChromaTrialStore, trials: list[Trial]
) -> None:
    put(store, trials[0])
    changed = parsed(trials[0])
    changed.warnings.append("edited since")
    assert store.refresh_criteria([changed]) == []
    assert store.get_trial(trials[0].trial_id) == trials[0]
    assert store.refresh_criteria([parsed(trials[0])]) == [trials[0].trial_id]


def test_a_trial_replaced_during_a_refresh_keeps_its_new_version_and_no_stray_rows(
    store: ChromaTrialStore, trials: list[Trial], monkeypatch: pytest.MonkeyPatch
) -> None:
    put(store, trials[0])
    tid = trials[0].trial_id
    old_version = store.version_of(trials[0])
    changed = trials[0].model_copy(deep=True)
    changed.warnings.append("replaced by another writer")
    real_upsert = store._upsert

    def another_writer_flips_first(collection, rows):  # type: ignore[no-untyped-def]
        if collection is store.records and rows[0][0] == f"{tid}@{old_version}":
            monkeypatch.setattr(store, "_upsert", real_upsert)
            put(store, changed)  # flips to its version and deletes the old version's rows
        real_upsert(collection, rows)  # then the refresh's row lands: it would be a stray

    monkeypatch.setattr(store, "_upsert", another_writer_flips_first)
    assert store.refresh_criteria([parsed(trials[0])]) == []

    assert store.get_trial(tid) == changed
    assert store.records.get(where={"version": old_version})["ids"] == []
    assert store.records.count() == 1 and store._pending_writes() == []
    assert store.dense.count() + store.lexical.count() == len(chunk_trial(changed))
