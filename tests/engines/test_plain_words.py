"""Plain words: criteria open as sentences about the reader, asides go, negations never flip."""

from __future__ import annotations

import pytest

from summarizer.checker.polarity import source_polarity
from summarizer.engines.extractive.plain_words import about_you, drop_asides, plain
from summarizer.engines.extractive.resources import load

RULES = load("glossary")["lead_rewrites"]


@pytest.mark.parametrize("rule", RULES, ids=[r["example"] for r in RULES])
def test_each_lead_rewrite_changes_its_example_and_keeps_its_negations(rule):
    out = about_you(rule["example"])
    assert out != rule["example"]
    assert source_polarity(out, None) == source_polarity(rule["example"], None)


def test_pregnancy_reads_as_a_plain_sentence():
    text = (
        "Female patients are in pregnancy and lactation, or have a pregnancy plan within 12 months."
    )
    assert plain(text).startswith("You are pregnant or breastfeeding")


def test_asides_without_numbers_go_and_short_limits_stay():
    assert drop_asides("Subjects with ECOG (Eastern Cooperative Oncology Group) 0-2") == (
        "Subjects with ECOG 0-2"
    )
    kept = "Long term use of corticosteroids (5mg per day for 2 weeks)"
    assert drop_asides(kept) == kept


def test_an_aside_that_states_an_exception_is_never_dropped():
    text = "Any concurrent malignancy (other than non-melanoma skin cancers) in the last 3 years"
    assert drop_asides(text) == text
    assert "other than non-melanoma skin cancers" in plain(text)
    assert drop_asides("Any cancer (including lymphoma) in the last 3 years") == (
        "Any cancer in the last 3 years"
    )


def test_a_cut_never_drops_a_negation():
    text = (
        "Severe infection or persistent infection of any kind that cannot be effectively controlled"
    )
    out = plain(text, keep_negation=True)
    assert "cannot" in out


def test_numbers_stay_verbatim():
    out = plain("Karnofsky score ≥70 and survival time more than 3 months")
    assert "≥70" in out and "3 months" in out


def test_a_long_criterion_is_kept_whole_never_cut():
    text = (
        "Serious intercurrent medical illnesses which would interfere with the ability of the "
        "patient to carry out the treatment program"
    )
    out = plain(text)
    assert "..." not in out and out.endswith("treatment program.")
    assert out.startswith("You have serious intercurrent")
