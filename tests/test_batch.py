"""Summarizing every stored trial into a folder: resumable, one failure never stops the batch,
and with the llm engine every endpoint fault ends in a retry, a repair or a reported failure."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from summarizer.assistant import Assistant
from summarizer.batch import (
    LOCK,
    MANIFEST,
    REPORT,
    BatchError,
    BatchOptions,
    BatchProgress,
    BatchReport,
    _exclusive,
    output_name,
    summarize_all,
)
from summarizer.config import Settings
from summarizer.runtime import Runtime
from tests.damage import damage_trial_record
from tests.fake_openai import FakeOpenAI, PerTrialFaults, Reply

SEEDS = ["NCT04094766", "NCT04430530", "NCT06503094", "NCT06941129", "doc-11ec14eb1d91"]


@pytest.fixture
def home(seeded_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the seeded store, free to change."""
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    copy = tmp_path / "home"
    shutil.copytree(seeded_home, copy)
    return copy


def run(home: Path, out: Path, **options: object) -> BatchReport:
    return summarize_all(
        Assistant(Runtime(Settings(home=home))), BatchOptions(out_dir=out, **options)
    )


def outputs(folder: Path) -> dict[str, bytes]:
    """The trial outputs in ``folder`` (not the report, manifest or lock)."""
    skip = {REPORT, MANIFEST, LOCK}
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name not in skip}


# ---------------------------------------------------------------- the extractive engine


def test_every_trial_gets_one_file_and_the_report_says_so(seeded_home: Path, tmp_path: Path):
    seen: list[BatchProgress] = []
    report = summarize_all(
        Assistant(Runtime(Settings(home=seeded_home))),
        BatchOptions(out_dir=tmp_path / "out", fmt="json"),
        progress=seen.append,
    )

    assert report.succeeded == SEEDS and not report.failed and not report.skipped
    assert sorted(outputs(tmp_path / "out")) == sorted(f"{t}.json" for t in SEEDS)
    assert json.loads((tmp_path / "out" / "NCT04430530.json").read_text())["trial_id"] == (
        "NCT04430530"
    )
    saved = BatchReport.model_validate_json((tmp_path / "out" / REPORT).read_text())
    assert saved == report
    assert [p.done for p in seen] == [1, 2, 3, 4, 5] and {p.total for p in seen} == {5}


