"""HTML pages: visible text extracted with its structure, then read by the text parser."""

from __future__ import annotations

from summarizer.parsers import detect
from summarizer.parsers.html_page import PARSER, extract_text

from .spans import span_problems

PAGE = """<!doctype html>
<html><head><title>Trial page</title>
<script>window.tracking = "Inclusion Criteria: fake";</script>
<style>.x { color: red }</style></head>
<body>
<nav><a href="/">Home</a></nav>
<h1>Pembrolizumab After Surgery for Stage III Melanoma</h1>
<p>ClinicalTrials.gov ID: NCT09876543</p>
<table>
  <tr><th>Status</th><td>Active, not recruiting</td></tr>
  <tr><th>Phase</th><td>Phase 2</td></tr>
  <tr><th>Enrollment</th><td>120 (actual)</td></tr>
  <tr><th>Ages</th><td>12 Years to 80 Years</td></tr>
</table>
<h2>Brief Summary</h2>
<p>This study checks whether giving pembrolizumab after surgery keeps melanoma from coming back
in people with stage III disease.</p>
<h2>Inclusion Criteria</h2>
<ul><li>Stage III melanoma, fully removed by surgery</li>
<li>Good organ function<ul><li>ANC &ge; 1500/&micro;L</li></ul></li></ul>
<h2>Exclusion Criteria</h2>
<ol><li>Prior anti-PD-1 therapy</li><li>Active autoimmune disease</li></ol>
<noscript>Please enable JavaScript</noscript>
<template><p>Inclusion Criteria: hidden</p></template>
</body></html>"""


def test_extraction_drops_scripts_and_keeps_structure() -> None:
    text = extract_text(PAGE)
    assert "tracking" not in text and "color: red" not in text
    assert "enable JavaScript" not in text and "hidden" not in text
    assert "Status | Active, not recruiting |" in text
    assert "- Stage III melanoma, fully removed by surgery" in text
    assert "  - ANC ≥ 1500/µL" in text


def test_html_page_parses_into_a_trial() -> None:
    assert detect("page.html", PAGE).name == "html_page"
    [t] = PARSER.parse("page.html", PAGE)
    assert t.source.format == "html_page"
    assert t.source.original == PAGE
    assert t.source.text == extract_text(PAGE)
    assert t.trial_id == "NCT09876543"
    assert t.brief_title is not None
    assert t.brief_title.value == "Pembrolizumab After Surgery for Stage III Melanoma"
    assert t.status is not None and t.status.value == "ACTIVE_NOT_RECRUITING"
    assert [p.value for p in t.phases] == ["PHASE2"]
    assert t.enrollment is not None and (t.enrollment.count, t.enrollment.kind) == (120, "actual")
    assert t.min_age is not None and t.min_age.years == 12
    assert t.max_age is not None and t.max_age.years == 80
    assert t.brief_summary is not None and "pembrolizumab" in t.brief_summary.value
    assert [c.text.split("\n")[0] for c in t.inclusion_criteria] == [
        "Stage III melanoma, fully removed by surgery",
        "Good organ function",
    ]
    assert "ANC" in t.inclusion_criteria[1].text
    assert [c.text for c in t.exclusion_criteria] == [
        "Prior anti-PD-1 therapy",
        "Active autoimmune disease",
    ]
    assert span_problems(t) == []


def test_detection() -> None:
    assert PARSER.detect("x.txt", "plain words, no markup") == 0
    assert PARSER.detect("x.txt", "<html><body><p>hi</p></body></html>") > 0.5
    assert PARSER.detect("x.html", "<p>hi</p>") > 0.5
