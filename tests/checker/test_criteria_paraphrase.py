"""Right paraphrases of criteria in forms an editor writes, beside the wrong bullet each turns
into: negation read by conjunct and by 'negative', the rest of a scale as a reason not to join,
limits said with 'within', ages without 'years', a measured amount that aligns, the bullet's own
'can join' frame, and a status sentence that says the trial takes people."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.checker.criteria_check import check_bullet
from summarizer.checker.entities import says_open
from summarizer.models import Statement, Trial


def _built(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    from tests.criteria.build import trial_with

    return trial_with(inclusion, exclusion)


def _verdict(trial: Trial, text: str, role: str) -> str:
    st = Statement(text=text, trial_id=trial.trial_id)
    return check_statement(st, trial, role=role).verdict  # type: ignore[arg-type]


def _kinds(trial: Trial, text: str, role: str) -> set[str]:
    return {f.kind for f in check_bullet(text, trial, role).findings}


def test_each_negated_conjunct_is_read_on_its_own() -> None:
    trial = _built(["Adults with asthma"], ["Pregnant or breastfeeding women"])
    for right in (
        "You are not pregnant and not breastfeeding.",
        "You are neither pregnant nor breastfeeding.",
        "You are not pregnant or breastfeeding.",
    ):
        assert _kinds(trial, right, "good_fit") == set(), right
    mixed = "You are not pregnant and you are breastfeeding."
    assert "polarity" in _kinds(trial, mixed, "good_fit")


def test_negative_after_a_condition_turns_it_round() -> None:
    trial = _built(["Adults with melanoma"], ["Patients who are HIV+"])
    assert _verdict(trial, "You are HIV-negative.", "good_fit") == "supported"
    assert _verdict(trial, "You are HIV-negative.", "not_fit") == "contradicted"
    assert _verdict(trial, "You are HIV-positive.", "good_fit") == "contradicted"


def test_the_rest_of_a_scale_is_a_reason_not_to_join() -> None:
    trial = _built(["ECOG performance status of 0 to 1", "Adults with lung cancer"])
    for right in ("Your ECOG performance status is 2 or higher.", "Your ECOG score is 2 to 4."):
        assert _verdict(trial, right, "not_fit") == "supported", right
        assert _verdict(trial, right, "good_fit") == "contradicted", right
    # past where the scale ends, or not next to the criterion's range: a changed number
    assert _verdict(trial, "Your ECOG score is 2 to 6.", "not_fit") == "contradicted"
    assert _verdict(trial, "Your ECOG performance status is 3 or higher.", "not_fit") != (
        "supported"
    )


def test_an_age_one_apart_from_the_limit_is_vouched_for_only_when_exact() -> None:
    trial = _built(["Age 19 years or older", "Adults with lymphoma"])
    assert _verdict(trial, "You are 18 or younger.", "not_fit") == "supported"
    assert _verdict(trial, "You are 17 or younger.", "not_fit") != "supported"


def test_within_is_an_upper_limit_and_not_turns_a_limit_round() -> None:
    far = "Lives more than 100 miles from the clinic"
    trial = _built(["Adults with alcohol dependence"], [far])
    assert _verdict(trial, "You live within 100 miles of the clinic.", "good_fit") == "supported"
    assert _verdict(trial, "You live within 100 miles of the clinic.", "not_fit") == (
        "contradicted"
    )
    assert _verdict(trial, "You do not live more than 100 miles away.", "good_fit") == ("supported")


def test_an_age_said_without_years_is_read_as_an_age() -> None:
    trial = _built(["Adults over 18 years of age with malignant melanoma"])
    assert _verdict(trial, "You must be over 18 and have melanoma.", "good_fit") == "supported"
    assert _verdict(trial, "You must be under 18 and have melanoma.", "good_fit") == (
        "contradicted"
    )


def test_a_shared_measured_amount_aligns_the_bullet() -> None:
    trial = _built(["Adults with heart failure"], ["Alcohol consumption > 80g/day"])
    right = "You drink no more than 80 g of alcohol a day."
    assert _verdict(trial, right, "good_fit") == "supported"
    wrong = "You drink no less than 80 g of alcohol a day."
    assert _verdict(trial, wrong, "good_fit") == "contradicted"


def test_the_bullets_own_join_frame_must_agree_with_its_role() -> None:
    trial = _built(["Adults with lymphoma"], ["HIV or active hepatitis B or C"])
    said = "People with HIV or active hepatitis B or C cannot join."
    assert _kinds(trial, said, "not_fit") == set()
    assert "polarity" in _kinds(trial, said.replace("cannot", "can"), "not_fit")
    carve = "You have hepatitis B, but people whose hepatitis B is cured can join."
    assert "polarity" not in _kinds(trial, carve, "not_fit")


def test_a_sentence_saying_the_trial_takes_people_is_read_against_its_status() -> None:
    assert says_open("This trial was withdrawn, so it is taking anyone.") is True
    assert says_open("This trial was withdrawn, so it is not taking anyone.") is False
    assert says_open("It is no longer recruiting.") is False
    assert says_open("You can join if you are 18 or older.") is None
