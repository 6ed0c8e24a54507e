"""The checker reads a trial's whole text once per trial, not once per sentence it checks.

A record with 100,000 sites is 7 MB of text and a summary checks ~50 sentences against it: a scan
of the whole text per sentence was most of a summary's time. Counted, not timed."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement, core, entities
from summarizer.models import Statement


@pytest.fixture
def scans(monkeypatch):
    """How many times each entity extractor ran over a text of the given length or longer."""
    core._text_facts.cache_clear()
    calls: list[int] = []
    real = entities.nct_ids

    def counted(text: str) -> list[str]:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(entities, "nct_ids", counted)
    yield calls
    core._text_facts.cache_clear()


def test_the_trial_text_is_scanned_for_ids_once_for_many_sentences(seeds, scans) -> None:
    trial = seeds["000"]
    size = len(trial.source.text)
    sentences = [f"This study enrolls people in group {i}." for i in range(12)]
    for text in sentences:
        check_statement(Statement(text=text), trial)
    assert sum(1 for n in scans if n >= size) == 1
    assert len(scans) >= len(sentences)  # each sentence's own ids are still read


def test_a_wrong_trial_id_is_still_caught_on_every_sentence(seeds, scans) -> None:
    trial = seeds["000"]
    wrong = "NCT99999999"
    assert wrong not in trial.source.text
    for _ in range(3):
        check = check_statement(Statement(text=f"This is trial {wrong}."), trial)
        assert check.verdict == "contradicted"
    own = check_statement(Statement(text=f"This is trial {trial.trial_id}."), trial)
    assert own.verdict != "contradicted"
    assert sum(1 for n in scans if n >= len(trial.source.text)) == 1
