"""How the fit check reads a few more shapes of bullet and criterion (session 25, round 4 of the
fit-bullet set): a condition named only as a qualifier ('HIV-related infection', 'anti-HIV
drugs') is not what a criterion is about; a bullet that joins two criteria has its numbers
compared with the one that states numbers; a count's time unit is read across 'or more' and
'consecutive'; 'without a break for 2 years' puts no 'not' over the 2 years; an exclusion item
that opens with a bare 'Cannot' says who is unable, so its 'not' is read; a family of conditions
('cancer', 'foot deformity') is named by its qualifying words, and a bare specific head
('neuropathy') by itself. Each right reading beside the wrong one that must still be caught."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.checker.criteria_check import check_bullet
from summarizer.models import Statement, Trial


def _built(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    from tests.criteria.build import trial_with

    return trial_with(inclusion, exclusion)


def _verdict(trial: Trial, text: str, role: str) -> str:
    st = Statement(text=text, trial_id=trial.trial_id)
    return check_statement(st, trial, role=role).verdict  # type: ignore[arg-type]


def _kinds(trial: Trial, text: str, role: str) -> set[str]:
    return {f.kind for f in check_bullet(text, trial, role).findings}


HIV = _built(
    ["Are HIV-positive.", "Are at least 13 years old."],
    [
        "Have an active opportunistic (HIV-related) infection at study entry.",
        "Have received certain antiretroviral (anti-HIV) drugs.",
        "Have chronic diarrhea.",
    ],
)


def test_a_condition_that_only_qualifies_another_word_is_not_what_a_criterion_is_about() -> None:
    check = check_bullet("You have HIV infection.", HIV, "good_fit")
    assert check.findings == []
    assert check.span is not None
    assert HIV.source.text[check.span[0] : check.span[1]] == "Are HIV-positive."
    # The same bullet as a reason not to join rests on the inclusion: turned round.
    assert "polarity" in _kinds(HIV, "You have HIV infection.", "not_fit")


PI = _built(
    [
        "HIV infected",
        "Have taken at least 1 PI continuously for 2 or more years. Stopping therapy for 4 weeks "
        "or less is allowed.",
    ]
)


def test_a_bullet_joining_two_criteria_has_its_numbers_read_against_the_one_with_numbers() -> None:
    right = (
        "You have HIV infection and have taken at least 1 PI without a break for 2 or more years."
    )
    assert _kinds(PI, right, "good_fit") == set()
    assert _verdict(PI, right, "good_fit") == "supported"
    # '4 or more years' meets the '4 weeks' of the same criterion: a changed number either way.
    assert {"number", "unit"} & _kinds(PI, right.replace("2 or more", "4 or more"), "good_fit")
    assert "number" in _kinds(PI, right.replace("2 or more", "3 or more"), "good_fit")
    assert "unit" in _kinds(PI, right.replace("years", "months"), "good_fit")
    assert "comparator" in _kinds(PI, right.replace("at least 1", "at most 1"), "good_fit")


def test_a_time_unit_after_consecutive_is_the_counts_unit() -> None:
    trial = _built(
        ["Adults"],
        ["Systemic steroids at doses greater than 5 mg/day for more than 30 consecutive days"],
    )
    right = "You have taken steroids at more than 5 mg/day for more than 30 days in a row."
    assert _kinds(trial, right, "not_fit") == set()
    assert "unit" in _kinds(trial, right.replace("30 days", "30 weeks"), "not_fit")


def test_a_bare_cannot_that_opens_an_exclusion_says_who_is_unable() -> None:
    trial = _built(["Are HIV-positive."], ["Cannot take ZDV, 3TC, or higher doses of RTV."])
    assert _verdict(trial, "You cannot take ZDV or 3TC.", "not_fit") == "supported"
    assert _verdict(trial, "You can take ZDV or 3TC.", "not_fit") != "supported"
    # With a subject it stays a prohibition: 'Patients cannot have X' excludes people with X.
    ruled = _built(["Adults"], ["Patients cannot have sarcoidosis."])
    assert _verdict(ruled, "You have sarcoidosis.", "not_fit") == "supported"


def test_a_family_of_conditions_is_named_by_its_qualifying_words() -> None:
    trial = _built(
        ["Cutaneous Kaposi's sarcoma."],
        ["History of malignancies other than Kaposi's sarcoma."],
    )
    assert "condition" not in _kinds(trial, "You have had another cancer.", "not_fit")
    assert "condition" in _kinds(trial, "You have active cervix cancer.", "not_fit")
    feet = _built(["Diabetes"], ["Open ulcers of the foot"])
    assert "condition" not in _kinds(feet, "You have a foot deformity.", "not_fit")
    hands = _built(["Diabetes"], ["Open ulcers of the hand"])
    assert "condition" in _kinds(hands, "You have a foot deformity.", "not_fit")


def test_a_bare_specific_condition_head_must_be_named_in_the_trial() -> None:
    trial = _built(["Schizophrenia"], ["Current substance dependence", "History of epilepsy"])
    assert "condition" in _kinds(trial, "You have a neuropathy.", "not_fit")
    assert "condition" not in _kinds(trial, "You have a disorder.", "not_fit")
    assert "condition" not in _kinds(trial, "You have epilepsy.", "not_fit")


def test_a_minus_sign_makes_a_value_negative_and_a_hyphen_does_not() -> None:
    trial = _built(
        ["Lumbar spine bone density less than or equal to -2 standard deviations (z-score)"]
    )
    assert _kinds(trial, "Your spine z-score is -2 or lower.", "good_fit") == set()
    assert "comparator" in _kinds(trial, "Your spine z-score is -2 or higher.", "good_fit")
    ages = _built(["Aged 18-65 years", "Platelets at least 100,000/mm3"])
    assert _kinds(ages, "Your platelets are at least 100,000/mm3.", "good_fit") == set()


def test_a_state_said_in_its_opposite_form_turns_the_bullet_round() -> None:
    trial = _built(["Adults"], ["Major, untreated medical diseases"])
    assert _verdict(
        trial, "You have a major medical disease that is not being treated.", "not_fit"
    ) == ("supported")
    assert _verdict(
        trial, "You have a major medical disease that is being treated.", "not_fit"
    ) != ("supported")
    hodgkin = _built(["Previously untreated classical Hodgkin lymphoma"])
    assert _verdict(hodgkin, "Your Hodgkin lymphoma has not been treated before.", "good_fit") == (
        "supported"
    )
    assert "polarity" in _kinds(
        hodgkin, "Your Hodgkin lymphoma has been treated before.", "good_fit"
    )


def test_intolerance_of_a_dose_is_a_not_over_the_dose() -> None:
    trial = _built(
        ["HIV infection"],
        ["History of intolerance to AZT dose of 500 or less mg/day that resulted in stopping it."],
    )
    right = "You could not tolerate an AZT dose of 500 mg/day or less."
    assert _verdict(trial, right, "not_fit") == "supported"
    assert _verdict(trial, right.replace("could not", "could"), "not_fit") != "supported"


def test_words_outside_a_bracketed_aside_decide_between_equal_criteria() -> None:
    trial = _built(
        ["Are HIV-positive."],
        [
            "Cannot take ZDV or higher doses of RTV.",
            "Have received certain drugs. (Changed to include women receiving ZDV for 3 weeks.)",
        ],
    )
    check = check_bullet("You can take ZDV.", trial, "not_fit")
    assert check.span is not None
    assert trial.source.text[check.span[0] : check.span[1]].startswith("Cannot take ZDV")
    assert _verdict(trial, "You cannot take ZDV.", "not_fit") == "supported"


def test_skin_cancer_generalizes_skin_carcinoma() -> None:
    trial = _built(
        ["Cutaneous Kaposi's sarcoma."],
        ["Malignancies other than Kaposi's sarcoma, except resected basal cell skin carcinoma."],
    )
    assert "condition" not in _kinds(trial, "You have had skin cancer.", "not_fit")
    assert "condition" in _kinds(trial, "You have had bladder cancer.", "not_fit")


def test_a_list_items_number_is_not_an_amount() -> None:
    trial = _built(
        ["Adults"],
        [
            "Any of the following:\n  7. an acute infection\n  8. received influenza vaccine "
            "within the past 6 months"
        ],
    )
    right = "You had a flu vaccine in the past 6 months."
    assert _kinds(trial, right, "not_fit") == set()
    assert "number" in _kinds(trial, right.replace("6 months", "8 months"), "not_fit")
