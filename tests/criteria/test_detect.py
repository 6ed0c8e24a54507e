"""Quantities and ages as the criteria detectors read them: comparators, ranges and units."""

from __future__ import annotations

import pytest

from summarizer.criteria.detect import Detector, quantities


def _one(text: str) -> tuple[str | None, float, float | None, str | None]:
    (f,) = quantities(text)
    q = f.quantity
    return q.comparator, q.value, q.upper, q.unit


def test_at_most_is_an_upper_limit_and_at_least_a_lower_one() -> None:
    assert _one("ECOG at most 2") == ("le", 2.0, None, None)
    assert _one("ECOG at least 2") == ("ge", 2.0, None, None)


def test_between_and_makes_a_range_but_a_plain_and_does_not() -> None:
    assert _one("between 18 and 45 years") == ("range", 18.0, 45.0, "years")
    found = quantities("ANC 1500 and platelets 100,000")
    assert [(f.quantity.comparator, f.quantity.upper) for f in found] == [(None, None)] * 2


def test_between_is_not_part_of_the_number_quoted() -> None:
    text = "aged between 18 and 45"
    (f,) = quantities(text)
    assert text[f.start : f.end] == "18 and 45"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("more than 100 km", "km"),
        ("more than 100 miles", "miles"),
        ("PSA > 20 mg/ml", "mg/ml"),
        ("PSA > 20 ng/mL", "ng/ml"),
        ("at least 100,000/ml", "/ml"),
        ("at least 100,000/mm³", "/mm³"),
        ("GFR 15-60 mL/min/1.73 m^2", "ml/min/1.73 m^2"),
        ("GFR 15-60 l/min/1.73 m^2", "l/min/1.73 m^2"),
        ("alcohol > 80g/day", "g/day"),
        ("creatinine < 1.5 x ULN", "x uln"),
        ("hemoglobin > 9 g/dL", "g/dl"),
    ],
)
def test_units_are_read_whole(text: str, unit: str) -> None:
    assert _one(text)[3] == unit


def test_a_persons_own_age_is_an_age_and_a_pregnancy_week_is_not() -> None:
    det = Detector(None)
    ages = [c for c in det.run("You are between 18 and 45.", 0) if c.kind == "age"]
    assert [(c.quantity.value, c.quantity.upper) for c in ages if c.quantity] == [(18.0, 45.0)]
    assert not [c for c in det.run("You are 14 to 32 weeks pregnant.", 0) if c.kind == "age"]
    assert not [c for c in det.run("The dose is 5 or more.", 0) if c.kind == "age"]


def _negated(text: str) -> dict[str, bool]:
    from summarizer.criteria.vocabulary import load

    return {c.text.lower(): c.negated for c in Detector(load()).run(text, 0)}


def test_a_wrapped_line_keeps_the_negation_of_the_line_before() -> None:
    wrapped = _negated("Chemotherapy: No prior\n     irinotecan or topotecan")
    assert wrapped["irinotecan"] and wrapped["topotecan"]
    items = _negated("No prior surgery\nTopotecan given at entry")
    assert items["topotecan"] is False  # a new line in capitals is a new item


def test_a_clause_that_opens_with_no_negates_its_whole_list() -> None:
    listed = _negated(
        "No concurrent antiinflammatory agents including aspirin, or over the counter or\n"
        "     prescription nonsteroidal antiinflammatory drugs"
    )
    assert listed["nonsteroidal antiinflammatory drugs"] and listed["aspirin"]
    carved = _negated(
        "No concurrent anticoagulants including warfarin, heparin or related drugs, except "
        "low-dose aspirin"
    )
    assert carved["warfarin"] and carved["aspirin"] is False  # the exception is not negated


def test_not_exceeding_is_an_upper_limit_and_exceeding_a_lower_one() -> None:
    assert _one("Serum creatinine not exceeding 1.5 mg/dL")[:2] == ("le", 1.5)
    assert _one("Serum creatinine exceeding 1.5 mg/dL")[:2] == ("gt", 1.5)


