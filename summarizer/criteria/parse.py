"""Read a trial's criteria into a ``CriteriaSet``: nesting, logic, exceptions and constraints.

Each ``Trial.Criterion`` is parsed from its span of ``Trial.source.text``. Nested lists become
children (with 'any of' / 'all of' logic and '1 of the following 4' counts), ';'-lists after
'one of the following:' too; carve-outs ('except ...', 'other than ...') are kept apart; every
word no constraint covers is kept as remainder. A criterion the parser cannot read, or one too
large to type, stays whole as remainder with a warning: a parse never fails an ingest.
"""

from __future__ import annotations

import re

from summarizer.criteria import abbreviations
from summarizer.criteria import vocabulary as vocab_mod
from summarizer.criteria.detect import Detector, patterns
from summarizer.criteria.fingerprint import parser_fingerprint
from summarizer.criteria.model import Constraint, CriteriaSet, ParsedCriterion
from summarizer.criteria.vocabulary import Concept, Vocabulary
from summarizer.models import Span, Trial
from summarizer.parsers.bullets import ItemSpan, items

MAX_TYPED_CHARS = 6_000  # longer criteria are kept as text only (a pasted protocol, a table)
MAX_CRITERIA = 400  # beyond this, criteria are kept as text only
MAX_DEPTH = 4
_COUNT = re.compile(r"\b(?:at least\s+)?(one|two|three|four|1|2|3|4)\b(?:\s+\(\d\))?\s+of\b", re.I)
_COUNTS = {"one": 1, "two": 2, "three": 3, "four": 4}


def parse_trial(trial: Trial, vocab: Vocabulary | None = None) -> CriteriaSet:
    """Every criterion of ``trial`` parsed; never raises on the trial's text."""
    voc = vocab if vocab is not None else _default_vocab()
    out = CriteriaSet(
        trial_id=trial.trial_id,
        source_sha256=trial.source.sha256,
        parser=parser_fingerprint()
        if vocab is None
        else None,  # a caller's vocabulary: never stored
    )
    text = trial.source.text
    aliases = _defined(trial, voc)
    for index, crit in enumerate(trial.criteria):
        spans = [s for s in crit.spans if 0 <= s.start < s.end <= len(text)]
        if not spans:
            out.warnings.append(f"{crit.kind} criterion {crit.number}: no span in the source")
            continue
        typed = index < MAX_CRITERIA
        try:
            node = parse_span(
                text, spans[0], crit.kind, crit.number, crit.group, voc, typed, aliases
            )
            for extra in spans[1:]:
                node.children.append(
                    parse_span(text, extra, crit.kind, crit.number, crit.group, voc, typed, aliases)
                )
        except Exception as exc:
            out.warnings.append(f"{crit.kind} criterion {crit.number}: kept as text ({exc!r})")
            node = _as_text(text, spans[0], crit.kind, crit.number, crit.group)
        out.criteria.append(node)
    if len(trial.criteria) > MAX_CRITERIA:
        out.warnings.append(
            f"{len(trial.criteria)} criteria: those after {MAX_CRITERIA} kept as text only"
        )
    return out


def _defined(trial: Trial, vocab: Vocabulary | None) -> dict[str, Concept]:
    """The short forms the record defines, read from its criteria ('Type 1 diabetes mellitus
    (T1DM)') and its brief summary ('inadequately controlled with OAD (oral anti-diabetic
    drugs)', then 'Current treatment with OAD' in a criterion); a bounded read, so a huge record
    costs no more than its criteria."""
    spans = [s for c in trial.criteria[:MAX_CRITERIA] for s in c.spans]
    if trial.brief_summary is not None:
        spans += trial.brief_summary.spans
    text = trial.source.text
    parts = [text[s.start : s.end] for s in spans if s.end - s.start <= MAX_TYPED_CHARS]
    return abbreviations.defined("\n".join(parts), vocab)


def _default_vocab() -> Vocabulary | None:
    try:
        return vocab_mod.load()
    except (OSError, ValueError):  # a missing or broken data file: parse without concepts
        return None


