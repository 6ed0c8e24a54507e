"""Lay summaries in the editorial page's layout: quick facts, what it studies, who should consider
it, why it matters, eligibility in plain words, where it runs and how to take part.

Fields first, then selected source sentences made simpler. A prose section only takes a source
sentence while its reading grade stays at or under the target; missing facts are left out.
"""

from __future__ import annotations

import re

from summarizer import normalize
from summarizer.engines.common import citations, guidance, registry_url, status_note
from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive.fit import good_fit, not_fit
from summarizer.engines.extractive.plain_words import (
    clause_spans,
    clean,
    explain,
    sentence,
    sentence_spans,
    shorten,
    simplify,
)
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import LaySummary, Span, Statement, SummarySection, Trial
from summarizer.readability import grade

TARGET_GRADE = 8.0
PROSE_SECTIONS = ("studies", "why", "how")
_WHY_RE = re.compile(
    r"\b(potential(ly)?|could|may|hope|benefit|promising|impressive|limited treatment options|"
    r"lack of effective|poor prognosis|short survival|unmet|improve|new (type|treatment|option))\b",
    re.I,
)


_URL_RE = re.compile(r"https?://\S+")


def _grade(statements: list[Statement]) -> float | None:
    """Reading grade of the section's words (web addresses left out: they are not prose)."""
    text = " ".join(_URL_RE.sub("", s.text) for s in statements)
    return grade(text) if statements else None


def _fact(trial: Trial, label: str, value: str, items, section: str, field: str) -> Statement:
    spans = [s for item in items if item is not None for s in item.spans]
    return Statement(
        text=f"{label}: {value}", citations=citations(trial, spans, section), fields=[field]
    )


def quick_facts(trial: Trial) -> list[Statement]:
    out = []
    if words := normalize.phase_words([p.value for p in trial.phases]):
        out.append(_fact(trial, "Phase", words, trial.phases, "quick_facts", "phases"))
    if trial.status:
        words = normalize.status_words(trial.status.value) or trial.status.value
        out.append(
            _fact(trial, "Status", words.capitalize(), [trial.status], "quick_facts", "status")
        )
    if trial.study_type:
        words = trial.study_type.value.replace("_", " ").capitalize()
        out.append(
            _fact(trial, "Study type", words, [trial.study_type], "quick_facts", "study_type")
        )
    if e := trial.enrollment:
        kind = f" ({e.kind})" if e.kind else ""
        out.append(
            _fact(trial, "Enrollment", f"{e.count} people{kind}", [e], "quick_facts", "enrollment")
        )
    if words := fa.age_range_words(trial):
        out.append(
            _fact(
                trial,
                "Ages",
                words.removeprefix("aged ").capitalize(),
                [trial.min_age, trial.max_age],
                "eligibility",
                "min_age",
            )
        )
    if trial.sex:
        words = {"ALL": "All", "FEMALE": "Women only", "MALE": "Men only"}.get(trial.sex.value)
        if words:
            out.append(_fact(trial, "Sex", words, [trial.sex], "eligibility", "sex"))
    if trial.sponsor:
        out.append(
            _fact(trial, "Sponsor", trial.sponsor.value, [trial.sponsor], "quick_facts", "sponsor")
        )
    if trial.interventions:
        names = ", ".join(clean(i.name) for i in trial.interventions[:4])
        out.append(
            _fact(trial, "Treatments", names, trial.interventions, "interventions", "interventions")
        )
    if trial.locations:
        n = len(trial.locations)
        places = "; ".join(
            dict.fromkeys(
                ", ".join(p for p in (loc.city, loc.region) if p) or fa.place_words(loc)
                for loc in trial.locations[:4]
            )
        )
        out.append(
            _fact(
                trial,
                "Locations",
                f"{n} site{'s' if n > 1 else ''} ({places})",
                trial.locations,
                "locations",
                "locations",
            )
        )
    if trial.nct_id:
        out.append(
            _fact(trial, "Trial ID", trial.nct_id.value, [trial.nct_id], "quick_facts", "nct_id")
        )
    return out


def _source_sentences(trial: Trial) -> list[tuple[str, Span]]:
    out = []
    for section, fact in (
        ("summary", trial.brief_summary),
        ("description", trial.detailed_description),
    ):
        if fact is None:
            continue
        for span in fact.spans:
            text = trial.source.text[span.start : span.end]
            for s, e in sentence_spans(text, span.start):
                if not looks_like_instruction(trial.source.text[s:e]):  # injected, not content
                    out.append((section, Span(start=s, end=e)))
    return out


