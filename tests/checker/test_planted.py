"""Planted errors in correct sentences about the seeds: caught per kind, clean text passes."""

from __future__ import annotations

import pytest

from evals.planted import fact_items, measure, source_items
from summarizer.checker import check_statement

FLOORS = {
    "number": 0.95,
    "age": 0.95,
    "trial_id": 0.95,
    "drug": 0.95,
    "target": 0.95,
    "swap": 0.85,
    "not": 0.75,
}


@pytest.fixture(scope="module")
def rates(seeds):
    trials = {t.trial_id: t for t in seeds.values()}
    items = fact_items(trials)
    for t in trials.values():
        items += source_items(t, limit=25)
    return measure(items, trials, check_statement)


@pytest.mark.parametrize("kind", sorted(FLOORS))
def test_planted_errors_are_caught(rates, kind) -> None:
    assert rates.counts[kind] >= 5, f"too few {kind} plants to measure"
    assert rates.detection[kind] >= FLOORS[kind], rates.misses[kind]


def test_untouched_sentences_rarely_raise_a_false_alarm(rates) -> None:
    assert rates.n_clean >= 100
    assert rates.false_alarm_rate <= 0.05