def parse_span(
    text: str,
    span: Span,
    kind: str,
    number: int,
    group: str | None,
    vocab: Vocabulary | None,
    typed: bool = True,
    aliases: dict[str, Concept] | None = None,
) -> ParsedCriterion:
    """One criterion: ``text[span.start:span.end]`` read into a tree of parsed criteria;
    ``aliases`` are the short forms the record defines."""
    if not typed or span.end - span.start > MAX_TYPED_CHARS:
        return _as_text(text, span, kind, number, group)
    return _node(text, span.start, span.end, kind, number, group, vocab, [], 0, None, aliases)


def _as_text(text: str, span: Span, kind: str, number: int, group: str | None) -> ParsedCriterion:
    return ParsedCriterion(
        kind=kind,  # type: ignore[arg-type]
        number=number,
        group=group,
        span=span,
        remainder=remainder(text, span.start, span.end, []),
    )


def _node(
    text: str,
    start: int,
    end: int,
    kind: str,
    number: int,
    group: str | None,
    vocab: Vocabulary | None,
    path: list[int],
    depth: int,
    listed: list[ItemSpan] | None = None,
    aliases: dict[str, Concept] | None = None,
) -> ParsedCriterion:
    """``listed``: the items under this span's first line, when the parent already read them."""
    if listed is None:
        listed = items(text, start, end, depth=MAX_DEPTH - depth)
    node = ParsedCriterion(
        kind=kind,  # type: ignore[arg-type]
        number=number,
        path=path,
        group=group,
        span=Span(start=start, end=end),
    )
    if listed:
        head_end = max(start, min(listed[0].start, end))
        _leaf(node, text, start, _rstrip(text, start, head_end), vocab, group, aliases)
        _logic(node, text[start:head_end])
        for i, item in enumerate(listed, 1):
            child = _node(
                text,
                item.start,
                item.end,
                kind,
                number,
                group,
                vocab,
                [*path, i],
                depth + 1,
                item.children,
                aliases,
            )
            node.children.append(child)
        return node
    parts = _inline_list(text, start, end) if depth < MAX_DEPTH else None
    if parts is not None:
        head_end, pieces = parts
        _leaf(node, text, start, head_end, vocab, group, aliases)
        _logic(node, text[start:head_end])
        for i, (s, e) in enumerate(pieces, 1):
            node.children.append(
                _node(text, s, e, kind, number, group, vocab, [*path, i], depth + 1, None, aliases)
            )
        return node
    _leaf(node, text, start, end, vocab, group, aliases)
    if any(c.kind == k.kind for c in node.constraints for k in node.constraints if c is not k):
        between = [
            text[a.span.end : b.span.start]
            for a, b in zip(node.constraints, node.constraints[1:], strict=False)
        ]
        if any(re.fullmatch(r"\s*,?\s*(?:or|and/or)\s*", g, re.I) for g in between):
            node.logic = "any_of"
    return node


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _inline_list(text: str, start: int, end: int) -> tuple[int, list[tuple[int, int]]] | None:
    """'one of the following cardiac criteria: a; b; c' -> head end and the ';' pieces."""
    segment = text[start:end]
    colon = segment.find(":")
    if colon < 0 or not re.search(r"\bfollowing\b", segment[:colon], re.I):
        return None
    body_start = start + colon + 1
    pieces: list[tuple[int, int]] = []
    pos = body_start
    for m in re.finditer(r";", text[body_start:end]):
        pieces.append((pos, body_start + m.start()))
        pos = body_start + m.end()
    pieces.append((pos, end))
    pieces = [_trim(text, s, e) for s, e in pieces]
    pieces = [(s, e) for s, e in pieces if e > s]
    if len(pieces) < 2:
        return None
    return start + colon + 1, pieces


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _logic(node: ParsedCriterion, head: str) -> None:
    p = patterns()
    if p["any_of"].search(head):
        node.logic = "any_of"
        m = _COUNT.search(head)
        if m:
            word = m.group(1).lower()
            node.required = _COUNTS.get(word) or int(word)
        else:
            node.required = 1
    else:
        node.logic = "all_of"


