"""Rendering: nothing from a document becomes markup; citations become footnotes."""

from __future__ import annotations

import json

import pytest

from summarizer.models import (
    Answer,
    Check,
    Citation,
    FitDraft,
    LaySummary,
    Statement,
    SummarySection,
)
from summarizer.render import render

EVIL = '<script>alert("x")</script> & <b>bold</b>'
OK = Check(verdict="supported", score=1.0)
GUIDE = Check(verdict="guidance", score=0.0, reasons=["general guidance"])


def summary() -> LaySummary:
    cite = Citation(trial_id="T1", section="summary", quote=EVIL, start=0, end=len(EVIL))
    return LaySummary(
        trial_id="T1",
        title="A <i>title</i>",
        engine="extractive",
        sections=[
            SummarySection(
                key="studies",
                heading="What this trial studies",
                grade=6.2,
                statements=[Statement(text=EVIL, citations=[cite], check=OK)],
            ),
            SummarySection(
                key="how",
                heading="How to take part",
                statements=[Statement(text="Ask your doctor.", fields=["guidance"], check=GUIDE)],
            ),
        ],
    )


def test_html_escapes_document_text():
    page = render(summary(), "html")
    assert "<script>" not in page and "<b>bold</b>" not in page and "<i>title</i>" not in page
    assert "&lt;script&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page


def test_html_citations_are_numbered_footnotes():
    page = render(summary(), "html")
    assert 'href="#ref-1"' in page and 'id="ref-1"' in page
    assert "reading grade 6.2" in page and "general guidance" in page


def test_markdown_has_footnotes_and_escapes_markup():
    md = render(summary(), "md")
    assert "## What this trial studies" in md
    assert "[^1]" in md and "[^1]: T1, summary" in md
    assert "<script>" not in md


def test_json_is_the_model_dump():
    data = json.loads(render(summary(), "json"))
    assert LaySummary.model_validate(data) == summary()


def test_answers_and_drafts_render():
    answer = Answer(
        question="Where?", engine="e", statements=[Statement(text="In Wuhan.", check=OK)]
    )
    assert "In Wuhan." in render(answer, "md") and "In Wuhan." in render(answer, "html")
    draft = FitDraft(
        trial_id="T1",
        engine="e",
        good_fit=[Statement(text="Adults.", check=OK)],
        not_fit=[Statement(text="Pregnancy.", check=OK)],
    )
    md = render(draft, "md")
    assert "Good fit:" in md and "Not a fit:" in md


def test_unknown_format_is_a_clear_error():
    with pytest.raises(ValueError, match="cannot render"):
        render(summary(), "pdf")


def _unchecked_summary() -> LaySummary:
    return LaySummary(trial_id="T1", title="T", engine="e", sections=[])


def test_markdown_marks_each_statement_with_its_check_and_explains_the_marks():
    bad = Check(verdict="unsupported", score=0.1)
    flagged = summary().model_copy(
        update={
            "sections": [
                *summary().sections,
                SummarySection(
                    key="why",
                    heading="Why it matters",
                    statements=[Statement(text="It cures everyone.", check=bad)],
                ),
            ]
        }
    )
    md = render(flagged, "md")
    assert "It cures everyone. ⚑" in md
    assert "(general guidance) ○" in md
    assert "[^1] ✓" in md  # the supported sentence: mark after its footnote
    legend = next(line for line in md.splitlines() if line.startswith("Checks:"))
    assert "✓ matched to the quoted source words" in legend
    assert "⚑ not found in the source" in legend
    assert "contradicted" not in legend  # only the marks this document uses


def test_html_marks_carry_their_meaning_and_match_the_legend():
    from summarizer.render import CHECK_MARKS

    page = render(summary(), "html")
    assert 'class="check check-supported" title="matched to the quoted source words">✓' in page
    assert 'class="check check-guidance"' in page
    assert f"✓ {CHECK_MARKS['supported'][1]}" in page
    assert "check-contradicted" not in page.split("</style>")[1]


def test_a_document_without_statements_has_no_legend():
    assert "Checks:" not in render(_unchecked_summary(), "md")
    assert "legend" not in render(_unchecked_summary(), "html").split("</style>")[1]
