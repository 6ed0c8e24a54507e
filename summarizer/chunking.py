"""Split a parsed trial into section-aware chunks: the units that are embedded, indexed and cited.

Every chunk is a verbatim slice of ``trial.source.text`` (``chunk.text == text[start:end]``), so a
retrieved chunk is already a citation. Each inclusion and exclusion criterion is its own chunk,
because patients' questions are usually about one criterion; other sections are cut at line, then
sentence, then word boundaries to a token budget that fits the embedding model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from summarizer.models import Chunk, Span, Trial, sha256_text

# Bump when the chunking rules change: stored trials are re-chunked on the next ingest.
CHUNKER_VERSION = "1"
TOKEN_BUDGET = 200  # word pieces; MiniLM reads 256 at most
MERGE_GAP = 80  # spans of one section closer than this become one region
LINE_EXPAND_MAX = 240  # a field's span grows to its whole line (label included) up to this length
OTHER_MIN_WORDS = 12  # uncovered text shorter than this (labels, headings) is not a chunk

_WORD_RE = re.compile(r"\w+|[^\w\s]")
_LONG_WORD_RE = re.compile(r"\w{7,}")
_SENT_END_RE = re.compile(r"(?<=[.!?;:])\s+(?=\S)")
_PARA_RE = re.compile(r"\n")


def count_tokens(text: str) -> int:
    """Cheap word-piece estimate: one per word or symbol, plus one per 7 letters of long words.

    Words are maximal runs of word characters, so the long ones are exactly the runs of 7 or
    more: counted by a second scan in C rather than a Python loop over every word."""
    return len(_WORD_RE.findall(text)) + sum(len(w) // 7 for w in _LONG_WORD_RE.findall(text))


@dataclass(frozen=True)
class _Piece:
    section: str
    kind: str | None
    start: int
    end: int


def chunk_trial(trial: Trial) -> list[Chunk]:
    """All chunks of one trial, ordered by position in the source, ids deterministic."""
    text = trial.source.text
    pieces: list[_Piece] = []
    pieces += _criteria_pieces(trial)
    for section, spans in _section_spans(trial):
        for start, end in _regions(text, spans):
            for s, e in _split(text, start, end):
                pieces.append(_Piece(section, None, s, e))
    covered = [(p.start, p.end) for p in pieces]
    for start, end in _uncovered(text, covered):
        for s, e in _split(text, start, end):
            pieces.append(_Piece("other", None, s, e))
    seen: set[tuple[str, int, int]] = set()
    chunks: list[Chunk] = []
    for piece in sorted(pieces, key=lambda p: (p.start, p.end, p.section)):
        key = (piece.section, piece.start, piece.end)
        if key in seen or piece.end <= piece.start:
            continue
        seen.add(key)
        chunk_text = text[piece.start : piece.end]
        digest = sha256_text(chunk_text)
        chunks.append(
            Chunk(
                id=f"{trial.trial_id}:{piece.section}:{piece.start}-{piece.end}:{digest[:8]}",
                trial_id=trial.trial_id,
                section=piece.section,  # type: ignore[arg-type]
                kind=piece.kind,  # type: ignore[arg-type]
                text=chunk_text,
                start=piece.start,
                end=piece.end,
                source_path=trial.source.path,
                content_hash=digest,
                ordinal=len(chunks),
                title=trial.title,
            )
        )
    return chunks


# --- criteria -------------------------------------------------------------------------------


def _criteria_pieces(trial: Trial) -> list[_Piece]:
    """One piece per criterion, split if long.

    Tiny criteria are not grouped: a chunk is a citation, and "Smoking" cited together with
    "Known HIV infection" would quote a criterion the answer is not about.
    """
    text = trial.source.text
    out: list[_Piece] = []
    for kind, criteria in (
        ("inclusion", trial.inclusion_criteria),
        ("exclusion", trial.exclusion_criteria),
    ):
        regions: list[tuple[int, int]] = []
        for criterion in criteria:
            for start, end in _regions(text, criterion.spans, expand=False, gap=400):
                regions.append((start, end))
        regions.sort()
        for start, end in regions:
            for s, e in _split(text, start, end):
                out.append(_Piece(kind, kind, s, e))
    return out


# --- other sections -------------------------------------------------------------------------


def _spans(items: Iterable[object]) -> list[Span]:
    spans: list[Span] = []
    for item in items:
        if item is not None:
            spans.extend(getattr(item, "spans", []))
    return spans


def _section_spans(trial: Trial) -> Iterator[tuple[str, list[Span]]]:
    """Each non-criteria section with the spans of the fields it is built from."""
    quick = [
        trial.nct_id,
        trial.brief_title,
        trial.official_title,
        trial.acronym,
        trial.status,
        *trial.phases,
        trial.study_type,
        trial.enrollment,
        trial.min_age,
        trial.max_age,
        trial.sex,
        trial.healthy_volunteers,
        trial.sponsor,
        *trial.collaborators,
        *trial.targets,
        *trial.dates,
    ]
    location_items: list[object] = []
    for location in trial.locations:
        location_items.append(location)
        location_items.extend(location.contacts)
    yield "quick_facts", _spans(quick)
    yield "summary", _spans([trial.brief_summary])
    yield "description", _spans([trial.detailed_description])
    yield "design", _spans(trial.design)
    yield "conditions", _spans([*trial.conditions, *trial.condition_mesh_terms, *trial.keywords])
    yield "interventions", _spans([*trial.interventions, *trial.intervention_mesh_terms])
    yield "outcomes", _spans([*trial.outcomes, *_result_items(trial)])
    yield "locations", _spans(location_items)
    yield "contacts", _spans(trial.contacts)


def _result_items(trial: Trial) -> list[object]:
    """Posted results (outcome titles, values, p-values, adverse events, flow, publications):
    searchable with the outcomes they report on, within the parser's caps."""
    items: list[object] = list(trial.publications)
    results = trial.results
    if results is None:
        return items
    items.extend(results.flow)
    items.extend(results.adverse_events)
    for outcome in results.outcomes:
        items.append(outcome)
        items.extend(outcome.values)
        items.extend(outcome.analyses)
    return items


