"""Ingest: files in, consistent store out; unchanged files cost nothing; bad files never abort."""

from __future__ import annotations

import shutil
import tarfile
from collections import OrderedDict
from collections.abc import Iterator, Sequence
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


# --- a new criteria parser: stale parses are re-read in place, nothing re-embedded ----------


@pytest.fixture
def parser_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The criteria parser's fingerprint made from one file the test edits (a parser change)."""
    from summarizer.criteria import fingerprint

    code = tmp_path / "parser.py"
    code.write_text("RULES = 1\n")
    monkeypatch.setattr(fingerprint, "PARSER_CODE", (code,))
    fingerprint.parser_fingerprint.cache_clear()
    yield code
    fingerprint.parser_fingerprint.cache_clear()


def change_parser(code: Path) -> None:
    from summarizer.criteria import fingerprint

    code.write_text(code.read_text() + "RULES += 1\n")
    fingerprint.parser_fingerprint.cache_clear()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every criteria parse made through ``criteria_for`` (ingest's and readers'), by trial."""
    from summarizer.criteria import stored

    made: list[str] = []
    real = stored.parse_trial

    def counted(trial):  # type: ignore[no-untyped-def]
        made.append(trial.trial_id)
        return real(trial)

    monkeypatch.setattr(stored, "parse_trial", counted)
    monkeypatch.setattr(stored, "_cache", OrderedDict())
    return made


def read_every_criteria(runtime: Runtime) -> None:
    from summarizer.criteria import criteria_for

    for tid in runtime.store.trial_ids():
        trial = runtime.store.get_trial(tid)
        assert trial is not None
        criteria_for(trial)


def test_after_a_parser_change_reingest_rereads_only_the_criteria_and_reads_parse_nothing(
    samples_dir: Path, tmp_path: Path, parser_code: Path, parses: list[str]
) -> None:
    embedder = WordHashEmbedder()
    runtime = make_runtime(tmp_path, embedder)
    ingest_paths([samples_dir], runtime)
    before = snapshot(runtime)
    chunks_before = {tid: chunks for tid, (_, chunks) in before["trials"].items()}  # type: ignore[attr-defined]
    calls, generation = embedder.calls, runtime.store.generation()

    change_parser(parser_code)
    parses.clear()
    read_every_criteria(runtime)
    assert len(parses) == 5  # the stored parses are stale: every read re-parses

    forget_parses(parses)  # as a new process would start
    again = ingest_paths([samples_dir], runtime)
    assert again.trials_unchanged == 5 and again.trials_written == 0 and again.ok
    assert again.criteria_refreshed == 5 and sorted(parses) == runtime.store.trial_ids()
    assert again.chunks == 0 and embedder.calls == calls  # nothing chunked or embedded
    after = snapshot(runtime)
    assert after["records"] == before["records"]  # rewritten in place, no row added
    assert {tid: chunks for tid, (_, chunks) in after["trials"].items()} == chunks_before  # type: ignore[attr-defined]
    assert runtime.store.generation() == generation

    forget_parses(parses)
    read_every_criteria(runtime)
    assert parses == []  # every read takes the stored, current parse


def forget_parses(parses: list[str]) -> None:
    """Forget the parses made so far and what this process cached of them."""
    from summarizer.criteria import stored

    parses.clear()
    stored._cache.clear()


def test_a_current_store_rereads_no_criteria(
    samples_dir: Path, tmp_path: Path, parses: list[str]
) -> None:
    runtime = make_runtime(tmp_path)
    first = ingest_paths([samples_dir], runtime)
    assert len(parses) == 5 and first.criteria_refreshed == 0  # parsed once, at the first ingest
    forget_parses(parses)
    again = ingest_paths([samples_dir], runtime)
    assert again.trials_unchanged == 5 and again.criteria_refreshed == 0
    assert parses == []


def test_a_refresh_killed_midway_leaves_every_trial_readable_and_the_rerun_completes_it(
    samples_dir: Path,
    tmp_path: Path,
    parser_code: Path,
    parses: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = make_runtime(tmp_path)
    ingest_paths([samples_dir], runtime, batch_trials=2)
    before = snapshot(runtime)
    change_parser(parser_code)
    store = runtime.store
    real_upsert = store._upsert
    refreshes = {"n": 0}

    def killed_after_the_second_records_write(collection, rows):  # type: ignore[no-untyped-def]
        real_upsert(collection, rows)
        if collection is store.records:
            refreshes["n"] += 1
            if refreshes["n"] == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(store, "_upsert", killed_after_the_second_records_write)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([samples_dir], runtime, batch_trials=2)
    monkeypatch.setattr(store, "_upsert", real_upsert)

    from summarizer.criteria import is_current

    half = snapshot(runtime)
    assert half["records"] == before["records"]
    current = []
    for tid, (trial, chunks) in half["trials"].items():  # type: ignore[attr-defined]
        old_trial, old_chunks = before["trials"][tid]  # type: ignore[index]
        assert chunks == old_chunks
        assert trial.model_copy(update={"criteria_parsed": None}) == old_trial.model_copy(
            update={"criteria_parsed": None}
        )
        current.append(is_current(trial.criteria_parsed, trial))
    assert 0 < sum(current) < 5  # some records were rewritten before the kill, not all

    rerun = ingest_paths([samples_dir], runtime, batch_trials=2)
    assert rerun.ok and rerun.trials_written == 0 and rerun.criteria_refreshed >= 5 - sum(current)
    assert snapshot(runtime)["records"] == before["records"]
    forget_parses(parses)
    read_every_criteria(runtime)
    assert parses == []


def test_the_heap_is_frozen_for_the_collector_during_an_ingest_and_released_after(
    samples_dir: Path, tmp_path: Path
) -> None:
    import gc

    from summarizer.loader import heap_frozen

    frozen_while_parsing: list[int] = []

    def parse(paths):  # type: ignore[no-untyped-def]
        frozen_while_parsing.append(gc.get_freeze_count())
        return parse_paths(paths)

    assert gc.get_freeze_count() == 0
    report = ingest_paths([samples_dir], make_runtime(tmp_path), parse=parse)
    assert report.trials_new == 5 and frozen_while_parsing[0] > 0
    assert gc.get_freeze_count() == 0  # nothing stays out of the collector's reach
    with heap_frozen():  # nested blocks (two ingests in one server) release at the last end
        with heap_frozen():
            assert gc.get_freeze_count() > 0
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_a_record_stored_before_results_were_read_is_rewritten_with_them_on_reingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored version covers the whole parsed Trial, so a parser that now reads the posted
    results makes the next ingest of the same file store them (a results-less record stays as it
    is: nothing new to store)."""
    import summarizer.parsers.ctgov_xml as ctgov_xml

    with_results = (
        "<clinical_study><id_info><nct_id>NCT09999997</nct_id></id_info>"
        "<brief_title>Drug X for asthma</brief_title>"
        "<brief_summary><textblock>This study tests Drug X in adults with asthma."
        "</textblock></brief_summary><clinical_results><reported_events><group_list>"
        '<group group_id="E1"><title>Drug X</title></group></group_list><other_events>'
        "<category_list><category><title>General</title><event_list><event><sub_title>Headache"
        '</sub_title><counts group_id="E1" subjects_affected="3" subjects_at_risk="20"/></event>'
        "</event_list></category></category_list></other_events></reported_events>"
        "</clinical_results></clinical_study>"
    )
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "NCT09999997.xml").write_text(with_results, encoding="utf-8")
    runtime = make_runtime(tmp_path / "home")
    with monkeypatch.context() as old_parser:  # the parser before results were read
        old_parser.setattr(ctgov_xml, "results_from_xml", lambda root: None)
        first = ingest_paths([folder], runtime)
    assert first.trials_new == 1
    assert runtime.store.get_trial("NCT09999997").results is None
    again = ingest_paths([folder], runtime)
    assert again.trials_updated == 1 and again.trials_unchanged == 0
    stored = runtime.store.get_trial("NCT09999997")
    assert stored.results is not None
    assert [e.term for e in stored.results.adverse_events] == ["Headache"]
    assert any("Headache" in c.text for c in runtime.store.chunks("NCT09999997"))
    assert ingest_paths([folder], runtime).trials_unchanged == 1
