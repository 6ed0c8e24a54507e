"""Find a page's sections (by heading vocabulary) and its labelled values, with offsets.

Label forms read: 'Label: value', 'Label : | value |', 'Label' alone then the value on the next
line(s), glued 'Labelvalue' for known labels ('PhasePHASE1'), 'Launched by X', and markdown table
headers whose cells are labels. Criteria blocks are found first so their words are never read as
labels (a criterion saying 'Sex: female' is not the trial's sex field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from summarizer.parsers.criteria import kind_heading
from summarizer.parsers.text.criteria import RawCriterion, split_criteria
from summarizer.parsers.text.lines import Line, Piece, cells, content, split_lines, trim
from summarizer.parsers.text.vocab import vocab

_COLON_RE = re.compile(r"[ \t]*(?:\(s\))?[ \t]*[:：]")
_PIPE_RE = re.compile(r"[ \t]*\|[ \t]*")
_SEPARATOR_RE = re.compile(r"[\s|:]*-{3,}[-\s|:]*")
_VALUE_SPLIT = " · "
CRITERIA_KEYS = ("inclusion", "exclusion")
PROSE_KEYS = ("brief_summary", "detailed_description")


@dataclass
class LabelValue:
    key: str
    label: Piece
    prefix: str | None
    values: list[Piece]
    line: int


@dataclass
class Section:
    key: str
    heading: Piece
    start: int  # offset where the content starts (may be mid-line for 'Heading: content')
    end: int
    lines: list[Line] = field(default_factory=list)
    criteria: list[RawCriterion] = field(default_factory=list)


@dataclass
class Layout:
    doc: str
    lines: list[Line]
    sections: list[Section]
    labels: list[LabelValue]
    claimed: set[int]  # line indexes already read as a heading, label, value or criterion

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def all(self, key: str) -> list[LabelValue]:
        return [lv for lv in self.labels if lv.key == key]

    def first(self, key: str) -> LabelValue | None:
        return next((lv for lv in self.labels if lv.key == key and lv.values), None)


def _heading_at(doc: str, line: Line) -> tuple[str, Piece, int] | None:
    """(section key, heading words, content start offset) when the line is a heading."""
    words = content(doc, line)
    if words is None:
        return None
    voc = vocab()
    key = voc.heading(words.text)
    if key is not None:
        return key, words, line.end
    kind = kind_heading(words.text)  # 'Exclusion Criteria for All Groups', '... - Part A'
    if kind is not None and kind[1] is not None:  # a plain 'Common Inclusion Criteria' is a group
        return kind[0], words, line.end
    colon = words.text.find(":")
    if 0 < colon <= 40:
        key = voc.heading(words.text[:colon])
        if key in CRITERIA_KEYS:
            return (
                key,
                Piece(words.start, words.start + colon, words.text[:colon]),
                (words.start + colon + 1),
            )
    return None


def _label_at(doc: str, line: Line) -> tuple[str, Piece, str | None, str, int] | None:
    """(field key, label words, prefix, form, value start) where form is
    'colon' | 'alone' | 'glued' | 'space'."""
    words = content(doc, line)
    if words is None or len(words.text) > 2000:
        return None
    voc = vocab()
    m = voc.label_re.match(words.text)
    if m is None:
        return None
    label_text = m.group("label")
    key = voc.label(label_text)
    if key is None:
        return None
    prefix = (m.group("prefix") or "").strip().lower() or None
    label = Piece(words.start, words.start + m.end(), words.text[: m.end()])
    rest = words.text[m.end() :]
    colon = _COLON_RE.match(rest)
    if colon:
        return key, label, prefix, "colon", words.start + m.end() + colon.end()
    if not rest.strip(" \t|"):
        return key, label, prefix, "alone", words.end
    if (pipe := _PIPE_RE.match(rest)) and rest.count("|") == 1:
        return key, label, prefix, "colon", words.start + m.end() + pipe.end()
    first = rest[0]
    low_label = label_text.lower()
    if first == " " and " ".join(low_label.split()) in voc.space_labels:
        return key, label, prefix, "space", words.start + m.end()
    glued_ok = first.isupper() or first.isdigit() or (first.islower() and " " in low_label)
    titled = words.text[0].isupper() and not label.text.isupper()
    if glued_ok and titled and len(words.text) <= 300:
        return key, label, prefix, "glued", words.start + m.end()
    return None


class _Scanner:
    def __init__(self, doc: str) -> None:
        self.doc = doc
        self.lines = split_lines(doc)
        self.heads: dict[int, tuple[str, Piece, int]] = {}
        self.claimed: set[int] = set()

    def run(self) -> Layout:
        for ln in self.lines:
            found = _heading_at(self.doc, ln)
            if found is not None:
                self.heads[ln.index] = found
        sections = self._sections()
        labels = self._tables() + self._labels()
        return Layout(self.doc, self.lines, sections, labels, self.claimed)

    def _is_label_line(self, ln: Line) -> bool:
        found = _label_at(self.doc, ln)
        return found is not None and found[3] in ("colon", "alone") and ln.indent == 0

    def _sections(self) -> list[Section]:
        out: list[Section] = []
        starts = sorted(self.heads)
        for n, idx in enumerate(starts):
            key, heading, cstart = self.heads[idx]
            stop = starts[n + 1] if n + 1 < len(starts) else len(self.lines)
            self.claimed.add(idx)
            last = self.lines[stop - 1] if stop > idx + 1 else self.lines[idx]
            body_end = max(last.end, cstart)
            body = split_lines(self.doc, cstart, body_end)
            sec = Section(key, heading, cstart, body_end)
            if key in CRITERIA_KEYS:
                sec.criteria, used = split_criteria(self.doc, body)
                body = body[:used]
            elif key in PROSE_KEYS or key in ("locations", "contacts", "stop", "design"):
                body = self._until_label(body, prose=key in PROSE_KEYS)
            sec.lines = body
            if body:
                sec.end = max(sec.start, body[-1].end)
            # Claim the document lines the body covers (body lines are re-split from cstart).
            if key in CRITERIA_KEYS:
                self.claimed.update(range(idx, min(stop, idx + len(body))))
            out.append(sec)
        return out

    def _until_label(self, body: list[Line], prose: bool) -> list[Line]:
        """Cut a section body at the first labelled line (or, in prose, an unknown heading)."""
        for k, ln in enumerate(body):
            if ln.blank or k == 0:
                continue
            if self._is_label_line(ln):
                return body[:k]
            if prose and _looks_like_heading(body, k):
                return body[:k]
        return body

    def _values_after(self, idx: int, many: bool) -> list[Piece]:
        """Value lines after a label standing alone: the next line, or lines up to a blank."""
        out: list[Piece] = []
        blanks = 0
        j = idx + 1
        while j < len(self.lines) and len(out) < 200:
            ln = self.lines[j]
            if ln.blank:
                if out:
                    break
                blanks += 1
                if blanks > 2:
                    break
                j += 1
                continue
            if j in self.heads or _label_at(self.doc, ln) is not None or j in self.claimed:
                break
            words = content(self.doc, ln)
            if words is not None:
                out.append(words)
                self.claimed.add(j)
            if not many:
                break
            j += 1
        return out

    def _labels(self) -> list[LabelValue]:
        voc = vocab()
        out: list[LabelValue] = []
        for ln in self.lines:
            if ln.index in self.claimed or ln.index in self.heads:
                continue
            found = _label_at(self.doc, ln)
            if found is None:
                continue
            key, label, prefix, form, vstart = found
            many = key in voc.list_labels
            if form == "alone":
                if ln.indent > 4:
                    continue
                self.claimed.add(ln.index)
                out.append(
                    LabelValue(key, label, prefix, self._values_after(ln.index, many), ln.index)
                )
                continue
            value = trim(self.doc, vstart, ln.end, "|")
            if form == "space" and value is not None:
                cut = value.text.find(_VALUE_SPLIT)
                if cut > 0:
                    value = trim(self.doc, value.start, value.start + cut, "|")
            self.claimed.add(ln.index)
            values = [value] if value is not None else self._values_after(ln.index, many)
            out.append(LabelValue(key, label, prefix, values, ln.index))
        return out

    def _tables(self) -> list[LabelValue]:
        """Markdown tables whose header cells are labels: one value row under the header."""
        out: list[LabelValue] = []
        voc = vocab()
        for k in range(len(self.lines) - 2):
            sep = self.lines[k + 1]
            if "|" not in self.lines[k].text or not _SEPARATOR_RE.fullmatch(sep.text):
                continue
            header = cells(self.doc, self.lines[k])
            keys = [voc.label(c.text) for c in header]
            if not header or not all(keys):
                continue
            self.claimed.update((k, k + 1))
            row_line = self.lines[k + 2]
            row = cells(self.doc, row_line)
            if len(row) == len(header) and row_line.text.rstrip().endswith("|"):
                self.claimed.add(k + 2)
                for h, key, v in zip(header, keys, row, strict=True):
                    out.append(LabelValue(str(key), h, None, [v], k + 2))
        return out


def _looks_like_heading(body: list[Line], k: int) -> bool:
    """A short title-like line between blank lines: an unknown heading that ends prose."""
    ln = body[k]
    text = ln.text.strip()
    if not text or len(text.split()) > 8 or text[-1] in ".;,:!?)\"'" or ln.indent:
        return False
    before = k == 0 or body[k - 1].blank
    after = k + 1 >= len(body) or body[k + 1].blank
    return before and after and k > 0


def scan(doc: str) -> Layout:
    return _Scanner(doc).run()


def section_pieces(doc: str, sec: Section) -> Piece | None:
    """The section body as one trimmed piece."""
    if not sec.lines:
        return None
    return trim(doc, sec.lines[0].start, sec.lines[-1].end)


__all__ = ["LabelValue", "Layout", "Section", "scan", "section_pieces", "trim"]
