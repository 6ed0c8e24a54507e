"""The ClinicalTrials.gov field export: one field a line, no labels, '|' between list items.

Line shapes, not positions, decide most fields: 'DRUG: name' lines are interventions, lines of
'a, b, c' records after them are outcome measures (primary, then secondary, then other), short
'|' lists before them are conditions. The first two lines are the brief and official titles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from summarizer.models import Fact, Intervention, Outcome
from summarizer.parsers.text.facts import fact, split_list
from summarizer.parsers.text.fallbacks import _title_like
from summarizer.parsers.text.fields import interventions_from
from summarizer.parsers.text.layout import Layout
from summarizer.parsers.text.lines import Piece, content
from summarizer.parsers.text.outcomes import export_record
from summarizer.parsers.text.vocab import vocab

_KINDS: tuple[Literal["primary", "secondary", "other"], ...] = ("primary", "secondary", "other")
_SENTENCE_BREAK = re.compile(r"[.!?] +[A-Z]")


@dataclass
class Export:
    brief_title: Fact | None = None
    official_title: Fact | None = None
    conditions: list[Fact] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    end_line: int = 0


def read_export(doc: str, layout: Layout) -> Export | None:
    """The leading block of single-line fields, when the page has no headings or labels."""
    if layout.sections or layout.labels:
        return None
    block: list[Piece] = []
    for ln in layout.lines:
        if ln.blank:
            if block:
                break
            continue
        words = content(doc, ln)
        if words is not None:
            if len(_SENTENCE_BREAK.findall(words.text)) >= 2:
                break  # running prose: the description after the fields
            block.append(words)
    if len(block) < 3 or not any(vocab().intervention_re.match(p.text) for p in block):
        return None
    out = Export(end_line=next(ln.index for ln in layout.lines if ln.end >= block[-1].end) + 1)
    rest = block
    if _title_like(rest[0].text):
        out.brief_title = fact(rest[0])
        rest = rest[1:]
        if rest and _title_like(rest[0].text) and not vocab().intervention_re.match(rest[0].text):
            out.official_title = fact(rest[0])
            rest = rest[1:]
    seen_interventions = False
    n_outcomes = 0
    for piece in rest:
        if vocab().intervention_re.match(piece.text):
            out.interventions.extend(interventions_from(doc, [piece]))
            seen_interventions = True
        elif not seen_interventions:
            out.conditions.extend(fact(p) for p in split_list(doc, piece, commas=False))
        else:
            kind = _KINDS[min(n_outcomes, 2)]
            out.outcomes.extend(
                export_record(doc, p, kind) for p in split_list(doc, piece, commas=False)
            )
            n_outcomes += 1
    return out
