"""Polarity: negation parity, flipped by role, exclusion criteria and limits read backwards."""

from __future__ import annotations

from summarizer.checker.polarity import compare


def test_good_fit_resting_on_an_exclusion_criterion_conflicts() -> None:
    pc = compare(
        "People with HIV", "HIV infection.", role="good_fit", kind="exclusion", flipped_limits=0
    )
    assert pc.conflict
    assert "exclusion" in (pc.reason or "")


def test_not_fit_bullet_from_an_exclusion_criterion_agrees() -> None:
    pc = compare(
        "People with HIV", "HIV infection.", role="not_fit", kind="exclusion", flipped_limits=0
    )
    assert not pc.conflict


def test_a_dropped_not_conflicts() -> None:
    pc = compare(
        "Eligible for a stem cell transplant",
        "Not eligible for HSCT",
        role=None,
        kind="inclusion",
        flipped_limits=0,
    )
    assert pc.conflict


def test_a_not_fit_bullet_reading_an_age_limit_backwards_agrees() -> None:
    pc = compare("People under 18", "Age ≥ 18", role="not_fit", kind="inclusion", flipped_limits=1)
    assert not pc.conflict
