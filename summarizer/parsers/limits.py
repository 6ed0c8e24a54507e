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
