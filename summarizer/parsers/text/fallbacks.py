"""Rules for values a page states without a label: title, standalone status/phase lines, prose
summaries, targets, design notes, ages written in criteria, conditions named by criteria groups.
"""

from __future__ import annotations

import re

from summarizer import normalize
from summarizer.models import Age, Fact
from summarizer.parsers.text.facts import NCT_RE, dedupe, fact, span, sub
from summarizer.parsers.text.layout import Layout
from summarizer.parsers.text.lines import Line, Piece, content, trim
from summarizer.parsers.text.vocab import vocab

_TOKEN_RE = re.compile(r"\b(?:CD[ \t]?\d{1,3}[a-z]?|[A-Z][A-Za-z0-9.\-]{1,12})\b")
_NEGATED_RE = re.compile(r"[\s-]{0,2}(?:negative|neg\b|escaped|loss)", re.IGNORECASE)
_SENTENCE_RE = re.compile(r"[.!?](?:\s|$)")
_AGE_WORD = re.compile(r"\bage", re.IGNORECASE)
_AGE_NUM = r"(\d{1,3})(?:[ \t]*(years?|months?))?"
_AGE_RULES = (
    (
        "both",
        re.compile(
            r"\bage[ds]?[ \t:]*(?:between|from|of)?[ \t]*"
            + _AGE_NUM
            + r"[ \t]*(?:and|to|-|–)[ \t]*"
            + _AGE_NUM,
            re.IGNORECASE,
        ),
    ),
    (
        "min",
        re.compile(
            r"\bage[ds]?[ \t:]*(?:≥|>=|>|at least|older than|over|of at least|must be at least)"
            r"[ \t]*" + _AGE_NUM,
            re.IGNORECASE,
        ),
    ),
    (
        "min",
        re.compile(
            r"\bage[ds]?[ \t]*" + _AGE_NUM + r"[ \t]*(?:and|or)[ \t]+(?:older|over|above)",
            re.IGNORECASE,
        ),
    ),
    (
        "max",
        re.compile(
            r"\bage[ds]?[ \t:]*(?:≤|<=|<|younger than|under|up to|no more than|below)[ \t]*"
            + _AGE_NUM,
            re.IGNORECASE,
        ),
    ),
)


def title_line(doc: str, layout: Layout, limit: int = 40) -> Piece | None:
    """The first title-like line near the top: several words, not a label, heading or status."""
    first_section = min((s.heading.start for s in layout.sections), default=len(doc))
    for ln in layout.lines[:limit]:
        if ln.start >= first_section:
            break
        words = content(doc, ln)
        if words is None or ln.index in layout.claimed or not _title_like(words.text):
            continue
        return words
    return None


def _title_like(text: str) -> bool:
    if len(text) > 400 or len(text.split()) < 4 or "|" in text or text.endswith(":"):
        return False
    if NCT_RE.search(text) or vocab().is_boilerplate(text):
        return False
    if vocab().intervention_re.match(text) or vocab().label_re.match(text):
        return False
    return normalize.status(text) is None and not normalize.phases(text)


def standalone(doc: str, layout: Layout, skip: set[int]) -> tuple[Fact | None, list[Fact]]:
    """Status and phase written alone on a line ('Withdrawn', 'Phase 1'), outside sections."""
    status: Fact | None = None
    phases: list[Fact] = []
    for ln in layout.lines:
        if ln.index in skip or ln.index in layout.claimed:
            continue
        words = content(doc, ln)
        if words is None or len(words.text) > 40:
            continue
        if status is None and (value := normalize.status(words.text)):
            status = fact(words, value)
        elif not phases and words.text.lower().startswith(("phase", "early phase")):
            phases = [fact(words, v) for v in normalize.phases(words.text)]
    return status, phases


def is_prose(text: str) -> bool:
    return (
        len(text[:2000].split(maxsplit=12)) > 12
        and bool(_SENTENCE_RE.search(text))
        and "|" not in text[-3:]
    )


