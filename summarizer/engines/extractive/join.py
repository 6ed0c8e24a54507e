"""What happens if you join: the groups and what each gets, placebo, how people are put into
groups and who knows which group they are in, what is measured and when, when the trial runs, and
the source's own sentences about visits and schedule. Each is stated only where the record says
it, as whole sentences with their citations, chosen while the section reads at or under grade 8.
"""

from __future__ import annotations

import re
from functools import cache

from summarizer.engines.common import citations
from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive import record_fields
from summarizer.engines.extractive.grade_gate import within_grade
from summarizer.engines.extractive.plain_words import (
    clean,
    drop_asides,
    explain,
    is_whole,
    sentence,
    sentence_spans,
    simplify,
    without_heading,
)
from summarizer.engines.extractive.resources import load, threshold
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import Fact, Span, Statement, Trial

_PLACEBO_RE = re.compile(r"\b(placebos?|sham|dummy)\b", re.I)
_MAX_SENTENCE_WORDS = 30
_MAX_STATEMENTS = 8
# A date that names its day ('May 30, 1997', '30 May 1997', '1997-05-30') takes 'on'.
_DAY_RE = re.compile(r"\b\d{1,2},\s*\d{4}\b|^\d{1,2}\s+[A-Za-z]+\s+\d{4}$|\d{4}-\d{2}-\d{2}")


@cache
def _schedule_cues() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in load("lay_summary")["schedule_cues"])


def _st(trial: Trial, text: str, spans: list[Span], section: str, field: str) -> Statement:
    return Statement(text=text, citations=citations(trial, spans, section), fields=[field])


def _groups(trial: Trial) -> list[Statement]:
    """How many groups, which get a placebo, then each group's first sentence of description."""
    arms = record_fields.arms(trial)
    if not arms:
        return []
    labels = [a.label_span for a in arms]
    out = []
    if len(arms) > 1:  # the names, not a count: a number the record does not state is not cited
        names = _and([clean(a.label) for a in arms[:8]])
        out.append(_st(trial, f"The groups are {names}.", labels[:8], "interventions", "arms"))
    placebo = [a for a in arms if a.mentions(_PLACEBO_RE)]
    if placebo and len(placebo) < len(arms):
        for arm in placebo[:2]:
            text = explain(f"The group {clean(arm.label)} gets a placebo.", limit=1)
            out.append(_st(trial, text, arm.spans, "interventions", "arms"))
    for arm in arms[: int(threshold("max_arms_described"))]:
        if arm.description_span is None:
            continue
        pieces = sentence_spans(
            trial.source.text[arm.description_span.start : arm.description_span.end],
            arm.description_span.start,
        )
        if not pieces:
            continue
        s, e = pieces[0]
        said = simplify(drop_asides(clean(trial.source.text[s:e]))).rstrip(".")
        if not said or len(said.split()) > _MAX_SENTENCE_WORDS or not is_whole(said):
            continue
        out.append(
            _st(
                trial,
                sentence(f"{clean(arm.label)}: {said}"),
                [arm.label_span, Span(start=s, end=e)],
                "interventions",
                "arms",
            )
        )
    return out


def _design(trial: Trial) -> list[Statement]:
    """'It is randomized (people are put in groups by chance).' and the masking, one each."""
    out = []
    for fact in trial.design:
        words = clean(fact.value)
        if ":" in words:  # 'purpose: treatment', 'time perspective: ...' say nothing to a reader
            continue
        out.append(
            _st(
                trial,
                explain(f"It is {_as_cited(trial, fact)}.", limit=1),
                fact.spans,
                "design",
                "design",
            )
        )
    return out


def _as_cited(trial: Trial, fact: Fact) -> str:
    """The design note spelled as its cited words spell it ('open-label', not 'open label';
    'multi-center', not 'multicenter'),
    so the sentence matches its quote; the note itself when the quote words it otherwise."""
    words = clean(fact.value)
    letters = re.sub(r"[\s-]+", "", words)  # 'multicenter' is cited as 'multi-center'
    pattern = re.compile(r"[\s-]?".join(re.escape(c) for c in letters), re.I)
    for span in fact.spans:
        if m := pattern.search(trial.source.text[span.start : span.end]):
            return m.group(0).lower()
    return words


def _when(trial: Trial) -> list[Statement]:
    """When the trial started and ends, in the record's words."""
    out = []
    for d in trial.dates:
        if d.kind == "start":
            verb = "is planned to start" if d.estimated else "started"
        elif d.kind == "completion":
            verb = "is expected to end" if d.estimated else "ended"
        else:
            continue
        raw = clean(d.raw)
        on = "on" if _DAY_RE.search(raw) else "in"  # 'on May 30, 1997', 'in May 1997'
        out.append(_st(trial, f"The trial {verb} {on} {raw}.", d.spans, "design", "dates"))
    return out


def _schedule(trial: Trial) -> list[Statement]:
    """The source's own whole sentences about visits, schedule and how long, made plainer."""
    out = []
    for section, fact in (
        ("summary", trial.brief_summary),
        ("description", trial.detailed_description),
    ):
        for span in fact.spans if fact else []:
            text = trial.source.text[span.start : span.end]
            for s, e in sentence_spans(text, span.start):
                s, e = without_heading(trial.source.text, s, e)  # 'OUTLINE:' is not prose
                raw = trial.source.text[s:e]
                if not any(p.search(raw) for p in _schedule_cues()):
                    continue
                if looks_like_instruction(raw) or not 6 <= len(raw.split()) <= _MAX_SENTENCE_WORDS:
                    continue
                words = sentence(simplify(drop_asides(clean(raw))))
                if not is_whole(words):
                    continue
                out.append(_st(trial, words, [Span(start=s, end=e)], section, section))
    return out


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def join_statements(trial: Trial) -> list[Statement]:
    """The section, most telling first: the groups and placebo, how groups are chosen, then
    schedule, what is measured and when, and when the trial runs."""
    first: list[Statement] = []
    if trial.study_type is not None and trial.study_type.value == "OBSERVATIONAL":
        study = "It is an observational study."
        first = [_st(trial, study, trial.study_type.spans, "design", "study_type")]
    candidates = [
        *first,
        *_groups(trial),
        *_design(trial),
        *_schedule(trial)[:2],
        *fa.outcomes(trial),
    ]
    when = _when(trial)  # when the trial runs has its room kept (EU CTR Annex V item 3)
    body = within_grade([], candidates, limit=_MAX_STATEMENTS - len(when), retry=True)
    return [_tidy(st) for st in within_grade(body, when, retry=True)]


def _tidy(st: Statement) -> Statement:
    """One full stop at the end: a field that ends in '.' inside a wording that adds one
    ('..., 5 years post mastectomy..') would read as an ellipsis."""
    text = re.sub(r"\.{2}$", ".", st.text.rstrip())
    return st if text == st.text else st.model_copy(update={"text": text})
