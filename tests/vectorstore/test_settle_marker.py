"""Opening a local store reads every collection (settles it) only when something may need it:
after a write, after an index file changed, or when no settle finished at the current epoch.
An open of a folder settled since the last write reads no collection, and answers the same."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from tests.vectorstore.conftest import HashEmbedder, open_local
from vectorstore.settle_marker import (
    fingerprint,
    is_settled,
    mark_settled,
    marker_path,
    unmark,
)


@pytest.fixture
def written(tmp_path: Path, trials: list[Trial], embedder: HashEmbedder) -> Path:
    """A local store folder with the three trials written (and its writer's handle closed)."""
    chroma = tmp_path / "store" / "chroma"
    store, folder = open_local(chroma, embedder)
    store.put_trials([(t, chunk_trial(t)) for t in trials])
    folder.lock.close()
    return chroma


def test_an_open_after_a_settled_one_reads_no_collection_and_answers_the_same(
    written: Path, embedder: HashEmbedder, settles: list[Path]
) -> None:
    first, _ = open_local(written, embedder)
    ids = first.trial_ids()
    assert settles == [written]  # the first open after the write settles the folder
    assert marker_path(written).is_file()

    second, _ = open_local(written, embedder)
    assert second.trial_ids() == ids == ["NCT90000001", "NCT90000002", "NCT90000003"]
    hits = second.dense_query(embedder.embed_query("lung cancer"), 3)
    assert hits and hits[0][0].trial_id == "NCT90000001"
    assert settles == [written]  # nothing written since: the second open read no collection


def test_a_write_removes_the_marker_before_it_changes_anything(
    written: Path, trials: list[Trial], embedder: HashEmbedder, settles: list[Path]
) -> None:
    store, folder = open_local(written, embedder)
    store.trial_ids()
    assert marker_path(written).is_file()
    with folder.access(write=True):
        # What a writer killed here leaves behind: no marker, whatever the epoch says.
        assert not marker_path(written).exists()
    store.remove_trial(trials[0].trial_id)

    reader, _ = open_local(written, embedder)
    assert reader.trial_ids() == ["NCT90000002", "NCT90000003"]
    assert settles == [written, written]  # the open after the write settled again
    assert marker_path(written).is_file()


def test_a_changed_index_file_makes_the_next_open_settle(
    written: Path, embedder: HashEmbedder, settles: list[Path]
) -> None:
    open_local(written, embedder)[0].trial_ids()
    index_files = [p for p in written.glob("*/*") if p.is_file()]
    assert index_files, "expected Chroma's vector index files in the folder"
    stat = index_files[0].stat()
    os.utime(index_files[0], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    reader, _ = open_local(written, embedder)
    assert reader.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert settles == [written, written]


def test_the_marker_names_an_epoch_and_the_index_files(tmp_path: Path) -> None:
    folder = tmp_path / "chroma"
    (folder / "segment").mkdir(parents=True)
    (folder / "segment" / "data_level0.bin").write_bytes(b"vectors")
    (folder / "chroma.sqlite3").write_bytes(b"catalogue")
    assert not is_settled(folder, "epoch-1")  # never settled

    mark_settled(folder, "epoch-1")
    assert is_settled(folder, "epoch-1")
    assert not is_settled(folder, "epoch-2")  # someone wrote since

    before = fingerprint(folder)
    (folder / "chroma.sqlite3").write_bytes(b"catalogue, opened again")
    assert fingerprint(folder) == before  # the database, touched by every open, is not watched
    (folder / "segment" / "data_level0.bin").write_bytes(b"vectors, torn")
    assert fingerprint(folder) != before
    assert not is_settled(folder, "epoch-1")

    mark_settled(folder, "epoch-1")
    assert is_settled(folder, "epoch-1")
    unmark(folder)
    assert not is_settled(folder, "epoch-1")
    marker_path(folder).write_text("not json", encoding="utf-8")
    assert not is_settled(folder, "epoch-1")  # an unreadable marker: settle
