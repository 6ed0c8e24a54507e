"""Outcome measures in three shapes: '[ Time Frame: x ]' lines, glued 'MeasureDay 1-100' table
rows, and export records 'measure, description, time frame|...'."""

from __future__ import annotations

import re
from typing import Literal

from summarizer.models import Outcome
from summarizer.parsers.text.facts import span, sub
from summarizer.parsers.text.lines import Line, Piece, content

Kind = Literal["primary", "secondary", "other"]
_TIME_FRAME_RE = re.compile(r"\[\s*time\s*frame\s*:\s*([^\]]{0,300})\]", re.IGNORECASE)
_TIME_START = re.compile(
    r"(?:day|days|week|weeks|month|months|year|years|baseline|up to|from|at|within|through|"
    r"cycle|hour|hours|screening|end of|\d)\b",
    re.IGNORECASE,
)
_GLUED_RE = re.compile(r"[a-z)](?=[A-Z][a-z]{1,}\b)")
_NUMERIC_PART = re.compile(r"[\d\s]+(?:and\s+\d+)?", re.IGNORECASE)
_UNIT_PART = re.compile(r"(?:days?|weeks?|months?|years?|hours?|cycles?)\s+\d", re.IGNORECASE)
_HEADER_RE = re.compile(r"(?:[A-Z][a-z]+){2,5}")


def _outcome(piece: Piece, kind: Kind, measure: str, tf: str | None, desc: str | None) -> Outcome:
    return Outcome(kind=kind, measure=measure, time_frame=tf, description=desc, spans=[span(piece)])


def time_frame_line(doc: str, piece: Piece, kind: Kind) -> Outcome | None:
    """'Safety of X [ Time Frame: 24 weeks ]Adverse events by CTCAE' -> measure, frame, notes."""
    m = _TIME_FRAME_RE.search(piece.text)
    if m is None:
        return None
    measure = sub(doc, piece, 0, m.start())
    if measure is None:
        return None
    frame = sub(doc, piece, m.start(1), m.end(1))
    desc = sub(doc, piece, m.end(), len(piece.text))
    return _outcome(
        piece, kind, measure.text, frame.text if frame else None, desc.text if desc else None
    )


def _glued_split(text: str) -> int | None:
    """Where a glued 'MeasureTime frame' cell boundary is: the last camel join before a time."""
    best = None
    for m in _GLUED_RE.finditer(text):
        if _TIME_START.match(text, m.end()):
            best = m.end()
    return best


def section_outcomes(doc: str, lines: list[Line], kind: Kind) -> list[Outcome]:
    """Rows of an outcome section; lines without a time frame describe the row above."""
    out: list[Outcome] = []
    cur: tuple[Piece, str, str | None, list[Piece]] | None = None

    def flush() -> None:
        if cur is None:
            return
        first, measure, tf, desc = cur
        last = desc[-1] if desc else first
        whole = Piece(first.start, last.end, doc[first.start : last.end])
        out.append(_outcome(whole, kind, measure, tf, " ".join(d.text for d in desc) or None))

    for ln in lines:
        words = content(doc, ln)
        if words is None or _HEADER_RE.fullmatch(words.text):
            continue
        framed = time_frame_line(doc, words, kind)
        if framed is not None:
            flush()
            cur = None
            out.append(framed)
            continue
        cut = _glued_split(words.text)
        if cut is not None or cur is None:
            flush()
            measure = words.text[:cut] if cut else words.text
            tf = words.text[cut:] if cut else None
            cur = (words, measure.strip(), tf.strip() if tf else None, [])
        else:
            cur[3].append(words)
    flush()
    return out


def _top_level_commas(text: str) -> list[int]:
    depth = 0
    out: list[int] = []
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
        elif ch == "," and depth == 0 and text[i + 1 : i + 2] == " ":
            out.append(i)
    return out


def export_record(doc: str, piece: Piece, kind: Kind) -> Outcome:
    """'measure, description, time frame' where the time frame may itself hold commas."""
    commas = _top_level_commas(piece.text)
    bounds = [0, *[c + 1 for c in commas]]
    ends = [*commas, len(piece.text)]
    parts = [(b, e, piece.text[b:e].strip()) for b, e in zip(bounds, ends, strict=True)]
    if len(parts) == 1:
        return _outcome(piece, kind, piece.text, None, None)
    j = len(parts) - 1
    while j > 1 and (_NUMERIC_PART.fullmatch(parts[j][2]) or _UNIT_PART.match(parts[j][2])):
        j -= 1
    units = [i for i in range(j + 1, len(parts)) if _UNIT_PART.match(parts[i][2])]
    k = units[0] if units else j
    tf = sub(doc, piece, parts[k][0], len(piece.text))
    measure = parts[0][2]
    desc = sub(doc, piece, parts[1][0], parts[k - 1][1]) if k > 1 else None
    return _outcome(piece, kind, measure, tf.text if tf else None, desc.text if desc else None)
