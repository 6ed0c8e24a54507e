"""Who should consider this trial, for the lay summary: plain bullets from the age, sex and
healthy-volunteer fields and from inclusion (good fit) or exclusion (not a fit) criteria, each
one plain sentence citing its source words, the defining criteria first (the disease, then a
marker or gene, then the age).

The bullets are ``criterion_bullets``' (shared with the editor's fit drafts, ``fit.py``): a
criterion the parser typed whole is written from its constraints, one only partly typed keeps its
whole sentence.

A criterion is never cut: one that would lift the section over reading grade 8 is left out whole,
and the section then points to the full list on the registry page. Editors' fit drafts keep all
criteria (``fit.py``); this is the reader's short list.
"""

from __future__ import annotations

from prompts.layout import layout
from summarizer.engines.common import guidance
from summarizer.engines.extractive.constraint_words import DEFAULT_RANK
from summarizer.engines.extractive.criterion_bullets import (
    FIELD_RANK,
    Ranked,
    criterion_bullets,
    field_bullets,
    field_ranked,
    in_order,
)
from summarizer.engines.extractive.grade_gate import TARGET_GRADE, section_grade, within_grade
from summarizer.models import Statement, Trial

__all__ = ["FIELD_RANK", "field_bullets", "good_fit_statements", "not_fit_statements"]

_MAX_BULLETS = 6
# Who the trial is for is named in words that cannot be made plainer (the disease, a marker or
# gene): the good-fit section holds its defining bullets to the criteria sections' ceiling
# (summary.CRITERIA_GRADE), and adds the others only while they do not lift the section's grade
# above 8 or above what the defining ones already read at. Not-a-fit bullets come in the same
# order but are all held to 8.
_DEFINING_GRADE = 10.5


def _choose(ranked: list[Ranked], ceiling: float = TARGET_GRADE) -> list[Statement]:
    """Defining criteria first (stable within a rank), as many as the section carries at the
    target grade (a hard one kept when plainer ones beside it make room); when the most defining
    one (the disease) cannot be read at the target with them, it is kept alone under the
    ceiling and the other defining ones only while they do not lift the section's grade. Then
    the rest, each kept while it does not lift the section's grade."""
    ordered = in_order(ranked)
    defining = [r.statement for r in ordered if r.rank < DEFAULT_RANK]
    rest = [r.statement for r in ordered if r.rank >= DEFAULT_RANK]
    chosen = within_grade([], defining, limit=_MAX_BULLETS, retry=True)
    if defining and not any(st is defining[0] for st in chosen):
        first = within_grade([], defining[:1], target=ceiling)
        floor = max(TARGET_GRADE, section_grade(first) or 0.0)
        chosen = within_grade(first, defining[1:], target=floor, limit=_MAX_BULLETS - len(first))
    target = max(TARGET_GRADE, section_grade(chosen) or 0.0)
    return within_grade(chosen, rest, target=target, limit=_MAX_BULLETS - len(chosen))


def _with_pointer(chosen: list[Statement], offered: int, lead: list[Statement]) -> list[Statement]:
    """The chosen bullets, then the pointer to the full list when some criteria were left out."""
    if sum(1 for st in chosen if not any(st is f for f in lead)) < offered:
        return [*chosen, guidance(layout().wording["more_criteria"])]
    return chosen


def good_fit_statements(trial: Trial) -> list[Statement]:
    lead = field_bullets(trial)
    found = criterion_bullets(trial, "good_fit", fields=any("min_age" in st.fields for st in lead))
    chosen = _choose(field_ranked(lead) + found, ceiling=_DEFINING_GRADE)
    return _with_pointer(chosen, len(found), lead)


def not_fit_statements(trial: Trial) -> list[Statement]:
    found = criterion_bullets(trial, "not_fit")
    chosen = _choose(found)
    return _with_pointer(chosen, len(found), [])
