"""Split an eligibility block into top-level criteria, keeping nested items with their parent.

The first list marker seen fixes the top level ('*', '-', '1.', ...). Lines with another marker, or
deeper indentation, are sub-items of the current criterion; short unmarked lines ending in ':' (or
naming 'criteria') are group headings such as 'Common Inclusion Criteria'. When every line carries
a bullet *and* a number (ClinConnect style), the bullet is decoration and the numbers count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.parsers.bullets import PAGE, read_line
from summarizer.parsers.criteria import is_heading_words
from summarizer.parsers.text.lines import Line, Piece, trim
from summarizer.parsers.text.vocab import vocab

_GROUP_WORDS_RE = re.compile(r"\b(?:criteria|cohorts?|groups?|part|arms?|population)\b", re.I)


@dataclass(frozen=True, slots=True)
class Marked:
    """A line read as a list line: its marker type, indentation and words."""

    line: Line
    kind: str | None  # 'num', 'roman', 'alpha', 'ROMAN', 'ALPHA', 'bullet:*', or None
    indent: int
    has_bullet: bool
    has_enum: bool
    words: Piece | None


def mark(doc: str, line: Line) -> Marked:
    """The line under the page dialect of the shared list grammar."""
    ln = read_line(doc, line.start, line.end, PAGE)
    marker = ln.marker
    words = Piece(ln.content, ln.end, doc[ln.content : ln.end]) if ln.end > ln.content else None
    return Marked(
        line,
        marker.series if marker else None,
        ln.indent,
        bool(marker and marker.glyph),
        bool(marker and marker.enum),
        words,
    )


def is_group_heading(words: str) -> bool:
    """'Common Inclusion Criteria:', 'Refractory/Relapsed SLE:' - not a sentence, short."""
    w = words.strip()
    if not w or len(w) > 100 or w[-1] in ".;,":
        return False
    if is_heading_words(w):  # 'DISEASE CHARACTERISTICS', 'Biologic therapy' (PDQ layout)
        return True
    return w.endswith(":") or bool(_GROUP_WORDS_RE.search(w))


def _is_note(words: str) -> bool:
    low = words[:12].lower()
    return any(low.startswith(p) for p in vocab().note_prefixes)


@dataclass
class Item:
    start: int
    end: int
    group: Piece | None


@dataclass(frozen=True, slots=True)
class RawCriterion:
    piece: Piece
    group: Piece | None  # the heading words, without a trailing colon


class _Block:
    """Line-by-line state machine; linear in the number of lines."""

    def __init__(self, doc: str, lines: list[Line]) -> None:
        self.doc = doc
        self.marked = [mark(doc, ln) for ln in lines]
        self.decorated = any(m.has_bullet and m.has_enum for m in self.marked)
        self.any_marked = any(self._kind(m) for m in self.marked)

    def _kind(self, m: Marked) -> str | None:
        if self.decorated and not m.has_enum:
            return None
        return m.kind

    def run(self) -> tuple[list[RawCriterion], int]:
        """Criteria, and how many lines of the block belong to the list."""
        items: list[Item] = []
        group: Piece | None = None
        top: tuple[str, int] | None = None
        blank_before = False
        used = 0
        for i, m in enumerate(self.marked):
            if m.words is None:
                blank_before = True
                continue
            words = m.words.text
            kind = self._kind(m)
            if kind is None and vocab().is_boilerplate(words):
                break
            prose_after_blank = kind is None and blank_before and top is not None
            if (
                prose_after_blank
                and m.indent == 0
                and not _is_note(words)
                and not is_group_heading(words)
            ):
                break  # prose after a blank line: the list is over
            used = i + 1
            cur = items[-1] if items else None
            if kind is None:
                if _is_note(words) and cur is not None:
                    cur.end = m.words.end
                elif is_group_heading(words) and (
                    cur is None
                    or self.decorated
                    or blank_before
                    or self.doc[cur.end - 1] in ".;"
                    or not self.any_marked
                ):
                    group = trim(self.doc, m.words.start, m.words.end, ":")
                    if cur is not None:
                        items.append(Item(-1, -1, None))  # sentinel: closes the current item
                elif cur is not None and cur.start >= 0 and self.any_marked:
                    cur.end = m.words.end
                else:
                    items.append(Item(m.words.start, m.words.end, group))
            elif top is None or (kind == top[0] and m.indent <= top[1] + 1) or cur is None:
                if top is None:
                    top = (kind, m.indent)
                items.append(Item(m.words.start, m.words.end, group))
            elif cur.start < 0:
                items.append(Item(m.words.start, m.words.end, group))
            else:
                cur.end = m.words.end
            blank_before = False
        out: list[RawCriterion] = []
        for it in items:
            if it.start < 0:
                continue
            piece = trim(self.doc, it.start, it.end)
            if piece is not None:
                out.append(RawCriterion(piece, it.group))
        return out, used


def split_criteria(doc: str, lines: list[Line]) -> tuple[list[RawCriterion], int]:
    """Top-level criteria of a block of lines, and the number of lines the list spans."""
    return _Block(doc, lines).run()
