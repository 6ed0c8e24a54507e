"""Assemble one ``Trial`` from a page's layout: labelled fields first, then fallbacks.

Order of trust: a labelled value beats a value recognized by its shape, which beats a value
found in running text. Anything not found stays empty; ``warnings`` says what is missing.
"""

from __future__ import annotations

from summarizer import normalize
from summarizer.models import (
    Criterion,
    Fact,
    Intervention,
    Location,
    Outcome,
    Source,
    Trial,
    content_trial_id,
    sha256_text,
)
from summarizer.parsers.base import ParseError
from summarizer.parsers.limits import check_section
from summarizer.parsers.text import fallbacks, fields, places
from summarizer.parsers.text.export import read_export
from summarizer.parsers.text.facts import dedupe, fact, find_nct, span, split_list
from summarizer.parsers.text.layout import (
    CRITERIA_KEYS,
    PROSE_KEYS,
    Layout,
    scan,
    section_pieces,
)
from summarizer.parsers.text.lines import Piece, content
from summarizer.parsers.text.outcomes import section_outcomes, time_frame_line
from summarizer.parsers.text.vocab import vocab

_OUTCOME_SECTIONS = {
    "outcomes_primary": "primary",
    "outcomes_secondary": "secondary",
    "outcomes_other": "other",
}


def _first(layout: Layout, key: str) -> tuple[str | None, Piece] | None:
    found = fields.label_pieces(layout, key)
    return (found[0][0], found[0][2]) if found else None


def _criteria(layout: Layout) -> tuple[list[Criterion], list[Criterion], list[Piece]]:
    inc: list[Criterion] = []
    exc: list[Criterion] = []
    groups: list[Piece] = []
    for sec in layout.sections:
        if sec.key not in CRITERIA_KEYS:
            continue
        target = inc if sec.key == "inclusion" else exc
        for raw in sec.criteria:
            group = raw.group.text if raw.group is not None else None
            if raw.group is not None and sec.key == "inclusion" and raw.group not in groups:
                groups.append(raw.group)
            target.append(
                Criterion(
                    kind=sec.key,  # type: ignore[arg-type]
                    text=raw.piece.text,
                    number=len(target) + 1,
                    group=group,
                    spans=[span(raw.piece)],
                )
            )
    return inc, exc, groups


def _prose(layout: Layout, key: str) -> Fact | None:
    for sec in layout.sections:
        if sec.key == key:
            piece = section_pieces(layout.doc, sec)
            if piece is not None:
                return fact(piece)
    return None


