"""The shared post-generation step: check each statement, drop or flag, and say so."""

from __future__ import annotations

import pytest

from summarizer.engines import common
from summarizer.models import Answer, Check, Chunk, Hit, Source, Span, Statement, Trial

TEXT = "Status: WITHDRAWN. Ages 18 Years to 75 Years. People with HIV cannot join."


@pytest.fixture
def trial() -> Trial:
    src = Source(path="t.txt", format="text", text=TEXT, sha256="x")
    return Trial(
        trial_id="T1", source=src, status={"value": "WITHDRAWN", "spans": [{"start": 8, "end": 17}]}
    )


def stmt(trial: Trial, text: str, start: int, end: int) -> Statement:
    return Statement(text=text, citations=[common.citation(trial, Span(start=start, end=end), "x")])


def verdicts(table: dict[str, str]):
    def check(statement: Statement, trial: Trial, *, role=None) -> Check:
        return Check(verdict=table[statement.text], score=0.5)

    return check


def test_citation_quotes_the_exact_source(trial):
    cite = common.citation(trial, Span(start=24, end=32), "eligibility")
    assert cite.quote == "18 Years" == TEXT[cite.start : cite.end]


def test_citation_from_hit_slices_the_chunk():
    chunk = Chunk(
        id="c",
        trial_id="T1",
        section="exclusion",
        text=TEXT[47:],
        start=47,
        end=len(TEXT),
        source_path="t",
        content_hash="h",
        ordinal=0,
    )
    cite = common.citation_from_hit(Hit(chunk=chunk, score=1.0), start=58, end=61)
    assert cite.quote == "HIV" == TEXT[58:61]


def test_status_note_comes_for_withdrawn_trials(trial):
    note = common.status_note(trial)
    assert note is not None and "withdrawn" in note.text
    assert note.citations[0].quote == "WITHDRAWN"


def test_contradicted_dropped_unsupported_flagged_and_said(trial):
    a = stmt(trial, "Ages 18 to 75.", 19, 45)
    b = stmt(trial, "It runs in Paris.", 0, 6)
    c = stmt(trial, "People with HIV can join.", 47, 74)
    answer = Answer(question="q", answer="", statements=[a, b, c], engine="test")
    table = {a.text: "supported", b.text: "unsupported", c.text: "contradicted"}
    out = common.finalize_answer(answer, {"T1": trial}, checker=verdicts(table))
    assert [s.text for s in out.statements] == [a.text, b.text]
    assert out.flagged == [b.text, c.text]
    assert "left out 1 sentence" in out.answer and "could not be fully matched" in out.answer
    assert "HIV can join" not in out.answer


def test_everything_dropped_means_abstain(trial):
    c = stmt(trial, "People with HIV can join.", 47, 74)
    answer = Answer(question="q", answer="x", statements=[c], engine="test")
    out = common.finalize_answer(answer, {"T1": trial}, checker=verdicts({c.text: "contradicted"}))
    assert out.abstained and not out.citations


def test_missing_checker_is_reported_not_silent(trial, monkeypatch):
    monkeypatch.setattr(common, "load_checker", lambda: None)
    a = stmt(trial, "Ages 18 to 75.", 19, 45)
    answer = Answer(question="q", answer="", statements=[a], engine="test")
    out = common.finalize_answer(answer, {"T1": trial})
    assert common.CHECKER_UNAVAILABLE in out.flagged


def test_guidance_is_not_checked(trial):
    g = common.guidance("Talk with your doctor.")
    report = common.check_statements([g], {"T1": trial}, checker=verdicts({}))
    assert report.kept == [g] and not report.flagged


def test_registry_url_for_nct_ids(trial):
    assert common.registry_url(trial) is None
    assert common.registry_url(trial.model_copy(update={"trial_id": "NCT01234567"})) == (
        "https://clinicaltrials.gov/study/NCT01234567"
    )
