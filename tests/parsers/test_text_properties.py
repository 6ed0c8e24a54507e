"""Properties of the text parser on arbitrary input: only ParseError, spans always quote values."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summarizer.parsers.base import ParseError
from summarizer.parsers.html_page import PARSER as HTML
from summarizer.parsers.limits import MAX_SECTION_CHARS
from summarizer.parsers.text.layout import scan
from summarizer.parsers.text_page import PARSER

from .spans import span_problems

# Fragments that steer generated text into the parser's rules: headings, labels, markers.
FRAGMENTS = [
    "Inclusion Criteria:",
    "Exclusion Criteria",
    "Brief Summary",
    "Locations",
    "Status",
    "Recruiting",
    "Phase 1/2",
    "PhasePHASE2",
    "Ages18 Years to 65 Years",
    "Estimated Enrollment : | 30 participants |",
    "Sex: All",
    "NCT01234567",
    "Contact: A B, MD +1 555 123 4567 a@b.org | |",
    "Hospital X | Recruiting |",
    "Boston, Massachusetts, United States",
    "DRUG: x|BIOLOGICAL: y",
    "Dose, desc, Month 6, 12",
    "a | b |\n---|---|\nc | d |",
    "  • 1. ",
    "* ",
    "- ",
    "1. ",
    "i . ",
    "Common Inclusion Criteria:",
    "Note: ",
    "[ Time Frame: 2 weeks ]",
    "Launched by ACME · Jan 1, 2020",
    "open-label, single-arm",
    "Age ≥ 18 years",
    "\u202eRTL\u202c",
    "\x00\x0b\x1c\u2028",
    "\r\n",
    "\n",
    "\n\n",
]
texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=40).map(
    "".join
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_text_parser_only_raises_parse_error_and_spans_hold(text: str) -> None:
    try:
        trials = PARSER.parse("gen.txt", text)
    except ParseError:
        return
    for trial in trials:
        assert trial.source.text == text.replace("\r\n", "\n")
        assert span_problems(trial) == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text(text: str) -> None:
    try:
        trials = PARSER.parse("gen.txt", text)
    except ParseError:
        return
    assert all(span_problems(t) == [] for t in trials)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<p>", "</p>", "<li>", "<td>", "<tr>", "<script>", "</script>", "<br>"])
        | st.sampled_from(FRAGMENTS)
        | st.text(max_size=20),
        max_size=30,
    ).map(lambda parts: "<html><body>" + "".join(parts))
)
def test_html_parser_only_raises_parse_error(html: str) -> None:
    try:
        trials = HTML.parse("gen.html", html)
    except ParseError:
        return
    assert all(span_problems(t) == [] for t in trials)


def test_a_long_single_line_within_the_section_limit_is_one_criterion() -> None:
    line = "Inclusion Criteria: " + "x" * (MAX_SECTION_CHARS - 100)
    [trial] = PARSER.parse("long.txt", line)
    assert len(trial.inclusion_criteria) == 1
    assert span_problems(trial) == []


def test_the_layout_scan_reads_a_huge_single_line_in_one_pass() -> None:
    layout = scan("Inclusion Criteria: " + "x" * 2_000_000)
    [section] = layout.sections
    assert section.key == "inclusion" and len(section.criteria) == 1


def test_pages_and_sections_over_the_limits_are_refused_with_their_sizes() -> None:
    with pytest.raises(ParseError, match=r"page text too long \(2,000,020 characters"):
        PARSER.parse("huge.txt", "Inclusion Criteria: " + "x" * 2_000_000)
    section = "Exclusion Criteria:\n" + "- pregnant\n" * (MAX_SECTION_CHARS // 10)
    with pytest.raises(ParseError, match=r"^Exclusion Criteria section too long"):
        PARSER.parse("long.txt", "Title: T\n\n" + section)
