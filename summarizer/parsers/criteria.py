"""Split an eligibility text block into single top-level criteria, with offsets into the block.

Registries write criteria many ways: ``Inclusion Criteria:``/``Exclusion Criteria:`` headings,
``*``/``-``/``1.`` bullets with nested sub-items, bare paragraphs, and sub-headings such as
``DISEASE CHARACTERISTICS:`` or ``Patients must have:``. A criterion keeps its nested sub-items
verbatim; sub-headings become its ``group``. Offsets let callers cite the exact words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from summarizer.parsers.bullets import BLOCK, read_lines

Kind = Literal["inclusion", "exclusion"]

_KIND_HEADING = re.compile(
    r"(?:[\w/-]+\s+){0,3}?(?P<kind>inclusion|exclusion)\b[^:]{0,60}?:\s*(?P<rest>.*)"
    r"|(?:[\w/-]+\s+){0,2}?(?P<bare>inclusion|exclusion)(?:\s+criteri(?:a|on))?\s*",
    re.IGNORECASE,
)
_UPPER_HEADING = re.compile(r"(?P<head>[A-Z][A-Z0-9 /&,()'-]{3,60}):\s+(?=\S)")
_EXCLUDING_GROUP = re.compile(r"\bexclu(?:ded|sion)\b|\bnot\s+(?:be\s+)?eligible\b", re.I)
_INCLUDING_GROUP = re.compile(
    r"^(?:allowed|required|recommended)\b|\bmust\s+(?:have|be|meet)\b|\bmay\s+be\s+eligible\b"
    r"|\binclu(?:ded|sion)\b",
    re.IGNORECASE,
)
_MAX_HEADING = 100


@dataclass(frozen=True)
class CriterionSlice:
    """One criterion: ``block[start:end]`` is its text, nested sub-items included."""

    kind: Kind
    start: int
    end: int
    group: str | None = None


@dataclass(frozen=True, slots=True)
class _Line:
    content: str  # its words, after indent and bullet marker, trailing space dropped
    indent: int
    bullet: bool
    content_start: int  # offset of the content after indent and bullet marker


def _lines(block: str) -> list[_Line]:
    """The block's lines under the eligibility-block dialect of the shared list grammar."""
    return [
        _Line(block[ln.content : ln.end], ln.indent, ln.bullet, ln.content)
        for ln in read_lines(block, 0, len(block), BLOCK)
    ]


def _kind_heading(content: str) -> tuple[Kind, str] | None:
    """('inclusion'|'exclusion', text after the heading) when the line is a kind heading."""
    if len(content) > _MAX_HEADING:
        return None
    low = content.lower()
    if "inclusion" in low and "exclusion" in low:
        return None
    match = _KIND_HEADING.fullmatch(content)
    if not match:
        return None
    word = (match.group("kind") or match.group("bare")).lower()
    if match.group("bare") and len(content) > 40:
        return None
    kind: Kind = "inclusion" if word == "inclusion" else "exclusion"
    return kind, match.group("rest") or ""


def _group_kind(heading: str, current: Kind) -> Kind:
    if _EXCLUDING_GROUP.search(heading):
        return "exclusion"
    if _INCLUDING_GROUP.search(heading):
        return "inclusion"
    return current


@dataclass
class _Open:
    kind: Kind
    group: str | None
    start: int
    end: int


@dataclass
class SplitResult:
    criteria: list[CriterionSlice]
    headed: bool  # whether any Inclusion/Exclusion heading was seen


def split_criteria(block: str) -> SplitResult:
    """Every top-level criterion in ``block`` in order, with kind, group and offsets."""
    lines = _lines(block)
    top, intros = _top_indents(lines)
    out: list[CriterionSlice] = []
    kind: Kind = "inclusion"
    group: str | None = None
    headed = False
    current: _Open | None = None
    after_break = True

    def close() -> None:
        nonlocal current
        if current is not None and current.end > current.start:
            out.append(CriterionSlice(current.kind, current.start, current.end, current.group))
        current = None

    for index, line in enumerate(lines):
        content = line.content
        if not content:
            if line.bullet:  # an empty bullet ends the criterion before it
                close()
            after_break = True
            continue
        top_indent = top[index]
        heading = _kind_heading(content)
        if heading is not None and _heading_position(line):
            close()
            kind, rest = heading
            headed, group, after_break = True, None, True
            if rest:
                begin = line.content_start + len(content) - len(rest)
                current = _Open(kind, group, begin, line.content_start + len(content))
                after_break = False
            continue
        if index in intros:
            close()
            group = content.rstrip(":").strip() or None
            kind = _group_kind(content, kind)
            after_break = True
            continue
        is_top = top_indent is None or line.indent <= top_indent
        if line.bullet and is_top:
            close()
            current = _Open(kind, group, line.content_start, line.content_start + len(content))
            after_break = False
            continue
        if (
            not line.bullet
            and is_top
            and _is_group_heading(content, after_break or current is None, lines, index, top_indent)
        ):
            close()
            group = content.rstrip(":").strip() or None
            kind = _group_kind(content, kind)
            after_break = True
            continue
        starts_new = current is None or (is_top and after_break and not line.bullet)
        if starts_new:
            close()
            begin = line.content_start
            upper = _UPPER_HEADING.match(content) if not line.bullet else None
            if upper:
                group = upper.group("head").strip()
                begin += upper.end()
            current = _Open(kind, group, begin, line.content_start + len(content))
        elif current is not None:
            current.end = line.content_start + len(content)
        after_break = False
    close()
    return SplitResult(out, headed)


def _is_group_heading(
    content: str, after_break: bool, lines: list[_Line], index: int, top_indent: int | None
) -> bool:
    """A short unbulleted line ending in ':' that opens a list or paragraph below it."""
    if not content.endswith(":") or len(content) > _MAX_HEADING:
        return False
    if after_break:
        return True
    following = next((ln for ln in lines[index + 1 :] if ln.content), None)
    if following is None or not following.bullet:
        return False
    return top_indent is None or following.indent <= top_indent


def _heading_position(line: _Line) -> bool:
    """Kind headings are unbulleted, or bulleted at the margin (``-  INCLUSION CRITERIA:``)."""
    return not line.bullet or line.indent <= 2


def _top_indents(lines: list[_Line]) -> tuple[list[int | None], set[int]]:
    """Per line, the indent of top-level bullets in its Inclusion/Exclusion section (None when
    the section has no bullets: then criteria are paragraphs), and the bulleted lines that only
    introduce a nested list (``* Patients must meet all of the following:``): group headings."""
    sections: list[list[int]] = [[]]
    owner: list[int] = []
    for index, line in enumerate(lines):
        content = line.content
        if content and _kind_heading(content) is not None and _heading_position(line):
            sections.append([])
        elif line.bullet and content:
            sections[-1].append(index)
        owner.append(len(sections) - 1)
    tops: list[int | None] = []
    intros: set[int] = set()
    for section in sections:
        if not section:
            tops.append(None)
            continue
        top = min(lines[i].indent for i in section)
        first = [i for i in section if lines[i].indent == top]
        deeper = [lines[i].indent for i in section if lines[i].indent > top]
        if deeper and all(lines[i].content.endswith(":") for i in first):
            intros.update(first)
            top = min(deeper)
        tops.append(top)
    return [tops[i] for i in owner], intros
