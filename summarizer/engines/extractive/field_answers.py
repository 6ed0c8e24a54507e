"""Answers read straight from the Trial record: one plain sentence per field, citing its span.

``FIELD_ANSWERS`` maps an intent name (prompts/intents.json) to a function of the trial; a function
returns no statements when the record does not hold that field, so the engine can fall back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from prompts.layout import layout
from summarizer import normalize
from summarizer.engines.common import STATUS_SENTENCES, citations
from summarizer.engines.extractive import record_fields
from summarizer.engines.extractive.plain_words import clean, explain, sentence_spans, shorten
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.studies import studies_statements
from summarizer.models import (
    FRAMING,
    Age,
    Location,
    ResultValue,
    Sourced,
    Span,
    Statement,
    Trial,
    not_a_claim,
)

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
    if re.fullmatch(r"\d+(\.\d+)? (years?|months?|weeks?|days?|hours?|minutes?)", raw, re.I):
        return raw
    if m := re.search(r"\d+(\.\d+)?\s*(years?|months?|weeks?|days?|hours?|minutes?)", raw, re.I):
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


def sites_in(trial: Trial, places: list[str] | tuple[str, ...]) -> list[Statement]:
    """The sites in the places a question names ('Is there a site in Munich?'): the places are
    ones the trial's own sites name (``across.parse``), so every place asked has a site."""
    low = {p.lower() for p in places}
    found = [
        loc
        for loc in trial.locations
        if any(v and v.lower() in low for v in (loc.city, loc.region, loc.country))
    ]
    if not found:
        return []
    named = found[: max_places()]
    where = _list_words(list(dict.fromkeys(places)))
    head = "1 site" if len(found) == 1 else f"{len(found)} sites"
    sites = _list_words([place_words(loc) for loc in named], limit=5)
    text = f"Yes, it runs at {head} in {where}: {sites}."
    return [_st(trial, text, list(named), "locations", "locations")]


def names_place(trial: Trial, names: frozenset[str]) -> bool:
    """Whether one of the trial's sites is in a place going by one of ``names`` (its city, state,
    country or facility holds the name's words: 'new york' is in 'New York, New York')."""
    for loc in trial.locations:
        words = set(re.findall(r"[a-z0-9]+", " ".join(place_words(loc).lower().split())))
        if any(set(re.findall(r"[a-z0-9]+", n)) <= words for n in names if n):
            return True
    return False


def max_places() -> int:
    """How many sites an answer or summary names and cites (data: prompts/thresholds.json)."""
    return int(threshold("max_places"))


def status(trial: Trial) -> list[Statement]:
    if trial.status is None:
        return []
    value = trial.status.value
    # A status with no plain sentence is said in the record's words ('Unknown status').
    words = clean(trial.status.raw or "") or normalize.status_words(value)
    text = STATUS_SENTENCES.get(value, f"The listed status is: {words}.")
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
    """The organisation that runs the trial, then the people named as leading it (principal
    investigator, study chair): 'who is in charge' is asked of both."""
    out = []
    if trial.sponsor is not None:
        text = f"The trial is run by {trial.sponsor.value}."
        out.append(_st(trial, text, [trial.sponsor], "quick_facts", "sponsor"))
    leads = record_fields.officials(trial)[:3]
    if leads:
        names = _list_words([clean(words) for words, _ in leads])
        out.append(
            Statement(
                text=f"The study is led by {names}.",
                citations=citations(trial, [span for _, span in leads], "quick_facts"),
                fields=["officials"],
            )
        )
    return out


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
    """The listed contacts; with none, that the documents list none, then the people they name
    as leading the study (who to ask for, and a number when the record writes one there); with
    neither, nothing: the engine abstains and points to the registry page."""
    found = contact_words(trial)
    out = [
        _st(trial, f"You can contact {text}.", items, "contacts", "contacts")
        for text, items in found
    ]
    if not out and (leads := [s for s in sponsor(trial) if "officials" in s.fields]):
        out = [not_a_claim(layout().wording["no_contact_listed"], FRAMING), *leads]
    return out


