"""Seed trials as source-backed records, and a helper citing exact source words."""

from __future__ import annotations

import pytest

from evals.trials import seed_trials
from summarizer.models import Citation, Trial


@pytest.fixture(scope="session")
def seeds() -> dict[str, Trial]:
    """The five seeds by prefix ('000'...), parsed when the parsers can, else source-only."""
    from pathlib import Path

    return {Path(t.source.path).name[:3]: t for t in seed_trials()}


@pytest.fixture(scope="session")
def cite():
    def make(trial: Trial, quote: str, section: str = "other") -> Citation:
        start = trial.source.text.index(quote)
        return Citation(
            trial_id=trial.trial_id,
            section=section,
            quote=quote,
            start=start,
            end=start + len(quote),
        )

    return make