def _greedy(
    trial: Trial, lead: list[Statement], pool: list[tuple[str, Span]], limit: int
) -> list[Statement]:
    """Add simplified source sentences while the section stays at or under the target grade."""
    chosen = list(lead)
    added = 0
    for section, span in pool:
        if added >= limit:
            break
        raw = trial.source.text[span.start : span.end]
        words = len(raw.split())
        if words < 6 or words > threshold("max_sentence_words") * 1.5:
            continue
        st = Statement(
            text=sentence(simplify(clean(raw))),
            citations=citations(trial, [span], section),
            fields=[section],
        )
        g = _grade([*chosen, st])
        if g is not None and g <= TARGET_GRADE:
            chosen.append(st)
            added += 1
    return chosen


def studies_statements(trial: Trial, limit: int = 3) -> list[Statement]:
    lead: list[Statement] = []
    if note := status_note(trial):
        lead.append(note)
    if trial.interventions:
        i = trial.interventions[0]
        lead.append(
            Statement(
                text=f"This trial tests {simplify(clean(i.name))}.",
                citations=citations(trial, i.spans, "interventions"),
                fields=["interventions"],
            )
        )
    if trial.conditions:
        c = trial.conditions[0]
        lead.append(
            Statement(
                text=f"It is for people with {clean(c.value)}.",
                citations=citations(trial, c.spans, "conditions"),
                fields=["conditions"],
            )
        )
    words = normalize.phase_words([p.value for p in trial.phases])
    if words and words != "Not applicable":
        lead.append(
            Statement(
                text=f"It is a {words} trial.",
                citations=citations(
                    trial, [s for p in trial.phases for s in p.spans], "quick_facts"
                ),
                fields=["phases"],
            )
        )
    pool = [
        p
        for p in _source_sentences(trial)
        if not _WHY_RE.search(trial.source.text[p[1].start : p[1].end])
    ]
    return _greedy(trial, lead, pool, limit)


def why_statements(trial: Trial) -> list[Statement]:
    pool = [
        p
        for p in _source_sentences(trial)
        if _WHY_RE.search(trial.source.text[p[1].start : p[1].end])
    ]
    return _greedy(trial, [], pool, 2)


def eligibility_statements(trial: Trial) -> list[Statement]:
    out = []
    seen: set[str] = set()
    for kind, crits, lead in (
        ("inclusion", trial.inclusion_criteria, "Needed"),
        ("exclusion", trial.exclusion_criteria, "Rules you out"),
    ):
        for crit in crits[:10]:
            span = crit.spans[0] if crit.spans else None
            if span is None or looks_like_instruction(crit.text):
                continue
            pieces = clause_spans(trial.source.text[span.start : span.end], span.start)[:2]
            if not pieces:
                continue
            sub = [Span(start=s, end=e) for s, e in pieces]
            text = "; ".join(clean(trial.source.text[s.start : s.end]) for s in sub)
            text = explain(shorten(text, 30), seen)
            out.append(
                Statement(
                    text=f"{lead} ({kind} {crit.number}): {text}",
                    citations=citations(trial, sub, kind),
                    fields=[f"{kind}_criteria"],
                )
            )
    return out


def where_statements(trial: Trial) -> list[Statement]:
    return fa.locations(trial)


def how_statements(trial: Trial) -> list[Statement]:
    out = [*fa.contacts(trial)]
    out = [s for s in out if "nct_id" not in s.fields]
    if (url := registry_url(trial)) and trial.nct_id:
        out.append(
            Statement(
                text=f"The registry page is {url}.",
                citations=citations(trial, trial.nct_id.spans, "quick_facts"),
                fields=["nct_id"],
            )
        )
    out.append(guidance("Go over the criteria with your own doctor first."))
    out.append(guidance("Then ask the study team if you can be checked for the trial."))
    return out


SECTIONS = (
    ("quick_facts", "Quick facts", quick_facts),
    ("studies", "What this trial studies", studies_statements),
    ("good_fit", "Who should consider this trial: good fit", good_fit),
    ("not_fit", "Who should consider this trial: not a fit", not_fit),
    ("why", "Why it matters", why_statements),
    ("eligibility", "Eligibility in plain words", eligibility_statements),
    ("where", "Where it runs", where_statements),
    ("how", "How to take part", how_statements),
)


def summarize(trial: Trial, engine: str) -> LaySummary:
    sections = []
    for key, heading, build in SECTIONS:
        statements = build(trial)
        if not statements:
            continue  # missing facts are left out, not invented
        prose = [s for s in statements if s.fields != ["guidance"]] if key == "how" else statements
        sections.append(
            SummarySection(
                key=key, heading=heading, statements=statements, grade=_grade(prose or statements)
            )
        )
    return LaySummary(trial_id=trial.trial_id, title=trial.title, engine=engine, sections=sections)