def targets(trial: Trial) -> list[Statement]:
    if not trial.targets:
        return []
    names = _list_words([t.value for t in trial.targets])
    return [
        _st(trial, f"The treatment targets {names}.", list(trial.targets), "summary", "targets")
    ]


def interventions(trial: Trial) -> list[Statement]:
    """Each treatment given; an observational study with none says it gives no set treatment."""
    if not trial.interventions:
        kind = trial.study_type.value if trial.study_type else None
        return study_type(trial) if kind == "OBSERVATIONAL" else []
    out = []
    for i in trial.interventions[:4]:
        kind = f"{i.type.lower()}: " if i.type else ""
        text = f"The trial gives {kind}{clean(i.name)}."
        spans = [_name_span(trial, sp, i.name) for sp in i.spans]
        out.append(
            Statement(
                text=explain(text),
                citations=citations(trial, spans, "interventions"),
                fields=["interventions"],
            )
        )
    return out


def _name_span(trial: Trial, span: Span, name: str) -> Span:
    """The part of an intervention's span up to the end of its name: the sentence states the
    type and name only, so its citation quotes those, not the description after them."""
    at = trial.source.text.find(name, span.start, span.end)
    return Span(start=span.start, end=at + len(name)) if at >= 0 else span


def doses(trial: Trial) -> list[Statement]:
    """Dose sentences from intervention descriptions; none when no dose is written."""
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


def _span(start: int, end: int) -> Span:
    return Span(start=start, end=end)


def outcomes(trial: Trial) -> list[Statement]:
    """The main (primary) measures, up to three, each with when it is measured, then the first
    secondary one: 'how long are side effects tracked' needs every primary time frame. A record
    with no outcome fields: its sentences naming the primary or secondary outcomes."""
    if not trial.outcomes:
        return _prose(trial, _PROSE_OUTCOME_RE, 2)
    out = []
    for kind, shown in (("primary", 3), ("secondary", 1)):
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
            spans = [_outcome_span(trial, sp, item.time_frame or item.measure) for sp in item.spans]
            out.append(
                Statement(
                    text=text,
                    citations=citations(trial, spans, "outcomes"),
                    fields=["outcomes"],
                )
            )
    return out


def _outcome_span(trial: Trial, span: Span, last: str) -> Span:
    """An outcome's span up to the end of its time frame (or measure): the sentence states the
    measure and when, so the citation leaves out the description after them."""
    at = trial.source.text.find(last, span.start, span.end)
    return Span(start=span.start, end=at + len(last)) if at >= 0 else span


_MEASURED_RE = re.compile(r"^(measured|assessed|evaluated|collected|recorded)\s+(?=\w)", re.I)
_PREPOSITION_RE = re.compile(
    r"(at|up|within|from|through|until|over|after|before|during|on|in|by|every|for)\b", re.I
)


def _when(time_frame: str) -> str:
    """'Up to 2 years after infusion' -> 'up to 2 years after infusion'; '3 months' -> 'at 3
    months'."""
    words = _MEASURED_RE.sub("", clean(time_frame), count=1)  # 'Measured at 12 months'
    if words[:1].isupper() and words[1:2].islower():
        words = words[0].lower() + words[1:]
    return words if _PREPOSITION_RE.match(words) else f"at {words}"


def design(trial: Trial) -> list[Statement]:
    """The design in plain words, then the record's own term for any part the plain words do
    not repeat ('single arm' is written 'Single Group Assignment'), so both readings are said."""
    if not trial.design:
        return []
    words = _list_words([clean(d.value).lower() for d in trial.design])
    text = explain(f"The study design is {words}.")
    out = [_st(trial, text, list(trial.design), "design", "design")]
    own: list[Sourced] = [d for d in trial.design if _reworded(d.value, d.raw)]
    if own:
        said = _list_words([clean(d.raw or "") for d in trial.design if d in own])
        out.append(_st(trial, f"In the record's words: {said}.", own, "design", "design"))
    return out


