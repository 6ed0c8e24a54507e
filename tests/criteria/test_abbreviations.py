"""Short forms a record defines for itself are read as the concept their long form names."""

from __future__ import annotations

from summarizer.criteria import parse_trial
from summarizer.criteria.abbreviations import defined
from summarizer.criteria.vocabulary import load

from .build import trial_with


def test_a_defined_short_form_names_its_long_forms_concept_in_other_criteria():
    trial = trial_with(
        ["Type 1 diabetes mellitus (T1DM)", "Time since diagnosis of T1DM ≥ 5 years"],
        ["Any T1DM-related complication in the past year"],
    )
    parsed = parse_trial(trial)
    concept = "mesh:Diabetes Mellitus, Type 1"
    since = parsed.criteria[1].constraints
    assert [c.text for c in since if c.concept == concept] == ["T1DM"]
    window = next(c.window for c in since if c.window)
    assert (window.relation, window.amount, window.unit) == ("since_at_least", 5, "year")
    assert [c.text for c in parsed.criteria[2].constraints if c.concept == concept] == ["T1DM"]


def test_a_bracket_that_does_not_abbreviate_the_term_before_it_defines_nothing():
    vocab = load()
    assert set(defined("Type 1 diabetes mellitus (T1DM)", vocab)) == {"T1DM"}
    assert defined("Type 1 diabetes mellitus (ECOG)", vocab) == {}  # letters not in the term
    assert defined("diabetes treated at home (HbA1c)", vocab) == {}  # no term right before it
    trial = trial_with(["Adults with asthma", "No prior T1DM"])  # never defined here
    assert not [c for c in parse_trial(trial).criteria[1].constraints if c.text == "T1DM"]