def _leaf(
    node: ParsedCriterion,
    text: str,
    start: int,
    end: int,
    vocab: Vocabulary | None,
    group: str | None,
    aliases: dict[str, Concept] | None = None,
) -> None:
    """Constraints of ``text[start:end]`` (children excluded), exceptions apart, remainder kept."""
    if end <= start:
        return
    segment = text[start:end]
    exceptions = _exception_spans(segment, start)
    found = Detector(vocab, group, aliases).run(segment, start)
    found = _dedupe(found)
    for c in found:
        if any(x.start <= c.span.start and c.span.end <= x.end for x in exceptions):
            node.exceptions.append(c)
        else:
            node.constraints.append(c)
    node.exception_spans = exceptions
    node.remainder = remainder(text, start, end, [c.span for c in found])


_RESUMES = re.compile(
    r"\s(?:during|prior to|before|within|in the (?:last|past|previous)|since)\b|\s*\(", re.I
)


def _exception_spans(segment: str, base: int) -> list[Span]:
    out: list[Span] = []
    for m in patterns()["exception"].finditer(segment):
        if re.match(r"\s+(?:that|those|as)\b", segment[m.end() :]) and "other" in m.group(0):
            continue
        # A line break ends the carve-out only where a new line or item starts: records wrap
        # lines mid-sentence ('(except\n     topical or inhaled glucocorticoids)').
        # A carve-out that opens a list ('with the following exceptions: (1) ..., and (2) ...')
        # runs to the end of its sentence, over the list's own numbers and semicolons.
        listed = re.match(r"\s*:", segment[m.end() :])
        stop = re.search(
            r"\.(?:\s|$)|\n\s*\n"
            if listed
            else r";|\n\s*(?:\n|[-•*]|\d+[.)]|[a-z][.)]\s)|\)|\.(?:\s|$)",
            segment[m.end() :],
        )
        end = m.end() + stop.start() if stop else len(segment)
        # 'antiretroviral agents other than AZT during this pregnancy (e.g., d4T, ddI)': a
        # carve-out of a name ends where the item's own time or examples go on.
        if re.fullmatch(r"other than|apart from", m.group(0), re.I) and (
            resume := _RESUMES.search(segment, m.end(), end)
        ):
            end = resume.start()
        if end > m.end():
            out.append(Span(start=base + m.start(), end=base + end))
    return out


_NESTING = {"treatment", "procedure", "condition"}


def _dedupe(found: list[Constraint]) -> list[Constraint]:
    """One constraint per thing: a span inside another of the same kind (or of another of
    treatment/procedure/condition, 'stem cell transplantation' in 'hematopoietic stem cell
    transplantation') is dropped."""
    out: list[Constraint] = []
    for c in sorted(found, key=lambda c: (c.span.start, -c.span.end)):
        inner = any(
            k.span.start <= c.span.start
            and c.span.end <= k.span.end
            and (k.kind == c.kind or {k.kind, c.kind} <= _NESTING)
            for k in out
        )
        if not inner:
            out.append(c)
    return out


def remainder(text: str, start: int, end: int, covered: list[Span]) -> list[Span]:
    """The stretches of ``text[start:end]`` no span covers that hold a letter or digit, trimmed."""
    marks = sorted((max(start, s.start), min(end, s.end)) for s in covered if s.end > start)
    out: list[Span] = []
    pos = start
    for s, e in [*marks, (end, end)]:
        if s > pos:
            for piece in _pieces(text, pos, s):
                out.append(piece)
        pos = max(pos, e)
    return out


def _pieces(text: str, s: int, e: int) -> list[Span]:
    """``text[s:e]`` trimmed of space and punctuation at both ends, when it holds any word."""
    while s < e and not text[s].isalnum():
        s += 1
    while e > s and not text[e - 1].isalnum():
        e -= 1
    return [Span(start=s, end=e)] if e > s else []