def _reworded(value: str, raw: str | None) -> bool:
    """Whether the plain words and the record's words each hold a word the other lacks ('single
    arm' / 'Single Group Assignment'); not when one only adds to the other ('open label' / 'None
    (Open Label)', 'purpose: treatment' / 'Treatment')."""
    plain, own = (set(re.findall(r"[a-z0-9]+", t.lower())) for t in (value, raw or ""))
    return bool(own) and bool(plain - own) and bool(own - plain)


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


def dates(trial: Trial, kinds: frozenset[str] | None = None) -> list[Statement]:
    """The start and end dates the record gives; with ``kinds``, only those ('when did it
    start' on a record with only a completion date: none, so the engine says it is not given)."""
    out = []
    names = {
        "start": "starts",
        "primary_completion": "expects main results by",
        "completion": "ends",
    }
    for d in trial.dates:
        if d.kind in names and (kinds is None or d.kind in kinds):
            est = " (estimated)" if d.estimated else ""
            verb = names[d.kind]
            out.append(_st(trial, f"The trial {verb} {d.raw}{est}.", [d], "design", "dates"))
    return out


def _first_sentence(trial: Trial, start: int, end: int, words: int) -> tuple[int, int] | None:
    """The first whole sentence of a span when it is at most ``words`` words, else None: an
    answer quotes whole sentences, never a cut one."""
    text = trial.source.text[start:end]
    spans = sentence_spans(text, start)
    if not spans:
        return None
    s, e = spans[0]
    return (s, e) if len(trial.source.text[s:e].split()) <= words else None


# A group the summary or description lays out by label ('- Arm I: Patients receive ...',
# 'Group 2 will comprise ...'): the way NCI PDQ outlines and older records give arms in prose.
_PROSE_ARM_RE = re.compile(
    r"^[-*•\s]*(?:treatment |study )?(?:arm|group|cohort|regimen)\s+(?:[IVX]{1,4}|[A-H]|\d{1,2})"
    r"\b\s*(?:[:.)-]|will (?:comprise|consist|receive|include)|(?:patients |participants )?"
    r"(?:receive|get|are given|take)s?\b)",
    re.I,
)
# The record's sentences that name a primary or secondary outcome in prose ('The primary outcomes
# of interest are higher calcium intake ...'), for a record with no outcome fields.
_PROSE_OUTCOME_RE = re.compile(
    r"\b(?:primary|secondary|main) (?:outcomes?|end ?points?|efficacy (?:variables?|measures?))\b"
    r"|\boutcomes? of interest\b",
    re.I,
)


def _prose(trial: Trial, pattern: re.Pattern[str], limit: int) -> list[Statement]:
    """The summary's and description's sentences matching ``pattern`` (at most ``limit``),
    quoted and cited: a fact the record gives in its running text, not in a field."""
    out: list[Statement] = []
    text = trial.source.text
    for section, fact in (
        ("summary", trial.brief_summary),
        ("description", trial.detailed_description),
    ):
        for span in fact.spans if fact else []:
            for s, e in sentence_spans(text[span.start : span.end], span.start):
                if len(out) < limit and pattern.search(text[s:e]):
                    words = shorten(clean(text[s:e]).lstrip("-*• "), 40)
                    out.append(
                        Statement(
                            text=explain(words),
                            citations=citations(trial, [Span(start=s, end=e)], section),
                            fields=[section],
                        )
                    )
    return out


def arms(trial: Trial) -> list[Statement]:
    """The trial's groups (arms) by name, then each group's first sentence of description; a
    record without arm fields: the sentences that lay its groups out by label ('Arm I: ...'),
    else the treatments it gives (what the groups get, so the reader sees what the record says)."""
    found = record_fields.arms(trial)
    if not found:
        return _prose(trial, _PROSE_ARM_RE, int(threshold("max_arms_described")) + 1) or (
            interventions(trial)
        )
    names = _list_words([a.label for a in found], limit=8)
    noun = "group (arm) is" if len(found) == 1 else "groups (arms) are"
    label_spans = [a.label_span for a in found[:9]]
    head = Statement(
        text=f"The trial's {noun}: {names}.",
        citations=citations(trial, label_spans, "interventions"),
        fields=["arms"],
    )
    out = [head]
    for arm in found[: int(threshold("max_arms_described"))]:
        if arm.description_span is None:
            continue
        first = _first_sentence(trial, arm.description_span.start, arm.description_span.end, 30)
        if first is None:
            continue
        said = clean(trial.source.text[first[0] : first[1]]).rstrip(".")
        out.append(
            Statement(
                text=explain(f"{arm.label}: {said}."),
                citations=citations(
                    trial, [arm.label_span, Span(start=first[0], end=first[1])], "interventions"
                ),
                fields=["arms"],
            )
        )
    return out


