"""Turning pieces of the document into model values whose spans quote their own words."""

from __future__ import annotations

import re

from summarizer.models import Fact, Span
from summarizer.parsers.text.lines import Piece, trim

NCT_RE = re.compile(r"\bNCT\d{8}\b")
_SPLIT_RE = re.compile(r"\s*(?:\||;|,(?=\s))\s*")


def find_nct(text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """First NCT ID in ``text[start:end]``: find() to the literal, then the regex (fast on MBs)."""
    end = len(text) if end is None else end
    pos = text.find("NCT", start, end)
    while pos >= 0:
        m = NCT_RE.match(text, pos, end)
        if m is not None:
            return m
        pos = text.find("NCT", pos + 3, end)
    return None


def span(piece: Piece) -> Span:
    return Span(start=piece.start, end=piece.end)


def fact(piece: Piece, value: str | None = None) -> Fact:
    """A fact quoting ``piece``; ``raw`` is kept only when the normalized value differs."""
    value = piece.text if value is None else value
    return Fact(value=value, raw=None if value == piece.text else piece.text, spans=[span(piece)])


def sub(doc: str, piece: Piece, start: int, end: int) -> Piece | None:
    """A trimmed sub-range of ``piece`` given offsets relative to the piece."""
    return trim(doc, piece.start + start, piece.start + end)


def split_list(doc: str, piece: Piece, commas: bool = True) -> list[Piece]:
    """'a | b; c, d' -> pieces a, b, c, d (commas only when asked)."""
    out: list[Piece] = []
    pos = 0
    pattern = _SPLIT_RE if commas else re.compile(r"\s*[|;]\s*")
    for m in pattern.finditer(piece.text):
        part = sub(doc, piece, pos, m.start())
        if part is not None:
            out.append(part)
        pos = m.end()
    part = sub(doc, piece, pos, len(piece.text))
    if part is not None:
        out.append(part)
    return out


def dedupe(facts: list[Fact]) -> list[Fact]:
    """Merge facts with the same value, keeping the spans that quote the same words."""
    seen: dict[str, Fact] = {}
    for f in facts:
        key = " ".join(f.value.lower().split())
        if key in seen:
            old = seen[key]
            if (old.raw or old.value) == (f.raw or f.value):
                old.spans.extend(s for s in f.spans if s not in old.spans)
        else:
            seen[key] = f
    return list(seen.values())
