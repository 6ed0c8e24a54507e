"""Who should consider this trial: good-fit bullets from inclusion criteria, not-a-fit bullets
from exclusion criteria, grouped into plain categories (prompts/fit_categories.json).

Sides are never swapped: a good-fit bullet only ever cites inclusion criteria (or the age fields),
a not-a-fit bullet only exclusion criteria.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.engines.common import citations
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.plain_words import clause_spans, clean, shorten, simplify
from summarizer.engines.extractive.resources import load
from summarizer.models import Criterion, Span, Statement, Trial

_BOILERPLATE = re.compile(
    r"informed consent|consent form|willing (and able )?to|comply|compliance|investigator "
    r"(may|believes|considered|judge)|judged|unsuitable|other (conditions|reasons|situations)",
    re.I,
)
_GOOD_FIT_MAX_WORDS = 22
_NOT_FIT_MAX_WORDS = 14


@dataclass(frozen=True)
class Category:
    key: str
    heading: str
    patterns: tuple[re.Pattern[str], ...]


@cache
def categories(side: str) -> tuple[Category, ...]:
    return tuple(
        Category(c["key"], c["heading"], tuple(re.compile(p, re.I) for p in c["patterns"]))
        for c in load("fit_categories")[side]
    )


def _first_clause(trial: Trial, crit: Criterion, patterns=()) -> Span | None:
    text = trial.source.text
    first: Span | None = None
    for span in crit.spans:
        for s, e in clause_spans(text[span.start : span.end], span.start):
            if first is None:
                first = Span(start=s, end=e)
            if not patterns or any(p.search(text[s:e]) for p in patterns):
                return Span(start=s, end=e)
    return first


def _category(text: str, side: str) -> Category | None:
    for cat in categories(side):
        if cat.patterns and any(p.search(text) for p in cat.patterns):
            return cat
    if side == "not_fit":
        return next((c for c in categories(side) if c.key == "other"), None)
    return None


def _refs(kind: str, crits: list[Criterion]) -> str:
    nums = ", ".join(str(c.number) for c in crits)
    return f"{kind} criteri{'a' if len(crits) > 1 else 'on'} {nums}"


def good_fit(trial: Trial) -> list[Statement]:
    out: list[Statement] = []
    if words := age_range_words(trial):
        items = [a for a in (trial.min_age, trial.max_age) if a is not None]
        out.append(
            Statement(
                text=f"Age: people {words}.",
                citations=citations(trial, [s for a in items for s in a.spans], "eligibility"),
                fields=["min_age", "max_age"],
            )
        )
    seen_keys = {"age"} if out else set()
    for crit in trial.inclusion_criteria:
        text = trial.source.text
        crit_text = " ".join(text[s.start : s.end] for s in crit.spans)
        if _BOILERPLATE.search(crit_text[:80]):
            continue
        cat = _category(crit_text, "good_fit")
        if cat is None or (cat.key in seen_keys and cat.key != "disease"):
            continue
        span = _first_clause(trial, crit, cat.patterns)
        if span is None:
            continue
        plain = shorten(simplify(clean(text[span.start : span.end])), _GOOD_FIT_MAX_WORDS)
        out.append(
            Statement(
                text=f"{cat.heading}: {plain} ({_refs('inclusion', [crit])}).",
                citations=citations(trial, [span], "inclusion"),
                fields=["inclusion_criteria"],
            )
        )
        seen_keys.add(cat.key)
        if len(out) >= 5:
            break
    return out


def not_fit(trial: Trial) -> list[Statement]:
    groups: dict[str, tuple[Category, list[tuple[Criterion, Span]]]] = {}
    for crit in trial.exclusion_criteria:
        text = trial.source.text
        crit_text = " ".join(text[s.start : s.end] for s in crit.spans)
        cat = _category(crit_text, "not_fit")
        if cat is None:
            continue
        span = _first_clause(trial, crit, cat.patterns)
        if span is not None:
            groups.setdefault(cat.key, (cat, []))[1].append((crit, span))
    out: list[Statement] = []
    for cat in categories("not_fit"):
        if cat.key not in groups:
            continue
        _, members = groups[cat.key]
        if cat.key == "other" and all(
            _BOILERPLATE.search(trial.source.text[s.start : s.end]) for _, s in members
        ):
            continue
        pieces = [
            shorten(simplify(clean(trial.source.text[s.start : s.end])), _NOT_FIT_MAX_WORDS)
            for _, s in members[:3]
        ]
        crits = [c for c, _ in members]
        out.append(
            Statement(
                text=f"{cat.heading}: {'; '.join(pieces)} ({_refs('exclusion', crits)}).",
                citations=citations(trial, [s for _, s in members], "exclusion"),
                fields=["exclusion_criteria"],
            )
        )
    return out