_PLACEBO_RE = re.compile(r"\b(placebos?|sham|dummy)\b", re.I)


def placebo(trial: Trial) -> list[Statement]:
    """Which groups or treatments are a placebo, with how people are put into groups and who
    is kept from knowing (the design). Without a placebo in the record: the groups (else the
    treatments) and the design, so the reader sees what the record does say."""
    with_placebo = [a for a in record_fields.arms(trial) if a.mentions(_PLACEBO_RE)]
    given = [i for i in trial.interventions if _PLACEBO_RE.search(i.name)]
    out: list[Statement] = []
    if with_placebo:
        names = _list_words([a.label for a in with_placebo])
        one = len(with_placebo) == 1
        text = (
            f"Yes, the {'group' if one else 'groups'} {names} {'uses' if one else 'use'} a placebo."
        )
        if not any(_PLACEBO_RE.search(a.label) for a in with_placebo):
            text = f"The record mentions a placebo for {names}."
        out.append(
            Statement(
                text=text,
                citations=citations(
                    trial, [sp for a in with_placebo for sp in a.spans], "interventions"
                ),
                fields=["arms"],
            )
        )
    if given:
        names = _list_words([clean(i.name) for i in given])
        out.append(
            _st(
                trial,
                f"The treatments given include {names}.",
                list(given),
                "interventions",
                "interventions",
            )
        )
    if not out:
        # No placebo in the record: what people do get (the groups, else the treatments).
        out = arms(trial)[:1] if record_fields.arms(trial) else interventions(trial)
    return [*out, *design(trial)]


def why_stopped(trial: Trial) -> list[Statement]:
    """The recorded reason the trial stopped; none when the record gives none (the engine then
    says the record does not say, rather than guessing from other text)."""
    found = record_fields.why_stopped(trial)
    if found is None:
        return []
    words, span = found
    text = f"The reason the record gives for stopping is: {clean(words).rstrip('.')}."
    return [
        Statement(
            text=text, citations=citations(trial, [span], "quick_facts"), fields=["why_stopped"]
        )
    ]


_DOSE_RE = re.compile(
    r"\d[\d.,×x^\s]*(?:10\^?\d+)?\s*(?:mg|g|ml|mL|µg|mcg|cells|CAR-T cells|/kg|units|IU)\b|dose",
    re.I,
)

# --- posted results ---------------------------------------------------------------------------

RESULT_OUTCOMES = 3  # outcome results said for 'did it work?' (primary first)
RESULT_VALUES = 8  # values said per outcome (each group's, as posted)
RESULT_EVENTS = 6  # adverse events said per kind, most frequent first
RESULT_PUBLICATIONS = 3
# The sentences' wording is the 'posted_*' wording in prompts/layout.json.


def _ended(text: str) -> str:
    """A sentence ending in one full stop (a quoted citation may end in its own)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _quoted(trial: Trial, items: Sequence[Sourced]) -> str:
    """The items' rendered lines, exactly as in the record text, joined with '; '."""
    return "; ".join(trial.quote(item.spans[0]) for item in items if item.spans)


