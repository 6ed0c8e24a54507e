"""Who should consider this trial, and eligibility in plain words, from the criteria.

Good-fit bullets come from inclusion criteria, not-a-fit bullets from exclusion criteria, grouped
into plain categories (prompts/fit_categories.json); each cites the criteria it groups.

Sides are never swapped, and a rewrite never turns a criterion round: each criterion is one plain
sentence with the same negations as its source words, and criteria are only grouped together when
none of them carries a negation of its own (two 'not's in one bullet would cancel out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.checker.polarity import source_polarity
from summarizer.engines.common import citations
from summarizer.engines.extractive.field_answers import age_range_words
from summarizer.engines.extractive.plain_words import clause_spans, clean, drop_asides, plain
from summarizer.engines.extractive.resources import load
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import Criterion, Span, Statement, Trial

_BOILERPLATE = re.compile(
    r"informed consent|consent form|willing (and able )?to|comply|compliance|investigator "
    r"(may|believes|considered|judge)|judged|unsuitable|other (conditions|reasons|situations)",
    re.I,
)
_FRAGMENT = re.compile(r"(?:[ivxIVX]+|\d+|[a-zA-Z])\s?[.)]?")
TARGET_GRADE = 8.0
# Each piece aims lower than the section target: its heading and the other pieces of its group
# share the same sentence budget.
_PIECE_GRADE = 7.0
_GOOD_FIT_MAX_WORDS = 16
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


def _category(text: str, side: str) -> Category | None:
    for cat in categories(side):
        if cat.patterns and any(p.search(text) for p in cat.patterns):
            return cat
    return next((c for c in categories(side) if c.key == "other"), None)


def _crit_text(trial: Trial, crit: Criterion) -> str:
    return " ".join(trial.source.text[s.start : s.end] for s in crit.spans)


def _age(trial: Trial) -> Statement | None:
    words = age_range_words(trial)
    if not words:
        return None
    items = [a for a in (trial.min_age, trial.max_age) if a is not None]
    return Statement(
        text=f"Age: you are {_lower_units(words.removeprefix('aged '))}.",
        citations=citations(trial, [s for a in items for s in a.spans], "eligibility"),
        fields=["min_age", "max_age"],
    )


def _lower_units(words: str) -> str:
    return re.sub(r"\b(Years?|Months?|Weeks?|Days?)\b", lambda m: m.group(1).lower(), words)


def good_fit(trial: Trial) -> list[Statement]:
    out: list[Statement] = [s for s in [_age(trial)] if s]
    seen_keys = {"age"} if out else set()
    for crit in trial.inclusion_criteria:
        crit_text = _crit_text(trial, crit)
        if _BOILERPLATE.search(crit_text[:80]):
            continue
        cat = _category(crit_text, "good_fit")
        if cat is None or cat.key == "other" or (cat.key in seen_keys and cat.key != "disease"):
            continue
        p = piece(trial, crit, cat.patterns, _GOOD_FIT_MAX_WORDS)
        if p is None:
            continue
        out.append(
            Statement(
                text=f"{cat.heading}: {p.text}",
                citations=citations(trial, p.spans, "inclusion"),
                fields=["inclusion_criteria"],
            )
        )
        seen_keys.add(cat.key)
        if len(out) >= 5:
            break
    return out


def grouped(trial: Trial, side: str) -> list[tuple[Category, list[Piece]]]:
    """Criteria of one side in plain category order, split so a group never mixes a criterion
    that has its own negation with others (see the module docstring)."""
    crits = trial.inclusion_criteria if side == "good_fit" else trial.exclusion_criteria
    found: dict[str, list[Piece]] = {}
    for crit in crits:
        cat = _category(_crit_text(trial, crit), side)
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


def _statement(trial: Trial, kind: str, text: str, pieces: list[Piece]) -> Statement:
    return Statement(
        text=text,
        citations=citations(trial, [s for p in pieces for s in p.spans], kind),
        fields=[f"{kind}_criteria"],
    )


def not_fit(trial: Trial) -> list[Statement]:
    out: list[Statement] = []
    for cat, pieces in grouped(trial, "not_fit"):
        if cat.key == "other" and all(
            _BOILERPLATE.search(_crit_text(trial, p.crit)) for p in pieces
        ):
            continue
        body = " ".join(p.text for p in pieces)
        out.append(_statement(trial, "exclusion", f"{cat.heading}: {body}", pieces))
    return out


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
