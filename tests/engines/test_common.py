"""Helpers both generators share: exact citations, the status-first note, registry pages.

The checking step that used to live here is tested in tests/test_verify.py."""

from __future__ import annotations

import pytest

from summarizer.engines import common
from summarizer.models import Chunk, Hit, Source, Span, Statement, Trial

TEXT = "Status: WITHDRAWN. Ages 18 Years to 75 Years. People with HIV cannot join."


@pytest.fixture
def trial() -> Trial:
    src = Source(path="t.txt", format="text", text=TEXT, sha256="x")
    return Trial(
        trial_id="T1", source=src, status={"value": "WITHDRAWN", "spans": [{"start": 8, "end": 17}]}
    )


def stmt(trial: Trial, text: str, start: int, end: int) -> Statement:
    return Statement(text=text, citations=[common.citation(trial, Span(start=start, end=end), "x")])


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


def test_registry_url_for_nct_ids(trial):
    assert common.registry_url(trial) is None
    assert common.registry_url(trial.model_copy(update={"trial_id": "NCT01234567"})) == (
        "https://clinicaltrials.gov/study/NCT01234567"
    )