def posted_results(trial: Trial, parts: frozenset[str] | set[str]) -> list[Statement]:
    """The record's posted results a question asks for ('outcomes', 'events', 'flow',
    'publications', 'baseline_age' / 'baseline_sex' / 'baseline_all'), the numbers exactly as
    posted, per group, each sentence citing the lines it quotes.

    Nothing is interpreted: an outcome's values and, where posted, its p-value are said, never
    whether the treatment helped. No statements when the record posts none of what is asked, so
    the engine keeps its abstention (the publications of the results it lists are said even
    when it posts no results: they are its own list)."""
    results = trial.results
    posted: list[Statement] = []
    if results is not None and not results.empty:
        if "outcomes" in parts:
            posted += _outcome_results(trial)
        if "events" in parts:
            posted += _event_results(trial)
        if "flow" in parts and results.flow:
            flow: list[Sourced] = list(results.flow)
            text = _ended(layout().say("posted_flow", flow=_quoted(trial, flow)))
            posted.append(_st(trial, text, flow, "outcomes", "results"))
        for part in sorted(p for p in parts if p.startswith("baseline_")):
            posted += posted_baseline(trial, part.removeprefix("baseline_"))[1:]
    pubs: list[Sourced] = []
    if "publications" in parts:
        pubs = list(trial.publications[:RESULT_PUBLICATIONS])
    elif posted and "outcomes" in parts:
        pubs = list(trial.publications[:1])  # where the results were written up
    body: list[Statement] = []
    if posted:
        body = [not_a_claim(layout().say("posted_lead"), FRAMING), *posted]
    if pubs:
        name = "posted_publication" if len(pubs) == 1 else "posted_publications"
        text = _ended(layout().say(name, publications=_quoted(trial, pubs)))
        body.append(_st(trial, text, pubs, "outcomes", "results"))
    return body


def _outcome_results(trial: Trial) -> list[Statement]:
    results = trial.results
    if results is None:
        return []
    posted = [o for o in results.outcomes if o.values or o.analyses]
    order = {"primary": 0, "secondary": 1, "other": 2, "post_hoc": 3}
    chosen = sorted(posted, key=lambda o: order[o.kind])[:RESULT_OUTCOMES]
    words = layout()
    body: list[Statement] = []
    if not posted:
        # Outcomes posted without a value: the registry's population note says why ('the study
        # was terminated early ... no analyses were conducted'); the first such outcome's.
        said = sorted((o for o in results.outcomes if o.population), key=lambda o: order[o.kind])[
            :1
        ]
        for outcome in said:
            kind = words.say(f"posted_kind_{outcome.kind}")
            text = words.say(
                "posted_outcome_no_values",
                kind=kind,
                title=outcome.title,
                population=outcome.population,
            )
            body.append(_st(trial, _ended(text), [outcome], "outcomes", "results"))
    for outcome in chosen:
        values = outcome.values[:RESULT_VALUES]
        kind = words.say(f"posted_kind_{outcome.kind}")
        head = words.say("posted_outcome", kind=kind, title=outcome.title)
        if outcome.time_frame:
            head = words.say(
                "posted_outcome_time_frame", outcome=head, time_frame=outcome.time_frame
            )
        if values:
            head = words.say("posted_outcome_values", outcome=head, values=_quoted(trial, values))
        body.append(_st(trial, _ended(head), [outcome, *values], "outcomes", "results"))
        if len(outcome.values) > len(values):
            body.append(not_a_claim(words.say("posted_more_values"), FRAMING))
        for analysis in outcome.analyses[:2]:
            quote = _quoted(trial, [analysis])
            text = _ended(words.say("posted_analysis", analysis=quote))
            body.append(_st(trial, text, [analysis], "outcomes", "results"))
    if len(posted) > len(chosen):
        more = words.say("posted_all_outcomes", n=len(posted))
        body.append(not_a_claim(more, FRAMING))
    return body


def _event_results(trial: Trial) -> list[Statement]:
    results = trial.results
    if results is None or not results.adverse_events:
        return []
    body: list[Statement] = []
    for serious, name in ((True, "posted_serious_events"), (False, "posted_other_events")):
        rows = [e for e in results.adverse_events if e.serious is serious]
        totals = [e for e in rows if e.total]
        named = sorted((e for e in rows if not e.total), key=lambda e: -e.affected)
        named = named[:RESULT_EVENTS]
        if not (totals or named):
            continue
        text = _ended(layout().say(name, events=_quoted(trial, [*totals, *named])))
        body.append(_st(trial, text, [*totals, *named], "outcomes", "results"))
    return body


