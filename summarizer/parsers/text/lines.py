"""Lines with their offsets in the document, and trimming that keeps offsets exact.

Every value the parser emits is a slice ``text[start:end]`` of the document, so all helpers here
work on offsets, never on copies that could drift from the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Piece:
    """A half-open range of the document with its text (``doc[start:end] == text``)."""

    start: int
    end: int
    text: str


def trim(doc: str, start: int, end: int, chars: str | None = None) -> Piece | None:
    """The range without surrounding whitespace (and ``chars``); None when nothing is left."""
    s = doc[start:end]
    left = s.lstrip()
    right = s.rstrip()
    if chars is not None:
        prev = None
        while prev != left:
            prev = left
            left = left.lstrip(chars).lstrip()
        prev = None
        while prev != right:
            prev = right
            right = right.rstrip(chars).rstrip()
    lo = start + len(s) - len(left)
    hi = start + len(right)
    if lo >= hi:
        return None
    return Piece(lo, hi, doc[lo:hi])


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the document: ``doc[start:end]`` without its newline."""

    index: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


def split_lines(doc: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Lines of ``doc[start:end]`` split on LF only (so any other control char stays in place)."""
    end = len(doc) if end is None else end
    out: list[Line] = []
    pos = start
    while pos <= end:
        nl = doc.find("\n", pos, end)
        stop = end if nl < 0 else nl
        out.append(Line(len(out), pos, stop, doc[pos:stop]))
        if nl < 0:
            break
        pos = nl + 1
    return out


# Decoration in front of a line's words: indentation, bullets, table pipes.
_BULLETS = "•*-·▪◦‣●○–—>"
_LEAD_RE = re.compile(r"[\s|" + re.escape(_BULLETS) + r"]*")


def content(doc: str, line: Line) -> Piece | None:
    """The line's words without leading bullets/pipes and trailing pipes/whitespace."""
    m = _LEAD_RE.match(line.text)
    start = line.start + (m.end() if m else 0)
    return trim(doc, start, line.end, "|")


def cells(doc: str, line: Line) -> list[Piece]:
    """Non-empty ``|``-separated cells of a line, each trimmed, with exact offsets."""
    out: list[Piece] = []
    pos = line.start
    for part in line.text.split("|"):
        piece = trim(doc, pos, pos + len(part))
        if piece is not None:
            out.append(piece)
        pos += len(part) + 1
    return out
