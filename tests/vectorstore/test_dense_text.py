"""The embedder reads what a chunk is about, not its record-keeping."""

from __future__ import annotations

from summarizer.models import Chunk
from vectorstore.dense_text import dense_text

FACTS = (
    "NCT ID: NCT00000425\nBrief Title: Aspirin for knee pain\nOrganization Study ID: P01\n\n"
    "Status\nOverall Status: Completed\nStart Date: July 1996\nFirst Posted: November 4, 1999\n"
    "Lead Sponsor: Stanford University\nSex: All\nMinimum Age: 50 Years\nPhase: Phase 3"
)


def chunk(section: str, text: str) -> Chunk:
    return Chunk(id="c", trial_id="NCT00000425", section=section, text=text, start=0,
                 end=len(text), source_path="x.xml", content_hash="h", ordinal=0)  # fmt: skip


def test_quick_facts_keep_titles_ages_and_phase_but_not_ids_dates_or_sponsors() -> None:
    view = dense_text(chunk("quick_facts", FACTS))
    assert view.splitlines() == [
        "Brief Title: Aspirin for knee pain",
        "Sex: All",
        "Minimum Age: 50 Years",
        "Phase: Phase 3",
    ]


def test_other_sections_are_read_whole() -> None:
    text = "Start Date: 2020. Adults with knee pain take aspirin daily."
    assert dense_text(chunk("summary", text)) == text


def test_quick_facts_with_nothing_but_bookkeeping_fall_back_to_the_whole_text() -> None:
    text = "NCT ID: NCT00000425\nStart Date: July 1996"
    assert dense_text(chunk("quick_facts", text)) == text
