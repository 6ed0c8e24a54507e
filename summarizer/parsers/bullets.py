"""List markers at the start of a line, and lines grouped into nested items: the one grammar the
criteria splitters share.

A marker is a glyph ('-', '*', '•', Word's 'o') and/or an enumerator ('1.', 'b)', '(iv)'). The
marker forms are written once below. The splitters still differ in a few rules (which glyphs count,
whether a marker must be followed by a space, whether '2.' alone on a line is a bullet, whether a
glyph and a number may stack as in '• 1.'); those differences are a ``Dialect``, stated as data, so
they can be unified deliberately rather than drift apart in three regexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

# The marker forms, each written once.
_DASH = r"--?"  # '-', or '--' in text pasted from plain-text protocols
_GLYPH = "*•·◦▪‣○●–—"  # bullet glyphs (without '-', which is _DASH)
_WORD_O = r"o(?=\s)"  # Word's hollow sub-bullet, typed as the letter o
_NUMBER = r"\d{1,3}"
_LETTER = r"[a-zA-Z]"
_ROMAN = r"(?:i{1,3}|iv|v|vi{1,3}|ix|x)"  # i to x, lower case
_ROMAN_LOOSE = r"[ivxIVX]{1,5}"  # any run of roman digits, either case
_CLOSE = r"[.)]"

# Criteria blocks and criterion items: one marker; a number is not followed by a digit ('1.5 mg'),
# a letter or roman enumerator by a space ('e.g.' is a word).
_SINGLE = re.compile(
    rf"(?P<glyph>{_DASH}|[{_GLYPH}]|{_WORD_O})"
    rf"|(?P<enum>{_NUMBER}{_CLOSE}(?!\d)|\({_NUMBER}\)|{_LETTER}{_CLOSE}(?=\s)|\({_LETTER}\)"
    rf"|{_ROMAN}{_CLOSE}(?=\s))"
)
# Text pages: a glyph, then an enumerator, both optional ('• 1. ...' in ClinConnect pages); the
# enumerator may have a space before its closer ('1 .') and ends the line or is followed by one.
_STACKED = re.compile(
    rf"(?P<glyph>[{_GLYPH}\-](?=\s))?[ \t]*"
    rf"(?P<enum>(?:{_NUMBER}|{_ROMAN_LOOSE}|{_LETTER})[ \t]?{_CLOSE}(?=\s|$)"
    rf"|\((?:{_NUMBER}|[ivx]{{1,5}}|[a-z])\)(?=\s))?"
)


@dataclass(frozen=True, slots=True)
class Dialect:
    """The rules one reader applies on top of the marker forms."""

    name: str
    stacked: bool  # glyph and enumerator read together ('• 1.'), else one marker
    glyphs: str  # glyphs that count as a marker ('-' also admits '--' where the form allows it)
    glued_double_dash: bool = False  # '--' counts even with no space after ('--text')
    glyph_needs_space: bool = False  # a glyph needs a space after it, or the line to end
    number_needs_words: bool = False  # '2.' alone on a line ends a sentence, it is no bullet
    needs_space: bool = False  # every marker needs a space after it
    needs_words: bool = False  # a marker with nothing after it is no marker
    tab_width: int = 1  # columns a tab counts for in the indent
    words_after_space: bool = False  # words start at the first non-space after the lead


# A CT.gov eligibility block (summarizer.parsers.criteria).
BLOCK = Dialect(
    "block",
    stacked=False,
    glyphs="-*•·◦▪‣o",
    glued_double_dash=True,
    glyph_needs_space=True,
    number_needs_words=True,
)
# The nested items of one criterion (summarizer.criteria.parse).
ITEM = Dialect("item", stacked=False, glyphs="-*•·◦▪‣○o", needs_space=True, needs_words=True)
# A text or HTML page's criteria list (summarizer.parsers.text.criteria).
PAGE = Dialect("page", stacked=True, glyphs="-" + _GLYPH, tab_width=4, words_after_space=True)


class Marker(NamedTuple):
    """The list marker of a line; ``glyph`` and ``enum`` are its parts (either may be None)."""

    glyph: str | None
    enum: str | None

    @property
    def series(self) -> str:
        """'num', 'roman', 'ROMAN', 'alpha', 'ALPHA' for enumerators, else 'bullet:<glyph>'."""
        if self.enum is None:
            return f"bullet:{self.glyph}"
        core = self.enum.strip("(). \t")
        if core.isdigit():
            return "num"
        if set(core) <= set("ivx"):
            return "roman"
        if set(core) <= set("IVX"):
            return "ROMAN"
        return "alpha" if core.islower() else "ALPHA"


class ListLine(NamedTuple):
    """One line read as a list line; offsets are absolute in the text."""

    start: int  # the line
    indent: int  # columns before the marker or words
    marker: Marker | None
    content: int  # where the words start (after indent and marker)
    end: int  # after the last non-space character (never before ``content``)

    @property
    def bullet(self) -> bool:
        return self.marker is not None


def read_line(text: str, start: int, end: int, dialect: Dialect) -> ListLine:
    """``text[start:end]`` (one line, no newline) read under ``dialect``."""
    return _read(text[start:end], start, dialect)


def _read(raw: str, start: int, dialect: Dialect) -> ListLine:
    stripped = raw.lstrip(" \t")
    lead = len(raw) - len(stripped)
    indent = lead if dialect.tab_width == 1 else len(raw[:lead].expandtabs(dialect.tab_width))
    marker, skip = (_stacked if dialect.stacked else _single)(stripped, dialect)
    content = start + lead + skip
    if dialect.words_after_space:
        rest = stripped[skip:]
        content += len(rest) - len(rest.lstrip())
    return ListLine(start, indent, marker, content, max(content, start + len(raw.rstrip())))


def _single(stripped: str, d: Dialect) -> tuple[Marker | None, int]:
    m = _SINGLE.match(stripped)
    if m is None:
        return None, 0
    glyph, enum = m.group("glyph"), m.group("enum")
    after = m.end()
    rest = stripped[after:]
    gap = len(rest) - len(rest.lstrip())
    skip = after + gap
    words = skip < len(stripped)
    if glyph is not None and glyph not in d.glyphs and not (glyph == "--" and "-" in d.glyphs):
        return None, 0
    if (d.needs_space and not gap) or (d.needs_words and not words):
        return None, 0
    glued = glyph is not None and not gap and words
    if d.glyph_needs_space and glued and not (glyph == "--" and d.glued_double_dash):
        return None, 0
    if d.number_needs_words and enum is not None and enum[0].isdigit() and not words:
        return None, 0
    return Marker(glyph, enum), skip


def _stacked(stripped: str, d: Dialect) -> tuple[Marker | None, int]:
    m = _STACKED.match(stripped)
    assert m is not None  # every part is optional
    glyph, enum = m.group("glyph"), m.group("enum")
    if glyph is not None and glyph not in d.glyphs:
        return None, 0  # no enumerator starts with a glyph: the line has no marker
    skip = m.end()
    skip += len(stripped[skip:]) - len(stripped[skip:].lstrip(" \t"))
    return (Marker(glyph, enum) if glyph or enum else None), skip


def read_lines(text: str, start: int, end: int, dialect: Dialect) -> list[ListLine]:
    """Every line of ``text[start:end]`` (split on LF) read under ``dialect``."""
    out: list[ListLine] = []
    pos = start
    for raw in text[start:end].split("\n"):
        out.append(_read(raw, pos, dialect))
        pos += len(raw) + 1
    return out


@dataclass(frozen=True, slots=True)
class ItemSpan:
    """One item: ``text[start:end]`` is its words, its nested items included as ``children``."""

    start: int
    end: int
    children: list[ItemSpan] = field(default_factory=list)


def items(
    text: str, start: int, end: int, dialect: Dialect = ITEM, depth: int = 1
) -> list[ItemSpan]:
    """The items listed under the first line of ``text[start:end]`` (the head they hang from).

    Bulleted lines at the shallowest bullet indent start an item; any other line (a deeper bullet,
    a wrapped line) continues the item before it. ``depth`` levels are read: each item's own
    lines are read the same way for its children.
    """
    if depth < 1:
        return []
    lines = read_lines(text, start, end, dialect)[1:]
    body = [ln for ln in lines if ln.bullet]
    if not body:
        return []
    top = min(ln.indent for ln in body)
    spans: list[tuple[int, int]] = []
    for ln in lines:
        if ln.end <= ln.content and not ln.bullet:
            continue
        if ln.bullet and ln.indent == top:
            spans.append((ln.content, ln.end))
        elif spans:
            spans[-1] = (spans[-1][0], max(spans[-1][1], ln.end))
    return [ItemSpan(s, e, items(text, s, e, dialect, depth - 1)) for s, e in spans if e > s]