def _gestation(text: str) -> list[tuple[str | None, float, float | None]]:
    return [
        (c.quantity.comparator, c.quantity.value, c.quantity.upper)
        for c in Detector(None).run(text, 0)
        if c.kind == "pregnancy" and c.quantity is not None
    ]


def test_weeks_of_pregnancy_are_read_after_pregnant_for_and_across_but_not() -> None:
    assert _gestation("Have been pregnant for 14-28 weeks.") == [("range", 14.0, 28.0)]
    both = _gestation("Gestational age at least 26 weeks but not more than 36 weeks.")
    assert both == [("ge", 26.0, None), ("le", 36.0, None)]
    # 'but not more than' is a second limit, not an exception carved out of the first
    from summarizer.criteria.parse import parse_span
    from summarizer.models import Span

    text = "Gestational age at least 26 weeks but not more than 36 weeks."
    top = parse_span(text, Span(start=0, end=len(text)), "inclusion", 1, None, None)
    assert not [c for n in top.walk() for c in n.exceptions]
    assert len([c for n in top.walk() for c in n.constraints if c.kind == "pregnancy"]) == 2
    carved = "Prior chemotherapy but not radiotherapy."
    top = parse_span(carved, Span(start=0, end=len(carved)), "exclusion", 1, None, None)
    assert [c for n in top.walk() for c in n.exceptions]  # a plain 'but not' still carves out
    assert not _gestation("Treated for 14-28 weeks.")  # a treatment's length is not a pregnancy


def test_ordinal_weeks_of_pregnancy_are_read_as_limits() -> None:
    assert _gestation("Proven pregnancy in the 16th to 24th week of gestation.") == [
        ("range", 16.0, 24.0)
    ]
    assert _gestation("Pregnant women in the 20th week of pregnancy.") == [(None, 20.0, None)]
    assert not _gestation("Visits in the 16th to 24th week of the study.")  # not a pregnancy


def test_a_list_of_exceptions_carves_out_to_the_end_of_its_sentence() -> None:
    from summarizer.criteria.parse import parse_span
    from summarizer.models import Span

    text = (
        "History of cancer with the following exceptions: (1) basal cell carcinoma of the "
        "skin that was treated, and (2) other malignancies treated at least 10 years ago."
    )
    top = parse_span(text, Span(start=0, end=len(text)), "exclusion", 1, None, None)
    carved = [c.kind for n in top.walk() for c in n.exceptions]
    assert "condition" in carved and "time_window" in carved  # both numbered items carved out
    kept = [c.text for n in top.walk() for c in n.constraints if c.kind == "condition"]
    assert kept == ["cancer"]  # what the exceptions are carved out of stays a constraint


def _constraints(text: str, kind: str = "inclusion") -> list[tuple[str, object, object]]:
    from summarizer.criteria.parse import parse_span
    from summarizer.models import Span

    top = parse_span(text, Span(start=0, end=len(text)), kind, 1, None, None)  # type: ignore[arg-type]
    return [
        (c.kind, c.window.relation if c.window else c.concept, c.quantity and c.quantity.unit)
        for n in top.walk()
        for c in n.constraints
        if c.kind in ("time_window", "age", "marker")
    ]


def test_a_time_since_an_event_reads_its_limit_as_a_window() -> None:
    assert _one("up to 18-months post-stroke")[3] == "months"  # a hyphen joins number and unit
    up_to = _constraints("Living at home up to 18-months post-stroke.")
    assert ("time_window", "within", "months") in up_to
    more = _constraints("More than 18 months post-stroke.", "exclusion")
    assert ("time_window", "since_at_least", "months") in more
    plain = _constraints("Enrolled 4 weeks after surgery.")
    assert ("time_window", "after", "weeks") in plain  # no limit: a time after the event


def test_a_newborns_age_in_hours_and_weight_at_birth_are_read() -> None:
    assert ("age", "age", "hours") in _constraints("Less than 48 hours old")
    weighed = _constraints("Weighing between 500 to 1250 grams at birth")
    assert weighed == [("marker", "birth weight", "grams")]
    assert not _constraints("Weighing more than 50 kg")  # a body weight not said at birth
