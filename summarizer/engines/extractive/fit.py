"""The editor's fit drafts, and the lay summary's eligibility section, from the criteria.

Fit drafts (``trialsum draft-fit``) are the lay summary's fit bullets, all of them
(``criterion_bullets``): good-fit bullets from the age, sex and healthy-volunteer fields and from
inclusion criteria only, not-a-fit bullets from exclusion criteria only, one per criterion,
written from its typed constraints when the parser typed it whole, else its whole sentence; the
defining criteria first (the disease, then a marker or gene, then the age); each cites its
criterion's span, so the checker reads it against the criterion it paraphrases.

The eligibility section groups every criterion under plain category headings
(prompts/fit_categories.json, ``criterion_pieces``): what you need, then what rules you out.
"""

from __future__ import annotations

from summarizer.engines.common import citations
from summarizer.engines.extractive.criterion_bullets import (
    criterion_bullets,
    field_bullets,
    field_ranked,
    in_order,
)
from summarizer.engines.extractive.criterion_pieces import Piece, grouped
from summarizer.models import Statement, Trial

__all__ = ["eligibility", "good_fit", "grouped", "not_fit"]


def good_fit(trial: Trial) -> list[Statement]:
    """Every good-fit bullet, the defining ones first: the fields, then the inclusion criteria
    (an age or sex criterion is left to the fields when they say it)."""
    lead = field_bullets(trial)
    found = criterion_bullets(trial, "good_fit", fields=any("min_age" in st.fields for st in lead))
    return [r.statement for r in in_order(field_ranked(lead) + found)]


def not_fit(trial: Trial) -> list[Statement]:
    """Every not-a-fit bullet, from the exclusion criteria only, the defining ones first."""
    return [r.statement for r in in_order(criterion_bullets(trial, "not_fit"))]


def _statement(trial: Trial, kind: str, text: str, pieces: list[Piece]) -> Statement:
    return Statement(
        text=text,
        citations=citations(trial, [s for p in pieces for s in p.spans], kind),
        fields=[f"{kind}_criteria"],
    )


def eligibility(trial: Trial) -> list[Statement]:
    """Every criterion, grouped by plain category: what you need, then what rules you out.

    Exclusion groups open with 'not for you if', one negation that reads the criteria the way
    round they are meant."""
    out: list[Statement] = []
    for cat, pieces in grouped(trial, "good_fit"):
        body = " ".join(p.text for p in pieces)
        out.append(_statement(trial, "inclusion", f"{cat.heading}: {body}", pieces))
    for cat, pieces in grouped(trial, "not_fit"):
        body = " ".join(p.text for p in pieces)
        out.append(_statement(trial, "exclusion", f"{cat.heading}, not for you if: {body}", pieces))
    return out
