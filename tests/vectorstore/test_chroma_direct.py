"""Reading a settled local folder through chromadb's Rust bindings alone (``chroma_direct``).

The contract test compares the direct client with chromadb's own client on a real store, call by
call, so a chromadb release whose bindings answer differently fails here. The rest: which folders
take the direct path (settled ones, only to read), and that everything else -- a write, an
unsettled or half-repaired folder, a missing collection, bindings not as expected -- takes the
full client and works as before.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from summarizer.chunking import chunk_trial
from summarizer.models import Trial
from tests.vectorstore.conftest import HashEmbedder, make_trial, open_local
from vectorstore import chroma_direct
from vectorstore.chroma_connection import LOCK_NAME, LocalFolder
from vectorstore.chroma_direct import DirectClient, check_bindings, open_direct
from vectorstore.chroma_store import META_ID, ChromaTrialStore
from vectorstore.settle_marker import is_settled, marker_path
from vectorstore.store_lock import StoreLock

NAMES = ("trialsum", "trialsum_lex", "trialsum_trials", "trialsum_records")


def _settled(chroma: Path, embedder: HashEmbedder) -> None:
    """Open with the full client (which settles the folder), then let go of it."""
    store, folder = open_local(chroma, embedder)
    store.trial_ids()
    assert is_settled(chroma, folder.lock.epoch())
    folder._close_client()
    folder.lock.close()


@pytest.fixture
def written(tmp_path: Path, trials: list[Trial], embedder: HashEmbedder) -> Path:
    """A local store folder with the three trials written and settled."""
    chroma = tmp_path / "store" / "chroma"
    store, folder = open_local(chroma, embedder)
    store.put_trials([(t, chunk_trial(t)) for t in trials])
    folder._close_client()
    folder.lock.close()
    _settled(chroma, embedder)
    return chroma


# --- the contract: the same answers as chromadb's own client --------------------------------


def _reads(client: Any, embedder: HashEmbedder) -> list[Any]:
    """Every kind of read the store makes, on every collection, through ``client``."""
    out: list[Any] = []
    vector = embedder.embed_query("lung cancer adults")
    for name in NAMES:
        col = client.get_or_create_collection(
            name, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        out.append(("count", name, col.count()))
        for include in (["metadatas"], ["metadatas", "documents"], ["documents"]):
            got = col.get(include=include, limit=7, offset=2)
            out.append(("page", name, include, got))
        out.append(("all", name, col.get(include=["metadatas", "documents"])))
    trials = client.get_or_create_collection(NAMES[2], embedding_function=None)
    out.append(("meta", trials.get(ids=[META_ID], include=["metadatas"])))
    out.append(("kind", trials.get(where={"kind": "trial"}, include=["metadatas"])))
    ids = ["NCT90000002", "NCT90000001", "NCT00000000"]  # one not stored
    out.append(("ids", trials.get(ids=ids, include=["metadatas"])))
    dense = client.get_or_create_collection(NAMES[0], embedding_function=None)
    where = {"$and": [{"trial_id": "NCT90000001"}, {"section": {"$in": ["summary", "title"]}}]}
    out.append(("where", dense.get(where=where, include=["metadatas", "documents"])))
    for n, filt in ((5, None), (3, {"section": {"$in": ["summary"]}}), (50, where)):
        got = dense.query(
            query_embeddings=[vector],
            n_results=n,
            where=filt,
            include=["metadatas", "documents", "distances"],
        )
        out.append(("query", n, filt, got))
    return out


def _same(direct: Any, full: Any) -> None:
    """Equal, except distances, which may differ in the last float32 bits."""
    if isinstance(full, dict):
        assert set(direct) >= {k for k in full if full[k] is not None}
        for key, value in full.items():
            if key == "distances":
                assert len(direct[key]) == len(value)
                for a_row, b_row in zip(direct[key], value, strict=True):
                    assert a_row == pytest.approx(b_row, abs=1e-6)
            elif key == "included":
                assert list(direct[key]) == list(value)
            else:
                assert direct.get(key) == value, key
    elif isinstance(full, tuple | list):
        assert len(direct) == len(full)
        for a, b in zip(direct, full, strict=True):
            _same(a, b)
    else:
        assert direct == full


def test_the_direct_client_answers_every_read_as_chromadb_does(
    written: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(chroma_direct.ENV_SWITCH, "0")
    store, folder = open_local(written, embedder)
    store.trial_ids()
    assert not folder._direct
    full = _reads(folder.client(), embedder)
    assert "chromadb" in sys.modules
    folder._close_client()
    folder.lock.close()
    monkeypatch.delenv(chroma_direct.ENV_SWITCH)

    direct_client = open_direct(written, fallback=lambda: pytest.fail("nothing to create"))
    assert isinstance(direct_client, DirectClient)
    direct = _reads(direct_client, embedder)
    # The reads are not empty: a contract checked on nothing would pass on anything.
    assert [r[2] for r in direct[:16:5]] == [r[2] for r in full[:16:5]]
    assert direct[0][2] > 0 and full[-1][3]["ids"][0]
    assert full[-3][3]["ids"][0] and full[-3][3]["distances"][0][0] < 1.0
    _same(direct, full)
    direct_client.close()


def test_the_installed_bindings_are_the_ones_the_direct_client_was_written_for() -> None:
    import chromadb_rust_bindings

    check_bindings(chromadb_rust_bindings)  # raises DirectUnavailable on any mismatch


# --- which path a folder takes ---------------------------------------------------------------


def test_a_settled_folder_is_read_directly_and_answers_the_same(
    written: Path, trials: list[Trial], embedder: HashEmbedder
) -> None:
    store, folder = open_local(written, embedder)
    assert folder._direct
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert store.get_trial("NCT90000002") == trials[1]
    assert [c.id for c in store.chunks("NCT90000001")] == [c.id for c in chunk_trial(trials[0])]
    hits = store.dense_query(embedder.embed_query("lung cancer"), 3)
    assert hits and hits[0][0].trial_id == "NCT90000001"
    assert folder._direct  # reads never left the direct client


def test_reading_a_settled_folder_imports_no_chromadb(written: Path) -> None:
    """What makes a read command start fast: chromadb's own client is never imported."""
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from vectorstore.chroma_connection import LocalFolder\n"
        "from vectorstore.chroma_store import ChromaTrialStore\n"
        f"store = ChromaTrialStore(LocalFolder.get(Path({str(written)!r})), embedder=None)\n"
        "print(' '.join(store.trial_ids()), 'chromadb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["NCT90000001", "NCT90000002", "NCT90000003", "False"]


