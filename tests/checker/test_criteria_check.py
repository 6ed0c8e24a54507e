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


# ---------------------------------------------------------------- built trials, one kind each


def _built(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    from tests.criteria.build import trial_with

    return trial_with(inclusion, exclusion)


def test_an_age_range_said_with_between_matches_the_trials_limits() -> None:
    trial = _built(["Women aged 18 to 45 years", "Requesting termination of pregnancy"])
    assert _kinds(trial, "You are between 18 and 45.", "good_fit") == set()
    assert _check(trial, "You are between 18 and 45.", "good_fit").verdict == "supported"
    assert "age" in _kinds(trial, "You are between 16 and 45.", "good_fit")


def test_the_ages_the_trial_takes_given_as_not_a_fit_are_contradicted() -> None:
    trial = _built(["Children ages 6-16 diagnosed with ADHD"])
    assert "polarity" in _kinds(trial, "You are a child aged 6 to 16.", "not_fit")
    assert _kinds(trial, "You are a child aged 6 to 16.", "good_fit") == set()


def test_an_age_among_any_of_options_is_not_the_trials_age_limit() -> None:
    trial = _built(
        [
            "Age of 50 years or older",
            "At least 1 of the following risk factors:\n- Prior stroke\n- Age of 75 years or older",
        ]
    )
    assert "age" in _kinds(trial, "You are 75 or older.", "good_fit")
    assert _kinds(trial, "You are 50 or older.", "good_fit") == set()


def test_at_most_is_an_upper_limit() -> None:
    trial = _built(["ECOG performance status of at most 2"])
    assert _kinds(trial, "Your ECOG score is at most 2.", "good_fit") == set()
    assert "comparator" in _kinds(trial, "Your ECOG score is at least 2.", "good_fit")


_UNITS = [
    ("Lives more than 100 miles from the clinic", "You live more than 100 {} from the clinic."),
    ("PSA above 20 ng/ml", "Your PSA is above 20 {}."),
    ("Platelets at least 100,000/mm3", "Your platelets are at least 100,000{}."),
    ("GFR between 15-60 mL/min/1.73 m^2", "Your GFR is between 15 and 60 {}/min/1.73 m^2."),
]


@pytest.mark.parametrize(
    ("criterion", "bullet", "wrong", "right"),
    [
        (*_UNITS[0], "km", "miles"),
        (*_UNITS[1], "mg/ml", "ng/ml"),
        (*_UNITS[2], "/ml", "/uL"),
        (*_UNITS[3], "l", "mL"),
    ],
)
def test_a_changed_unit_is_contradicted_and_the_same_unit_is_not(
    criterion: str, bullet: str, wrong: str, right: str
) -> None:
    trial = _built([criterion])
    assert "unit" in _kinds(trial, bullet.format(wrong), "good_fit")
    assert _kinds(trial, bullet.format(right), "good_fit") == set()


def test_a_rate_said_in_words_is_the_same_unit() -> None:
    trial = _built(["Adults"], ["Alcohol consumption > 80g/day"])
    assert "unit" not in _kinds(trial, "You drink more than 80 g of alcohol a day.", "not_fit")
    assert "number" in _kinds(trial, "You drink more than 60 g of alcohol a day.", "not_fit")


def test_a_lead_in_under_the_exclusion_heading_lists_requirements() -> None:
    trial = _built(
        ["Individuals 3-45 years old with a relative with type 1 diabetes"],
        ["To be eligible, a person must:", "Not have diabetes already."],
    )
    assert "polarity" not in _kinds(trial, "You do not have diabetes.", "good_fit")
    assert "polarity" in _kinds(trial, "You do not have diabetes.", "not_fit")
    assert "polarity" in _kinds(trial, "You do have diabetes.", "good_fit")


def test_the_criterion_speaking_of_the_same_time_is_the_one_aligned() -> None:
    trial = _built(
        [
            "Not currently receiving vitamin K antagonist therapy",
            "Vitamin K antagonist therapy previously demonstrated as unsuitable",
        ]
    )
    assert "polarity" not in _kinds(trial, "You are not taking a vitamin K antagonist.", "good_fit")
    assert "polarity" in _kinds(trial, "You are taking a vitamin K antagonist.", "good_fit")


def test_a_good_fit_bullet_aligns_to_the_criterion_it_reads_the_same_way_as() -> None:
    trial = _built(
        ["Persistent atrial fibrillation documented by ECG"],
        ["Planned ablation procedure for atrial fibrillation"],
    )
    assert _kinds(trial, "You have atrial fibrillation.", "good_fit") == set()
    assert _kinds(trial, "You are planning ablation for atrial fibrillation.", "not_fit") == set()


def test_an_aside_in_brackets_does_not_negate_the_criterion() -> None:
    trial = _built(["Clinically healthy (the physician would have no reservations)"])
    assert "polarity" not in _kinds(trial, "You are healthy.", "good_fit")
    assert "polarity" in _kinds(trial, "You are not healthy.", "good_fit")


def test_a_carve_out_across_a_line_break_is_still_the_criterions_exception() -> None:
    trial = _built(
        ["Adults"], ["Taking calcitonin or glucocorticoids (except\n  inhaled glucocorticoids)"]
    )
    step = check_bullet("You take glucocorticoids.", trial, "not_fit")
    assert [f.kind for f in step.findings] == ["exception"]
    assert (
        check_bullet("You take glucocorticoids, except inhaled ones.", trial, "not_fit").findings
        == []
    )


def test_a_condition_the_words_name_and_the_trial_does_not_is_flagged() -> None:
    trial = _built(["Has a relative with type 1 diabetes"])
    step = check_bullet("A relative has schizo-affective disorder.", trial, "good_fit")
    assert [f.kind for f in step.findings] == ["condition"]
    assert check_bullet("A relative has type 1 diabetes.", trial, "good_fit").findings == []


def test_another_form_of_the_same_word_names_the_condition() -> None:
    trial = _built(["Metastatic hormone refractory prostate cancer"])
    assert "condition" not in _kinds(trial, "Your prostate cancer has spread.", "good_fit")
    assert "condition" in _kinds(trial, "You have lung cancer.", "good_fit")


def test_a_named_treatment_the_trial_never_mentions_is_flagged() -> None:
    trial = _built(["Age of 50 years or older", "Atrial fibrillation"])
    assert "condition" in _kinds(trial, "You have nicotine dependence.", "good_fit")
    assert "condition" not in _kinds(trial, "You have atrial fibrillation.", "good_fit")


def test_life_expectancy_in_lay_words_aligns_to_its_criterion() -> None:
    trial = _built(
        ["Adults with atrial fibrillation"], ["Severe illness with life expectancy <1 year"]
    )
    assert _kinds(trial, "You are expected to live less than 1 year.", "not_fit") == set()
    assert _kinds(trial, "You are expected to live less than 2 years.", "not_fit") == {"number"}


def test_a_treatment_said_to_work_where_the_criterion_says_it_failed_is_contradicted() -> None:
    from tests.criteria.build import trial_with

    trial = trial_with(["Failed at least one prior chemotherapy regimen"], ["Pregnancy"])
    worked = check_bullet("You had at least one chemotherapy that did work.", trial, "good_fit")
    assert [f.kind for f in worked.findings] == ["polarity"]
    assert "failed" in worked.findings[0].reason
    for right in (
        "You had at least one chemotherapy that did not work.",
        "Your cancer did not respond to at least one chemotherapy.",
        "You had at least one chemotherapy.",  # says nothing of how it went
    ):
        assert check_bullet(right, trial, "good_fit").findings == [], right


def test_including_but_not_limited_to_in_a_bullet_is_no_exception_cue() -> None:
    from summarizer.checker.criteria_check import _EXC_CUE

    assert _EXC_CUE.search("Any cancer but not skin cancer")
    assert not _EXC_CUE.search("Heart problems, including but not limited to heart failure")
