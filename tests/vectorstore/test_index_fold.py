"""Settling a local folder folds each collection's write log into its vector index files, so a
reader of the settled folder replays nothing and leaves the files as they are (a small store
stays settled), while writes keep Chroma's sync threshold (ingest persists no more often)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from tests.vectorstore.conftest import HashEmbedder, make_trial, open_local
from vectorstore import chroma_connection, index_fold
from vectorstore.chroma_connection import LocalFolder
from vectorstore.index_fold import DEFAULT_SYNC_THRESHOLD, FOLD_THRESHOLD, restored
from vectorstore.settle_marker import fingerprint, is_settled, marker_path

NAMES = ("trialsum", "trialsum_lex", "trialsum_trials", "trialsum_records")


def _close(folder: LocalFolder) -> None:
    folder._close_client()
    folder.lock.close()


@pytest.fixture
def written(tmp_path: Path, trials: list[Trial], embedder: HashEmbedder) -> Path:
    """A local store folder with the three trials written (far fewer than 1,000 records per
    collection: no index was ever persisted by a write)."""
    chroma = tmp_path / "store" / "chroma"
    store, folder = open_local(chroma, embedder)
    store.put_trials([(t, chunk_trial(t)) for t in trials])
    _close(folder)
    return chroma


def _unfolded(chroma: Path) -> dict[str, int]:
    """Per collection, how many log records its vector index files do not hold yet."""
    db = sqlite3.connect(f"file:{chroma / 'chroma.sqlite3'}?mode=ro", uri=True)
    try:
        out: dict[str, int] = {}
        for cid, name in db.execute("SELECT id, name FROM collections"):
            (segment,) = db.execute(
                "SELECT id FROM segments WHERE collection = ? AND scope = 'VECTOR'", (cid,)
            ).fetchone()
            row = db.execute("SELECT seq_id FROM max_seq_id WHERE segment_id = ?", (segment,))
            persisted = (row.fetchone() or (0,))[0]
            (count,) = db.execute(
                "SELECT COUNT(*) FROM embeddings_queue WHERE topic LIKE ? AND seq_id > ?",
                (f"%{cid}", persisted),
            ).fetchone()
            out[name] = count
        return out
    finally:
        db.close()


def _thresholds(chroma: Path) -> dict[str, list[int]]:
    db = sqlite3.connect(f"file:{chroma / 'chroma.sqlite3'}?mode=ro", uri=True)
    try:
        out: dict[str, list[int]] = {}
        for name, schema in db.execute("SELECT name, schema_str FROM collections"):
            found: list[int] = []

            def walk(node: object, found: list[int] = found) -> None:
                if isinstance(node, dict):
                    if "sync_threshold" in node:
                        found.append(int(node["sync_threshold"]))
                    for value in node.values():
                        walk(value)

            walk(json.loads(schema))
            out[name] = found
        return out
    finally:
        db.close()


def test_a_settle_folds_every_log_into_the_index_files_and_keeps_the_thresholds(
    written: Path, embedder: HashEmbedder
) -> None:
    before = _unfolded(written)
    assert set(before) == set(NAMES) and all(n > 0 for n in before.values())  # writes pending
    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert _unfolded(written) == dict.fromkeys(NAMES, 0)
    assert is_settled(written, folder.lock.epoch())
    thresholds = _thresholds(written)
    assert set(thresholds) == set(NAMES)
    assert all(v and set(v) == {DEFAULT_SYNC_THRESHOLD} for v in thresholds.values())
    _close(folder)


def test_a_small_store_stays_settled_across_direct_reads(
    written: Path, embedder: HashEmbedder, settles: list[Path]
) -> None:
    _close(open_local(written, embedder)[1])  # settles (and folds)
    assert settles == [written]
    files = fingerprint(written)
    for _ in range(3):  # other processes read it, each loading every index
        store, folder = open_local(written, embedder)
        assert folder._direct
        assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
        assert [c.trial_id for c in store.chunks("NCT90000002")][:1] == ["NCT90000002"]
        assert store.dense_query(embedder.embed_query("lung cancer"), 2)
        _close(folder)
    assert fingerprint(written) == files  # no read rewrote an index file
    assert settles == [written]  # so no open had to settle again


def test_without_the_fold_a_read_of_a_small_store_rewrites_its_index_files(
    written: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why the fold is there (chromadb 1.5): reads alone leave the log unfolded, and the next
    reader's replay (a search by vector loads the index) changes the files the settle marker
    watches."""

    def read_only(client: object, name: str) -> bool:
        client.get_collection(name).count()  # type: ignore[attr-defined]
        return False

    monkeypatch.setattr(chroma_connection, "fold", read_only)
    _close(open_local(written, embedder)[1])
    assert any(n > 0 for n in _unfolded(written).values())
    files = fingerprint(written)
    store, folder = open_local(written, embedder)
    assert folder._direct
    store.trial_ids()
    assert store.dense_query(embedder.embed_query("lung cancer"), 2)  # loads the dense index
    _close(folder)
    assert fingerprint(written) != files


def test_a_threshold_left_by_a_killed_fold_is_set_back(
    written: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Killed(BaseException):  # a kill is no exception the code could handle
        pass

    def killed_after_lowering(collection: object, threshold: int) -> None:
        real_set(collection, threshold)
        if threshold == FOLD_THRESHOLD:
            raise Killed  # as if the process died before the threshold was set back

    real_set = index_fold._set
    monkeypatch.setattr(index_fold, "_set", killed_after_lowering)
    with pytest.raises(Killed):
        open_local(written, embedder)
    assert any(FOLD_THRESHOLD in v for v in _thresholds(written).values())
    assert not marker_path(written).exists()  # the settle never finished: the next open settles
    monkeypatch.setattr(index_fold, "_set", real_set)
    for folder in list(LocalFolder._registry.values()):
        folder.lock.close()

    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert all(set(v) == {DEFAULT_SYNC_THRESHOLD} for v in _thresholds(written).values())
    assert restored(FOLD_THRESHOLD) == DEFAULT_SYNC_THRESHOLD and restored(500) == 500
    _close(folder)


def test_writes_after_a_fold_do_not_persist_the_index_on_every_call(
    written: Path, embedder: HashEmbedder
) -> None:
    """The client that folded caches writers with the lowered threshold; writes go through a
    fresh client, so a small write leaves the dense index files alone (as before the fold)."""
    store, folder = open_local(written, embedder)
    with folder.access(write=True):
        pass  # the writer's open: settles and folds
    segment_files = {p: p.stat().st_mtime_ns for p in written.glob("*/data_level0.bin")}
    assert len(segment_files) == len(NAMES)
    new = make_trial("NCT90000004", "Asthma in children", "Inhaled drug.", ["Age 6-11"], ["None"])
    store.put_trial(new, chunk_trial(new))
    assert store.get_trial("NCT90000004") == new
    dense_unfolded = _unfolded(written)["trialsum"]
    assert dense_unfolded > 0  # the new chunks are in the log, not yet in the index files
    assert {p: p.stat().st_mtime_ns for p in segment_files} == segment_files
    _close(folder)


def test_a_chromadb_that_will_not_lower_the_threshold_still_settles(
    written: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(collection: object, threshold: int) -> None:
        raise ValueError("configuration not modifiable")

    monkeypatch.setattr(index_fold, "_set", refuse)
    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert is_settled(written, folder.lock.epoch())  # settled as before the fold existed
    assert any(n > 0 for n in _unfolded(written).values())  # just not folded
    _close(folder)
