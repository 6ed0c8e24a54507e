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
from summarizer.engines.extractive import why
from summarizer.engines.extractive.fit import eligibility, good_fit, not_fit
from summarizer.engines.extractive.lead import lead_statement, treatment_names
from summarizer.engines.extractive.plain_words import (
    clean,
    drop_asides,
    explain,
    sentence,
    sentence_spans,
    simplify,
)
from summarizer.engines.extractive.resources import load, threshold
from summarizer.engines.extractive.select import looks_like_instruction
from summarizer.models import LaySummary, Span, Statement, SummarySection, Trial
from summarizer.readability import grade

TARGET_GRADE = 8.0
# Sections written as sentences for a reader, held to TARGET_GRADE. Quick facts and where it runs
# are labels, names and numbers (sponsors, hospitals): their grade is reported, not gated.
# Criteria sections are plain sentences too, but keep disease and drug names verbatim; they aim at
# TARGET_GRADE piece by piece and are held to CRITERIA_GRADE as a whole.
PROSE_SECTIONS = ("studies", "why", "how")
CRITERIA_SECTIONS = ("good_fit", "not_fit", "eligibility")
CRITERIA_GRADE = 10.5


_URL_RE = re.compile(r"https?://\S+")


def _grade(statements: list[Statement]) -> float | None:
    """Reading grade of the section's words (web addresses left out: they are not prose)."""
    text = " ".join(_URL_RE.sub("", s.text) for s in statements)
    return grade(text) if statements else None


def _labelled(trial: Trial, spans: list[Span], label: str) -> list[Span]:
    """A value's span widened to take in its label just before it on the same line ('Sex' in
    'SexAll'), so a one-word value like 'All' is cited with what it answers."""
    out = []
    for span in spans:
        line_start = trial.source.text.rfind("\n", 0, span.start) + 1
        before = trial.source.text[max(line_start, span.start - 40) : span.start]
        pos = before.lower().rfind(label.lower())
        out.append(Span(start=span.start - len(before) + pos, end=span.end) if pos >= 0 else span)
    return out


def _fact(
    trial: Trial, label: str, value: str, items, section: str, field: str, *, widen: bool = False
) -> Statement:
    spans = [s for item in items if item is not None for s in item.spans]
    if widen:
        spans = _labelled(trial, spans, label)
    return Statement(
        text=f"{label}: {value}.", citations=citations(trial, spans, section), fields=[field]
    )


def quick_facts(trial: Trial) -> list[Statement]:
    """Label/value facts, each ended with a full stop so it reads (and is graded) as the short
    statement it is. They are names and numbers, not prose: the grade gate is for prose sections
    (see ``PROSE_SECTIONS``), and sponsor or place names cannot be made plainer."""
    out = []
    if words := normalize.phase_words([p.value for p in trial.phases]):
        plain = load("lay_summary")["phase_plain"].get(words)
        value = f"{words} ({plain})" if plain else words
        out.append(_fact(trial, "Phase", value, trial.phases, "quick_facts", "phases"))
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
            out.append(_fact(trial, "Sex", words, [trial.sex], "eligibility", "sex", widen=True))
    if trial.sponsor:
        out.append(
            _fact(trial, "Sponsor", trial.sponsor.value, [trial.sponsor], "quick_facts", "sponsor")
        )
    names, items = treatment_names(trial)
    if names:
        out.append(_fact(trial, "Treatments", names, items, "interventions", "interventions"))
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


_SUBORDINATE = re.compile(
    r"^(if|although|though|while|when|whereas|because|since|as|unless)\b", re.I
)


def _plain_versions(raw: str) -> list[str]:
    """The sentence made plainer, then (as a fallback) only its main clause before a comma."""
    full = simplify(drop_asides(clean(raw)))
    out = [sentence(full)]
    head = full.split(", ")[0]
    if head != full and len(head.split()) >= 6 and not _SUBORDINATE.match(head):
        out.append(sentence(head))
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
        if words < 6 or words > threshold("max_sentence_words") * 2:
            continue
        for text in _plain_versions(raw):
            st = Statement(text=text, citations=citations(trial, [span], section), fields=[section])
            g = _grade([*chosen, st])
            if g is not None and g <= TARGET_GRADE:
                chosen.append(st)
                added += 1
                break
    return chosen


def _condition(trial: Trial):
    """The first listed condition that names an illness, not a bare term like 'Relapsed and
    Refractory' or 'CAR-T' (registries put keywords there too)."""
    rules = [re.compile(p, re.I) for p in load("lay_summary")["not_conditions"]]
    for c in trial.conditions:
        if not any(r.fullmatch(clean(c.value)) for r in rules):
            return c
    return None


def studies_statements(trial: Trial, limit: int = 3) -> list[Statement]:
    lead: list[Statement] = []
    if note := status_note(trial):
        lead.append(note)
    if tests := lead_statement(trial):
        lead.append(tests)
    if c := _condition(trial):
        lead.append(
            Statement(
                text=f"It is for people with {simplify(clean(c.value))}.",
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
        if not why.says_why(trial.source.text[p[1].start : p[1].end])
    ]
    return _greedy(trial, lead, pool, limit)


def why_statements(trial: Trial) -> list[Statement]:
    """Only the source's own purpose / benefit / background sentences; none, no section."""
    return _greedy(trial, [], why.candidates(trial), 2)


_EXPLAIN_MAX_WORDS = 8


def eligibility_statements(trial: Trial) -> list[Statement]:
    """Every criterion grouped by plain category, with short glossary explanations of jargon."""
    seen: set[str] = set()
    out = []
    for st in eligibility(trial):
        text = explain(st.text, seen, limit=1, max_words=_EXPLAIN_MAX_WORDS)
        out.append(st.model_copy(update={"text": text}))
    return out


def where_statements(trial: Trial, limit: int = 8) -> list[Statement]:
    """How many sites, then one short sentence per site (names are as the registry has them)."""
    if not trial.locations:
        return []
    n = len(trial.locations)
    out = [
        Statement(
            text=f"It runs at {n} site{'s' if n > 1 else ''}.",
            citations=citations(
                trial, [s for loc in trial.locations for s in loc.spans], "locations"
            ),
            fields=["locations"],
        )
    ]
    for loc in trial.locations[:limit]:
        place = ", ".join(dict.fromkeys(p for p in (loc.city, loc.region, loc.country) if p))
        words = f"{loc.facility}, in {place}" if loc.facility and place else loc.facility or place
        if words:
            out.append(
                Statement(
                    text=sentence(clean(words)),
                    citations=citations(trial, loc.spans, "locations"),
                    fields=["locations"],
                )
            )
    if n > limit:
        out.append(guidance(f"{n - limit} more sites are listed on the registry page."))
    return out


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
