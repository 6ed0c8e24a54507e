"""Parsed criteria are computed at ingest, stored with the trial and read through one accessor,
``criteria_for``: the stored parse when it is current, a fresh one when it is missing or stale."""

from __future__ import annotations

from pathlib import Path

from summarizer.config import Settings
from summarizer.criteria import criteria_for, is_current, parse_trial
from summarizer.criteria.fingerprint import parser_fingerprint
from summarizer.ingest import ingest_paths
from summarizer.models import Trial
from summarizer.runtime import Runtime
from tests.criteria.build import trial_with
from tests.word_hash import WordHashEmbedder


def _trial() -> Trial:
    return trial_with(["Age 18 to 65 years"], ["Myocardial infarction within 6 months"])


def test_a_parse_names_the_text_and_parser_it_was_read_with() -> None:
    trial = _trial()
    parsed = parse_trial(trial)
    assert parsed.source_sha256 == trial.source.sha256
    assert parsed.parser == parser_fingerprint()
    assert is_current(parsed, trial)


def test_criteria_for_returns_the_stored_parse_when_current_and_reparses_a_stale_one() -> None:
    trial = _trial()
    stored = parse_trial(trial).model_copy(update={"warnings": ["marker: stored"]})
    trial.criteria_parsed = stored
    assert criteria_for(trial) is stored
    trial.criteria_parsed = stored.model_copy(update={"parser": "0-old"})
    fresh = criteria_for(trial)
    assert fresh.parser == parser_fingerprint() and "marker: stored" not in fresh.warnings
    assert [c.number for c in fresh.exclusion] == [1]


def test_a_trial_without_a_stored_parse_is_parsed_once_and_cached() -> None:
    trial = _trial()
    assert trial.criteria_parsed is None
    first = criteria_for(trial)
    assert criteria_for(trial) is first
    assert first.constraints("time_window")


def test_the_stored_parse_survives_a_json_round_trip_and_old_json_still_reads() -> None:
    trial = _trial()
    trial.criteria_parsed = parse_trial(trial)
    again = Trial.model_validate_json(trial.model_dump_json())
    assert again.criteria_parsed == trial.criteria_parsed and is_current(
        again.criteria_parsed, again
    )
    old = trial.model_dump(mode="json", exclude={"criteria_parsed"})
    assert Trial.model_validate(old).criteria_parsed is None
    # An older trialsum reads the new record: unknown keys are ignored, never an error.
    assert Trial.model_config.get("extra", "ignore") == "ignore"


def test_ingest_stores_the_parse_with_each_trial_and_reingest_writes_nothing(
    samples_dir: Path, tmp_path: Path
) -> None:
    runtime = Runtime(Settings(home=tmp_path))
    runtime.__dict__["embedder"] = WordHashEmbedder()
    report = ingest_paths([samples_dir], runtime)
    assert report.trials_new == 5 and report.timings.criteria > 0
    for tid in runtime.store.trial_ids():
        trial = runtime.store.get_trial(tid)
        assert trial is not None and is_current(trial.criteria_parsed, trial)
        assert criteria_for(trial) is trial.criteria_parsed
    again = ingest_paths([samples_dir], runtime)
    assert again.trials_unchanged == 5 and again.trials_written == 0


def test_a_change_to_the_parser_code_makes_stored_parses_stale(tmp_path, monkeypatch) -> None:
    from summarizer.criteria import fingerprint

    code = tmp_path / "detect.py"
    code.write_text("RULES = 1\n")
    monkeypatch.setattr(fingerprint, "PARSER_CODE", (code,))
    fingerprint.parser_fingerprint.cache_clear()
    before = fingerprint.parser_fingerprint()
    fingerprint.parser_fingerprint.cache_clear()
    assert fingerprint.parser_fingerprint() == before  # same code, same fingerprint
    code.write_text("RULES = 2\n")
    fingerprint.parser_fingerprint.cache_clear()
    assert fingerprint.parser_fingerprint() != before
    fingerprint.parser_fingerprint.cache_clear()
