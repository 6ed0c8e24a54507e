"""Why it matters: the source's own sentences about purpose, hoped-for benefit, need and what is
known, made plainer and cited. Nothing is written when the source says none of this.

Candidates come from the brief summary, the detailed description, the official title and any
other page sentence outside the criteria (editorial pages carry 'Potential benefit: ...').
Only sentences matching a cue in prompts/lay_summary.json count, and every sentence of a field
paragraph opened by a heading of reasons ('RATIONALE:' in NCI PDQ summaries, 'BACKGROUND:').

Each reason is said plainer without losing its support: split at safe clause links into whole
shorter sentences, each citing its own clause (plain_words.clause_pieces), long words swapped.
The clearest reason is taken first; others join while the section reads at or under the target.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from summarizer.engines.common import citations
from summarizer.engines.extractive.grade_gate import TARGET_GRADE, plainest, section_grade
from summarizer.engines.extractive.plain_words import (
    clause_pieces,
    explain,
    is_whole,
    piece_text,
    sentence_spans,
)
from summarizer.engines.extractive.resources import load, threshold
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import Span, Statement, Trial


@cache
def _cues() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.I) for p in load("lay_summary")["why_cues"])


@cache
def _label_re() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w in load("lay_summary")["why_labels"])
    return re.compile(rf"^\s*(?:{labels})\s*:\s*", re.I)


def says_why(text: str) -> bool:
    return any(p.search(text) for p in _cues())


@cache
def _paragraph_label_re() -> re.Pattern[str]:
    labels = "|".join(re.escape(w) for w in load("lay_summary")["why_paragraph_labels"])
    return re.compile(rf"\s*(?:{labels})\s*:", re.I)


def under_why_heading(text: str, start: int, floor: int = 0) -> bool:
    """Whether the sentence at ``start`` sits in a paragraph (not before ``floor``, the field's
    start) opened by a heading of reasons ('RATIONALE: Drugs used in chemotherapy ...')."""
    begin = max(floor, text.rfind("\n\n", 0, start) + 1)
    return bool(_paragraph_label_re().match(text, begin))


def strip_label(trial: Trial, span: Span) -> Span:
    """The sentence without an editorial label such as 'Potential benefit:'."""
    text = trial.source.text[span.start : span.end]
    match = _label_re().match(text)
    return Span(start=span.start + match.end(), end=span.end) if match else span


def _field_sentences(trial: Trial) -> list[tuple[str, Span, bool]]:
    """(section, sentence span, under a heading of reasons) of each field sentence."""
    out: list[tuple[str, Span, bool]] = []
    for section, fact in (
        ("summary", trial.brief_summary),
        ("description", trial.detailed_description),
        ("title", trial.official_title),
    ):
        for span in fact.spans if fact else []:
            text = trial.source.text[span.start : span.end]
            out.extend(
                (
                    section,
                    Span(start=s, end=e),
                    section != "title" and under_why_heading(trial.source.text, s, span.start),
                )
                for s, e in sentence_spans(text, span.start)
            )
    return out


def _taken(trial: Trial) -> list[Span]:
    """Spans already read as other fields (criteria, outcomes, places): not background."""
    spans = [s for c in trial.criteria for s in c.spans]
    spans += [s for o in trial.outcomes for s in o.spans]
    spans += [s for loc in trial.locations for s in loc.spans]
    return spans


def _merged(spans: list[Span]) -> list[tuple[int, int]]:
    """Spans as sorted, disjoint intervals (so overlap tests are a binary search, not a scan)."""
    out: list[tuple[int, int]] = []
    for start, end in sorted((s.start, s.end) for s in spans if s.end > s.start):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _overlaps(intervals: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    """Whether ``[s, e)`` overlaps one of the sorted disjoint ``intervals``."""
    i = bisect.bisect_left(starts, e) - 1  # the last interval starting before e
    return i >= 0 and intervals[i][1] > s


# A blank line: always a sentence break (``sentence_spans`` never joins lines across it).
_PARAGRAPH_RE = re.compile(r"\n{2,}")


def _cued_paragraphs(text: str, inside: list[tuple[int, int]]) -> list[int]:
    """Start offsets of the paragraphs holding a cue outside every field: only they can hold
    a page sentence that says why. The cues are searched in the text between the fields only
    (joined by blank lines, so no match spans two gaps); splitting every paragraph into
    sentences, or searching the fields' text, cost seconds on a record with 100,000 sites."""
    gaps: list[tuple[int, int]] = []  # (offset in the joined text, offset in ``text``)
    pieces: list[str] = []
    pos = joined = 0
    for start, end in [*inside, (len(text), len(text))]:
        if start > pos:
            gaps.append((joined, pos))
            pieces.append(text[pos:start])
            joined += start - pos + 2
        pos = max(pos, end)
    between = "\n\n".join(pieces)
    keys = [j for j, _ in gaps]
    found: set[int] = set()
    for cue in _cues():
        for match in cue.finditer(between):
            j, at = gaps[bisect.bisect_right(keys, match.start()) - 1]
            found.add(text.rfind("\n\n", 0, at + match.start() - j) + 1)
    return sorted(found)


