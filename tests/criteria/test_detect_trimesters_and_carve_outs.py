"""Criteria read in round 6 of issue 14: a trimester is a span of weeks of pregnancy (NICHD's
dating), weeks in brackets after 'pregnancy' ('full term of pregnancy (≥ 37 weeks)') are
weeks, a bracketed "(eligible if ...)" is a carve-out, a minus sign that opens a number is kept
("T-score of -2.5 or lower"), and one weeks-per-month figure serves
the criteria parser and the person's own months of pregnancy."""

from __future__ import annotations

import pytest

from summarizer.criteria import parse_trial
from summarizer.criteria.detect import GESTATION, TRIMESTER_WEEKS, WEEKS_PER, Detector, quantities
from summarizer.criteria.vocabulary import load
from summarizer.engines.extractive.self_facts import extract
from tests.engines.builders import parse_seed


def run(text: str):
    return Detector(load()).run(text, 0)


def weeks_of(text: str):
    return [c.quantity for c in run(text) if c.concept == GESTATION and c.quantity is not None]


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("In their third trimester of pregnancy.", 30.0, 20.0),
        ("Pregnant women in the first trimester.", 8.0, 14.0),
        ("Women in the second trimester of pregnancy.", 20.0, 30.0),
    ],
)
def test_a_trimester_is_a_span_of_weeks(text, inside, outside):
    (q,) = weeks_of(text)
    held_in = q.holds(inside) if q.comparator != "range" else q.value <= inside <= q.upper
    held_out = q.holds(outside) if q.comparator != "range" else q.value <= outside <= q.upper
    assert held_in and not held_out
    assert weeks_of("Pregnant women in any trimester.") == []


def test_weeks_in_brackets_after_pregnancy_are_weeks():
    (q,) = weeks_of("Born at full term of pregnancy (≥ 37 weeks) with a birth weight ≥ 2 kg.")
    assert q.comparator == "ge" and q.value == 37
    assert weeks_of("Treated for 37 weeks (open label).") == []


def test_a_bracketed_eligible_if_is_a_carve_out():
    record = """<clinical_study><id_info><nct_id>NCT09990062</nct_id></id_info>
<brief_title>A carve-out study</brief_title><eligibility><criteria><textblock>
Exclusion Criteria

  -  Active syphilis (eligible if remote, i.e., > 6 months treated, infection).

  -  Active tuberculosis.
</textblock></criteria></eligibility></clinical_study>"""
    trial = parse_seed("NCT09990062.xml", record)
    first, second = parse_trial(trial).criteria
    assert [trial.source.text[x.start : x.end] for x in first.exception_spans] == [
        "(eligible if remote, i.e., > 6 months treated, infection"
    ]
    assert second.exception_spans == []


def test_one_weeks_per_month_serves_criteria_and_the_persons_months():
    assert WEEKS_PER["month"] == pytest.approx(365.25 / 12 / 7, abs=0.01)
    assert extract("I'm 5 months pregnant.").gestation_weeks == pytest.approx(
        5 * WEEKS_PER["month"]
    )
    assert TRIMESTER_WEEKS["third"][1] == 27.0


def test_a_minus_sign_that_opens_a_number_is_kept():
    def marks(text: str):
        return [c.quantity for c in run(text) if c.kind == "marker" and c.concept == "T-score"]

    (low,) = marks("BMD T-score of -2.5 or lower at the spine")
    assert (low.comparator, low.value) == ("le", -2.5)
    (below,) = marks("T-score equal to or below -2.0 at the hip")
    assert (below.comparator, below.value) == ("le", -2.0)
    (span,) = marks("T-score between -1.0 and -2.5")
    assert (span.comparator, span.value, span.upper) == ("range", -2.5, -1.0)
    # a hyphen inside a name or a range's dash is no sign
    assert [f.quantity.value for f in quantities("COVID-19 infection")] == []
    (ages,) = quantities("Age 18-65 years")
    assert (ages.quantity.value, ages.quantity.upper) == (18.0, 65.0)
    assert extract("My T-score is -2.8.").measures == [("T-score", -2.8, None, "T-score is -2.8")]
