"""Quick facts: one line a fact, each a short whole sentence a reader (and the reading grade)
takes as one statement.

The reading grade (Flesch-Kincaid as textstat counts it) does not count a 'sentence' of one or two
words as a sentence but still counts its words, so 'Sex: All.' makes every other line look longer.
Each fact is therefore written as a label and at least three plain words ('Sex: people of any
sex.'), registry codes become plain phrases ('PHASE1; PHASE2' -> 'Phase 1 and Phase 2'), a label the
glossary explains carries its explanation, and a list of places is one short sentence a place.
Wording is data (prompts/lay_summary.json); no fact the record has is left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.engines.common import citations
from summarizer.engines.extractive import field_answers as fa
from summarizer.engines.extractive.lead import treatment_names
from summarizer.engines.extractive.plain_words import explain
from summarizer.engines.extractive.resources import load
from summarizer.models import Location, Sourced, Span, Statement, Trial
from summarizer.normalize import phase_words


def _words() -> dict:
    return load("lay_summary")


def _label(key: str) -> str:
    return str(_words()["fact_labels"][key])


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
    trial: Trial,
    key: str,
    value: str,
    items: Sequence[Sourced | None],
    section: str,
    field: str,
    *,
    widen: str | None = None,
    explained: str | None = None,
) -> Statement:
    """``widen``: the source's own label to cite with the value; ``explained``: 'label' or
    'value', the one word the glossary explains in plain words ('Sponsor', 'observational').
    A name is never explained: a sponsor called 'Eastern Cooperative Oncology Group' is not
    the ECOG score."""
    spans = [s for item in items if item is not None for s in item.spans]
    if widen:
        spans = _labelled(trial, spans, widen)
    label = _label(key)
    if explained == "label":
        label = explain(label, limit=1, max_words=12)
    elif explained == "value":
        value = explain(value, limit=1, max_words=12)
    text = f"{label}: {value}"
    return Statement(
        text=text if text.endswith((".", "!", "?")) else text + ".",
        citations=citations(trial, spans, section),
        fields=[field],
    )


def _place(loc: Location) -> str:
    return ", ".join(p for p in (loc.city, loc.region) if p) or fa.place_words(loc)


def places_words(trial: Trial, limit: int = 4) -> str:
    """'13 sites. There is a site in Denver, Colorado. ...': the count, then each of the first
    ``limit`` distinct places in its own short sentence (a run of place names in one sentence
    reads, and grades, as one long sentence)."""
    words = _words()["place_sentences"]
    n = len(trial.locations)
    named = list(dict.fromkeys(p for loc in trial.locations[:limit] if (p := _place(loc))))
    if n == 1 and named:
        return str(words["one_site"]).format(place=named[0])
    head = str(words["sites"]).format(n=n)
    return " ".join([head, *(str(words["place"]).format(place=p) for p in named)])


def quick_facts(trial: Trial) -> list[Statement]:
    """Phase, status, study type, size, ages, sex, sponsor, treatments, places and trial ID,
    each one short labelled sentence citing the field it reads."""
    words = _words()
    out = []
    if phase := phase_words(p.value for p in trial.phases):
        plain = words["phase_plain"].get(phase)
        value = f"{phase} ({plain})" if plain else phase
        out.append(
            _fact(trial, "phase", value, trial.phases, "quick_facts", "phases", widen="Phase")
        )
    if trial.status:
        code = trial.status.value
        value = words["status_plain"].get(code) or code.replace("_", " ").lower()
        out.append(_fact(trial, "status", value, [trial.status], "quick_facts", "status"))
    if trial.study_type:
        value = trial.study_type.value.replace("_", " ").lower()
        out.append(
            _fact(
                trial,
                "study_type",
                value,
                [trial.study_type],
                "quick_facts",
                "study_type",
                explained="value",
            )
        )
    if e := trial.enrollment:
        value = str(words["enrollment_plain"][e.kind or ""]).format(n=e.count)
        out.append(_fact(trial, "enrollment", value, [e], "quick_facts", "enrollment"))
    if ages := fa.age_range_words(trial):
        value = ages.removeprefix("aged ").capitalize()
        out.append(
            _fact(trial, "ages", value, [trial.min_age, trial.max_age], "eligibility", "min_age")
        )
    if trial.sex and (value := words["sex_plain"].get(trial.sex.value)):
        out.append(_fact(trial, "sex", value, [trial.sex], "eligibility", "sex", widen="Sex"))
    if trial.sponsor:
        out.append(
            _fact(
                trial,
                "sponsor",
                trial.sponsor.value,
                [trial.sponsor],
                "quick_facts",
                "sponsor",
                explained="label",
            )
        )
    names, items = treatment_names(trial)
    if names:
        out.append(_fact(trial, "treatments", names, items, "interventions", "interventions"))
    if trial.locations:
        out.append(
            _fact(
                trial,
                "places",
                places_words(trial),
                trial.locations[: fa.max_places()],
                "locations",
                "locations",
            )
        )
    if trial.nct_id:
        out.append(
            _fact(trial, "nct_id", trial.nct_id.value, [trial.nct_id], "quick_facts", "nct_id")
        )
    return out