def _regions(
    text: str, spans: Iterable[Span], *, expand: bool = True, gap: int = MERGE_GAP
) -> list[tuple[int, int]]:
    """Valid spans, grown to whole short lines, trimmed, merged when close together."""
    raw: list[tuple[int, int]] = []
    for span in spans:
        start, end = max(0, span.start), min(len(text), span.end)
        if end <= start:
            continue
        if expand:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            if line_end - line_start <= LINE_EXPAND_MAX:
                start, end = line_start, line_end
        start, end = _trim(text, start, end)
        if end > start:
            raw.append((start, end))
    raw.sort()
    merged: list[tuple[int, int]] = []
    for start, end in raw:
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _uncovered(text: str, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stretches of substantial text no field claimed, so lexical search still sees them."""
    out: list[tuple[int, int]] = []
    pos = 0
    for start, end in [*sorted(covered), (len(text), len(text))]:
        if start > pos:
            s, e = _trim(text, pos, start)
            if len(text[s:e].split()) >= OTHER_MIN_WORDS:
                out.append((s, e))
        pos = max(pos, end)
    return out


# --- splitting to the budget -----------------------------------------------------------------


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _units(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Split ``[start, end)`` at ``pattern`` matches into trimmed, non-empty sub-spans."""
    out: list[tuple[int, int]] = []
    pos = start
    for match in pattern.finditer(text, start, end):
        s, e = _trim(text, pos, match.start())
        if e > s:
            out.append((s, e))
        pos = match.end()
    s, e = _trim(text, pos, end)
    if e > s:
        out.append((s, e))
    return out


def _word_units(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Last resort for a sentence over budget: cut between words."""
    out: list[tuple[int, int]] = []
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text[start:end])]
    piece_start: int | None = None
    used = 0
    prev_end = start
    for ws, we in words:
        ws, we = ws + start, we + start
        cost = count_tokens(text[ws:we])
        if piece_start is not None and used + cost > budget:
            out.append((piece_start, prev_end))
            piece_start, used = None, 0
        if piece_start is None:
            piece_start = ws
        used += cost
        prev_end = we
    if piece_start is not None:
        out.append((piece_start, prev_end))
    return out


def _split(text: str, start: int, end: int, budget: int = TOKEN_BUDGET) -> list[tuple[int, int]]:
    """Cut a region into budget-sized pieces at line, then sentence, then word boundaries."""
    start, end = _trim(text, start, end)
    if end <= start:
        return []
    if count_tokens(text[start:end]) <= budget:
        return [(start, end)]
    units: list[tuple[int, int, int]] = []  # start, end, tokens
    for ls, le in _units(text, start, end, _PARA_RE):
        cost = count_tokens(text[ls:le])
        if cost <= budget:
            units.append((ls, le, cost))
            continue
        for ss, se in _units(text, ls, le, _SENT_END_RE):
            cost = count_tokens(text[ss:se])
            if cost <= budget:
                units.append((ss, se, cost))
            else:
                units.extend(
                    (ws, we, count_tokens(text[ws:we]))
                    for ws, we in _word_units(text, ss, se, budget)
                )
    return _pack(text, units, budget)


def _pack(text: str, units: list[tuple[int, int, int]], budget: int) -> list[tuple[int, int]]:
    """Join consecutive units (with their token counts) greedily while the joined slice stays
    within budget.

    The joined slice's count is kept as a running sum (tokens never span the gap between two
    units), so each unit is counted once: linear in the section, whatever its length.
    """
    out: list[tuple[int, int]] = []
    used = 0
    for start, end, cost in units:
        if out:
            joined = used + count_tokens(text[out[-1][1] : start]) + cost
            if joined <= budget:
                out[-1] = (out[-1][0], end)
                used = joined
                continue
        out.append((start, end))
        used = cost
    return out
