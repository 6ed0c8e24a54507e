"""How the fit check reads four more shapes of bullet and criterion (session 25, round 5 of the
fit-bullet set): a thing the criterion names both ways round ('first HIV-negative and later
HIV-positive') is not turned round by a bullet that names it both ways too; a negation cue
reaches over a long noun phrase with a relative clause ('without access to a legal guardian who
can provide informed consent'); a bullet's amount in a unit the aligned criterion does not use
is read against the criterion that states it in that unit; 'under control' is the plain form of
'controlled'. Each right reading beside the wrong one that must still be caught."""

from __future__ import annotations

from summarizer.checker import check_statement
from summarizer.models import Statement, Trial


def _built(inclusion: list[str], exclusion: list[str] = ()) -> Trial:  # type: ignore[assignment]
    from tests.criteria.build import trial_with

    return trial_with(inclusion, exclusion)


def _verdict(trial: Trial, text: str, role: str) -> str:
    st = Statement(text=text, trial_id=trial.trial_id)
    return check_statement(st, trial, role=role).verdict  # type: ignore[arg-type]


SEROCONVERTER = _built(
    [
        "Are first HIV-negative and later test HIV-positive; or are HIV-positive and have "
        "evidence of being HIV-negative within the 8 months prior to first testing HIV-positive."
    ],
    ["Have tuberculosis."],
)


def test_a_thing_named_both_ways_in_bullet_and_criterion_is_not_turned_round() -> None:
    right = "You first tested HIV-negative and later tested HIV-positive."
    assert _verdict(SEROCONVERTER, right, "good_fit") == "supported"
    assert _verdict(SEROCONVERTER, right, "not_fit") == "contradicted"
    later = "You are HIV-positive and had evidence of being HIV-negative before your first test."
    assert _verdict(SEROCONVERTER, later, "good_fit") == "supported"
    assert _verdict(SEROCONVERTER, later, "not_fit") == "contradicted"


POSITIVE = _built(["Are HIV-positive.", "Are at least 13 years old."], ["Have tuberculosis."])


def test_a_thing_the_criterion_names_one_way_is_still_read_against_it() -> None:
    assert _verdict(POSITIVE, "You are HIV-positive.", "good_fit") == "supported"
    assert _verdict(POSITIVE, "You are not HIV-positive.", "good_fit") == "contradicted"


GUARDIAN = _built(
    ["Child is between 5 and 15 years of age."],
    [
        "Child is in placement without access to a legally authorized guardian who can provide "
        "informed consent."
    ],
)


def test_a_negation_reaches_over_a_long_noun_phrase_with_a_relative_clause() -> None:
    right = "Your child is in placement with no access to a legal guardian who can give consent."
    assert _verdict(GUARDIAN, right, "not_fit") == "supported"
    wrong = "Your child is in placement with access to a legal guardian who can give consent."
    assert _verdict(GUARDIAN, wrong, "not_fit") == "contradicted"


TRANSPLANT = _built(
    [
        "Achievement of a partial remission or greater (more than 75% reduction in serum "
        "paraprotein) for patients transplanted in relapse.",
        "Greater than 60 days post BMT.",
    ]
)


def test_an_amount_in_another_unit_is_read_against_the_criterion_stating_it_in_its_unit() -> None:
    right = "It has been more than 60 days since your bone marrow transplant."
    assert _verdict(TRANSPLANT, right, "good_fit") == "supported"
    for wrong in (
        "It has been less than 60 days since your bone marrow transplant.",
        "It has been more than 62 days since your bone marrow transplant.",
        "It has been more than 60 weeks since your bone marrow transplant.",
    ):
        assert _verdict(TRANSPLANT, wrong, "good_fit") != "supported", wrong


INFECTION = _built(["Multiple myeloma."], ["Uncontrolled infection."])


def test_under_control_is_the_plain_form_of_controlled() -> None:
    right = "You have an infection that is not under control."
    assert _verdict(INFECTION, right, "not_fit") == "supported"
    wrong = "You have an infection that is under control."
    assert _verdict(INFECTION, wrong, "not_fit") == "contradicted"
