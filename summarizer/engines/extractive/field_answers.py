"""Answers read straight from the Trial record: one plain sentence per field, citing its span.

``FIELD_ANSWERS`` maps an intent name (prompts/intents.json) to a function of the trial; a function
returns no statements when the record does not hold that field, so the engine can fall back.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarizer import normalize
from summarizer.engines.common import citations
from summarizer.engines.extractive.plain_words import clean, explain, shorten
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.studies import studies_statements
from summarizer.models import Age, Location, Sourced, Statement, Trial

FieldAnswer = Callable[[Trial], list[Statement]]


def _st(trial: Trial, text: str, items: list[Sourced], section: str, field: str) -> Statement:
    spans = [s for item in items for s in item.spans]
    return Statement(text=text, citations=citations(trial, spans, section), fields=[field])


def _list_words(values: list[str], limit: int = 6) -> str:
    values = [v for v in values if v]
    if len(values) > limit:
        values = [*values[:limit], f"{len(values) - limit} more"]
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def _age_text(age: Age | None) -> str | None:
    """'14 Years' as written; 'Age ≥ 18 years' (a criterion's words) as '18 years'."""
    if age is None:
        return None
    raw = " ".join(age.raw.split())
    if re.fullmatch(r"\d+(\.\d+)? (years?|months?|weeks?|days?)", raw, re.I):
        return raw
    if m := re.search(r"\d+(\.\d+)?\s*(years?|months?|weeks?|days?)", raw, re.I):
        return m.group(0)
    return f"{age.years:g} years" if age.years is not None else None


def age_range_words(trial: Trial) -> str | None:
    lo, hi = _age_text(trial.min_age), _age_text(trial.max_age)
    if lo and hi:
        return f"aged {lo} to {hi}"
    if lo:
        return f"aged {lo} or older"
    if hi:
        return f"up to age {hi}"
    return None


def ages(trial: Trial) -> list[Statement]:
    words = age_range_words(trial)
    if words is None:
        return []
    items: list[Sourced] = [a for a in (trial.min_age, trial.max_age) if a is not None]
    return [_st(trial, f"This trial takes people {words}.", items, "eligibility", "min_age")]


def sex(trial: Trial) -> list[Statement]:
    if trial.sex is None:
        return []
    text = {
        "ALL": "This trial is open to all sexes.",
        "FEMALE": "This trial is only for women.",
        "MALE": "This trial is only for men.",
    }.get(trial.sex.value)
    return [_st(trial, text, [trial.sex], "eligibility", "sex")] if text else []


def place_words(loc: Location) -> str:
    parts = [p for p in (loc.city, loc.region, loc.country) if p]
    place = ", ".join(dict.fromkeys(parts))
    if loc.facility and place:
        return f"{loc.facility} ({place})"
    return loc.facility or place


def locations(trial: Trial) -> list[Statement]:
    if not trial.locations:
        return []
    n = len(trial.locations)
    named = trial.locations[: max_places()]  # the count covers all; only these are read and cited
    places = _list_words([place_words(loc) for loc in named], limit=5)
    head = "It runs at 1 site" if n == 1 else f"It runs at {n} sites"
    return [_st(trial, f"{head}: {places}.", list(named), "locations", "locations")]


def max_places() -> int:
    """How many sites an answer or summary names and cites (data: prompts/thresholds.json)."""
    return int(threshold("max_places"))


def status(trial: Trial) -> list[Statement]:
    if trial.status is None:
        return []
    value = trial.status.value
    text = {
        "RECRUITING": "Yes, this trial is recruiting: it is taking new people.",
        "NOT_YET_RECRUITING": "This trial has not started taking people yet.",
        "ENROLLING_BY_INVITATION": "This trial only takes people who are invited.",
        "ACTIVE_NOT_RECRUITING": "This trial is running but is not taking new people.",
        "COMPLETED": "This trial is completed, so it is not taking new people.",
        "WITHDRAWN": "This trial was withdrawn, so it is not taking anyone.",
        "TERMINATED": "This trial was stopped early, so it is not taking new people.",
        "SUSPENDED": "This trial is on hold for now, so it is not taking new people.",
    }.get(value, f"The listed status is: {normalize.status_words(value)}.")
    return [_st(trial, text, [trial.status], "quick_facts", "status")]


def enrollment(trial: Trial) -> list[Statement]:
    e = trial.enrollment
    if e is None:
        return []
    kind = {"estimated": "plans to take", "actual": "took"}.get(e.kind or "", "lists")
    noun = "person" if e.count == 1 else "people"
    return [_st(trial, f"The trial {kind} {e.count} {noun}.", [e], "quick_facts", "enrollment")]


def phase(trial: Trial) -> list[Statement]:
    words = normalize.phase_words([p.value for p in trial.phases])
    if words is None:
        return []
    plain = {
        "Phase 1": "an early study of safety and dose",
        "Phase 1/2": "an early study of safety, dose and whether it works",
        "Phase 2": "a study of whether it works and how safe it is",
        "Phase 2/3": "a study of whether it works, compared with usual care",
        "Phase 3": "a large study comparing it with usual care",
        "Phase 4": "a study of a treatment already on the market",
        "Early phase 1": "a very early, small study",
    }.get(words)
    text = f"It is a {words} trial" + (f" ({plain})." if plain else ".")
    if words == "Not applicable":
        text = "The trial has no drug phase (not applicable)."
    return [_st(trial, text, list(trial.phases), "quick_facts", "phases")]


def sponsor(trial: Trial) -> list[Statement]:
    if trial.sponsor is None:
        return []
    text = f"The trial is run by {trial.sponsor.value}."
    return [_st(trial, text, [trial.sponsor], "quick_facts", "sponsor")]


def contact_words(trial: Trial) -> list[tuple[str, list[Sourced]]]:
    """Each contact in words with the items it came from (trial-level first, then sites)."""
    out: list[tuple[str, list[Sourced]]] = []
    sites = trial.locations[: max_places()]
    people = [*trial.contacts, *(c for loc in sites for c in loc.contacts)]
    seen: set[str] = set()
    for c in people:
        key = (c.name or c.email or c.phone or "").lower()
        if key in seen or len(out) >= 3:
            continue
        seen.add(key)
        bits = [b for b in (c.phone, c.email) if b]
        who = c.name or "The study team"
        if bits:
            out.append((f"{who}: {' or '.join(bits)}", [c]))
        elif c.name:
            out.append((who, [c]))
    return out


def contacts(trial: Trial) -> list[Statement]:
    found = contact_words(trial)
    out = [
        _st(trial, f"You can contact {text}.", items, "contacts", "contacts")
        for text, items in found
    ]
    return out  # none listed: the engine abstains and points to the registry page


def targets(trial: Trial) -> list[Statement]:
    if not trial.targets:
        return []
    names = _list_words([t.value for t in trial.targets])
    return [
        _st(trial, f"The treatment targets {names}.", list(trial.targets), "summary", "targets")
    ]


def interventions(trial: Trial) -> list[Statement]:
    out = []
    for i in trial.interventions[:4]:
        kind = f"{i.type.lower()}: " if i.type else ""
        text = f"The trial gives {kind}{clean(i.name)}."
        out.append(_st(trial, explain(text), [i], "interventions", "interventions"))
    return out


def doses(trial: Trial) -> list[Statement]:
    """Dose sentences from intervention descriptions; none when no dose is written."""
    from summarizer.engines.extractive.plain_words import sentence_spans

    out = []
    for i in trial.interventions:
        for span in i.spans:
            text = trial.source.text[span.start : span.end]
            for s, e in sentence_spans(text, span.start):
                piece = trial.source.text[s:e]
                if m := _DOSE_RE.search(piece):
                    s, e = _dose_window(piece, m.start(), s)
                    words = shorten(clean(trial.source.text[s:e]), 40)
                    st = Statement(
                        text=words[:1].upper() + words[1:],
                        citations=citations(trial, [_span(s, e)], "interventions"),
                        fields=["interventions"],
                    )
                    out.append(st)
    return out[:3]


def _dose_window(piece: str, at: int, offset: int, words: int = 40) -> tuple[int, int]:
    """A long sentence cut to the part that holds the dose: from the clause before the first
    dose mention, so the numbers are quoted whole rather than cut off by shortening."""
    if len(piece.split()) <= words:
        return offset, offset + len(piece)
    starts = [0] + [m.end() for m in re.finditer(r"[,:;]\s+", piece[:at])]
    start = starts[-2] if len(starts) > 1 and at - starts[-1] < 20 else starts[-1]
    return offset + start, offset + len(piece)


def _span(start: int, end: int):
    from summarizer.models import Span

    return Span(start=start, end=end)


def outcomes(trial: Trial) -> list[Statement]:
    """The main (primary) measures, up to two, each with when it is measured, then the first
    secondary one: 'how long are side effects tracked' needs every primary time frame."""
    out = []
    for kind, shown in (("primary", 2), ("secondary", 1)):
        items = [o for o in trial.outcomes if o.kind == kind]
        for n, item in enumerate(items[:shown]):
            when = f", measured {_when(item.time_frame)}" if item.time_frame else ""
            if kind == "secondary":
                lead = "It also measures"
            else:
                lead = "The main thing measured is" if n == 0 else "Another main measure is"
            measure = clean(item.measure)
            if measure[:1].isupper() and measure[1:2].islower():
                measure = measure[0].lower() + measure[1:]
            text = explain(f"{lead} {measure}{when}.")
            if n == len(items[:shown]) - 1 and len(items) > shown:
                # A count would be a number no document states.
                text = text[:-1] + f" (among other {kind} outcomes)."
            out.append(_st(trial, text, [item], "outcomes", "outcomes"))
    return out


_PREPOSITION_RE = re.compile(
    r"(at|up|within|from|through|until|over|after|before|during|on|in|by|every|for)\b", re.I
)


def _when(time_frame: str) -> str:
    """'Up to 2 years after infusion' -> 'up to 2 years after infusion'; '3 months' -> 'at 3
    months'."""
    words = clean(time_frame)
    if words[:1].isupper() and words[1:2].islower():
        words = words[0].lower() + words[1:]
    return words if _PREPOSITION_RE.match(words) else f"at {words}"


def design(trial: Trial) -> list[Statement]:
    if not trial.design:
        return []
    words = _list_words([clean(d.value).lower() for d in trial.design])
    text = explain(f"The study design is {words}.")
    return [_st(trial, text, list(trial.design), "design", "design")]


def conditions(trial: Trial) -> list[Statement]:
    if not trial.conditions:
        return []
    words = _list_words([clean(c.value) for c in trial.conditions])
    text = explain(f"The trial is for people with {words}.", limit=1)
    return [_st(trial, text, list(trial.conditions), "conditions", "conditions")]


def healthy_volunteers(trial: Trial) -> list[Statement]:
    hv = trial.healthy_volunteers
    if hv is None:
        return []
    text = (
        "Yes, healthy volunteers can take part."
        if hv.value == "yes"
        else "No, this trial does not take healthy volunteers."
    )
    return [_st(trial, text, [hv], "eligibility", "healthy_volunteers")]


def study_type(trial: Trial) -> list[Statement]:
    if trial.study_type is None:
        return []
    text = {
        "INTERVENTIONAL": "It is an interventional study: people get a treatment as part of it.",
        "OBSERVATIONAL": "It is an observational study: it watches people without a set treatment.",
        "EXPANDED_ACCESS": "It is an expanded access program for people who cannot join a trial.",
    }.get(trial.study_type.value)
    return [_st(trial, text, [trial.study_type], "design", "study_type")] if text else []


def purpose(trial: Trial) -> list[Statement]:
    return studies_statements(trial, limit=2)


def dates(trial: Trial) -> list[Statement]:
    out = []
    names = {
        "start": "starts",
        "primary_completion": "expects main results by",
        "completion": "ends",
    }
    for d in trial.dates:
        if d.kind in names:
            est = " (estimated)" if d.estimated else ""
            verb = names[d.kind]
            out.append(_st(trial, f"The trial {verb} {d.raw}{est}.", [d], "design", "dates"))
    return out


_DOSE_RE = re.compile(
    r"\d[\d.,×x^\s]*(?:10\^?\d+)?\s*(?:mg|g|ml|mL|µg|mcg|cells|CAR-T cells|/kg|units|IU)\b|dose",
    re.I,
)

FIELD_ANSWERS: dict[str, FieldAnswer] = {
    "age": ages,
    "sex": sex,
    "locations": locations,
    "status": status,
    "enrollment": enrollment,
    "phase": phase,
    "sponsor": sponsor,
    "contacts": contacts,
    "targets": targets,
    "doses": doses,
    "interventions": interventions,
    "outcomes": outcomes,
    "design": design,
    "conditions": conditions,
    "healthy_volunteers": healthy_volunteers,
    "study_type": study_type,
    "purpose": purpose,
    "dates": dates,
}
