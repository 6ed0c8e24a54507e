"""check_statement on the seeds: facts found, changed, invented; polarity; evidence returned."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement, check_text
from summarizer.models import Statement


def verdict(trial, text: str, cites=(), role=None, fields=()) -> str:
    s = Statement(text=text, citations=list(cites), fields=list(fields))
    return check_statement(s, trial, role=role).verdict


def test_a_faithful_plain_sentence_is_supported(seeds, cite) -> None:
    t = seeds["000"]
    c = [cite(t, "14 Years to 75 Years")]
    assert verdict(t, "People aged 14 to 75 can join.", c, fields=["min_age"]) == "supported"


def test_a_changed_age_limit_is_caught(seeds, cite) -> None:
    t = seeds["000"]
    c = [cite(t, "14 Years to 75 Years")]
    assert verdict(t, "People aged 16 to 75 can join.", c) != "supported"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is trial NCT06503095.", "contradicted"),
        ("This is a phase 3 study.", "contradicted"),
        ("The CAR T cells target CD19 and CD22.", "contradicted"),
        ("Patients receive rituximab before the infusion.", "unsupported"),
        ("The CAR T cells target CD19 and CD20.", "supported"),
    ],
)
def test_uncited_sentences_are_checked_against_the_whole_trial(seeds, text, expected) -> None:
    assert verdict(seeds["000"], text) == expected


def test_exclusions_as_reasons_to_stay_out(seeds) -> None:
    t = seeds["000"]
    assert verdict(t, "This trial does not take people with HIV infection.") == "supported"
    assert verdict(t, "This trial takes people with HIV infection.") == "contradicted"
    hiv = "Human immunodeficiency virus (HIV) infection or syphilis infection."
    assert verdict(t, hiv, role="not_fit") == "supported"
    assert verdict(t, hiv, role="good_fit") == "contradicted"


def test_a_dropped_not_is_contradicted(seeds) -> None:
    assert verdict(seeds["000"], "Eligible for HSCT conditions.") == "contradicted"


def test_the_check_cites_exact_source_words(seeds, cite) -> None:
    t = seeds["004"]
    s = Statement(
        text="People who had cancer within the last five years.",
        citations=[cite(t, "History of malignancy within five years;", "exclusion")],
    )
    check = check_statement(s, t, role="not_fit")
    assert check.verdict == "supported"
    assert check.evidence
    for e in check.evidence:
        assert t.source.text[e.start : e.end] == e.quote


def test_check_text_reports_the_worst_sentence(seeds) -> None:
    t = seeds["002"]
    check = check_text("This is a phase 1 trial. It tests pembrolizumab.", t)
    assert check.verdict == "unsupported"
    assert any("pembrolizumab" in r for r in check.reasons)


def test_the_checker_is_deterministic(seeds) -> None:
    t = seeds["003"]
    s = Statement(text="People living with HIV cannot join.")
    assert check_statement(s, t) == check_statement(s, t)
