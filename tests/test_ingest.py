"""Ingest: files in, consistent store out; unchanged files cost nothing; bad files never abort."""

from __future__ import annotations

import shutil
import tarfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from summarizer.chunking import chunk_trial
from summarizer.config import Settings
from summarizer.ingest import ingest_paths
from summarizer.loader import parse_paths
from summarizer.runtime import Runtime
from tests.word_hash import WordHashEmbedder as BaseWordHashEmbedder


class WordHashEmbedder(BaseWordHashEmbedder):
    """Counts its calls and can fail like Ctrl-C on a chosen one."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls = 0
        self.texts = 0
        self.fail_on_call = fail_on_call

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        if self.calls == self.fail_on_call:
            raise KeyboardInterrupt  # what Ctrl-C looks like mid-batch
        self.texts += len(texts)
        return super().embed_documents(texts)


def make_runtime(home: Path, embedder: WordHashEmbedder | None = None) -> Runtime:
    runtime = Runtime(Settings(home=home))
    runtime.__dict__["embedder"] = embedder or WordHashEmbedder()  # replaces the cached property
    return runtime


def snapshot(runtime: Runtime) -> dict[str, object]:
    """Everything a reader can see, plus the raw record count (to catch orphans)."""
    store = runtime.store
    seen = {tid: (store.get_trial(tid), store.chunks(tid)) for tid in store.trial_ids()}
    records = store.dense.count() + store.lexical.count() + store.records.count()
    return {"trials": seen, "records": records}


@pytest.fixture(scope="module")
def seeds_expected(samples_dir: Path) -> dict[str, int]:
    return {t.trial_id: len(chunk_trial(t)) for o in parse_paths([samples_dir]) for t in o.trials}


def test_ingesting_the_seeds_stores_every_trial_and_chunk(
    samples_dir: Path, tmp_path: Path, seeds_expected: dict[str, int]
) -> None:
    runtime = make_runtime(tmp_path)
    report = ingest_paths([samples_dir], runtime)
    assert report.files == 5 and report.trials_new == 5 and report.ok
    assert report.chunks == sum(seeds_expected.values())
    assert runtime.store.trial_ids() == sorted(seeds_expected)
    for tid, n in seeds_expected.items():
        assert len(runtime.store.chunks(tid)) == n
    assert report.embedded_texts + report.dedupe_saved == report.dense_chunks
    assert report.timings.total >= report.timings.embed + report.timings.store


def test_reingesting_unchanged_files_embeds_and_writes_nothing(
    samples_dir: Path, tmp_path: Path
) -> None:
    embedder = WordHashEmbedder()
    runtime = make_runtime(tmp_path, embedder)
    ingest_paths([samples_dir], runtime)
    calls, generation = embedder.calls, runtime.store.generation()
    again = ingest_paths([samples_dir], runtime)
    assert again.trials_unchanged == 5 and again.trials_new == again.trials_updated == 0
    assert again.chunks == 0 and again.embedded_texts == 0
    assert embedder.calls == calls
    assert runtime.store.generation() == generation  # not a single write


def test_a_bad_file_is_reported_and_the_rest_indexed(samples_dir: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(samples_dir / "000_7ae368fcadf429ac.txt", docs)
    (docs / "broken.xml").write_text("<clinical_study><brief_title>Oops", encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    runtime = make_runtime(tmp_path / "home")
    report = ingest_paths([docs], runtime)
    assert report.trials_new == 1 and not report.ok
    failed = {Path(f.path).name for f in report.trials_failed}
    assert failed == {"broken.xml", "empty.txt"}
    assert all(f.reason and "\n" not in f.line() for f in report.trials_failed)
    assert runtime.store.trial_ids() == ["NCT06503094"]


def test_an_interrupted_ingest_leaves_a_consistent_store_and_a_rerun_completes_it(
    samples_dir: Path, tmp_path: Path
) -> None:
    whole = make_runtime(tmp_path / "whole")
    ingest_paths([samples_dir], whole, batch_trials=2)

    broken = make_runtime(tmp_path / "broken", WordHashEmbedder(fail_on_call=2))
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([samples_dir], broken, batch_trials=2)
    partial = snapshot(broken)
    assert 0 < len(partial["trials"]) < 5  # type: ignore[arg-type]
    expected = snapshot(whole)["trials"]
    for tid, seen in partial["trials"].items():  # type: ignore[attr-defined]
        assert seen == expected[tid]  # type: ignore[index]

    broken.__dict__["embedder"] = WordHashEmbedder()
    broken.store.embedder = broken.embedder
    report = ingest_paths([samples_dir], broken, batch_trials=2)
    assert report.trials_unchanged == len(partial["trials"])  # type: ignore[arg-type]
    assert snapshot(broken) == snapshot(whole)


def test_a_crash_between_writing_chunks_and_the_flip_is_repaired_by_the_next_run(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = make_runtime(tmp_path / "whole")
    ingest_paths([samples_dir], whole, batch_trials=2)

    broken = make_runtime(tmp_path / "broken")
    store = broken.store
    real_upsert = store._upsert
    flips = {"n": 0}

    def crash_on_second_flip(collection, rows):  # type: ignore[no-untyped-def]
        if collection is store.trials and rows and rows[0][2].get("kind") == "trial":
            flips["n"] += 1
            if flips["n"] == 2:
                raise KeyboardInterrupt
        real_upsert(collection, rows)

    monkeypatch.setattr(store, "_upsert", crash_on_second_flip)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([samples_dir], broken, batch_trials=2)
    monkeypatch.undo()
    assert len(store.trial_ids()) == 2  # the second batch's chunks exist but are not current
    ingest_paths([samples_dir], broken, batch_trials=2)
    assert snapshot(broken) == snapshot(whole)


def test_identical_criteria_across_trials_are_embedded_once(
    shared_data: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "xml"
    docs.mkdir()
    with tarfile.open(shared_data / "ctgov_xml_6786.tar.gz") as tar:
        members = [m for m in tar if m.isfile() and m.name.endswith(".xml")][:12]
        for member in members:
            (docs / Path(member.name).name).write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    embedder = WordHashEmbedder()
    report = ingest_paths([docs], make_runtime(tmp_path / "home", embedder))
    assert report.trials_new == 12 and report.ok
    assert report.dedupe_saved > 0
    assert embedder.texts == report.embedded_texts == report.dense_chunks - report.dedupe_saved


def test_a_trial_the_store_refuses_is_reported_and_the_rest_of_its_batch_lands(
    samples_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = make_runtime(tmp_path / "home")
    store = runtime.store
    real_put = store.put_trials
    victim = sorted(o.trials[0].trial_id for o in parse_paths([samples_dir]))[1]

    def refuse_victim(items, vectors=None):  # type: ignore[no-untyped-def]
        if any(trial.trial_id == victim for trial, _ in items):
            raise ValueError("disk says no")
        real_put(items, vectors)

    monkeypatch.setattr(store, "put_trials", refuse_victim)
    report = ingest_paths([samples_dir], runtime, batch_trials=3)
    assert [(f.trial_id, f.reason) for f in report.trials_failed] == [(victim, "disk says no")]
    assert report.trials_new == 4
    assert victim not in store.trial_ids() and len(store.trial_ids()) == 4
    assert snapshot(runtime)["records"] == sum(len(store.chunks(t)) for t in store.trial_ids()) + 4
