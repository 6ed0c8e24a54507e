"""Labelled values -> normalized trial fields (phase, status, ages, enrollment, dates, ...)."""

from __future__ import annotations

import re
from typing import Literal

from summarizer import normalize
from summarizer.models import Age, Enrollment, Fact, Intervention, TrialDate
from summarizer.parsers.text.facts import NCT_RE, fact, span, split_list, sub
from summarizer.parsers.text.layout import Layout
from summarizer.parsers.text.lines import Piece, trim
from summarizer.parsers.text.vocab import vocab

PHASE_RE = re.compile(
    r"\b(?:early[\s_]*phase[\s_]*(?:1|i)\b|phase[\s_]*(?:[1-4]|iv|i{1,3})\b"
    r"(?:[ \t]*[/,&][ \t]*(?:phase[\s_]*)?(?:[1-4]|iv|i{1,3})\b)*)",
    re.IGNORECASE,
)
_AGE_RE = re.compile(
    r"(\d{1,3}(?:\.\d+)?)(?:[ \t]*(years?|yrs?|months?|weeks?|days?)\b)?", re.IGNORECASE
)
_MIN_WORDS = re.compile(r"older|over|above|\+|≥|>=|minimum|at least", re.IGNORECASE)
_MAX_WORDS = re.compile(r"up to|younger|under|below|≤|<=|maximum|at most", re.IGNORECASE)
_NUMBER_RE = re.compile(r"\d[\d,]*")
_DATE_RE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?|[A-Z][a-z]{2,8}\.?[ \t]+(?:\d{1,2},?[ \t]+)?\d{4}")
DATE_KINDS = (
    "start",
    "primary_completion",
    "completion",
    "first_posted",
    "last_update",
    "verified",
)


def phase_facts(doc: str, piece: Piece) -> list[Fact]:
    out: list[Fact] = []
    for m in PHASE_RE.finditer(piece.text):
        p = sub(doc, piece, m.start(), m.end())
        if p is not None:
            out.extend(fact(p, v) for v in normalize.phases(p.text))
    if not out and normalize.phases(piece.text) == ["NA"]:
        out.append(fact(piece, "NA"))
    return out


def age_pair(doc: str, piece: Piece) -> tuple[Age | None, Age | None]:
    """'14 Years to 75 Years' -> (14, 75); '18 Years and older' -> (18, None)."""
    found: list[Piece] = []
    for m in _AGE_RE.finditer(piece.text):
        p = sub(doc, piece, m.start(), m.end())
        if p is not None:
            found.append(p)
        if len(found) == 2:
            break
    ages = [Age(raw=p.text, years=_years(p.text), spans=[span(p)]) for p in found]
    if len(ages) == 2:
        return ages[0], ages[1]
    if len(ages) == 1:
        rest = piece.text
        if _MAX_WORDS.search(rest):
            return None, ages[0]
        if _MIN_WORDS.search(rest):
            return ages[0], None
    return None, None


def _years(raw: str) -> float | None:
    has_unit = any(ch.isalpha() for ch in raw)
    return normalize.age_years(raw if has_unit else raw + " years")


def enrollment(lv_prefix: str | None, piece: Piece) -> Enrollment | None:
    m = _NUMBER_RE.search(piece.text)
    if m is None:
        return None
    low = piece.text.lower()
    kind: Literal["estimated", "actual"] | None = None
    if (
        lv_prefix in ("estimated", "anticipated", "target")
        or "estimat" in low
        or "anticipat" in low
    ):
        kind = "estimated"
    elif lv_prefix == "actual" or "actual" in low:
        kind = "actual"
    return Enrollment(
        count=int(m.group(0).replace(",", "")), kind=kind, raw=piece.text, spans=[span(piece)]
    )


def trial_date(doc: str, kind: str, prefix: str | None, piece: Piece) -> TrialDate | None:
    m = _DATE_RE.search(piece.text)
    if m is None:
        return None
    p = sub(doc, piece, m.start(), m.end())
    if p is None:
        return None
    estimated = {"estimated": True, "anticipated": True, "actual": False}.get(prefix or "")
    return TrialDate(
        kind=kind,  # type: ignore[arg-type]  # one of DATE_KINDS, the model's literal
        raw=p.text,
        value=normalize.date(p.text),
        estimated=estimated,
        spans=[span(p)],
    )


def nct_in(doc: str, piece: Piece) -> Fact | None:
    m = NCT_RE.search(piece.text)
    if m is None:
        return None
    p = sub(doc, piece, m.start(), m.end())
    return fact(p) if p is not None else None


def sponsor(doc: str, piece: Piece) -> Fact | None:
    m = vocab().sponsor_class_re.search(piece.text)
    p = trim(doc, piece.start, piece.start + m.start()) if m else piece
    return fact(p) if p is not None else None


def intervention(doc: str, piece: Piece) -> Intervention | None:
    """'Drug: Name' -> type DRUG, name 'Name'; a bare name keeps no type."""
    m = vocab().intervention_re.match(piece.text)
    if m is not None:
        name = sub(doc, piece, m.end(), len(piece.text))
        if name is None:
            return None
        itype = "_".join(m.group("type").upper().replace("/", " ").split())
        itype = {"BIOLOGIC": "BIOLOGICAL", "PROCEDURE_SURGERY": "PROCEDURE"}.get(itype, itype)
        return Intervention(type=itype, name=name.text, spans=[span(name)])
    return Intervention(name=piece.text, spans=[span(piece)])


def interventions_from(doc: str, pieces: list[Piece]) -> list[Intervention]:
    out: list[Intervention] = []
    for piece in pieces:
        has_type = vocab().intervention_re.match(piece.text) is not None
        for part in split_list(doc, piece, commas=not has_type):
            iv = intervention(doc, part)
            if iv is not None:
                out.append(iv)
    return out


def merge_interventions(items: list[Intervention]) -> list[Intervention]:
    seen: dict[str, Intervention] = {}
    for iv in items:
        key = " ".join(iv.name.lower().split())
        if key in seen:
            old = seen[key]
            old.spans.extend(s for s in iv.spans if s not in old.spans)
            old.type = old.type or iv.type
        else:
            seen[key] = iv
    return list(seen.values())


def label_pieces(layout: Layout, key: str) -> list[tuple[str | None, str, Piece]]:
    """(prefix, label words, value) for every value of every ``key`` label, in label order."""
    return [
        (lv.prefix, lv.label.text.lower(), v)
        for lv in layout.labels
        if lv.key == key
        for v in lv.values
    ]
