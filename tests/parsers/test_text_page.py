"""The generic text parser on layouts other than the seeds: rules, not per-site scripts."""

from __future__ import annotations

import pytest

from summarizer.parsers.base import ParseError
from summarizer.parsers.text.criteria import split_criteria
from summarizer.parsers.text.lines import split_lines
from summarizer.parsers.text_page import PARSER

from .spans import span_problems

PLAIN_PAGE = """A Randomized Trial of Drug Q in Adults With Moderate Asthma

Status: Not yet recruiting
Phase: Phase 3
Study Type: Interventional
Enrollment: 240 (anticipated)
Ages: 18 Years and older
Gender: Female
Sponsor: Example Pharma (industry)

Summary

This randomized, double-blind, placebo-controlled study tests whether Drug Q reduces asthma attacks
in adults whose asthma is not controlled by inhaled steroids.

Eligibility:
Inclusion Criteria:
- Asthma diagnosed at least 12 months ago
- On inhaled steroids
  a) stable dose for 4 weeks
  b) good adherence
Exclusion Criteria:
1) Current smoker
2) Pregnant or breastfeeding
"""


def test_plain_labelled_page() -> None:
    [t] = PARSER.parse("plain.txt", PLAIN_PAGE)
    assert t.brief_title is not None and t.brief_title.value.startswith("A Randomized Trial")
    assert t.status is not None and t.status.value == "NOT_YET_RECRUITING"
    assert [p.value for p in t.phases] == ["PHASE3"]
    assert t.enrollment is not None and (t.enrollment.count, t.enrollment.kind) == (
        240,
        "estimated",
    )
    assert t.min_age is not None and t.min_age.years == 18 and t.max_age is None
    assert t.sex is not None and t.sex.value == "FEMALE"
    assert t.sponsor is not None and t.sponsor.value == "Example Pharma"
    assert {"randomized", "double blind", "placebo-controlled"} <= {d.value for d in t.design}
    assert [c.text for c in t.inclusion_criteria] == [
        "Asthma diagnosed at least 12 months ago",
        "On inhaled steroids\n  a) stable dose for 4 weeks\n  b) good adherence",
    ]
    assert [c.text for c in t.exclusion_criteria] == ["Current smoker", "Pregnant or breastfeeding"]
    assert t.nct_id is None and t.trial_id.startswith("doc-")
    assert span_problems(t) == []


def test_inline_criteria_headings_and_colon_values() -> None:
    page = (
        "Trial NCT00000001: vitamin D in older adults with low bone density\n"
        "Inclusion Criteria: Aged 65 to 90 years\n"
        "Exclusion Criteria: - Kidney failure\n- Hypercalcemia\n"
    )
    [t] = PARSER.parse("inline.txt", page)
    assert t.trial_id == "NCT00000001"
    assert [c.text for c in t.inclusion_criteria] == ["Aged 65 to 90 years"]
    assert [c.text for c in t.exclusion_criteria] == ["Kidney failure", "Hypercalcemia"]
    assert t.min_age is not None and t.min_age.years == 65
    assert t.max_age is not None and t.max_age.years == 90
    assert span_problems(t) == []


def test_page_without_sections_keeps_what_it_found_with_warnings() -> None:
    page = (
        "Gene therapy for sickle cell disease in teenagers\n\n"
        "NCT05550001 is testing whether a one-time gene therapy can stop pain crises in "
        "teenagers with sickle cell disease. Participants will be followed for five years.\n"
    )
    [t] = PARSER.parse("loose.txt", page)
    assert t.trial_id == "NCT05550001"
    assert t.brief_title is not None and t.brief_title.value.startswith("Gene therapy")
    assert t.brief_summary is not None and "pain crises" in t.brief_summary.value
    assert any("criteria" in w for w in t.warnings)
    assert span_problems(t) == []


@pytest.mark.parametrize(
    "text",
    ["Shopping list\n\n- eggs\n- milk\n", "Hello world. Nothing to see here at all today.", "42"],
)
def test_nothing_trial_like_is_a_parse_error(text: str) -> None:
    with pytest.raises(ParseError, match="no recognizable trial sections"):
        PARSER.parse("other.txt", text)


def test_empty_text_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        PARSER.parse("empty.txt", "  \n ")


def test_detection_is_a_low_confidence_fallback() -> None:
    assert PARSER.detect("a.txt", "") == 0
    assert PARSER.detect("a.json", '{"protocolSection": {}}') == 0
    assert PARSER.detect("a.xml", "<?xml version='1.0'?><clinical_study/>") == 0
    assert 0 < PARSER.detect("a.txt", "anything at all") < 0.5
    assert PARSER.detect("a.txt", "Inclusion Criteria: adults") > PARSER.detect("a.txt", "hi")


def test_crlf_is_normalized_and_spans_index_the_normalized_text() -> None:
    [t] = PARSER.parse("crlf.txt", PLAIN_PAGE.replace("\n", "\r\n"))
    assert "\r" not in t.source.text
    assert span_problems(t) == []


def test_criteria_groups_and_notes() -> None:
    block = (
        "Cohort A:\n"
        "1. Adults\n"
        "2. Measurable disease\n"
        "Note: either 1 or 2 may be waived.\n"
        "Cohort B:\n"
        "1. Children\n"
    )
    items, used = split_criteria(block, split_lines(block))
    assert [(c.piece.text.split("\n")[0], c.group.text if c.group else None) for c in items] == [
        ("Adults", "Cohort A"),
        ("Measurable disease", "Cohort A"),
        ("Children", "Cohort B"),
    ]
    assert "Note: either" in items[1].piece.text
    assert used == 6


def test_list_ends_at_prose_after_a_blank_line() -> None:
    block = "- one\n- two\n\nTo contact the team, call the number below.\n"
    items, used = split_criteria(block, split_lines(block))
    assert [c.piece.text for c in items] == ["one", "two"]
    assert used == 2