def _page_sentences(
    text: str, inside: list[tuple[int, int]], starts: list[int]
) -> list[tuple[int, int]]:
    """The sentences outside every field, in cued paragraphs only (see ``_cued_paragraphs``);
    each paragraph is split with its closing blank line, as splitting the whole text would."""
    out: list[tuple[int, int]] = []
    for begin in _cued_paragraphs(text, inside):
        blank = _PARAGRAPH_RE.search(text, begin + 1)
        end = blank.end() if blank else len(text)
        out.extend(
            (s, e)
            for s, e in sentence_spans(text[begin:end], begin)
            if not _overlaps(inside, starts, s, e)
        )
    return out


def candidates(trial: Trial) -> list[tuple[str, Span]]:
    """(citation section, span) of every sentence that says why, fields first, in source order."""
    fields = _field_sentences(trial)
    inside = _merged([s for _, s, _ in fields] + _taken(trial))
    starts = [start for start, _ in inside]
    page = [
        ("page", Span(start=s, end=e), False)
        for s, e in _page_sentences(trial.source.text, inside, starts)
    ]
    out = []
    for section, span, headed in [*fields, *page]:
        said = trial.source.text[span.start : span.end]
        if (headed or says_why(said)) and not looks_like_instruction(said):  # injected: not content
            out.append((section, strip_label(trial, span)))
    return out


# A sentence that leans on the one before it ('It also helps ...', 'These tumors ...') says
# nothing alone: it is no reason by itself.
_LEANS_BACK_RE = re.compile(
    r"^\s*(?:(?:it|they|he|she)\s+also\b|(?:these|those|such|this)\b"
    r"(?!\s+(?:study|trial|protocol|research|project|work)\b))",
    re.I,
)


def _key(statements: list[Statement]) -> str:
    return re.sub(r"\W+", " ", " ".join(s.text for s in statements)).strip().lower()


def reasons(trial: Trial) -> list[list[Statement]]:
    """Each reason the source gives as plain whole sentences (one source sentence's pieces
    together, each citing its own clause); the same words given twice (summary and description)
    once. A sentence that only leans on the one before it, or is too short or long to be read
    alone, is left out."""
    text = trial.source.text
    out: list[list[Statement]] = []
    seen: set[str] = set()
    for section, span in candidates(trial):
        raw = text[span.start : span.end]
        words = len(raw.split())
        if words < 6 or words > threshold("max_sentence_words") * 2 or _LEANS_BACK_RE.match(raw):
            continue
        group = []
        for piece in clause_pieces(raw, span.start):
            said = piece_text(text, piece)
            if not said or not is_whole(said):
                break
            group.append(
                Statement(
                    text=said,
                    citations=citations(trial, [Span(start=piece.start, end=piece.end)], section),
                    fields=[section],
                )
            )
        else:
            if group and (key := _key(group)) not in seen:
                seen.add(key)
                out.append(group)
    return out


def _explained(group: list[Statement], seen: set[str]) -> list[Statement]:
    """The group with the first use of a jargon term explained (glossary, in brackets the
    checker reads as an addition), one term a sentence, each term once (``seen``); a word that
    is itself a plain swap ('chemo') is not explained again."""
    return [
        st.model_copy(
            update={
                "text": explain(
                    st.text, seen, limit=1, max_words=_EXPLAIN_MAX_WORDS, skip_plain=True
                )
            }
        )
        for st in group
    ]


_EXPLAIN_MAX_WORDS = 8


def statements(trial: Trial, limit: int = 2) -> list[Statement]:
    """Up to ``limit`` of the source's reasons: the clearest first, then each other one (clearest
    next) that keeps the section at or under the target grade; said in the source's order, with
    jargon explained where the section still reads at the target (an explanation in short words
    can bring a reason to the target). None when no reason reads at the target, even alone."""
    groups = reasons(trial)
    options = [[_explained(g, set()), g] for g in groups]

    def best(i: int) -> float:
        return min(section_grade(o) or 0.0 for o in options[i])

    taken: dict[int, list[Statement]] = {}
    for i in sorted(range(len(groups)), key=lambda i: (best(i), i)):
        if len(taken) >= limit:
            break
        for option in options[i]:
            trial_pick = {**taken, i: option}
            g = section_grade([st for j in sorted(trial_pick) for st in trial_pick[j]])
            if g is not None and g <= TARGET_GRADE:
                taken[i] = option
                break
    if not taken:
        return []
    seen: set[str] = set()
    once = [
        st
        for j in sorted(taken)
        for st in (_explained(groups[j], seen) if taken[j] is not groups[j] else groups[j])
    ]
    bare = [st for j in sorted(taken) for st in groups[j]]
    return plainest([once, [st for j in sorted(taken) for st in taken[j]], bare])