def test_a_write_after_a_direct_read_takes_the_full_client_and_is_seen(
    written: Path, embedder: HashEmbedder
) -> None:
    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert folder._direct
    new = make_trial("NCT90000004", "Asthma in children", "Inhaled drug.", ["Age 6-11"], ["None"])
    store.put_trial(new, chunk_trial(new))
    assert not folder._direct
    assert store.trial_ids()[-1] == "NCT90000004"
    assert store.get_trial("NCT90000004") == new
    assert store.remove_trial("NCT90000001")
    folder.lock.close()

    other, other_folder = open_local(written, embedder)  # another process, after the writes
    assert not other_folder._direct  # the writes unsettled the folder: the full client settles
    assert other.trial_ids() == ["NCT90000002", "NCT90000003", "NCT90000004"]


def test_another_process_writing_makes_a_direct_reader_reopen_and_see_it(
    written: Path, embedder: HashEmbedder
) -> None:
    reader, reader_folder = open_local(written, embedder)
    assert reader.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert reader_folder._direct
    writer, writer_folder = open_local(written, embedder)
    assert writer.remove_trial("NCT90000003")
    writer_folder.lock.close()
    assert reader.trial_ids() == ["NCT90000001", "NCT90000002"]
    assert not reader_folder._direct  # a new epoch, not settled yet: the full client


