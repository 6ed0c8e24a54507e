"""A claim's framing ('Rules you out:', 'does not take') is one negation, the quoted criterion
keeps its own; status words read the way a patient sentence uses them."""

from __future__ import annotations

import pytest

from summarizer.checker import check_statement
from summarizer.checker.entities import statuses
from summarizer.checker.polarity import compare
from summarizer.models import Statement


@pytest.mark.parametrize(
    ("claim", "role"),
    [
        ("Rules you out: Severe infection that cannot be effectively controlled.", "not_fit"),
        ("Severe infection that cannot be effectively controlled.", "not_fit"),
        ("This trial does not take people with infection that cannot be controlled.", None),
        ("Organs: You have end-stage kidney failure (LN is excluded).", "not_fit"),
    ],
)
def test_a_quoted_exclusion_under_an_exclusion_frame_agrees(claim, role):
    source = "Severe infection or persistent infection that cannot be effectively controlled."
    if "LN" in claim:
        source = "Subjects with end-stage renal failure(LN is excluded)"
    pc = compare(claim, source, role=role, kind="exclusion", flipped_limits=0)
    assert not pc.conflict, pc


def test_an_exclusion_offered_as_a_good_fit_still_conflicts():
    source = "Severe infection or persistent infection that cannot be effectively controlled."
    claim = "Severe infection that cannot be effectively controlled."
    assert compare(claim, source, role="good_fit", kind="exclusion", flipped_limits=0).conflict


def test_a_leading_no_repeats_the_negation_that_follows():
    claim = "No, this trial does not take healthy volunteers."
    pc = compare(claim, "Accepts Healthy Volunteers: | No", role=None, kind=None, flipped_limits=0)
    assert not pc.conflict


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("This trial is completed, so it is not taking new people.", ["COMPLETED"]),
        ("This trial was stopped early, so it is not taking new people.", ["TERMINATED"]),
        ("This trial is still running but is not taking new people.", ["ACTIVE_NOT_RECRUITING"]),
        ("Yes, this trial is recruiting: it is taking new people.", ["RECRUITING"]),
    ],
)
def test_not_taking_new_people_is_not_a_status_of_its_own(text, status):
    assert statuses(text) == status


def test_a_store_id_is_a_name_not_numbers(seeds, cite):
    trial = seeds["001"].model_copy(update={"trial_id": "doc-11ec14eb1d91"})
    title = trial.source.text.splitlines()[0].strip()
    st = Statement(
        text=f"{title} (doc-11ec14eb1d91) targets CD22.",
        citations=[cite(trial, title, "quick_facts")],
    )
    check = check_statement(st, trial)
    assert not any("number" in r for r in check.reasons), check.reasons
