"""Ranking: a trial with a blocking verdict goes below one with none; open questions are few."""

from __future__ import annotations

from summarizer.match.rank import open_questions, rank
from summarizer.match.screen import draft
from summarizer.models import Trial

from .conftest import profile


def test_a_trial_the_age_blocks_ranks_below_one_without_blocks_whatever_retrieval_said(
    match_trials: dict[str, Trial],
) -> None:
    person = profile("I'm 65.", age=65, age_words="I'm 65")
    narrow = draft(match_trials["NCT00001451"], person, retrieval_rank=1)  # ages 18-60
    wide = draft(match_trials["NCT00006190"], person, retrieval_rank=2)  # ages 18-70

    ranked = rank([narrow, wide])

    assert narrow.blocked and not wide.blocked
    assert [m.trial_id for m in ranked] == ["NCT00006190", "NCT00001451"]
    assert ranked[0].score > ranked[1].score


def test_without_blocks_retrieval_order_leads_and_met_ages_do_not_lift(
    match_trials: dict[str, Trial],
) -> None:
    person = profile("I'm 45.", age=45, age_words="I'm 45")
    first = draft(match_trials["NCT00006190"], person, retrieval_rank=1)
    second = draft(match_trials["NCT00001451"], person, retrieval_rank=2)
    assert not first.blocked and not second.blocked
    assert second.met_inclusions > first.met_inclusions  # its "Age 18-60." is met: an age only

    assert [m.trial_id for m in rank([first, second])] == ["NCT00006190", "NCT00001451"]
    same = second.model_copy(update={"verdicts": first.verdicts})
    assert [m.retrieval_rank for m in rank([same, first])] == [1, 2]


def test_a_blocked_trial_drops_a_few_places_not_below_every_unblocked_one(
    match_trials: dict[str, Trial],
) -> None:
    person = profile("I'm 65.", age=65, age_words="I'm 65")
    blocked = draft(match_trials["NCT00001451"], person, retrieval_rank=1)  # ages 18-60
    near = draft(match_trials["NCT00006190"], person, retrieval_rank=2)
    far = near.model_copy(update={"retrieval_rank": 40})

    assert [m.retrieval_rank for m in rank([blocked, near])] == [2, 1]
    assert [m.retrieval_rank for m in rank([blocked, far])] == [1, 40]


def test_open_questions_are_a_few_plain_questions_from_unknown_criteria(
    match_trials: dict[str, Trial],
) -> None:
    trial = match_trials["NCT00001451"]
    match = draft(trial, profile("I'm 45.", age=45, age_words="I'm 45"), retrieval_rank=1)
    unknown = [v for v in match.verdicts if v.verdict == "unknown"]

    questions = open_questions(trial, match.verdicts)

    assert len(unknown) > 4 and 1 <= len(questions) <= 4
    assert all(q.endswith("?") or q.endswith('?".') or q.endswith(".") for q in questions)
    assert any("HIV" in q or "hepatitis" in q for q in questions)
    assert not any("Age 18-60" in q for q in questions)  # met criteria are not asked about
