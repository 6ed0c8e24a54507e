"""What this trial studies: the status note, what it tests and for whom, then selected source
sentences made simpler while the section stays at or under the target reading grade.

Its own module because field answers ("what is this trial about?") and lay summaries both use it.
"""

from __future__ import annotations

import re

from summarizer.engines.common import citations, status_note
from summarizer.engines.extractive import why
from summarizer.engines.extractive.grade_gate import plainest
from summarizer.engines.extractive.lead import lead_statement
from summarizer.engines.extractive.plain_words import (
    clean,
    drop_asides,
    is_whole,
    sentence,
    sentence_spans,
    simplify,
    without_heading,
)
from summarizer.engines.extractive.resources import load, threshold
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import Span, Statement, Trial
from summarizer.normalize import phase_words
from summarizer.readability import grade

TARGET_GRADE = 8.0
_URL_RE = re.compile(r"https?://\S+")


def _grade(statements: list[Statement]) -> float | None:
    """Reading grade of the section's words (web addresses left out: they are not prose)."""
    text = " ".join(_URL_RE.sub("", s.text) for s in statements)
    return grade(text) if statements else None


def _source_sentences(trial: Trial) -> list[tuple[str, Span]]:
    out = []
    for section, fact in (
        ("summary", trial.brief_summary),
        ("description", trial.detailed_description),
    ):
        if fact is None:
            continue
        for span in fact.spans:
            text = trial.source.text[span.start : span.end]
            for s, e in sentence_spans(text, span.start):
                if why.under_why_heading(trial.source.text, s, span.start):
                    continue  # a reason: 'Why it matters' says it
                s, e = without_heading(trial.source.text, s, e)  # 'PURPOSE:' is not prose
                if not looks_like_instruction(trial.source.text[s:e]):  # injected, not content
                    out.append((section, Span(start=s, end=e)))
    return out


def _plain_versions(raw: str) -> list[str]:
    """The whole sentence made plainer; never only a part of it (a reader never sees a cut)."""
    return [sentence(simplify(drop_asides(clean(raw))))]


def greedy(
    trial: Trial,
    lead: list[Statement],
    pool: list[tuple[str, Span]],
    limit: int,
    *,
    retry: bool = False,
) -> list[Statement]:
    """Add simplified source sentences while the section stays at or under the target grade.

    With ``retry``, a sentence that would lift the section over the target alone is held and
    tried again after each later sentence is taken (the grade is the section's, read as a whole);
    the section keeps the source's order. A sentence is never cut or reworded to fit."""
    chosen = list(lead)
    held: list[tuple[int, Statement]] = []
    taken: list[tuple[int, Statement]] = []

    def fits(extra: list[tuple[int, Statement]]) -> bool:
        ordered = [st for _, st in sorted([*taken, *extra], key=lambda p: p[0])]
        g = _grade([*chosen, *ordered])
        return g is not None and g <= TARGET_GRADE

    for order, (section, span) in enumerate(pool):
        if len(taken) >= limit:
            break
        raw = trial.source.text[span.start : span.end]
        words = len(raw.split())
        if words < 6 or words > threshold("max_sentence_words") * 2:
            continue
        for text in _plain_versions(raw):
            if not is_whole(text):  # the source's own sentence is broken off ('aims at.')
                continue
            st = Statement(text=text, citations=citations(trial, [span], section), fields=[section])
            if fits([(order, st)]):
                taken.append((order, st))
                for item in list(held) if retry else []:
                    if len(taken) < limit and fits([item]):
                        taken.append(item)
                        held.remove(item)
            elif retry:
                held.append((order, st))
            break
    return chosen + [st for _, st in sorted(taken, key=lambda p: p[0])]


def _condition(trial: Trial):
    """The first listed condition that names an illness, not a bare term like 'Relapsed and
    Refractory' or 'CAR-T' (registries put keywords there too)."""
    rules = [re.compile(p, re.I) for p in load("lay_summary")["not_conditions"]]
    for c in trial.conditions:
        if not any(r.fullmatch(clean(c.value)) for r in rules):
            return c
    return None


def studies_statements(trial: Trial, limit: int = 3) -> list[Statement]:
    lead: list[Statement] = []
    if note := status_note(trial):
        lead.append(note)
    if tests := lead_statement(trial):
        lead.append(tests)
    if c := _condition(trial):
        who = simplify(clean(c.value))
        options = [
            Statement(
                text=str(frame).format(who=who),
                citations=citations(trial, c.spans, "conditions"),
                fields=["conditions"],
            )
            for frame in load("lay_summary")["condition_frames"]
        ]
        lead = plainest([[*lead, o] for o in options], target=TARGET_GRADE)
    words = phase_words(p.value for p in trial.phases)  # 'Phase 1 and Phase 2'
    if words and words != "Not applicable":
        lead.append(
            Statement(
                text=f"It is a {words} trial.",
                citations=citations(
                    trial, [s for p in trial.phases for s in p.spans], "quick_facts"
                ),
                fields=["phases"],
            )
        )
    pool = [
        p
        for p in _source_sentences(trial)
        if not why.says_why(trial.source.text[p[1].start : p[1].end])
    ]
    return greedy(trial, lead, pool, limit, retry=True)