def trial_from_text(doc: str, path: str, fmt: str, original: str | None = None) -> Trial:
    """The trial a page describes; ``ParseError`` when the page holds nothing trial-like."""
    layout = scan(doc)
    for sec in layout.sections:
        if sec.key in CRITERIA_KEYS or sec.key in PROSE_KEYS:
            check_section(sec.heading.text.rstrip(" :："), doc[sec.start : sec.end])
    warnings: list[str] = []
    inc, exc, groups = _criteria(layout)
    crit_lines = {ln for ln in layout.claimed}
    crit_ranges = [(s.start, s.end) for s in layout.sections if s.key in CRITERIA_KEYS]
    export = read_export(doc, layout)

    # Identity and titles.
    nct = None
    for _, _, piece in fields.label_pieces(layout, "nct_id"):
        nct = nct or fields.nct_in(doc, piece)
    if nct is None and (m := find_nct(doc)):
        nct = fact(Piece(m.start(), m.end(), m.group(0)))
    brief = _first(layout, "brief_title")
    brief_title = fact(brief[1]) if brief else None
    official = _first(layout, "official_title")
    official_title = fact(official[1]) if official else None
    acronym = _first(layout, "acronym")
    if export is not None:
        brief_title = brief_title or export.brief_title
        official_title = official_title or export.official_title
    if brief_title is None and (line := fallbacks.title_line(doc, layout)) is not None:
        brief_title = fact(line)

    # Status, phase, type, design.
    section_lines = _section_line_indexes(layout)
    lone_status, lone_phases = fallbacks.standalone(doc, layout, section_lines)
    status = None
    for _, _, piece in fields.label_pieces(layout, "status"):
        if status is None and (value := normalize.status(piece.text)):
            status = fact(piece, value)
    status = status or lone_status
    phases: list[Fact] = []
    for _, _, piece in fields.label_pieces(layout, "phase"):
        phases = phases or fields.phase_facts(doc, piece)
    phases = dedupe(phases or lone_phases)
    study_type = None
    for _, _, piece in fields.label_pieces(layout, "study_type"):
        if study_type is None and (value := normalize.study_type(piece.text)):
            study_type = fact(piece, value)
    design = fallbacks.design_notes(doc, crit_ranges)

    # People.
    enrollment = None
    for prefix, _, piece in fields.label_pieces(layout, "enrollment"):
        enrollment = enrollment or fields.enrollment(prefix, piece)
    min_age = max_age = None
    for _, _, piece in fields.label_pieces(layout, "ages"):
        if min_age is None and max_age is None:
            min_age, max_age = fields.age_pair(doc, piece)
    for key in ("min_age", "max_age"):
        for _, _, piece in fields.label_pieces(layout, key):
            lo, hi = fields.age_pair(doc, piece)
            age = lo or hi
            if key == "min_age" and min_age is None and age is not None:
                min_age = age
            if key == "max_age" and max_age is None and age is not None:
                max_age = age
    summary = _prose(layout, "brief_summary")
    description = _prose(layout, "detailed_description")
    if summary is None:
        skip = crit_lines | section_lines | set(range(export.end_line if export else 0))
        if (run := fallbacks.prose_run(doc, layout.lines, skip)) is not None:
            summary = fact(run)
    if min_age is None and max_age is None:
        texts = [Piece(c.spans[0].start, c.spans[0].end, c.text) for c in inc]
        texts += [
            Piece(f.spans[0].start, f.spans[0].end, doc[f.spans[0].start : f.spans[0].end])
            for f in (summary, description)
            if f is not None
        ]
        min_age, max_age = fallbacks.ages_in(doc, texts)
    sex = None
    for _, _, piece in fields.label_pieces(layout, "sex"):
        if sex is None and (value := normalize.sex(piece.text)):
            sex = fact(piece, value)
    healthy = None
    for _, _, piece in fields.label_pieces(layout, "healthy_volunteers"):
        low = piece.text.strip().lower()
        if healthy is None and low.startswith(("yes", "no")):
            healthy = fact(piece, "yes" if low.startswith("yes") else "no")

    # What is studied.
    conditions = [
        fact(p) for _, _, v in fields.label_pieces(layout, "conditions") for p in split_list(doc, v)
    ]
    if export is not None and not conditions:
        conditions = export.conditions
    if not conditions:
        # No conditions field: the disease groups of the inclusion criteria name them.
        conditions = fallbacks.conditions_from_groups(doc, groups)
    keywords = [
        fact(p) for _, _, v in fields.label_pieces(layout, "keywords") for p in split_list(doc, v)
    ]
    interventions = fields.interventions_from(
        doc, [v for _, _, v in fields.label_pieces(layout, "interventions")]
    )
    if export is not None:
        interventions += export.interventions
    interventions += _typed_lines(layout, crit_lines)
    interventions = fields.merge_interventions(interventions)
    _describe_from_arms(layout, interventions)

    sponsor = None
    for _, _, piece in sorted(
        fields.label_pieces(layout, "sponsor"), key=lambda t: _label_rank("sponsor", t[1])
    ):
        sponsor = sponsor or fields.sponsor(doc, piece)
    collaborators = [
        fact(p)
        for _, _, v in fields.label_pieces(layout, "collaborators")
        for p in split_list(doc, v)
    ]

    outcomes = _outcomes(layout, crit_lines)
    if export is not None:
        outcomes += export.outcomes
    dates = []
    seen_kinds: set[str] = set()
    for kind in fields.DATE_KINDS:
        for prefix, _, piece in fields.label_pieces(layout, kind):
            if kind not in seen_kinds and (d := fields.trial_date(doc, kind, prefix, piece)):
                dates.append(d)
                seen_kinds.add(kind)

    locations, used = _locations(layout, crit_lines)
    contacts = places.loose_contacts(doc, layout, crit_lines | used | _location_lines(layout))

    target_sources = [
        Piece(s.start, s.end, doc[s.start : s.end]) for iv in interventions for s in iv.spans
    ]
    targets = fallbacks.find_targets(doc, target_sources)
    for extra in ([brief_title, official_title], [summary, description]):
        if not targets:
            sources = [f for f in extra if f is not None]
            targets = fallbacks.find_targets(
                doc, [Piece(s.start, s.end, doc[s.start : s.end]) for f in sources for s in f.spans]
            )

    trial_like = bool(
        nct
        or inc
        or exc
        or layout.labels
        or interventions
        or outcomes
        or any(s.key not in ("stop",) for s in layout.sections)
    )
    if not trial_like:
        raise ParseError("no recognizable trial sections")
    if nct is None:
        warnings.append("no NCT ID found; the trial id is derived from the text")
    if not inc and not exc:
        warnings.append("no inclusion or exclusion criteria found")
    if brief_title is None and official_title is None:
        warnings.append("no title found")
    if summary is None:
        warnings.append("no summary found")

    return Trial(
        trial_id=nct.value if nct else content_trial_id(doc),
        nct_id=nct,
        brief_title=brief_title,
        official_title=official_title,
        acronym=fact(acronym[1]) if acronym else None,
        status=status,
        phases=phases,
        study_type=study_type,
        design=design,
        enrollment=enrollment,
        min_age=min_age,
        max_age=max_age,
        sex=sex,
        healthy_volunteers=healthy,
        conditions=dedupe(conditions),
        keywords=dedupe(keywords),
        interventions=interventions,
        targets=targets,
        sponsor=sponsor,
        collaborators=dedupe(collaborators),
        locations=locations,
        contacts=contacts,
        brief_summary=summary,
        detailed_description=description,
        inclusion_criteria=inc,
        exclusion_criteria=exc,
        outcomes=outcomes,
        dates=dates,
        source=Source(
            path=path,
            format=fmt,
            text=doc,
            original=original,
            sha256=sha256_text(original if original is not None else doc),
        ),
        warnings=warnings,
    )


