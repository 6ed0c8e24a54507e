"""Lay summaries in the terminal: numbered sources a reader can follow, never raw Markdown
footnote markers; document text is shown literally."""

from __future__ import annotations

from rich.console import Console

from summarizer.cli.terminal import summary_renderable
from summarizer.models import Check, Citation, LaySummary, Statement, SummarySection

_OK = Check(verdict="supported", score=1.0)


def _cite(start: int, quote: str) -> Citation:
    return Citation(
        trial_id="NCT09000001", section="eligibility", quote=quote, start=start, end=start + 9
    )


def _summary() -> LaySummary:
    age = _cite(10, "Age 18 to 65 [/bold]")
    sex = _cite(40, "All sexes")
    return LaySummary(
        trial_id="NCT09000001",
        title="A test of Drug Q",
        engine="extractive",
        sections=[
            SummarySection(
                key="quick_facts",
                heading="Quick facts",
                grade=5.2,
                statements=[
                    Statement(text="It takes adults aged 18 to 65.", citations=[age], check=_OK),
                    Statement(text="It is open to all sexes.", citations=[sex, age], check=_OK),
                ],
            )
        ],
    )


def _printed(summary: LaySummary) -> str:
    console = Console(record=True, width=120, color_system=None)
    console.print(summary_renderable(summary))
    return console.export_text()


def test_sentences_carry_numbered_sources_not_footnote_markers() -> None:
    text = _printed(_summary())
    assert "[^" not in text
    assert "It takes adults aged 18 to 65. [1]" in text
    assert "It is open to all sexes. [2][1]" in text  # the same quote keeps its number


def test_sources_are_listed_once_each_with_trial_section_and_quote() -> None:
    text = _printed(_summary())
    assert "Sources" in text
    assert "[1] NCT09000001, eligibility: \u201cAge 18 to 65 [/bold]\u201d" in text
    assert "[2] NCT09000001, eligibility: \u201cAll sexes\u201d" in text
    assert text.count("[2] NCT09000001") == 1


def test_headings_show_the_reading_grade() -> None:
    assert "Quick facts  (reading grade 5.2)" in _printed(_summary())
