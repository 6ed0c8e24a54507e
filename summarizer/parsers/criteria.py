"""Split an eligibility text block into single top-level criteria, with offsets into the block.

Registries write criteria many ways: ``Inclusion Criteria:``/``Exclusion Criteria:`` headings,
``*``/``-``/``1.`` bullets with nested sub-items, bare paragraphs, and sub-headings such as
``DISEASE CHARACTERISTICS:`` or ``Patients must have:``. A criterion keeps its nested sub-items
verbatim; sub-headings become its ``group`` (with the heading's offsets), never a criterion of
their own. Offsets let callers cite the exact words.

A kind heading may carry a qualifier (``Exclusion Criteria for All Groups``, ``Inclusion
Criteria - Part A``, ``EXCLUSIONS - NORMAL VOLUNTEERS:``): it switches the items after it all the
same. A sub-heading is told by its shape: a short line ending in ':' over the items it opens,
a line in capitals over content, a bulleted line ending in ':' over sibling bullets (a list the
record flattened: ``* Adequate liver function:`` then ``* ALT < 2.5 x ULN``), or the words of one
PDQ layout heading alone (``Biologic therapy`` over its bullets; the list is data,
``summarizer/criteria/data/pdq_headings.json``, read from the NCI PDQ layout).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from summarizer.parsers.bullets import BLOCK, read_lines

Kind = Literal["inclusion", "exclusion"]

_KIND_HEADING = re.compile(
    r"(?:[\w/-]+\s+){0,3}?(?P<kind>inclusion|exclusion)s?\b(?P<qual>[^:]{0,60}?):\s*(?P<rest>.*)"
    r"|(?:[\w/-]+\s+){0,2}?(?P<bare>inclusion|exclusion)(?:\s+criteri(?:a|on))?\s*"
    # 'Exclusion Criteria for All Groups', 'Inclusion criteria (all participants)', 'Exclusion
    # Criteria - Phases 1 and 2', 'EXCLUSIONS - NORMAL VOLUNTEERS': a qualifier, no sentence.
    r"|(?:[\w/-]+\s+){0,2}?(?P<qualified>inclusion|exclusion)(?:\s+criteri(?:a|on)|s)"
    r"(?=\s*[-–—(,]|\s+(?:for|in|of|to|at|related|applying|specific|common|part|cohort|group|arm"
    r"|phase|stage|step|period)\b)[^:.;]{1,60}",
    re.IGNORECASE,
)
_UPPER_HEADING = re.compile(r"(?P<head>[A-Z][A-Z0-9 /&,()'-]{3,60}):\s+(?=\S)")
# Words after 'inclusion'/'exclusion' that qualify it ('criteria' alone does not).
_KIND_WORDS = re.compile(r"\s*(?:criteri(?:a|on)|requirements?)\b", re.I)
# A line in capitals and nothing else: 'DISEASE CHARACTERISTICS', 'OSPA VACCINATED CONTROL'
# ('ECOG 0-2' is no heading: a heading has no digits); see _is_caps_heading.
_CAPS_LINE = re.compile(r"[A-Z][A-Z /&,()'-]{3,60}:?")
_CAPS_WORD = re.compile(r"\b(?![IVX]+\b)[A-Z]{3,}\b")  # a word, not a roman numeral ('III')
# An inline label: 'Hepatic: Bilirubin normal', 'Endocrine Therapy: Not specified.'
_INLINE_LABEL = re.compile(r"(?P<head>[A-Za-z][A-Za-z /-]{1,40}?)\s*:\s+(?=\S)")
# A bulleted intro that states the polarity of the items it opens ('Allowed:', 'Excluded
# within 30 days of study entry:'), or one about the person (_PERSON_INTRO); other bulleted
# intros only label their items ('History of any of the following, which must be documented:'
# does not turn exclusions into requirements).
_POLARITY_INTRO = re.compile(
    r"(?:allowed|required|recommended|excluded|included|not\s+allowed|prohibited)\b", re.I
)
# A bulleted intro about the person ('To be eligible, a person must:', 'Patients with the
# following are excluded:') says which way its items work, as an unbulleted heading does.
_PERSON_INTRO = re.compile(
    r"(?:to\s+be\s+eligible|(?:the\s+|all\s+)?(?:patients?|participants?|subjects?|"
    r"individuals?|persons?|people|volunteers?|a\s+person|women|men|children)\b)",
    re.I,
)
_EXCLUDING_GROUP = re.compile(
    r"\bexclu(?:ded|sions?)\b|\bnot\s+(?:be\s+)?eligible\b|^(?:not\s+allowed|prohibited)\b",
    re.I,
)
_INCLUDING_GROUP = re.compile(
    r"^(?:allowed|required|recommended)\b|\bmust\s+(?:have|be|meet)\b|\bmay\s+be\s+eligible\b"
    r"|\binclu(?:ded|sion)\b|\bto\s+be\s+eligible\b|\bmust:?\s*$",
    re.IGNORECASE,
)
_MAX_HEADING = 100
# A sentence ends inside the line: 'Antiretroviral therapy. NOTE:' is a criterion, no heading.
_SENTENCE_END = re.compile(r"[.;]\s+\S")
_MAX_SUBHEADING = 80  # a sub-heading longer than this is a sentence
_WRAPPED = 60  # a line longer than this that goes on with no break is wrapped prose
PDQ_HEADINGS = Path(__file__).resolve().parents[1] / "criteria" / "data" / "pdq_headings.json"


@cache
def pdq_headings() -> frozenset[str]:
    """The PDQ layout's sub-headings, lower case; empty when the data file is missing."""
    try:
        data = json.loads(PDQ_HEADINGS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return frozenset()
    return frozenset(" ".join(h.lower().split()) for h in data.get("headings", []))


@dataclass(frozen=True)
class CriterionSlice:
    """One criterion: ``block[start:end]`` is its text, nested sub-items included."""

    kind: Kind
    start: int
    end: int
    group: str | None = None
    # where the group's headings stand, outer first: ``group`` is their words joined by ': '
    # ('Excluded within 4 weeks of study entry: Antiretroviral agents')
    group_spans: tuple[tuple[int, int], ...] = ()


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


def _kind_heading(content: str) -> tuple[Kind, str, int] | None:
    """('inclusion'|'exclusion', text after the heading, length of the heading's label) when the
    line is a kind heading. The label is the heading's words when they qualify the kind ('for
    All Groups', '- Part A', '(healthy volunteers)'): the items under it keep it as their group;
    0 for a plain 'Inclusion Criteria:'."""
    if len(content) > _MAX_HEADING:
        return None
    low = content.lower()
    if "inclusion" in low and "exclusion" in low:
        return None
    match = _KIND_HEADING.fullmatch(content)
    if not match:
        return None
    word = (match.group("kind") or match.group("bare") or match.group("qualified")).lower()
    if match.group("bare") and len(content) > 40:
        return None
    kind: Kind = "inclusion" if word == "inclusion" else "exclusion"
    label = 0
    if match.group("qualified"):
        label = len(content.rstrip())
    elif match.group("kind") and re.search(r"\w", _KIND_WORDS.sub("", match.group("qual"), 1)):
        label = len(content[: match.end("qual")].rstrip())
    return kind, match.group("rest") or "", label


def kind_heading(line: str) -> tuple[Kind, str | None] | None:
    """The kind a heading line switches to, and its qualifier heading ('Exclusion Criteria for
    All Groups'; None for a plain 'Exclusion Criteria:'), or None when the line is no kind
    heading. For readers of other layouts (text pages) that find headings line by line."""
    found = _kind_heading(line.strip())
    if found is None or found[1]:
        return None
    kind, _, label = found
    return kind, (line.strip()[:label].rstrip(" :") or None) if label else None


def _group_kind(heading: str, current: Kind) -> Kind:
    if _EXCLUDING_GROUP.search(heading):
        return "exclusion"
    if _INCLUDING_GROUP.search(heading):
        return "inclusion"
    return current


@dataclass(frozen=True)
class _Group:
    words: str  # the headings' words, without a trailing ':', joined by ': '
    spans: tuple[tuple[int, int], ...]

    def under(self, outer: _Group | None) -> _Group:
        """This heading as a sub-heading of ``outer``."""
        if outer is None:
            return self
        return _Group(f"{outer.words}: {self.words}", outer.spans + self.spans)


@dataclass
class _Open:
    kind: Kind
    group: _Group | None
    start: int
    end: int


@dataclass
class SplitResult:
    criteria: list[CriterionSlice]
    headed: bool  # whether any Inclusion/Exclusion heading was seen
    # (start, end) of every line read as a heading, kind headings and sub-headings alike, even
    # one with no criterion under it: with the criteria they cover every word of the block
    headings: list[tuple[int, int]] = field(default_factory=list)


def split_criteria(block: str) -> SplitResult:
    """Every top-level criterion in ``block`` in order, with kind, group and offsets."""
    lines = _lines(block)
    top, intros = _top_indents(lines)
    out: list[CriterionSlice] = []
    kind: Kind = "inclusion"
    group: _Group | None = None
    # a bulleted intro over its sibling bullets ('-  Antiretroviral agents:') sits under the
    # heading before it ('Excluded within 4 weeks of study entry:'): the criteria get both
    inner: _Group | None = None
    section: _Group | None = None  # the last heading in capitals ('PATIENT CHARACTERISTICS:')
    headed = False
    current: _Open | None = None
    after_break = True
    headings: list[tuple[int, int]] = []

    def close() -> None:
        nonlocal current
        if current is not None and current.end > current.start:
            g = current.group
            out.append(
                CriterionSlice(
                    current.kind,
                    current.start,
                    current.end,
                    g.words if g else None,
                    g.spans if g else (),
                )
            )
        current = None

    def heading_group(line: _Line) -> _Group | None:
        headings.append((line.content_start, line.content_start + len(line.content)))
        words = line.content.rstrip(":").rstrip()
        if not words.strip():
            return None
        lead = len(words) - len(words.lstrip())
        start = line.content_start + lead
        return _Group(words.strip(), ((start, line.content_start + len(words)),))

    def labels() -> _Group | None:
        return inner.under(group) if inner is not None else group

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
            kind, rest, label = heading
            headed, after_break, section, inner = True, True, None, None
            words = content[: len(content) - len(rest)].rstrip()
            headings.append((line.content_start, line.content_start + len(words)))
            group = (
                _Group(content[:label], ((line.content_start, line.content_start + label),))
                if label
                else None
            )
            if rest:
                begin = line.content_start + len(content) - len(rest)
                current = _Open(kind, labels(), begin, line.content_start + len(content))
                after_break = False
            continue
        if index in intros:
            close()
            inner = heading_group(line)
            kind = _group_kind(content, kind)
            after_break = True
            continue
        is_top = top_indent is None or line.indent <= top_indent
        if line.bullet and is_top:
            close()
            if _is_bulleted_intro(content, lines, index):
                inner = heading_group(line)
                if heading is not None:  # '-  Inclusion Criteria:' bulleted under the margin
                    kind, headed = heading[0], True
                    group, inner = (inner if heading[2] else None), None
                elif _POLARITY_INTRO.match(content) or _PERSON_INTRO.match(content):
                    kind = _group_kind(content, kind)
                after_break = True
                continue
            current = _Open(kind, labels(), line.content_start, line.content_start + len(content))
            after_break = False
            continue
        if (
            not line.bullet
            and is_top
            and _is_group_heading(
                content, after_break or current is None, lines, index, top_indent, line.indent
            )
        ):
            close()
            group, inner = heading_group(line), None
            if _is_caps_heading(content):
                section = group
            kind = _group_kind(content, kind)
            after_break = True
            continue
        starts_new = current is None or (is_top and after_break and not line.bullet)
        if starts_new:
            close()
            begin = line.content_start
            upper = _UPPER_HEADING.match(content) if not line.bullet else None
            inline = _INLINE_LABEL.match(content) if not line.bullet and not upper else None
            if upper:
                head = upper.group("head").strip()
                group = section = _Group(head, ((begin, begin + len(head)),))
                inner = None
                headings.append((begin, begin + len(head)))
                begin += upper.end()
            elif inline and section is not None and _is_pdq_heading(inline.group("head")):
                # 'Endocrine Therapy: Not specified.' after 'Chemotherapy:': a sibling heading
                # with its words on the line, which ends the sub-heading before it; the line
                # is back under the section heading.
                group, inner = section, None
            current = _Open(kind, labels(), begin, line.content_start + len(content))
        elif current is not None:
            current.end = line.content_start + len(content)
        after_break = False
    close()
    return SplitResult(out, headed, headings)


def _next_content(lines: list[_Line], index: int) -> tuple[_Line | None, bool]:
    """The next line with words after ``index``, and whether a blank line comes between."""
    gap = False
    for ln in lines[index + 1 :]:
        if ln.content:
            return ln, gap
        gap = True
    return None, gap


def is_heading_words(line: str) -> bool:
    """Whether a line's words alone read as a sub-heading whatever follows: in capitals with no
    digits ('DISEASE CHARACTERISTICS'), or one PDQ layout heading ('Biologic therapy',
    'Hepatic:'). For readers of other layouts; the splitter here also weighs the lines after."""
    words = line.strip()
    return _is_caps_heading(words) or _is_pdq_heading(words)


def _is_caps_heading(words: str) -> bool:
    """A line in capitals with two words of 3 letters or more: 'PRIOR CONCURRENT THERAPY', not
    a criterion written as one short form ('COPD', 'ASA I-III')."""
    return bool(_CAPS_LINE.fullmatch(words)) and len(_CAPS_WORD.findall(words)) >= 2


def _is_pdq_heading(words: str) -> bool:
    return " ".join(words.rstrip(":").lower().split()) in pdq_headings()


def _is_group_heading(
    content: str,
    after_break: bool,
    lines: list[_Line],
    index: int,
    top_indent: int | None,
    indent: int = 0,
) -> bool:
    """An unbulleted sub-heading: a short line ending in ':' that opens a list or paragraph
    below it; a line in capitals over content; or a PDQ heading's words alone over the bullets
    or lines it opens. Never a line that wraps on into the next one."""
    following, gap = _next_content(lines, index)
    if following is None or len(content) > _MAX_HEADING or _SENTENCE_END.search(content):
        return False
    if not gap and len(content) > _WRAPPED and not following.bullet and following.indent == indent:
        return False  # 'PATIENT CHARACTERISTICS: Age: 1 and over ... Life expectancy:' wraps on
    if content.endswith(":"):
        if after_break:
            return True
        if not following.bullet:
            return False
        return top_indent is None or following.indent <= top_indent
    if not after_break or len(content) > _MAX_SUBHEADING:
        return False
    if _is_caps_heading(content):
        return not _CAPS_LINE.fullmatch(following.content)  # a heading is followed by content
    return _is_pdq_heading(content) and (following.bullet or gap)


def _is_bulleted_intro(content: str, lines: list[_Line], index: int) -> bool:
    """A bulleted line that only introduces the sibling bullets after it (a nested list the
    record flattened): short, ending in ':', and followed by a bullet at its own indent; or a
    bulleted line in capitals over content."""
    following, _ = _next_content(lines, index)
    if following is not None and _is_caps_heading(content):
        # '-  ELIGIBILITY CRITERIA:' over the block's paragraphs
        return not _CAPS_LINE.fullmatch(following.content)
    if not content.endswith(":") or len(content) > _MAX_SUBHEADING or _SENTENCE_END.search(content):
        return False
    return (
        following is not None
        and following.bullet
        and following.indent == lines[index].indent
        and not following.content.endswith(":")
    )


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
