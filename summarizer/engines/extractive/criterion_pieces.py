"""One criterion as one plain piece, sorted into plain categories (prompts/fit_categories.json).

Shared by the editor's fit drafts and eligibility section (``fit.py``) and the lay summary's
who-should-consider section (``who.py``, through ``criterion_bullets``). A piece keeps the
criterion's telling words whole, with the same negations as its source words; criteria of a
category are grouped only when none of them carries a negation of its own (two 'not's in one
bullet would cancel out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.checker.polarity import source_polarity
from summarizer.engines.extractive.plain_words import clause_spans, clean, drop_asides, plain
from summarizer.engines.extractive.resources import load
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import Criterion, Span, Trial

__all__ = [
    "Category",
    "Piece",
    "categories",
    "category",
    "criterion_text",
    "grouped",
    "piece",
    "says_nothing",
]

_FRAGMENT = re.compile(r"(?:[ivxIVX]+|\d+|[a-zA-Z])\s?[.)]?")
_NOT_FIT_MAX_WORDS = 18
_GROUP_MAX = 3


@dataclass(frozen=True)
class Category:
    key: str
    heading: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Piece:
    """One criterion as a plain sentence, with the source spans it was written from."""

    crit: Criterion
    text: str
    spans: tuple[Span, ...]
    negated: bool  # the source words' own negation parity


@cache
def categories(side: str) -> tuple[Category, ...]:
    return tuple(
        Category(c["key"], c["heading"], tuple(re.compile(p, re.I) for p in c["patterns"]))
        for c in load("fit_categories")[side]
    )


def _clauses(trial: Trial, crit: Criterion) -> list[Span]:
    """The criterion's clauses, without list markers left on their own ('ii.', '3)')."""
    text = trial.source.text
    out: list[Span] = []
    for span in crit.spans:
        for s, e in clause_spans(text[span.start : span.end], span.start):
            if out and _open_bracket(text[out[-1].start : out[-1].end]):
                out[-1] = Span(start=out[-1].start, end=e)  # 't(15;17)' is not two clauses
            elif not _FRAGMENT.fullmatch(text[s:e].strip()) and not looks_like_instruction(
                text[s:e]
            ):
                out.append(Span(start=s, end=e))
    return out


def _open_bracket(text: str) -> bool:
    return text.count("(") > text.count(")") or text.count("[") > text.count("]")


_TAIL_RE = re.compile(r",\s*(?:and\s+)?[^,]*\b(?:the following|as follows)\b[^:]*:$", re.I)
_LEAD_IN_RE = re.compile(r"\s*\b(?:the following|as follows)\b[^:]*:$", re.I)


def _words(trial: Trial, crit: Criterion, patterns=()) -> tuple[str, list[Span]] | None:
    """The criterion's telling words: the first clause (or the first matching ``patterns``), with
    a lead-in ending in ':' either cut back to the statement before it or joined to its items, so
    that no bullet ends in 'the following:' with nothing after it."""
    clauses = _clauses(trial, crit)
    if not clauses:
        return None
    text = trial.source.text
    idx = next(
        (
            i
            for i, c in enumerate(clauses)
            if any(p.search(text[c.start : c.end]) for p in patterns)
        ),
        0,
    )
    head = clean(text[clauses[idx].start : clauses[idx].end])
    if not head.endswith(":"):
        return head, [clauses[idx]]
    cut = _TAIL_RE.sub("", head)
    if cut != head and len(cut.split()) >= 4:
        return cut, [clauses[idx]]
    items = clauses[idx + 1 : idx + 1 + _GROUP_MAX]
    if not items:
        return None  # a lead-in with nothing after it says nothing
    lead = _LEAD_IN_RE.sub(":", head).rstrip(":")
    listed = "; ".join(drop_asides(clean(text[s.start : s.end])).rstrip(".;") for s in items)
    return f"{lead}: {listed}", [clauses[idx], *items]


def piece(trial: Trial, crit: Criterion, patterns=(), max_words: int = 14) -> Piece | None:
    found = _words(trial, crit, patterns)
    if found is None:
        return None
    words, spans = found
    negated = source_polarity(words, None)
    text = plain(words, keep_negation=negated)  # whole: a bullet is never cut
    return Piece(crit, text, tuple(spans), negated)


def category(text: str, side: str) -> Category | None:
    for cat in categories(side):
        if cat.patterns and any(p.search(text) for p in cat.patterns):
            return cat
    return next((c for c in categories(side) if c.key == "other"), None)


@cache
def _empty() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in load("lay_summary")["empty_criteria"])


def says_nothing(text: str) -> bool:
    """True for a criterion that states no requirement: a layout's placeholder ('Not
    specified', 'See Disease Characteristics') or a bare sub-heading ('Chemotherapy')."""
    words = clean(text).rstrip(".:; ")
    after = clean(words.split(":", 1)[-1])  # 'Hormone receptor status: Not specified'
    return any(p.fullmatch(words) or p.fullmatch(after) for p in _empty())


def criterion_text(trial: Trial, crit: Criterion) -> str:
    return " ".join(trial.source.text[s.start : s.end] for s in crit.spans)


def grouped(trial: Trial, side: str) -> list[tuple[Category, list[Piece]]]:
    """Criteria of one side in plain category order, split so a group never mixes a criterion
    that has its own negation with others (see the module docstring)."""
    crits = trial.inclusion_criteria if side == "good_fit" else trial.exclusion_criteria
    found: dict[str, list[Piece]] = {}
    for crit in crits:
        if says_nothing(criterion_text(trial, crit)):
            continue
        cat = category(criterion_text(trial, crit), side)
        if cat is not None and cat.key == "other" and crit.group:
            cat = category(crit.group, side) or cat  # 'Age:' over '20 to 80'
        if cat is None:
            continue
        p = piece(trial, crit, cat.patterns, _NOT_FIT_MAX_WORDS)
        if p is not None:
            found.setdefault(cat.key, []).append(p)
    out: list[tuple[Category, list[Piece]]] = []
    for cat in categories(side):
        members = found.get(cat.key, [])
        plain_ones = [p for p in members if not p.negated]
        for i in range(0, len(plain_ones), _GROUP_MAX):
            out.append((cat, plain_ones[i : i + _GROUP_MAX]))
        out.extend((cat, [p]) for p in members if p.negated)
    return out