def test_an_unsettled_folder_takes_the_full_client(written: Path, embedder: HashEmbedder) -> None:
    marker_path(written).unlink()
    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert not folder._direct


def test_a_changed_index_file_takes_the_full_client(written: Path, embedder: HashEmbedder) -> None:
    index_file = next(p for p in written.glob("*/*") if p.is_file())
    stat = index_file.stat()
    os.utime(index_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert not folder._direct


def test_a_folder_with_a_repair_pending_takes_the_full_client(
    written: Path, embedder: HashEmbedder
) -> None:
    # What a repair killed half-way leaves (vectorstore.index_repair): the full client finishes it.
    (written / "repair.trialsum_lex.json").write_text('{"segment": null}', encoding="utf-8")
    store, folder = open_local(written, embedder)
    assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert not folder._direct
    assert not (written / "repair.trialsum_lex.json").exists()


def test_a_collection_missing_from_a_settled_folder_is_created_by_the_full_client(
    written: Path, embedder: HashEmbedder
) -> None:
    folder = LocalFolder(written, StoreLock(written.with_name(LOCK_NAME)))
    store = ChromaTrialStore(folder, embedder, collection="other")
    assert store.trial_ids() == []
    assert not folder._direct
    assert ChromaTrialStore(folder, embedder).trial_ids()[0] == "NCT90000001"


# --- bindings not as expected: the full client, and a log line -------------------------------


class _BindingsWithoutQuery:
    def __init__(self, allow_reset: Any, sqlite_db_config: Any, hnsw_cache_size: Any,
                 persist_path: Any = None) -> None:  # fmt: skip
        pass

    def get_collection(self, name: Any, tenant: Any, database: Any) -> Any: ...
    def get_max_batch_size(self) -> Any: ...
    def count(self, collection_id: Any, tenant: Any, database: Any) -> Any: ...


class _BindingsWithAnotherQuery(_BindingsWithoutQuery):
    def get(self, collection_id: Any, ids: Any = None, where: Any = None, limit: Any = None,
            offset: Any = 0, where_document: Any = None, include: Any = None, tenant: Any = None,
            database: Any = None) -> Any: ...  # fmt: skip

    def query(self, collection_id: Any, query_embeddings: Any, ids: Any, n_results: Any,
              where: Any = None) -> Any: ...  # fmt: skip


@pytest.mark.parametrize("fake", [_BindingsWithoutQuery, _BindingsWithAnotherQuery])
def test_bindings_not_as_expected_fall_back_to_the_full_client(
    written: Path,
    embedder: HashEmbedder,
    fake: type,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    import types

    import chromadb_rust_bindings

    # Another release's module, as only the direct client sees it (chromadb's own keeps working).
    module = types.SimpleNamespace(**vars(chromadb_rust_bindings))
    module.Bindings = fake
    monkeypatch.setattr(chroma_direct, "bindings_module", lambda: module)
    with caplog.at_level(logging.INFO, logger=chroma_direct.__name__):
        store, folder = open_local(written, embedder)
        assert store.trial_ids() == ["NCT90000001", "NCT90000002", "NCT90000003"]
    assert not folder._direct
    assert any("full chromadb client" in r.getMessage() for r in caplog.records)
    assert "Bindings" in caplog.text


def test_a_missing_bindings_module_falls_back_to_the_full_client(
    written: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "chromadb_rust_bindings", None)  # import raises ImportError
    assert open_direct(written, fallback=lambda: None) is None
    monkeypatch.undo()
    _, folder = open_local(written, embedder)
    assert folder._direct  # and with the module back, the same folder reads directly


def test_the_switch_turns_the_direct_path_off(
    written: Path, embedder: HashEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(chroma_direct.ENV_SWITCH, "0")
    store, folder = open_local(written, embedder)
    assert store.trial_ids()[0] == "NCT90000001"
    assert not folder._direct