def test_a_rerun_skips_finished_trials_and_redoes_damaged_or_missing_files(
    seeded_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run(seeded_home, out)
    first = outputs(out)
    (out / "NCT04094766.md").write_text("edited by hand, or damaged")
    (out / "NCT06941129.md").unlink()

    report = run(seeded_home, out)

    assert report.succeeded == ["NCT04094766", "NCT06941129"]
    assert report.skipped == ["NCT04430530", "NCT06503094", "doc-11ec14eb1d91"]
    assert outputs(out) == first


def test_a_changed_trial_is_redone_and_only_it(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(home, out)
    runtime = Runtime(Settings(home=home))
    trial = runtime.store.get_trial("NCT04430530")
    assert trial is not None and trial.brief_title is not None
    renamed = trial.brief_title.model_copy(update={"value": "A renamed trial"})
    runtime.store.put_trial(
        trial.model_copy(update={"brief_title": renamed}), runtime.store.chunks(trial.trial_id)
    )

    report = run(home, out)

    assert report.succeeded == ["NCT04430530"] and len(report.skipped) == 4
    assert "A renamed trial" in (out / "NCT04430530.md").read_text()


def test_a_damaged_trial_record_fails_alone_and_the_batch_goes_on(
    home: Path, tmp_path: Path
) -> None:
    runtime = Runtime(Settings(home=home))
    damage_trial_record(runtime.store, "NCT06503094", '{"trial_id": "NCT065')

    report = run(home, tmp_path / "out")

    assert report.succeeded == [t for t in SEEDS if t != "NCT06503094"]
    (failure,) = report.failed
    assert failure.trial_id == "NCT06503094" and "ValidationError" in failure.reason
    assert not (tmp_path / "out" / "NCT06503094.md").exists()
    saved = json.loads((tmp_path / "out" / REPORT).read_text())
    assert saved["failed"] == [failure.model_dump()]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_concurrent_runs_write_the_same_files_as_a_serial_run(
    seeded_home: Path, tmp_path: Path, fmt: str
) -> None:
    serial = run(seeded_home, tmp_path / "serial", fmt=fmt, concurrency=1)
    parallel = run(seeded_home, tmp_path / "parallel", fmt=fmt, concurrency=4)

    assert serial.succeeded == parallel.succeeded == SEEDS
    assert outputs(tmp_path / "serial") == outputs(tmp_path / "parallel")


def test_a_torn_manifest_line_and_leftover_temp_files_from_a_kill_are_harmless(
    seeded_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run(seeded_home, out)
    with open(out / MANIFEST, "a") as fh:
        fh.write('{"trial_id": "NCT044305')  # a kill in the middle of an append
    (out / ".NCT04430530.md.4242.partial").write_text("half a summ")

    report = run(seeded_home, out)

    assert report.skipped == SEEDS
    assert not list(out.glob("*.partial")) and not list(out.glob(".*.partial"))
    lines = (out / MANIFEST).read_text().splitlines()
    assert len(lines) == 5 and all(json.loads(line) for line in lines)


def test_a_second_batch_into_the_same_folder_is_refused(seeded_home: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    with _exclusive(out), pytest.raises(BatchError, match="another batch is writing"):
        run(seeded_home, out)


def test_output_names_are_safe_and_distinct() -> None:
    assert output_name("NCT01234567", "md") == "NCT01234567.md"
    odd = [output_name(t, "md") for t in ("../etc/passwd", "a/b", "a_b", ".hidden", "report")]
    assert all("/" not in n and not n.startswith(".") for n in odd)
    assert len(set(odd)) == len(odd)
    assert output_name("report", "json") != REPORT


# ---------------------------------------------------------------- the llm engine and its faults


class LLMSetup(NamedTuple):
    home: Path
    server: FakeOpenAI


@pytest.fixture
def llm(seeded_home: Path, no_network: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[LLMSetup]:
    """The llm engine against a loopback server: short timeout, one retry, two in flight."""
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    with FakeOpenAI() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-batch-0123456789")
        monkeypatch.setenv("TRIALSUM_MODEL", "fake-model")
        monkeypatch.setenv("TRIALSUM_LLM_TIMEOUT", "0.5")
        monkeypatch.setenv("TRIALSUM_LLM_MAX_RETRIES", "1")
        monkeypatch.setenv("TRIALSUM_LLM_CONCURRENCY", "2")
        yield LLMSetup(seeded_home, server)


def llm_batch(llm: LLMSetup, out: Path, scripts: dict[str, list[Reply]]) -> BatchReport:
    llm.server.respond_with(PerTrialFaults(scripts))
    return run(llm.home, out, engine="llm", concurrency=3)


def test_llm_faults_that_clear_are_retried_or_repaired(llm: LLMSetup, tmp_path: Path) -> None:
    report = llm_batch(
        llm,
        tmp_path / "out",
        {
            "NCT04094766": [Reply.rate_limited(retry_after=0.1)],
            "NCT04430530": [Reply.server_error(503)],
            "NCT06503094": [Reply.truncated("cut", after=30)],  # the body stops mid-transfer
            "NCT06941129": [Reply.text("Sorry, NCT06941129 is summarized below: (no JSON)")],
            "doc-11ec14eb1d91": [Reply.slow(1.5)],  # one timeout
        },
    )

    assert report.succeeded == SEEDS, report.failed
    for trial_id in SEEDS:  # each a real summary, built from what the fake model cited
        assert "[^1]" in (tmp_path / "out" / f"{trial_id}.md").read_text(), trial_id
    repairs = [r for r in llm.server.chat_requests if "<previous_reply>" in r.message("user")]
    assert len(repairs) == 1 and "NCT06941129" in repairs[0].message("user")


def test_llm_faults_that_persist_fail_their_trial_with_a_reason_and_the_rest_complete(
    llm: LLMSetup, tmp_path: Path
) -> None:
    never = 6  # more bad replies than one retry and one repair can use
    report = llm_batch(
        llm,
        tmp_path / "out",
        {
            "NCT04094766": [Reply.server_error(500)] * never,
            "NCT04430530": [Reply.text("NCT04430530: I cannot answer in JSON.")] * never,
            "NCT06503094": [Reply.empty()] * never,
            "NCT06941129": [Reply.length_limited('{"sections": [{"key": "why", "sen')] * never,
        },
    )

    assert report.succeeded == ["doc-11ec14eb1d91"]
    reasons = {f.trial_id: f.reason for f in report.failed}
    assert list(reasons) == SEEDS[:4]
    assert "HTTP 500" in reasons["NCT04094766"] and "after 2 attempts" in reasons["NCT04094766"]
    assert "even after one repair request" in reasons["NCT04430530"]
    assert "empty reply" in reasons["NCT06503094"]
    assert "output limit" in reasons["NCT06941129"]
    assert sorted(outputs(tmp_path / "out")) == ["doc-11ec14eb1d91.md"]

    # The faults cleared: a rerun does only the failed trials.
    llm.server.respond_with(PerTrialFaults({}))
    again = run(llm.home, tmp_path / "out", engine="llm", concurrency=3)
    assert again.succeeded == SEEDS[:4] and again.skipped == ["doc-11ec14eb1d91"]


def test_an_llm_that_never_answers_in_time_fails_its_trial_only(
    llm: LLMSetup, tmp_path: Path
) -> None:
    report = llm_batch(llm, tmp_path / "out", {"NCT04430530": [Reply.slow(1.5)] * 3})

    assert [f.trial_id for f in report.failed] == ["NCT04430530"]
    assert "did not reply within 0.5 s" in report.failed[0].reason
    assert len(report.succeeded) == 4


def test_the_llm_batch_without_a_key_or_server_is_one_clear_error(
    seeded_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)

    with pytest.raises(BatchError, match="OPENAI_API_KEY"):
        run(seeded_home, tmp_path / "out", engine="llm")
    assert not (tmp_path / "out" / REPORT).exists()
