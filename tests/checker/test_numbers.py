"""Numbers read the same whatever the wording: units, ranges, limits, powers of ten, words."""

from __future__ import annotations

import pytest

from summarizer.checker.numbers import find, opposite, quantities, rival


def values(text: str) -> list[tuple[float, str | None]]:
    return [(q.value, q.unit) for q in quantities(text)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("14 Years", "14 years old"),
        ("≥ 18", "18 and over"),
        ("0.5×10\\^6 cells/kg", "0.5 x 10^6 cells/kg"),
        ("within five years", "within 5 years"),
        ("LVEF \\<50%", "less than 50 percent"),
        ("1,000 participants", "1000 participants"),
    ],
)
def test_equivalent_wordings_give_the_same_quantity(a: str, b: str) -> None:
    qa, qb = quantities(a), quantities(b)
    assert qa and qb
    assert all(find(q, qb) is not None for q in qa)


def test_a_range_shares_its_unit_and_bounds() -> None:
    low, high = quantities("Ages 14 Years to 75 Years")
    assert (low.value, low.unit, low.direction) == (14, "year", "ge")
    assert (high.value, high.unit, high.direction) == (75, "year", "le")
    ecog = quantities("ECOG 0-2")
    assert [q.value for q in ecog] == [0, 2]


def test_identifiers_are_not_quantities() -> None:
    assert quantities("NCT06503094 targets CD19 and CD 20; phase 1/2; SLEDAI-2000; v5.0") == []


def test_a_changed_value_with_the_same_unit_is_a_rival() -> None:
    claim = quantities("16 years")[0]
    pool = quantities("14 Years to 75 Years")
    assert find(claim, pool) is None
    assert rival(claim, pool) is not None


def test_limits_read_the_other_way_round_are_opposite() -> None:
    (under,) = quantities("under 18 years")
    (at_least,) = quantities("Age ≥ 18 years old")
    assert find(under, [at_least]) is not None
    assert opposite(under, at_least)
