"""How long ago a condition happened, read from its own clause of the description."""

from __future__ import annotations

from summarizer.match.facts import profile_facts
from summarizer.models.match import ProfileTerm

from .conftest import profile

MI = "mesh:Myocardial Infarction"
STROKE = "mesh:Stroke"


def test_a_date_in_the_same_clause_dates_that_condition_only() -> None:
    text = "I had a heart attack 3 years ago. I also had a stroke."
    facts = profile_facts(
        profile(text, terms=[("heart attack", MI, False), ("stroke", STROKE, False)])
    )

    assert facts.ago[f"concept:{MI}"] == (3 * 365.25, "3 years ago")
    assert f"concept:{STROKE}" not in facts.ago


def test_a_date_before_the_condition_in_its_clause_counts() -> None:
    text = "Two months ago she had a stroke."
    facts = profile_facts(profile(text, terms=[("stroke", STROKE, False)]))

    assert facts.ago[f"concept:{STROKE}"][1] == "Two months ago"


def test_a_condition_dated_two_ways_or_said_as_absent_is_left_undated() -> None:
    twice = "A stroke 2 years ago; another stroke 3 months ago."
    first = twice.index("stroke")
    second = twice.index("stroke", first + 1)
    terms = [
        ProfileTerm(words="stroke", start=s, end=s + 6, concept=STROKE) for s in (first, second)
    ]
    dated_twice = profile_facts(profile(twice).model_copy(update={"terms": terms}))
    absent = profile_facts(profile("No stroke 2 years ago.", terms=[("stroke", STROKE, True)]))
    once = profile_facts(profile("A stroke 2 years ago.", terms=[("stroke", STROKE, False)]))

    assert f"concept:{STROKE}" not in dated_twice.ago
    assert f"concept:{STROKE}" not in absent.ago
    assert f"concept:{STROKE}" in once.ago
