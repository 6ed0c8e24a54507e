"""Criteria read in round 5 of issue 14: weeks of gestation written after 'between' or a short
form in brackets are a pregnancy's weeks, not an age; 'less than 28 days since' is a window the
event falls within; a relative's sex ('a male relative') is not who the trial takes."""

from __future__ import annotations

from summarizer.criteria.detect import GESTATION, Detector
from summarizer.criteria.vocabulary import load


def run(text: str):
    return Detector(load()).run(text, 0)


def test_gestational_weeks_after_between_or_a_short_form_are_a_pregnancy():
    for text, comp in (
        ("Gestational age between 20 and 30 weeks.", "range"),
        ("Admission at an estimated gestational age (EGA) <34 weeks", "lt"),
    ):
        found = run(text)
        weeks = [c for c in found if c.kind == "pregnancy" and c.concept == GESTATION]
        assert weeks and weeks[0].quantity is not None and weeks[0].quantity.comparator == comp
        assert not any(c.kind == "age" for c in found)
    aged = run("Age between 20 and 30 years.")
    assert any(c.kind == "age" for c in aged) and not any(c.kind == "pregnancy" for c in aged)


def test_a_time_since_with_an_upper_limit_is_within_it():
    (less,) = [c for c in run("Less than 28 days since last treatment") if c.window]
    assert less.window is not None and less.window.relation == "within"
    (least,) = [c for c in run("At least 4 weeks since prior chemotherapy") if c.window]
    assert least.window is not None and least.window.relation == "since_at_least"


def test_the_sex_of_a_relative_is_not_a_sex_limit():
    relative = run("Breast cancer and a first or second degree male relative with breast cancer")
    assert not any(c.kind == "sex" for c in relative)
    person = run("A male with breast cancer diagnosed at any age")
    assert [c.value for c in person if c.kind == "sex"] == ["MALE"]
