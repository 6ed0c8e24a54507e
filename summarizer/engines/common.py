"""Helpers both generators share: retrieved chunks and field spans as ``Citation``s (the exact
source words), the status-first note for trials that are not taking people, and marked guidance.

Checking is not here: generators only draft; ``summarizer.verify`` checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from summarizer.models import GUIDANCE, Citation, Hit, Span, Statement, Trial, not_a_claim

# ---------------------------------------------------------------- citations


def citation(trial: Trial, span: Span, section: str) -> Citation:
    """The source words at ``span``: the quote always equals ``source.text[start:end]``."""
    return Citation(
        trial_id=trial.trial_id,
        section=section,
        quote=trial.source.text[span.start : span.end],
        start=span.start,
        end=span.end,
    )


def citations(trial: Trial, spans: Iterable[Span], section: str) -> list[Citation]:
    """One citation per non-empty span, in order, without duplicates."""
    out: list[Citation] = []
    seen: set[tuple[int, int]] = set()
    for span in spans:
        key = (span.start, span.end)
        if span.end > span.start and key not in seen:
            seen.add(key)
            out.append(citation(trial, span, section))
    return out


def citation_from_hit(hit: Hit, *, start: int | None = None, end: int | None = None) -> Citation:
    """A retrieved chunk, or its part from ``start`` to ``end`` (source offsets), as a citation.

    The chunk's text is itself a slice of the source, so a sub-range is sliced from it.
    """
    chunk = hit.chunk
    lo = chunk.start if start is None else max(start, chunk.start)
    hi = chunk.end if end is None else min(end, chunk.end)
    return Citation(
        trial_id=chunk.trial_id,
        section=chunk.section,
        quote=chunk.text[lo - chunk.start : hi - chunk.start],
        start=lo,
        end=hi,
        chunk_id=chunk.id,
    )


def registry_url(trial: Trial) -> str | None:
    """The ClinicalTrials.gov page for trials with an NCT ID."""
    nct = trial.nct_id.value if trial.nct_id else None
    if nct is None and trial.trial_id.upper().startswith("NCT"):
        nct = trial.trial_id.upper()
    return f"https://clinicaltrials.gov/study/{nct}" if nct else None


# ---------------------------------------------------------------- status first

# Each status in plain words, one sentence: the answer to "is it still going?" and, for the
# statuses that change what a reader should do, the note put first in other answers.
STATUS_SENTENCES: dict[str, str] = {
    "RECRUITING": "Yes, this trial is recruiting: it is taking new people.",
    "ENROLLING_BY_INVITATION": "This trial only takes people who are invited.",
    "WITHDRAWN": "This trial was withdrawn, so it is not taking anyone.",
    "COMPLETED": "This trial is completed, so it is not taking new people.",
    "TERMINATED": "This trial was stopped early, so it is not taking new people.",
    "SUSPENDED": "This trial is suspended (on hold for now), so it is not taking new people.",
    "NOT_YET_RECRUITING": "This trial has not started taking people yet.",
    "ACTIVE_NOT_RECRUITING": "This trial is still running but is not taking new people.",
    "NO_LONGER_AVAILABLE": "This program is no longer available.",
    "TEMPORARILY_NOT_AVAILABLE": "This program is not available for now.",
    "WITHHELD": "The status of this trial is withheld.",
}
_NO_NEWS = frozenset({"RECRUITING", "ENROLLING_BY_INVITATION"})  # open: nothing to put first


def status_note(trial: Trial) -> Statement | None:
    """The sentence to put first when the trial is not open to new people; None when it is."""
    if trial.status is None:
        return None
    text = STATUS_SENTENCES.get(trial.status.value)
    if text is None or trial.status.value in _NO_NEWS:
        return None
    return Statement(
        text=text, citations=citations(trial, trial.status.spans, "quick_facts"), fields=["status"]
    )


def guidance(text: str) -> Statement:
    """General advice that is not read from any document, marked so (no citation)."""
    return not_a_claim(text, GUIDANCE)
