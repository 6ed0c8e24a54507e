"""Who should consider this trial, written from the typed constraints (issue 14, use #3): exact
numbers in plain words, citations over the constraint's words, the defining criteria first,
exceptions kept, untyped criteria whole, and every bullet backed by the source checker."""

from __future__ import annotations

import re

import pytest

from summarizer.checker import check_statement
from summarizer.criteria import criteria_for
from summarizer.criteria.model import ParsedCriterion
from summarizer.engines.extractive.constraint_words import bullet
from summarizer.engines.extractive.who import good_fit_statements, not_fit_statements
from summarizer.models import Criterion, Source, Span, Statement, Trial
from summarizer.models.trial import sha256_text


def trial_with(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    """A text trial whose source is the criteria, one per line, each with its exact span."""
    text = "Inclusion Criteria:\n"
    crits: list[Criterion] = []
    for kind, found in (("inclusion", inclusion), ("exclusion", exclusion)):
        if kind == "exclusion":
            text += "Exclusion Criteria:\n"
        for n, item in enumerate(found, 1):
            start = len(text)
            text += item + "\n"
            span = Span(start=start, end=start + len(item))
            crits.append(Criterion(kind=kind, text=item, number=n, spans=[span]))
    source = Source(path="t.txt", format="text_page", text=text, sha256=sha256_text(text))
    return Trial(
        trial_id="doc-who",
        inclusion_criteria=[c for c in crits if c.kind == "inclusion"],
        exclusion_criteria=[c for c in crits if c.kind == "exclusion"],
        source=source,
    )


def _node(trial: Trial, kind: str, number: int) -> ParsedCriterion:
    return next(n for n in criteria_for(trial).criteria if n.kind == kind and n.number == number)


def _covers(st: Statement, trial: Trial, words: str) -> bool:
    """Whether one of the statement's citations covers ``words`` in the source."""
    start = trial.source.text.index(words)
    return any(c.start <= start and start + len(words) <= c.end for c in st.citations)


TRIAL = trial_with(
    [
        "Signed informed consent",
        "ECOG performance status 0-2",
        "Hemoglobin >= 60 g/L",
        "Age 18 to 65 years",
        "Relapsed or refractory B-cell lymphoma",
    ],
    [
        "Heart attack within 6 months prior to study entry",
        "Pregnant or breastfeeding",
        "Any condition that in the opinion of the investigator would interfere with the study",
    ],
)


@pytest.mark.parametrize(
    ("kind", "number", "expected", "source_words"),
    [
        ("inclusion", 4, "Aged 18 to 65 years.", "Age 18 to 65 years"),
        ("inclusion", 3, "Hemoglobin at least 60 g/L.", "Hemoglobin >= 60 g/L"),
        (
            "inclusion",
            2,
            "ECOG performance status 0 to 2 (up and about, able to care for yourself).",
            "ECOG performance status 0-2",
        ),
        (
            "exclusion",
            1,
            "Heart attack in the last 6 months.",
            "Heart attack within 6 months",
        ),
        ("inclusion", 5, "Relapsed or refractory B-cell lymphoma.", "B-cell lymphoma"),
    ],
)
def test_a_typed_criterion_becomes_its_plain_bullet(kind, number, expected, source_words):
    b = bullet(TRIAL.source.text, _node(TRIAL, kind, number))
    assert b is not None and b.text == expected
    start = TRIAL.source.text.index(source_words)
    assert any(s.start <= start and start + len(source_words) <= s.end for s in b.spans)


def test_numbers_are_copied_as_written_never_recomputed():
    trial = trial_with(
        ["Platelet count at least 100,000/mm^3", "Bilirubin no greater than 3.0 mg/dL"]
    )
    platelets = bullet(trial.source.text, _node(trial, "inclusion", 1))
    bilirubin = bullet(trial.source.text, _node(trial, "inclusion", 2))
    assert platelets is not None and "100,000/mm^3" in platelets.text
    assert "100000" not in platelets.text
    assert bilirubin is not None and bilirubin.text == "Bilirubin at most 3.0 mg/dL."


def test_an_exception_is_kept():
    trial = trial_with([], ["Other malignancy, except treated basal cell carcinoma"])
    b = bullet(trial.source.text, _node(trial, "exclusion", 1))
    assert b is not None
    assert "malignancy" in b.text and "except treated basal cell carcinoma" in b.text


@pytest.mark.parametrize(
    "words",
    [
        "Any condition that in the opinion of the investigator would interfere with the study",
        "Intestinal polyposis +/- colon cancer",  # a sign no constraint reads
        "Patients must have a Karnofsky performance status great or equal to 70%",  # no direction
    ],
)
def test_a_criterion_not_typed_whole_gets_no_constraint_bullet(words):
    trial = trial_with([words])
    assert bullet(trial.source.text, _node(trial, "inclusion", 1)) is None


def test_an_age_written_years_of_age_is_an_age_bullet():
    # Was read as a time window (and so given no bullet) before the parser knew 'N years of age'.
    trial = trial_with(["are at least 13 years of age"])
    b = bullet(trial.source.text, _node(trial, "inclusion", 1))
    assert b is not None and b.text == "Aged 13 years or older." and b.kinds == ("age",)


def test_an_untyped_criterion_stays_whole_in_the_summary():
    words = "Unable to walk or get out of bed on your own"
    trial = trial_with(["Relapsed or refractory B-cell lymphoma"], [words])
    assert bullet(trial.source.text, _node(trial, "exclusion", 1)) is None
    texts = [st.text for st in not_fit_statements(trial)]
    assert f"{words}." in texts, texts


def test_defining_criteria_come_first():
    texts = [st.text for st in good_fit_statements(TRIAL) if st.citations]
    assert texts[0].startswith("Relapsed or refractory")
    assert texts.index("Hemoglobin at least 60 g/L.") < next(
        i for i, t in enumerate(texts) if t.startswith("ECOG")
    )
    assert texts.index("Aged 18 to 65 years.") < next(
        i for i, t in enumerate(texts) if t.startswith("ECOG")
    )
    assert not any("consent" in t for t in texts)


def test_sides_stay_apart_and_the_checker_backs_every_bullet():
    for role, statements in (
        ("good_fit", good_fit_statements(TRIAL)),
        ("not_fit", not_fit_statements(TRIAL)),
    ):
        cited = [st for st in statements if st.citations]
        assert cited
        side = "inclusion" if role == "good_fit" else "exclusion"
        for st in cited:
            assert {c.section for c in st.citations} == {side}
            assert check_statement(st, TRIAL, role=role).verdict == "supported", st.text
    heart = next(st for st in not_fit_statements(TRIAL) if st.text.startswith("Heart attack"))
    assert _covers(heart, TRIAL, "within 6 months")
    assert re.search(r"\b6 months\b", heart.text)
