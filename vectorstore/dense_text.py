"""What of a chunk the embedder reads: its text, less the record-keeping lines of quick facts.

Quick facts are an eighth of all word pieces, and most of them are identifiers, dates, sponsors and
statuses: they say nothing about what a trial is about, so they only blur its vector, and BM25
still finds every one of them. Titles, phase, ages and sex stay. The chunk itself (text, span,
citation) is unchanged; only the input to the embedder is.
"""

from __future__ import annotations

import re

from summarizer.models import Chunk

#: Bump when the view changes: stored vectors were computed from the old one.
DENSE_VIEW_VERSION = "1"

_BOOKKEEPING = re.compile(
    r"^\s*(?:NCT ID|Organization Study ID|Org Study ID|Secondary IDs?|Lead Sponsor|Collaborators?"
    r"|Responsible Party|Overall Status|Record Verified|Enrollment|[A-Za-z ]*Date"
    r"|First Posted|Last Update Posted|Results First Posted|Study First Submitted)\s*:",
    re.IGNORECASE,
)


def dense_text(chunk: Chunk) -> str:
    """The embedder's input for ``chunk`` (the whole text outside quick facts)."""
    if chunk.section != "quick_facts":
        return chunk.text
    kept = [
        line
        for line in chunk.text.splitlines()
        if line.strip() and ":" in line and not _BOOKKEEPING.match(line)
    ]
    return "\n".join(kept) or chunk.text
