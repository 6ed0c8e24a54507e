"""The criteria step of fit bullets: typed facts against the criterion a bullet paraphrases.

Seed 000 is a B-cell lymphoma trial for ages 14 to 75 with 'ECOG ... 0 to 2' among its inclusion
criteria and pregnancy among its exclusions. Each planted mistake is contradicted (or, for a
dropped exception, unsupported) with the criterion quoted; the right paraphrase beside it stays
supported."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement
from summarizer.checker.criteria_check import check_bullet
from summarizer.models import Statement, Trial


@pytest.fixture(scope="module")
def lymphoma(seeds: dict[str, Trial]) -> Trial:
    return seeds["000"]


def _check(trial: Trial, text: str, role: str):
    return check_statement(Statement(text=text, trial_id=trial.trial_id), trial, role=role)  # type: ignore[arg-type]


def _kinds(trial: Trial, text: str, role: str) -> set[str]:
    return {f.kind for f in check_bullet(text, trial, role).findings}


def test_an_age_limit_changed_is_contradicted_and_the_right_one_is_not(lymphoma: Trial) -> None:
    assert "age" in _kinds(lymphoma, "You are 16 or older.", "good_fit")
    assert _kinds(lymphoma, "You are 14 or older.", "good_fit") == set()
    assert _check(lymphoma, "You are 16 or older.", "good_fit").verdict == "contradicted"


def test_an_age_limit_read_the_other_way_is_a_comparator_error(lymphoma: Trial) -> None:
    assert "comparator" in _kinds(lymphoma, "You are 75 or older.", "good_fit")
    assert _kinds(lymphoma, "You are older than 75.", "not_fit") == set()


def test_a_widened_range_is_contradicted_with_the_criterion_quoted(lymphoma: Trial) -> None:
    wrong = _check(lymphoma, "Your ECOG score is 0 to 4.", "good_fit")
    assert wrong.verdict == "contradicted"
    assert any(f.kind == "number" for f in wrong.findings)
    assert any("0 to 2" in e.quote for e in wrong.evidence)
    assert all(lymphoma.source.text[e.start : e.end] == e.quote for e in wrong.evidence)
    right = _check(lymphoma, "Your ECOG score is 0 to 2.", "good_fit")
    assert right.verdict == "supported"


def test_a_condition_the_trial_never_names_is_contradicted(lymphoma: Trial) -> None:
    step = check_bullet("You have lung cancer.", lymphoma, "good_fit")
    assert [f.kind for f in step.findings] == ["condition"]
    assert "not named" in step.findings[0].reason
    assert _kinds(lymphoma, "You have B-cell lymphoma.", "good_fit") == set()


def test_a_right_generalization_of_the_condition_passes(lymphoma: Trial) -> None:
    assert "condition" not in _kinds(lymphoma, "You have lymphoma.", "good_fit")


def test_pregnancy_as_a_good_fit_rests_on_an_exclusion(lymphoma: Trial) -> None:
    wrong = _check(lymphoma, "You are pregnant.", "good_fit")
    assert wrong.verdict == "contradicted"
    assert any(f.kind == "polarity" and "exclusion" in f.reason for f in wrong.findings)
    assert _check(lymphoma, "You are pregnant.", "not_fit").verdict != "contradicted"


def test_a_negation_turns_an_exclusion_into_a_good_fit(lymphoma: Trial) -> None:
    assert "polarity" not in _kinds(lymphoma, "You do not have HIV.", "good_fit")
    assert "polarity" in _kinds(lymphoma, "You have HIV.", "good_fit")


def test_an_inclusion_moved_under_not_a_fit_is_contradicted(lymphoma: Trial) -> None:
    assert "polarity" in _kinds(lymphoma, "Your ECOG score is 0 to 2.", "not_fit")
    assert "polarity" not in _kinds(lymphoma, "Your ECOG score is 0 to 2.", "good_fit")


def test_statements_without_a_fit_role_skip_the_step(lymphoma: Trial) -> None:
    assert check_bullet("You have lung cancer.", lymphoma, "other").findings == []
    assert check_bullet("You have lung cancer.", lymphoma, "good_fit").findings != []