# --- posted baseline characteristics (who took part) --------------------------------------------

BASELINE_VALUES = 12  # values said per characteristic (the 'Total' group's first when cut)
BASELINE_MEASURES = 4  # characteristics said for 'who took part?' (posted order: age, sex first)
# Which posted characteristics a part of a 'who took part?' question asks for, by the words the
# registry titles them with (its Baseline Characteristics module: 'Age', 'Age, Continuous',
# 'Age, Customized'; 'Sex: Female, Male', 'Sex/Gender, Customized', 'Gender').
_BASELINE_TITLES = {
    "age": re.compile(r"^age\b", re.I),
    "sex": re.compile(r"^(sex|gender)\b", re.I),
}


def _baseline_values(values: Sequence[ResultValue], limit: int) -> list[ResultValue]:
    """At most ``limit`` values in posted order; when some must go, the 'Total' group's stay."""
    if len(values) <= limit:
        return list(values)
    totals = {id(v) for v in values if v.group.strip().lower() == "total"}
    keep = {id(v) for v in values if id(v) in totals}
    for v in values:
        if len(keep) >= limit:
            break
        keep.add(id(v))
    return [v for v in values if id(v) in keep][:limit]


def posted_baseline(trial: Trial, part: str = "all") -> list[Statement]:
    """Who took part, from the baseline characteristics the record posts: for ``part`` 'age' or
    'sex' the characteristics titled so, for 'all' how many each group analysed and the first
    characteristics (age and sex as the registry posts them first). Each group's value as posted,
    units and spread kept, each sentence citing the lines it quotes; nothing is compared or
    judged. No statements when the record posts no such characteristic."""
    results = trial.results
    baseline = results.baseline if results is not None else None
    if baseline is None:
        return []
    words = layout()
    if part in _BASELINE_TITLES:
        measures = [m for m in baseline.measures if _BASELINE_TITLES[part].search(m.title)]
    else:
        measures = baseline.measures[:BASELINE_MEASURES]
    measures = [m for m in measures if m.values]
    body: list[Statement] = []
    if part == "all" and baseline.groups:
        groups: list[Sourced] = list(baseline.groups)
        text = _ended(words.say("posted_baseline_groups", groups=_quoted(trial, groups)))
        body.append(_st(trial, text, groups, "outcomes", "baseline"))
    for m in measures:
        values = _baseline_values(m.values, BASELINE_VALUES)
        quote = _quoted(trial, values)
        if m.param:
            text = words.say("posted_baseline_measure", title=m.title, param=m.param, values=quote)
        else:
            text = words.say("posted_baseline_measure_plain", title=m.title, values=quote)
        body.append(_st(trial, _ended(text), [m, *values], "outcomes", "baseline"))
        if len(m.values) > len(values):
            body.append(not_a_claim(words.say("posted_baseline_more_values"), FRAMING))
    if not any(st.citations for st in body):
        return []
    return [not_a_claim(words.say("posted_baseline_lead"), FRAMING), *body]


def baseline_age(trial: Trial) -> list[Statement]:
    """'How old were the people in the study?': the posted ages, else the ages it takes."""
    return posted_baseline(trial, "age") or ages(trial)


def baseline_sex(trial: Trial) -> list[Statement]:
    """'How many women took part?': the posted sex counts, else whom it takes and how many."""
    return posted_baseline(trial, "sex") or [*sex(trial), *enrollment(trial)]


def baseline_all(trial: Trial) -> list[Statement]:
    """'Who took part?': the posted baseline (groups, age, sex ...); nothing when none is posted
    (the engine then reads the record's own words)."""
    return posted_baseline(trial, "all")


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
    "arms": arms,
    "placebo": placebo,
    "why_stopped": why_stopped,
    "outcomes": outcomes,
    "design": design,
    "conditions": conditions,
    "healthy_volunteers": healthy_volunteers,
    "study_type": study_type,
    "purpose": purpose,
    "dates": dates,
    "baseline_age": baseline_age,
    "baseline_sex": baseline_sex,
    "baseline_all": baseline_all,
}