def _label_rank(key: str, label: str) -> int:
    order = [p for p, k in vocab().label_keys.items() if k == key]
    norm = " ".join(label.split())
    for i, p in enumerate(order):
        if norm.endswith(p):
            return i
    return len(order)


def _section_line_indexes(layout: Layout) -> set[int]:
    """Document lines inside any section body (where a lone 'Recruiting' is a site status)."""
    out: set[int] = set()
    for sec in layout.sections:
        if sec.key in ("brief_summary", "detailed_description", "stop"):
            continue
        if sec.lines:
            out.update(_doc_lines(layout, sec.lines[0].start, sec.lines[-1].end))
    return out


def _doc_lines(layout: Layout, start: int, end: int) -> range:
    lo = _line_at(layout, start)
    hi = _line_at(layout, end)
    return range(lo, hi + 1)


def _line_at(layout: Layout, offset: int) -> int:
    import bisect

    starts = [ln.start for ln in layout.lines]
    return max(0, bisect.bisect_right(starts, offset) - 1)


def _location_lines(layout: Layout) -> set[int]:
    out: set[int] = set()
    for sec in layout.sections:
        if sec.key == "locations" and sec.lines:
            out.update(_doc_lines(layout, sec.lines[0].start, sec.lines[-1].end))
    return out


def _locations(layout: Layout, skip: set[int]) -> tuple[list[Location], set[int]]:
    doc = layout.doc
    out: list[Location] = []
    for sec in layout.sections:
        if sec.key == "locations":
            out.extend(places.section_locations(doc, sec.lines[1:]))
    rows, used = places.row_locations(doc, layout, skip | _location_lines(layout))
    return out + rows, used


def _typed_lines(layout: Layout, skip: set[int]) -> list[Intervention]:
    """'Biological: name' lines standing alone (arm tables, intervention lists)."""
    out: list[Intervention] = []
    for ln in layout.lines:
        if ln.index in skip or ln.indent > 4:
            continue
        words = content(layout.doc, ln)
        if words is None or len(words.text) > 300 or "|" in words.text:
            continue
        if vocab().intervention_re.match(words.text):
            iv = fields.intervention(layout.doc, words)
            if iv is not None:
                out.append(iv)
    return out


def _describe_from_arms(layout: Layout, interventions: list[Intervention]) -> None:
    """An arm line naming an intervention describes it (doses and schedules live there)."""
    doc = layout.doc
    for sec in layout.sections:
        if sec.key != "arms":
            continue
        for ln in sec.lines[1:]:
            words = content(doc, ln)
            if words is None:
                continue
            for iv in interventions:
                if iv.description is None and iv.name in words.text and iv.name != words.text:
                    iv.description = words.text
                    iv.spans.append(span(words))


def _outcomes(layout: Layout, skip: set[int]) -> list[Outcome]:
    doc = layout.doc
    out: list[Outcome] = []
    inside: set[int] = set()
    for sec in layout.sections:
        kind = _OUTCOME_SECTIONS.get(sec.key)
        if kind is not None:
            out.extend(section_outcomes(doc, sec.lines[1:], kind))  # type: ignore[arg-type]
            if sec.lines:
                inside.update(_doc_lines(layout, sec.lines[0].start, sec.lines[-1].end))
    for ln in layout.lines:
        if ln.index in skip or ln.index in inside or "time frame" not in ln.text.lower():
            continue
        words = content(doc, ln)
        if words is not None and (o := time_frame_line(doc, words, "other")) is not None:
            out.append(o)
    return out
