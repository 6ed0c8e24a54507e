"""verify_match: a verdict stands only when its quote is the source's words and its words are
the person's; otherwise it is left open and marked unchecked."""

from __future__ import annotations

from summarizer.match.screen import draft
from summarizer.models import Trial
from summarizer.verify import verify_match

from .conftest import profile


def test_true_verdicts_are_marked_checked(match_trials: dict[str, Trial]) -> None:
    trial = match_trials["NCT00001451"]
    person = profile("I'm 65.", age=65, age_words="I'm 65")
    [checked] = verify_match([draft(trial, person, 1)], {trial.trial_id: trial}, person)

    assert all(v.checked for v in checked.verdicts)
    assert checked.blocked


def test_a_verdict_whose_quote_is_not_the_source_is_downgraded(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00001451"]
    person = profile("I'm 65.", age=65, age_words="I'm 65")
    match = draft(trial, person, 1)
    forged = [
        v.model_copy(update={"criterion": "Age 18-70."}) if v.verdict == "not_met" else v
        for v in match.verdicts
    ]
    [checked] = verify_match(
        [match.model_copy(update={"verdicts": forged})], {trial.trial_id: trial}, person
    )

    downgraded = [v for v in checked.verdicts if not v.checked]
    assert downgraded and all(v.verdict == "unknown" and v.used == [] for v in downgraded)
    assert all(v.criterion == "Age 18-70." for v in downgraded)
    assert not checked.blocked  # the forged block no longer counts
    assert [v for v in checked.verdicts if v.checked and v.verdict == "met"]


def test_a_verdict_resting_on_words_the_person_did_not_write_is_downgraded(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00001451"]
    person = profile("I'm 45.", age=45, age_words="I'm 45")
    match = draft(trial, person, 1)
    claimed = [
        v.model_copy(update={"used": ["I'm 80"]}) if v.verdict == "met" else v
        for v in match.verdicts
    ]
    [checked] = verify_match(
        [match.model_copy(update={"verdicts": claimed})], {trial.trial_id: trial}, person
    )

    assert match.met_inclusions > 0
    assert checked.met_inclusions == 0
    assert all(not v.checked for v in checked.verdicts if "could not be checked" in v.reason)
