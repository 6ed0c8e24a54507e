"""Where a sentence's evidence comes from: its cited spans, or the whole trial when uncited.

Evidence is cut into sentence-sized units, each knowing its source offsets and whether it sits in
an inclusion or an exclusion criterion (from the parsed criteria, the citation's section, or the
nearest 'Inclusion/Exclusion Criteria' heading above it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from summarizer.checker.polarity import Kind
from summarizer.checker.support import coverage
from summarizer.checker.text import sentences
from summarizer.models import Citation, Trial

_HEADING_RE = re.compile(r"\b(inclusion|exclusion)\s+criteria\b|\bnot a fit\b|\bgood fit\b", re.I)


class Unit(BaseModel):
    text: str
    start: int
    end: int
    section: str
    kind: Kind = None


def _heading_kind(trial: Trial, pos: int) -> Kind:
    last: Kind = None
    for m in _HEADING_RE.finditer(trial.source.text, 0, pos + 1):
        word = m.group(0).lower()
        last = "exclusion" if ("exclusion" in word or "not a fit" in word) else "inclusion"
    return last


def kind_at(trial: Trial, start: int, end: int, section: str | None = None) -> Kind:
    if section in ("inclusion", "exclusion"):
        return section  # type: ignore[return-value]
    for crit in trial.criteria:
        for span in crit.spans:
            if span.start < end and start < span.end:
                return crit.kind
    fields = (trial.min_age, trial.max_age, trial.sex, trial.healthy_volunteers)
    if any(s.start < end and start < s.end for f in fields if f is not None for s in f.spans):
        return None  # an age or sex field is no criterion, whatever heading came before it
    if section in (None, "eligibility", "other"):
        return _heading_kind(trial, start)
    return None


def _section_at(trial: Trial, start: int) -> str:
    for crit in trial.criteria:
        if any(s.start <= start < s.end for s in crit.spans):
            return crit.kind
    return "other"


def units(trial: Trial, cites: Sequence[Citation]) -> list[Unit]:
    """Sentence units of the cited spans (only this trial's), or of the whole source."""
    own = [c for c in cites if c.trial_id == trial.trial_id]
    out: list[Unit] = []
    if own:
        for c in own:
            exact = trial.source.text[c.start : c.end] == c.quote
            for text, s, e in sentences(c.quote, c.start):
                kind = (
                    kind_at(trial, s, e, c.section)
                    if exact
                    else (c.section if c.section in ("inclusion", "exclusion") else None)
                )
                out.append(Unit(text=text, start=s, end=e, section=c.section, kind=kind))  # type: ignore[arg-type]
        return out
    for text, s, e in sentences(trial.source.text):
        section = _section_at(trial, s)
        out.append(
            Unit(text=text, start=s, end=e, section=section, kind=kind_at(trial, s, e, section))
        )
    return out


def best_units(claim: str, pool: Sequence[Unit], k: int = 2) -> list[tuple[float, Unit]]:
    scored = [(coverage(claim, u.text), u) for u in pool]
    scored.sort(key=lambda x: (-x[0], x[1].start))
    return scored[:k]


def as_citation(trial: Trial, unit: Unit) -> Citation:
    return Citation(
        trial_id=trial.trial_id,
        section=unit.section,
        quote=unit.text,
        start=unit.start,
        end=unit.end,
    )
