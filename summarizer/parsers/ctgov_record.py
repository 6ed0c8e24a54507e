"""One neutral ClinicalTrials.gov record, filled by the XML and JSON readers, turned into a Trial.

Both registry formats carry the same fields under different names; each reader only maps names
into ``CtgovRecord`` (display text as the registry shows it), and ``trial_from_record`` renders the
readable source text and every sourced value once, for both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Literal

from summarizer import normalize
from summarizer.models import (
    Age,
    Contact,
    Criterion,
    Enrollment,
    Fact,
    Intervention,
    Location,
    Outcome,
    Source,
    Span,
    Trial,
    TrialDate,
    sha256_text,
)
from summarizer.models.trial import (
    AdverseEvent,
    Baseline,
    BaselineGroup,
    BaselineMeasure,
    EventCount,
    FlowGroup,
    PostedResults,
    Publication,
    ResultAnalysis,
    ResultOutcome,
    ResultValue,
)
from summarizer.parsers.criteria import split_criteria
from summarizer.parsers.ctgov_results import (
    MAX_BASELINE_CHARS,
    RawBaseline,
    RawPublication,
    RawResultOutcome,
    RawResults,
    RawValue,
    bounded,
    bounded_publications,
    result_kind,
)
from summarizer.parsers.limits import (
    MAX_RESULT_EVENT_CHARS,
    MAX_RESULT_OUTCOME_CHARS,
    check_section,
)
from summarizer.parsers.record_text import Renderer, join_spans

DateKind = Literal[
    "start", "primary_completion", "completion", "first_posted", "last_update", "verified"
]
DATE_LABELS: dict[str, str] = {
    "start": "Start Date",
    "primary_completion": "Primary Completion Date",
    "completion": "Completion Date",
    "first_posted": "First Posted",
    "last_update": "Last Update Posted",
    "verified": "Record Verified",
}


@dataclass
class RawDate:
    kind: DateKind
    raw: str
    type: str | None = None  # as written: Actual, Anticipated, Estimate, ESTIMATED, ...


@dataclass
class RawContact:
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    phone_ext: str | None = None
    email: str | None = None


@dataclass
class RawLocation:
    facility: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    status: str | None = None
    contacts: list[RawContact] = field(default_factory=list)


@dataclass
class RawIntervention:
    type: str | None
    name: str
    description: str | None = None
    other_names: list[str] = field(default_factory=list)


@dataclass
class RawOutcome:
    kind: Literal["primary", "secondary", "other"]
    measure: str
    time_frame: str | None = None
    description: str | None = None


@dataclass
class RawArm:
    label: str
    type: str | None = None
    description: str | None = None


@dataclass
class CtgovRecord:
    """Display text of one registry record; ``None``/empty where the record is silent."""

    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    org_study_id: str | None = None
    status: str | None = None
    why_stopped: str | None = None
    phases: list[str] = field(default_factory=list)
    study_type: str | None = None
    design: list[tuple[str, str]] = field(default_factory=list)  # (label, value as written)
    enrollment: str | None = None
    enrollment_type: str | None = None
    min_age: str | None = None
    max_age: str | None = None
    sex: str | None = None
    healthy_volunteers: str | None = None
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    condition_mesh: list[str] = field(default_factory=list)  # NLM's MeSH headings
    intervention_mesh: list[str] = field(default_factory=list)
    arms: list[RawArm] = field(default_factory=list)
    interventions: list[RawIntervention] = field(default_factory=list)
    sponsor: str | None = None
    collaborators: list[str] = field(default_factory=list)
    officials: list[str] = field(default_factory=list)
    locations: list[RawLocation] = field(default_factory=list)
    contacts: list[RawContact] = field(default_factory=list)
    brief_summary: str | None = None
    detailed_description: str | None = None
    study_population: str | None = None
    criteria: str | None = None
    outcomes: list[RawOutcome] = field(default_factory=list)
    dates: list[RawDate] = field(default_factory=list)
    results: RawResults | None = None  # posted results, as read (uncapped)
    publications: list[RawPublication] = field(default_factory=list)  # of the results
    warnings: list[str] = field(default_factory=list)  # what the reader could not read


# Design notes in plain words, keyed by the design label and a lower-case fragment of its value.
_DESIGN_NOTES: dict[str, tuple[tuple[str, str], ...]] = {
    "Allocation": (("non", "non-randomized"), ("random", "randomized")),
    "Intervention Model": (
        ("single", "single arm"),
        ("parallel", "parallel groups"),
        ("crossover", "crossover"),
        ("factorial", "factorial"),
        ("sequential", "sequential groups"),
    ),
    "Masking": (
        ("none", "open label"),
        ("quadruple", "quadruple blind"),
        ("triple", "triple blind"),
        ("double", "double blind"),
        ("single", "single blind"),
    ),
}
_PLAIN_NOTE_LABELS = {
    "Primary Purpose": "purpose",
    "Observational Model": "observational model",
    "Time Perspective": "time perspective",
}


def design_note(label: str, value: str) -> str | None:
    """'Masking', 'None (Open Label)' -> 'open label'; unknown values -> None."""
    low = value.lower().replace("_", " ")
    for fragment, note in _DESIGN_NOTES.get(label, ()):
        if low.startswith(fragment) or (fragment != "none" and fragment in low.split(" (")[0]):
            return note
    if label in _PLAIN_NOTE_LABELS and low not in {"", "n/a", "na"}:
        return f"{_PLAIN_NOTE_LABELS[label]}: {low}"
    return None


def _estimated(type_text: str | None) -> bool | None:
    if not type_text:
        return None
    low = type_text.lower()
    if low.startswith(("anticipated", "estimate")):
        return True
    if low.startswith("actual"):
        return False
    return None


def _healthy(value: str) -> str | None:
    low = value.strip().lower()
    if low in {"no", "false"}:
        return "no"
    if low in {"yes", "true", "accepts healthy volunteers"}:
        return "yes"
    return None


class _Builder:
    """Renders a record section by section, collecting the sourced values as it goes."""

    def __init__(self, record: CtgovRecord) -> None:
        self.record = record
        self.out = Renderer()
        self.fields: dict[str, object] = {}
        self.warnings: list[str] = list(record.warnings)
        self.segments: list[Span] = []  # where targets are looked for

    def fact(self, label: str, value: str | None, normalized: str | None = None) -> Fact | None:
        if not value:
            return None
        span = self.out.field(label, value)
        if normalized is None:
            return Fact(value=value, spans=[span])
        return Fact(value=normalized, raw=value, spans=[span])

    def render(self) -> None:
        for part in (
            self._identification,
            self._status,
            self._design,
            self._sponsor,
            self._conditions,
            self._interventions,
            self._descriptions,
            self._eligibility,
            self._outcomes,
            self._results,
            self._contacts,
            self._locations,
        ):
            part()

    def _identification(self) -> None:
        r, out = self.record, self.out
        self.fields["nct_id"] = Fact(value=r.nct_id, spans=[out.field("NCT ID", r.nct_id)])
        for key, label in (
            ("brief_title", "Brief Title"),
            ("official_title", "Official Title"),
            ("acronym", "Acronym"),
        ):
            fact = self.fact(label, getattr(r, key))
            if fact is not None:
                self.fields[key] = fact
                if key != "acronym":
                    self.segments.extend(fact.spans)
        if r.org_study_id:
            out.field("Organization Study ID", r.org_study_id)

    def _status(self) -> None:
        r = self.record
        if not (r.status or r.dates):
            return
        self.out.heading("Status")
        if r.status:
            value = normalize.status(r.status)
            fact = self.fact("Overall Status", r.status, value)
            if value is None:
                self.warnings.append(f"overall status not recognized: {r.status!r}")
            else:
                self.fields["status"] = fact
        if r.why_stopped:
            self.out.field("Why Stopped", r.why_stopped)
        dates: list[TrialDate] = []
        for raw in r.dates:
            suffix = f" ({raw.type})" if raw.type else ""
            span = self.out.field(DATE_LABELS[raw.kind], raw.raw, suffix)
            dates.append(
                TrialDate(
                    kind=raw.kind,
                    raw=raw.raw,
                    value=normalize.date(raw.raw),
                    estimated=_estimated(raw.type),
                    spans=[span],
                )
            )
        self.fields["dates"] = dates

    def _design(self) -> None:
        r, out = self.record, self.out
        if not (r.study_type or r.phases or r.design or r.enrollment):
            return
        out.heading("Design")
        if r.study_type:
            self.fields["study_type"] = self.fact(
                "Study Type", r.study_type, normalize.study_type(r.study_type)
            )
        if r.phases:
            out.add("Phase: ")
            phases: list[Fact] = []
            for index, words in enumerate(r.phases):
                if index:
                    out.add("/")
                span = out.add(words)
                for value in normalize.phases(words):
                    phases.append(Fact(value=value, raw=words, spans=[span]))
            out.newline()
            self.fields["phases"] = phases
        notes: list[Fact] = []
        for label, value in r.design:
            span = out.field(label, value)
            note = design_note(label, value)
            if note:
                notes.append(Fact(value=note, raw=value, spans=[span]))
        self.fields["design"] = notes
        if r.enrollment:
            self._enrollment(r.enrollment, r.enrollment_type)

    def _enrollment(self, count_text: str, type_text: str | None) -> None:
        raw = f"{count_text} ({type_text})" if type_text else count_text
        span = self.out.field("Enrollment", raw)
        try:
            count = int(count_text)
        except ValueError:
            self.warnings.append(f"enrollment is not a number: {count_text!r}")
            return
        if count < 0:
            return
        estimated = _estimated(type_text)
        kind: Literal["estimated", "actual"] | None = None
        if estimated is not None:
            kind = "estimated" if estimated else "actual"
        self.fields["enrollment"] = Enrollment(count=count, kind=kind, raw=raw, spans=[span])

    def _sponsor(self) -> None:
        r, out = self.record, self.out
        if not (r.sponsor or r.collaborators or r.officials):
            return
        out.heading("Sponsor")
        if r.sponsor:
            self.fields["sponsor"] = self.fact("Lead Sponsor", r.sponsor)
        self.fields["collaborators"] = [
            Fact(value=name, spans=[out.field("Collaborator", name)]) for name in r.collaborators
        ]
        for official in r.officials:
            out.field("Overall Official", official)

    def _list(self, heading: str, values: list[str]) -> list[Fact]:
        if not values:
            return []
        self.out.heading(heading)
        return [Fact(value=value, spans=[self.out.item(value)]) for value in values]

    def _mesh_line(self, label: str, terms: list[str]) -> list[Fact]:
        """``Label: A; B`` on one line, one sourced value per term (one line keeps the terms in
        the chunk of the section they index)."""
        if not terms:
            return []
        self.out.write(f"{label}: ")
        facts: list[Fact] = []
        for index, term in enumerate(terms):
            if index:
                self.out.write("; ")
            facts.append(Fact(value=term, spans=[self.out.add(term)]))
        self.out.newline()
        return facts

    def _conditions(self) -> None:
        r = self.record
        self.fields["conditions"] = self._list("Conditions", r.conditions)
        if r.condition_mesh and not r.conditions:
            self.out.heading("Conditions")
        self.fields["condition_mesh_terms"] = self._mesh_line(
            "Condition MeSH Terms", r.condition_mesh
        )
        self.fields["keywords"] = self._list("Keywords", r.keywords)

    def _interventions(self) -> None:
        r, out = self.record, self.out
        if r.arms:
            out.heading("Arms")
            for arm in r.arms:
                out.add("- ")
                out.add(arm.label)
                if arm.type:
                    out.add(f" ({arm.type})")
                out.newline()
                if arm.description:
                    out.add("  ")
                    out.block(arm.description)
        items: list[Intervention] = []
        if r.interventions or r.intervention_mesh:
            out.heading("Interventions")
        for raw in r.interventions:
            out.add("- ")
            first = out.add(f"{raw.type}: " if raw.type else "")
            name_span = out.add(raw.name)
            last = name_span
            self.segments.append(name_span)
            if raw.other_names:
                out.add("\n  ")
                last = out.add("Other names: " + "; ".join(raw.other_names))
            if raw.description:
                out.add("\n  ")
                last = out.add(raw.description)
                self.segments.append(last)
            out.newline()
            items.append(
                Intervention(
                    type=raw.type,
                    name=raw.name,
                    description=raw.description,
                    spans=[join_spans(first, last)],
                )
            )
        self.fields["interventions"] = items
        self.fields["intervention_mesh_terms"] = self._mesh_line(
            "Intervention MeSH Terms", r.intervention_mesh
        )

    def _descriptions(self) -> None:
        for key, heading in (
            ("brief_summary", "Brief Summary"),
            ("detailed_description", "Detailed Description"),
        ):
            text = getattr(self.record, key)
            if text:
                self.out.heading(heading)
                span = self.out.block(text)
                self.fields[key] = Fact(value=text, spans=[span])
                if key == "brief_summary":
                    self.segments.append(span)

    def _eligibility(self) -> None:
        r, out = self.record, self.out
        if not (r.sex or r.min_age or r.max_age or r.healthy_volunteers or r.criteria):
            return
        out.heading("Eligibility")
        if r.sex:
            value = normalize.sex(r.sex)
            fact = self.fact("Sex", r.sex, value)
            if value is not None:
                self.fields["sex"] = fact
        for key, label in (("min_age", "Minimum Age"), ("max_age", "Maximum Age")):
            raw = getattr(r, key)
            if raw:
                span = out.field(label, raw)
                years = normalize.age_years(raw)
                if years is not None:
                    self.fields[key] = Age(raw=raw, years=years, spans=[span])
        if r.healthy_volunteers:
            value = _healthy(r.healthy_volunteers)
            fact = self.fact("Accepts Healthy Volunteers", r.healthy_volunteers, value)
            if value is not None:
                self.fields["healthy_volunteers"] = fact
        if r.study_population:
            out.heading("Study Population")
            out.block(r.study_population)
        if r.criteria:
            out.heading("Eligibility Criteria")
            self._criteria(r.criteria)

    def _criteria(self, text: str) -> None:
        base = self.out.block(text).start
        split = split_criteria(text)
        found: dict[str, list[Criterion]] = {"inclusion": [], "exclusion": []}
        for piece in split.criteria:
            bucket = found[piece.kind]
            span = Span(start=base + piece.start, end=base + piece.end)
            bucket.append(
                Criterion(
                    kind=piece.kind,
                    text=text[piece.start : piece.end],
                    number=len(bucket) + 1,
                    group=piece.group,
                    spans=[span],
                )
            )
            self.segments.append(span)
        if split.criteria and not split.headed:
            self.warnings.append(
                "eligibility criteria have no Inclusion/Exclusion headings; read as inclusion"
            )
        self.fields["inclusion_criteria"] = found["inclusion"]
        self.fields["exclusion_criteria"] = found["exclusion"]

    def _outcomes(self) -> None:
        r, out = self.record, self.out
        if not r.outcomes:
            return
        out.heading("Outcomes")
        outcomes: list[Outcome] = []
        for raw in r.outcomes:
            out.add(f"{raw.kind.capitalize()} Outcome: ")
            first = last = out.add(raw.measure)
            if raw.time_frame:
                out.add("\n  ")
                last = out.add(f"Time Frame: {raw.time_frame}")
            if raw.description:
                out.add("\n  ")
                last = out.add(f"Description: {raw.description}")
            out.newline()
            outcomes.append(
                Outcome(
                    kind=raw.kind,
                    measure=raw.measure,
                    time_frame=raw.time_frame,
                    description=raw.description,
                    spans=[join_spans(first, last)],
                )
            )
        self.fields["outcomes"] = outcomes

    def _results(self) -> None:
        """The posted results under a 'Posted Results' heading, one line per value, each with its
        span; a section that cannot be rendered is left out with a warning."""
        r = self.record
        if r.results is None and not r.publications:
            return
        mark = self.out.mark()
        try:
            self._render_results()
        except Exception as exc:  # a bad results section never fails the record
            self.out.truncate(mark)
            self.fields.pop("results", None)
            self.fields.pop("publications", None)
            self.warnings.append(f"posted results could not be read ({type(exc).__name__})")

    def _render_results(self) -> None:
        r, out = self.record, self.out
        out.heading("Posted Results")
        if r.results is not None:
            raw = bounded(r.results, self.warnings)
            flow: list[FlowGroup] = []
            if raw.flow:
                out.write("Participant Flow:\n")
            for f in raw.flow:
                out.write("- ")
                words = [f"{f.started} started" if f.started is not None else None]
                words.append(f"{f.completed} completed" if f.completed is not None else None)
                span = out.add(f"{f.group}: " + ", ".join(w for w in words if w))
                out.newline()
                flow.append(
                    FlowGroup(group=f.group, started=f.started, completed=f.completed, spans=[span])
                )
            baseline = self._baseline(raw.baseline) if raw.baseline is not None else None
            outcomes: list[ResultOutcome] = []
            start = out.offset
            for o in raw.outcomes:
                if out.offset - start > MAX_RESULT_OUTCOME_CHARS:
                    self.warnings.append(
                        f"posted results: {len(outcomes)} of {raw.outcomes_posted} outcome "
                        f"measures kept (text over {MAX_RESULT_OUTCOME_CHARS:,} characters)"
                    )
                    break
                outcomes.append(self._result_outcome(o))
            events = []
            for serious, label in (
                (True, "Serious Adverse Events"),
                (False, "Other Adverse Events"),
            ):
                kept = [e for e in raw.events if e.serious is serious]
                if kept:
                    out.write(f"{label}:\n")
                start = out.offset
                for index, e in enumerate(kept):
                    if out.offset - start > MAX_RESULT_EVENT_CHARS:
                        self.warnings.append(
                            f"posted results: {index} of {len(kept)} {label.lower()} rows kept "
                            f"(text over {MAX_RESULT_EVENT_CHARS:,} characters)"
                        )
                        break
                    out.write("- ")
                    head = e.term + (f" ({e.organ_system})" if e.organ_system else "")
                    counts = "; ".join(
                        f"{g} {n} of {risk}" if risk is not None else f"{g} {n}"
                        for g, n, risk in e.counts
                    )
                    span = out.add(f"{head}: {counts}" if counts else head)
                    out.newline()
                    events.append(
                        AdverseEvent(
                            serious=e.serious,
                            term=e.term,
                            organ_system=e.organ_system,
                            total=e.total,
                            counts=[
                                EventCount(group=g, affected=n, at_risk=risk)
                                for g, n, risk in e.counts
                            ],
                            spans=[span],
                        )
                    )
            self.fields["results"] = PostedResults(
                outcomes=outcomes,
                adverse_events=events,
                flow=flow,
                baseline=baseline,
                outcomes_posted=raw.outcomes_posted,
                events_posted=raw.events_posted,
            )
        publications = []
        kept_pubs = bounded_publications(r.publications)
        if kept_pubs:
            out.write("Results Publications:\n")
        for pub in kept_pubs:
            out.write("- ")
            span = out.add(pub.citation)
            out.write(f" (PMID {pub.pmid})\n" if pub.pmid else "\n")
            publications.append(Publication(citation=pub.citation, pmid=pub.pmid, spans=[span]))
        self.fields["publications"] = publications

    def _baseline(self, raw: RawBaseline) -> Baseline:
        """'Baseline Characteristics': one line per group (how many were analysed), then each
        characteristic's title and measure lines and one line per group's value, as posted."""
        out = self.out
        out.write("Baseline Characteristics:\n")
        groups = []
        for g in raw.groups:
            if g.analysed is None:
                continue
            out.write("- ")
            span = out.add(f"{g.group}: {g.analysed} participants analysed")
            out.newline()
            groups.append(
                BaselineGroup(group=g.group, analysed=g.analysed, total=g.total, spans=[span])
            )
        measures: list[BaselineMeasure] = []
        start = out.offset
        for m in raw.measures:
            if out.offset - start > MAX_BASELINE_CHARS:
                self.warnings.append(
                    f"posted baseline: {len(measures)} of {raw.measures_posted} characteristics "
                    f"kept (text over {MAX_BASELINE_CHARS:,} characters)"
                )
                break
            out.write("Baseline Measure: ")
            title = last = out.add(m.title)
            out.newline()
            measure = ", ".join(x for x in (m.param, m.dispersion) if x)
            if measure:
                last = out.field("  Measure", measure)
            values = self._values(m.values, m.units, m.dispersion, analysed=False)
            measures.append(
                BaselineMeasure(
                    title=m.title,
                    param=m.param,
                    dispersion=m.dispersion,
                    units=m.units,
                    values=values,
                    spans=[join_spans(title, last)],
                )
            )
        return Baseline(groups=groups, measures=measures, measures_posted=raw.measures_posted)

    def _values(
        self, raw: list[RawValue], units: str | None, dispersion: str | None, *, analysed: bool
    ) -> list[ResultValue]:
        """Each posted value on a line of its own, with its span; ``analysed`` keeps the
        per-group count analysed (outcomes post one; a baseline posts it per group instead)."""
        values = []
        for v in raw:
            self.out.write("  - ")
            span = self.out.add(value_words(v, units, dispersion))
            self.out.newline()
            values.append(
                ResultValue(
                    group=v.group,
                    value=v.value,
                    category=v.category,
                    spread=v.spread,
                    lower=v.lower,
                    upper=v.upper,
                    analysed=v.analysed if analysed else None,
                    spans=[span],
                )
            )
        return values

    def _result_outcome(self, raw: RawResultOutcome) -> ResultOutcome:
        out = self.out
        kind = result_kind(raw.kind)
        out.write(f"{raw.kind or 'Outcome'} Outcome Result: ")
        title = last = out.add(raw.title)
        out.newline()
        if raw.time_frame:
            last = out.field("  Time Frame", raw.time_frame)
        if raw.population:
            last = out.field("  Population", raw.population)
        measure = ", ".join(x for x in (raw.param, raw.dispersion) if x)
        if measure:
            last = out.field("  Measure", measure)
        values = self._values(raw.values, raw.units, raw.dispersion, analysed=True)
        analyses = []
        for a in raw.analyses:
            out.write("  Analysis")
            if a.groups:
                out.write(f" ({' vs '.join(a.groups)})")
            out.write(": ")
            span = out.add(f"p-value {a.p_value}" + (f", {a.method}" if a.method else ""))
            out.newline()
            analyses.append(
                ResultAnalysis(p_value=a.p_value, method=a.method, groups=a.groups, spans=[span])
            )
        return ResultOutcome(
            kind=kind,  # type: ignore[arg-type]
            title=raw.title,
            time_frame=raw.time_frame,
            population=raw.population,
            param=raw.param,
            dispersion=raw.dispersion,
            units=raw.units,
            values=values,
            analyses=analyses,
            spans=[join_spans(title, last)],
        )

    def _contact(self, raw: RawContact) -> Contact:
        head = " ".join(x for x in (raw.name, f"({raw.role})" if raw.role else None) if x)
        phone = f"{raw.phone} ext. {raw.phone_ext}" if raw.phone and raw.phone_ext else raw.phone
        span = self.out.add(", ".join(x for x in (head, phone, raw.email) if x))
        return Contact(name=raw.name, role=raw.role, phone=raw.phone, email=raw.email, spans=[span])

    def _contacts(self) -> None:
        contacts: list[Contact] = []
        if self.record.contacts:
            self.out.heading("Central Contacts")
        for raw in self.record.contacts:
            self.out.write("- ")
            contacts.append(self._contact(raw))
            self.out.newline()
        self.fields["contacts"] = contacts

    def _locations(self) -> None:
        r, out = self.record, self.out
        if r.locations:
            out.heading("Locations")
        locations: list[Location] = []
        statuses: dict[str, str] = {}  # a few distinct statuses over any number of sites
        for raw in r.locations:
            out.write("- ")
            parts = [raw.facility, raw.city, raw.state, raw.zip, raw.country]
            span = out.add(", ".join(p for p in parts if p))
            status = None
            if raw.status:
                out.write(f" ({raw.status})")
                status = statuses.get(raw.status)
                if status is None:
                    status = statuses[raw.status] = normalize.status(raw.status) or raw.status
            out.newline()
            contacts: list[Contact] = []
            for contact in raw.contacts:
                out.write("  Contact: ")
                contacts.append(self._contact(contact))
                out.newline()
            locations.append(
                Location(
                    facility=raw.facility,
                    city=raw.city,
                    region=raw.state,
                    country=raw.country,
                    status=status,
                    contacts=contacts,
                    spans=[span],
                )
            )
        self.fields["locations"] = locations

    def targets(self, text: str) -> list[Fact]:
        """Named antigens in titles, interventions, criteria and summary, each where it is said."""
        found: dict[str, Fact] = {}
        for segment in self.segments:
            piece = text[segment.start : segment.end]
            for value in normalize.targets(piece):
                span = _locate_target(piece, value)
                if span is None:
                    continue
                located = Span(start=segment.start + span[0], end=segment.start + span[1])
                if value in found:
                    found[value].spans.append(located)
                else:
                    found[value] = Fact(
                        value=value, raw=text[located.start : located.end], spans=[located]
                    )
        return list(found.values())


_TARGET_ALIASES = {"MSLN": ("MSLN", "mesothelin"), "CLAUDIN18.2": ("Claudin18.2", "CLDN18.2")}


def _locate_target(piece: str, value: str) -> tuple[int, int] | None:
    """The first place ``piece`` names ``value`` as a target (gene-like words must be written with
    capitals: 'MET' is a target, 'criteria are met' is not)."""
    for alias in _TARGET_ALIASES.get(value, (value,)):
        pattern = r"[\s-]?".join(re.escape(ch) for ch in alias.replace("-", ""))
        for match in re.finditer(rf"(?<![\w-]){pattern}(?![\w-])", piece, re.IGNORECASE):
            words = match.group(0)
            if alias.isalpha() and len(alias) <= 5 and words.islower():
                continue
            if normalize.targets(words) == [value]:
                return match.start(), match.end()
    return None


def value_words(v: RawValue, units: str | None, dispersion: str | None) -> str:
    """'Placebo, 12 WEEK DATA: 10.7 units on a scale (Standard Deviation 8.3); 58 participants
    analysed': one group's posted value with everything posted beside it, numbers as posted."""
    head = v.group + (f", {v.category}" if v.category else "")
    words = v.value + (f" {units}" if units else "")
    spread = None
    if v.spread:
        spread = v.spread
    elif v.lower or v.upper:
        spread = f"{v.lower or 'NA'} to {v.upper or 'NA'}"
    if spread:
        words += f" ({dispersion} {spread})" if dispersion else f" ({spread})"
    if v.analysed:
        words += f"; {v.analysed} participants analysed"
    return f"{head}: {words}"


def _check_sizes(record: CtgovRecord) -> None:
    """Refuse a record with an oversized value before any per-line rule reads it."""
    for f in fields(record):
        for value in _strings(getattr(record, f.name)):
            check_section(f.name.replace("_", " "), value)


def _strings(value: object) -> Iterator[str]:
    """Every string inside ``value`` (lists, tuples, dataclasses) in order, without recursion
    or copies: a record may hold 100,000 sites."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
        elif is_dataclass(item):
            stack.extend(reversed(vars(item).values()))  # its fields, in order


def trial_from_record(record: CtgovRecord, *, name: str, fmt: str, original: str) -> Trial:
    """Render ``record`` and return its Trial; every value's spans index the rendered text."""
    _check_sizes(record)
    builder = _Builder(record)
    builder.render()
    text = builder.out.text
    found = {k: v for k, v in builder.fields.items() if v is not None}
    return Trial(
        trial_id=record.nct_id,
        targets=builder.targets(text),
        source=Source(
            path=name, format=fmt, text=text, original=original, sha256=sha256_text(original)
        ),
        warnings=builder.warnings,
        **found,  # type: ignore[arg-type]
    )
