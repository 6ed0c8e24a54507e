"""One trial screened against a profile: its verdicts (unchecked) and what to show about it."""

from __future__ import annotations

from summarizer.engines.common import registry_url
from summarizer.finder import plain_status
from summarizer.match.facts import ProfileFacts
from summarizer.match.rank import open_questions
from summarizer.match.verdicts import trial_verdicts
from summarizer.models import Trial
from summarizer.models.match import PersonProfile, TrialMatch


def retrieval_query(description: str, profile: PersonProfile) -> str:
    """What retrieval searches with: the description as read (capped), not ``profile.query``.

    The whole text ranks trials better than the condensed query, alone or fused with it by
    RRF (TREC 2021 odd-numbered topics, 551 judged trials: NDCG@10 eligible 0.548 raw, 0.513
    condensed, 0.542-0.544 fused): the words the condensing drops still tell trials apart."""
    return profile.text.strip() or profile.query or description


def draft(
    trial: Trial, profile: PersonProfile, retrieval_rank: int, facts: ProfileFacts | None = None
) -> TrialMatch:
    """The trial with every verdict drafted; verification and ranking come after."""
    return TrialMatch(
        trial_id=trial.trial_id,
        title=trial.title,
        status=plain_status(trial.status.value if trial.status else None),
        url=registry_url(trial),
        retrieval_rank=retrieval_rank,
        score=0.0,
        verdicts=trial_verdicts(trial, profile, facts),
    )


def with_questions(match: TrialMatch, trial: Trial) -> TrialMatch:
    """The open questions, from the verdicts as verified."""
    return match.model_copy(update={"open_questions": open_questions(trial, match.verdicts)})
