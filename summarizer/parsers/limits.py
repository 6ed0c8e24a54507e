"""Size limits that keep parsing, chunking and embedding bounded on hostile documents.

ClinicalTrials.gov caps its own free-text fields (criteria 20,000 characters, detailed
description 32,000); the largest in the 6,786 shared records are 14,212 and 29,057. A section
three times the registry's cap is not a trial section but junk or an attack, and embedding it
would cost minutes: such a document is refused with a one-line reason, checked before the
expensive per-line rules run. A text or HTML page is refused above ``MAX_PAGE_CHARS`` for the
same reason (the largest real XML record, markup included, is 0.8 MB).
"""

from __future__ import annotations

from summarizer.parsers.base import ParseError

MAX_SECTION_CHARS = 100_000
MAX_PAGE_CHARS = 1_000_000


def check_section(label: str, text: str | None) -> None:
    """``ParseError`` when one section's text is longer than ``MAX_SECTION_CHARS``."""
    if text is not None and len(text) > MAX_SECTION_CHARS:
        raise ParseError(
            f"{label} section too long ({len(text):,} characters; "
            f"limit {MAX_SECTION_CHARS:,} per section)"
        )


def check_page(label: str, text: str) -> None:
    """``ParseError`` when a page's text is longer than ``MAX_PAGE_CHARS``."""
    if len(text) > MAX_PAGE_CHARS:
        raise ParseError(
            f"{label} too long ({len(text):,} characters; limit {MAX_PAGE_CHARS:,} for a page)"
        )


# Posted results (``clinical_results`` / ``resultsSection``) are read within these caps: the
# registry allows hundreds of outcome measures and thousands of adverse-event rows, and every kept
# value is a rendered line, a chunk's worth of text and a span. Among the 440 shared XML records
# with results, the largest post a few dozen outcomes; what is cut is counted in the trial's
# warnings. A results text value (a population, a title) longer than ``MAX_RESULT_TEXT`` is cut.
MAX_RESULT_OUTCOMES = 20
MAX_RESULT_VALUES = 16  # group x category values per outcome
MAX_RESULT_ANALYSES = 4  # p-values per outcome
MAX_RESULT_OUTCOME_CHARS = 16_000  # rendered outcome results: later outcomes are left out
MAX_RESULT_EVENT_CHARS = 10_000  # rendered adverse events of each kind: rarer ones are left out
MAX_EVENTS = 25  # per kind (serious, other), the most frequent kept; 'Total' rows always kept
MAX_FLOW_GROUPS = 20
MAX_PUBLICATIONS = 10
MAX_RESULT_TEXT = 1_000
