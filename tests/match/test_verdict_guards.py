"""When a fact the person stated must not block a trial after all (precision first: a wrong
'not met' hides a trial the person could join), and when a date the person gave decides a
time window."""

from __future__ import annotations

from summarizer.match.verdicts import criterion_verdicts
from summarizer.models.match import CriterionVerdict
from tests.criteria.build import trial_with

from .conftest import profile

MI = "mesh:Myocardial Infarction"


def _verdicts(
    inclusion: list[str], exclusion: list[str], **person: object
) -> list[CriterionVerdict]:
    return criterion_verdicts(trial_with(inclusion, exclusion), profile(**person))  # type: ignore[arg-type]


def test_a_condition_dated_outside_the_window_does_not_meet_the_exclusion() -> None:
    crit = ["Myocardial infarction within the past 6 months"]
    old = "I had a heart attack 3 years ago."
    recent = "I had a heart attack 2 months ago."

    (was,) = _verdicts([], crit, text=old, terms=[("heart attack", MI, False)])
    (now,) = _verdicts([], crit, text=recent, terms=[("heart attack", MI, False)])

    assert was.verdict == "not_met" and was.used == ["heart attack", "3 years ago"]
    assert now.verdict == "met" and now.used == ["heart attack", "2 months ago"]


def test_an_undated_or_borderline_condition_leaves_the_window_open() -> None:
    crit = ["Myocardial infarction within the past 12 months"]
    undated = _verdicts([], crit, text="I had a heart attack.", terms=[("heart attack", MI, False)])
    border = _verdicts(
        [], crit, text="I had a heart attack a year ago.", terms=[("heart attack", MI, False)]
    )

    assert undated[0].verdict == "unknown"
    assert border[0].verdict == "unknown"


def test_an_event_of_the_condition_is_not_dated_by_the_condition() -> None:
    text = "I had a heart attack 3 years ago."
    event = _verdicts(
        [], ["Myocardial infarction complications within 6 months"], text=text,
        terms=[("heart attack", MI, False)],
    )  # fmt: skip
    plain = _verdicts(
        [], ["Myocardial infarction within 6 months"], text=text,
        terms=[("heart attack", MI, False)],
    )  # fmt: skip

    assert event[0].verdict == "unknown"
    assert plain[0].verdict == "not_met"


def test_a_condition_a_treatment_is_for_does_not_block() -> None:
    text = "I have breast cancer."
    terms = [("breast cancer", "HP:0003002", False)]
    (therapy,) = _verdicts(["No prior chemotherapy for breast cancer"], [], text=text, terms=terms)
    (plain,) = _verdicts(["No breast cancer"], [], text=text, terms=terms)

    assert therapy.verdict == "unknown"
    assert "treatment" in therapy.reason
    assert plain.verdict == "not_met"


def test_another_condition_or_a_listed_exception_does_not_block() -> None:
    text = "I have cancer."
    terms = [("cancer", "mesh:Neoplasms", False)]
    (other,) = _verdicts(["No other prior malignancy"], [], text=text, terms=terms)
    (excepted,) = _verdicts([], ["Any malignancy except carcinoma in situ"], text=text, terms=terms)
    (plain,) = _verdicts([], ["Any malignancy"], text=text, terms=terms)

    assert other.verdict == "unknown"
    assert excepted.verdict == "unknown"
    assert plain.verdict == "met"


def test_a_criterion_for_people_in_some_case_is_not_failed_by_what_they_lack() -> None:
    text = "A woman, menopausal, uses no contraception."
    terms = [("contraception", "mesh:Contraception", True)]
    (conditional,) = _verdicts(
        ["Fertile patients must use effective contraception"], [], text=text, terms=terms
    )
    (plain,) = _verdicts(["Must use effective contraception"], [], text=text, terms=terms)

    assert conditional.verdict == "unknown"
    assert plain.verdict == "not_met"


def test_a_man_fails_a_pregnancy_inclusion_only_when_it_asks_for_pregnancy() -> None:
    man = {"text": "A 40 year old man.", "sex": "MALE", "sex_words": "man"}
    asks = _verdicts(["Pregnant women"], [], **man)
    test = _verdicts(["Negative pregnancy test"], [], **man)
    rule = _verdicts(["Women must not be pregnant."], [], **man)

    assert asks[0].verdict == "not_met"
    assert test[0].verdict != "not_met"
    assert rule[0].verdict != "not_met"