def prose_run(doc: str, lines: list[Line], skip: set[int]) -> Piece | None:
    """The first run of prose paragraphs (blank lines allowed between them)."""
    start: int | None = None
    end = 0
    for ln in lines:
        if ln.blank:
            continue
        if ln.index in skip:
            if start is not None:
                break
            continue
        words = content(doc, ln)
        ok = (
            words is not None
            and is_prose(words.text)
            and not vocab().is_boilerplate(words.text)
            and vocab().label_re.match(words.text) is None
        )
        if ok and words is not None:
            start = words.start if start is None else start
            end = words.end
        elif start is not None:
            break
    return trim(doc, start, end) if start is not None else None


def find_targets(doc: str, pieces: list[Piece]) -> list[Fact]:
    """Antigens named in ``pieces`` ('CD19', 'BCMA'), skipping 'CD19-negative' mentions."""
    out: list[Fact] = []
    for piece in pieces:
        for m in _TOKEN_RE.finditer(piece.text):
            values = normalize.targets(m.group(0))
            if len(values) != 1 or _NEGATED_RE.match(piece.text, m.end()):
                continue
            p = sub(doc, piece, m.start(), m.end())
            if p is not None:
                out.append(fact(p, values[0]))
    return dedupe(out)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "-_"


def design_notes(doc: str, skip_ranges: list[tuple[int, int]]) -> list[Fact]:
    """'open-label', 'single arm', 'single-center'... anywhere outside the criteria.

    Plain substring search on an ASCII-lowercased copy (same length, so offsets hold): linear
    and fast on very long pages, unlike one big alternation regex.
    """
    voc = vocab()
    low = doc.translate(_ASCII_LOWER)
    found: list[tuple[int, int, str]] = []
    for phrase, key in voc.design_keys.items():
        pos = low.find(phrase)
        while pos >= 0:
            end = pos + len(phrase)
            before = doc[pos - 1] if pos else " "
            after = doc[end] if end < len(doc) else " "
            inside = any(a <= pos < b for a, b in skip_ranges)
            if not inside and not _word_char(before) and not _word_char(after):
                found.append((pos, end, key))
                break  # the first mention of each phrase is enough
            pos = low.find(phrase, end)
    found.sort()
    return dedupe([fact(Piece(a, b, doc[a:b]), key) for a, b, key in found])


def ages_in(doc: str, pieces: list[Piece]) -> tuple[Age | None, Age | None]:
    """'Age ≥ 18 years', 'aged 18 and older', 'aged 18 to 65 years' in criteria or summaries."""
    lo: Age | None = None
    hi: Age | None = None
    for piece in pieces:
        if not _AGE_WORD.search(piece.text):
            continue
        for kind, rule in _AGE_RULES:
            m = rule.search(piece.text)
            if m is None:
                continue
            p = sub(doc, piece, m.start(), m.end())
            if p is None:
                continue
            nums = [(m.group(i), m.group(i + 1)) for i in range(1, len(m.groups()), 2)]
            yrs = [normalize.age_years(f"{n} {u or 'years'}") for n, u in nums]
            if kind == "both" and lo is None and hi is None:
                lo = Age(raw=p.text, years=yrs[0], spans=[span(p)])
                hi = Age(raw=p.text, years=yrs[1], spans=[span(p)])
            elif kind == "min" and lo is None:
                lo = Age(raw=p.text, years=yrs[0], spans=[span(p)])
            elif kind == "max" and hi is None:
                hi = Age(raw=p.text, years=yrs[0], spans=[span(p)])
        if lo is not None or hi is not None:
            break
    return lo, hi


def conditions_from_groups(doc: str, groups: list[Piece]) -> list[Fact]:
    """Disease groups of the inclusion criteria ('Refractory/Relapsed SLE:' -> 'SLE').

    Group headings naming 'criteria' ('Common Inclusion Criteria') are not conditions.
    """
    alts = vocab().disease_state_re.pattern
    lead = re.compile(rf"(?:{alts}[\s/,]*(?:(?:and|or)\s+)?)+", re.IGNORECASE)
    out: list[Fact] = []
    for piece in groups:
        if re.search(r"\bcriteri", piece.text, re.IGNORECASE):
            continue
        m = lead.match(piece.text)
        if m is None or m.end() == 0:
            continue
        rest = trim(doc, piece.start + m.end(), piece.end, ":/,")
        if rest is not None:
            out.append(fact(rest))
    return dedupe(out)
