"""Criterion verdicts: met, not met or unknown, quoting the criterion and the person's words."""

from __future__ import annotations

from summarizer.match.verdicts import trial_verdicts
from summarizer.models import Trial
from summarizer.models.match import CriterionVerdict

from .conftest import profile


def verdict(verdicts: list[CriterionVerdict], kind: str, number: int) -> CriterionVerdict:
    return next(
        v for v in verdicts if v.about == "criterion" and (v.kind, v.number) == (kind, number)
    )


def field(verdicts: list[CriterionVerdict], about: str) -> CriterionVerdict:
    return next(v for v in verdicts if v.about == about)


def test_an_age_outside_the_range_fails_the_age_criterion_and_the_age_field(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00001451"]  # inclusion 1: "Age 18-60."
    old = trial_verdicts(trial, profile("I'm 65.", age=65, age_words="I'm 65"))
    young = trial_verdicts(trial, profile("I'm 45.", age=45, age_words="I'm 45"))

    assert verdict(old, "inclusion", 1).criterion == "Age 18-60"[:9] + "."
    assert verdict(old, "inclusion", 1).verdict == "not_met"
    assert verdict(old, "inclusion", 1).used == ["I'm 65"]
    assert field(old, "max_age").verdict == "not_met" and field(old, "max_age").blocks
    assert verdict(young, "inclusion", 1).verdict == "met"
    assert field(young, "max_age").verdict == "met" and not field(young, "max_age").blocks


def test_an_unmentioned_hiv_exclusion_stays_unknown_and_said_hiv_meets_it(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00001451"]  # exclusion 4: "Confirmed positive test for HIV"
    silent = trial_verdicts(trial, profile("I'm 45.", age=45, age_words="I'm 45"))
    said = trial_verdicts(
        trial, profile("I'm 45 and I have HIV.", terms=[("HIV", "mesh:HIV Infections", False)])
    )

    assert verdict(silent, "exclusion", 4).verdict == "unknown"
    assert verdict(silent, "exclusion", 4).used == []
    assert verdict(said, "exclusion", 4).verdict == "met"
    assert verdict(said, "exclusion", 4).used == ["HIV"]


def test_no_diabetes_said_means_the_diabetes_exclusion_is_not_met(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00006190"]  # exclusion 4: "Subjects with diabetes mellitus"
    text = "I have no diabetes."
    said_no = trial_verdicts(
        trial, profile(text, terms=[("diabetes", "mesh:Diabetes Mellitus", True)])
    )
    said_yes = trial_verdicts(
        trial, profile("I have diabetes.", terms=[("diabetes", "mesh:Diabetes Mellitus", False)])
    )

    no = verdict(said_no, "exclusion", 4)
    assert no.criterion == "Subjects with diabetes mellitus"
    assert no.verdict == "not_met" and not no.blocks
    assert no.used == ["no diabetes"] and no.used[0] in text
    assert verdict(said_yes, "exclusion", 4).verdict == "met"
    assert verdict(said_yes, "exclusion", 4).blocks


def test_an_absent_narrow_condition_does_not_rule_out_a_broader_criterion(
    match_trials: dict[str, Trial],
) -> None:
    """'No type 1 diabetes' says nothing about diabetes of another kind."""
    trial = match_trials["NCT00006190"]
    out = trial_verdicts(
        trial,
        profile(
            "No type 1 diabetes.",
            terms=[("type 1 diabetes", "mesh:Diabetes Mellitus, Type 1", True)],
        ),
    )
    assert verdict(out, "exclusion", 4).verdict == "unknown"


def test_every_criterion_gets_exactly_one_verdict_quoted_from_the_source(
    match_trials: dict[str, Trial],
) -> None:
    for trial in match_trials.values():
        out = trial_verdicts(trial, profile("I'm 45.", age=45, age_words="I'm 45"))
        crits = [v for v in out if v.about == "criterion"]
        assert [(v.kind, v.number) for v in crits] == [(c.kind, c.number) for c in trial.criteria]
        for v in out:
            assert trial.source.text[v.span.start : v.span.end] == v.criterion
            assert v.reason


def test_a_sex_field_is_unknown_until_the_sex_is_said(match_trials: dict[str, Trial]) -> None:
    trial = match_trials["NCT00001451"]  # Sex: All
    silent = trial_verdicts(trial, profile("I'm 45.", age=45, age_words="I'm 45"))
    woman = trial_verdicts(trial, profile("I'm a woman.", sex="FEMALE", sex_words="woman"))

    assert not [v for v in silent if v.about == "sex"]  # open to all: nothing to ask
    assert field(woman, "sex").verdict == "met" and field(woman, "sex").used == ["woman"]


def test_a_man_does_not_meet_a_pregnancy_exclusion_and_a_silent_woman_stays_unknown(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00001451"]  # exclusion 10: "Pregnant patients will be excluded."
    man = profile(
        "A 40 year old man.", age=40, age_words="40 year old", sex="MALE", sex_words="man"
    )
    woman = profile(
        "A 40 year old woman.", age=40, age_words="40 year old", sex="FEMALE", sex_words="woman"
    )

    his = verdict(trial_verdicts(trial, man), "exclusion", 10)
    hers = verdict(trial_verdicts(trial, woman), "exclusion", 10)

    assert his.verdict == "not_met" and his.used == ["man"] and not his.blocks
    assert hers.verdict == "unknown" and hers.used == []
