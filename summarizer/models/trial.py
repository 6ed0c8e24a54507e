"""The normalized, source-linked trial record every parser produces.

Every extracted value keeps the character spans of ``Trial.source.text`` it came from, so that
answers can quote and highlight the exact words. Unknown values stay empty: parsers never guess.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, Field

from summarizer.models.criteria import CriteriaSet
from summarizer.models.span import Span

# Normalized vocabularies (ClinicalTrials.gov API v2 enums).
STATUSES = (
    "RECRUITING",
    "NOT_YET_RECRUITING",
    "ENROLLING_BY_INVITATION",
    "ACTIVE_NOT_RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "COMPLETED",
    "WITHDRAWN",
    "UNKNOWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
)
PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA")
STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
SEXES = ("ALL", "FEMALE", "MALE")


class Sourced(BaseModel):
    """Base for every extracted value: where in the source text it was read."""

    spans: list[Span] = Field(default_factory=list)


class Fact(Sourced):
    """A single extracted value: ``value`` normalized, ``raw`` as written when it differs."""

    value: str
    raw: str | None = None


class Age(Sourced):
    raw: str
    years: float | None = None


class Enrollment(Sourced):
    count: int
    kind: Literal["estimated", "actual"] | None = None
    raw: str | None = None


class Intervention(Sourced):
    type: str | None = None
    name: str
    description: str | None = None


class Contact(Sourced):
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class Location(Sourced):
    facility: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    status: str | None = None
    contacts: list[Contact] = Field(default_factory=list)


class Outcome(Sourced):
    kind: Literal["primary", "secondary", "other"]
    measure: str
    time_frame: str | None = None
    description: str | None = None


class ResultValue(Sourced):
    """One group's posted value for a result measure, as posted ('27.3', 'NA'); its span is the
    rendered line ``- group[, category]: value ...``."""

    group: str
    value: str
    category: str | None = Field(default=None, description="the class/category it is posted under")
    spread: str | None = None
    lower: str | None = None
    upper: str | None = None
    analysed: str | None = Field(default=None, description="participants analysed, as posted")


class ResultAnalysis(Sourced):
    """A posted statistical analysis: the p-value as written ('<0.05', '0.012'), its method."""

    p_value: str
    method: str | None = None
    groups: list[str] = Field(default_factory=list)


class ResultOutcome(Sourced):
    """A posted outcome result; ``spans`` cover its title through its time frame, population and
    measure lines (values and analyses carry their own)."""

    kind: Literal["primary", "secondary", "other", "post_hoc"]
    title: str
    time_frame: str | None = None
    population: str | None = None
    param: str | None = Field(default=None, description="Mean, Median, Number, Count ...")
    dispersion: str | None = None
    units: str | None = None
    values: list[ResultValue] = Field(default_factory=list)
    analyses: list[ResultAnalysis] = Field(default_factory=list)


class EventCount(BaseModel):
    group: str
    affected: int
    at_risk: int | None = None


class AdverseEvent(Sourced):
    """A posted adverse event (or a 'Total, ...' row) with per-group counts; one rendered line."""

    serious: bool
    term: str
    organ_system: str | None = None
    total: bool = False
    counts: list[EventCount] = Field(default_factory=list)

    @property
    def affected(self) -> int:
        return sum(c.affected for c in self.counts)


class FlowGroup(Sourced):
    """Participant flow of one group: how many started and completed, as posted."""

    group: str
    started: int | None = None
    completed: int | None = None


class Publication(Sourced):
    """A publication of the trial's results (XML ``results_reference``, v2 references of type
    RESULT)."""

    citation: str
    pmid: str | None = None


class BaselineGroup(Sourced):
    """A baseline group (an arm, or the 'Total' of all) and how many it analysed, as posted; one
    rendered line."""

    group: str
    analysed: str | None = Field(default=None, description="participants analysed, as posted")
    total: bool = Field(default=False, description="the registry's 'Total' of all groups")


class BaselineMeasure(Sourced):
    """A posted baseline characteristic (Age, Sex/Gender, Race, Region of Enrollment ...) with
    each group's value as posted; ``spans`` cover its title and measure line (values carry
    their own)."""

    title: str
    param: str | None = Field(default=None, description="Mean, Median, Count of Participants ...")
    dispersion: str | None = None
    units: str | None = None
    values: list[ResultValue] = Field(default_factory=list)


class Baseline(BaseModel):
    """Who took part, as posted (XML ``clinical_results/baseline``, v2
    ``baselineCharacteristicsModule``), bounded: ``measures_posted`` counts what the record
    holds."""

    groups: list[BaselineGroup] = Field(default_factory=list)
    measures: list[BaselineMeasure] = Field(default_factory=list)
    measures_posted: int = 0


class PostedResults(BaseModel):
    """Results posted on the registry, bounded (``summarizer.parsers.limits``): ``*_posted`` count
    what the record holds, the lists what was kept."""

    outcomes: list[ResultOutcome] = Field(default_factory=list)
    adverse_events: list[AdverseEvent] = Field(default_factory=list)
    flow: list[FlowGroup] = Field(default_factory=list)
    baseline: Baseline | None = Field(default=None, description="None when none is posted")
    outcomes_posted: int = 0
    events_posted: int = 0

    @property
    def empty(self) -> bool:
        return not (self.outcomes or self.adverse_events or self.flow or self.baseline)


class Criterion(Sourced):
    """One top-level criterion; nested sub-items stay inside ``text`` with their parent."""

    kind: Literal["inclusion", "exclusion"]
    text: str
    number: int = Field(ge=1, description="1-based position within its kind")
    group: str | None = Field(
        default=None, description="sub-heading it sits under, e.g. 'Refractory/Relapsed SLE'"
    )


class TrialDate(Sourced):
    kind: Literal[
        "start", "primary_completion", "completion", "first_posted", "last_update", "verified"
    ]
    raw: str
    value: dt.date | None = None
    estimated: bool | None = None


class Source(BaseModel):
    """The document a trial was read from.

    ``text`` is what every span indexes into: the page itself for text, the extracted text for
    HTML, and a faithful field-by-field rendering for XML and JSON (whose escapes would make raw
    offsets unreadable). ``original`` keeps the file's own text when it differs from ``text``.
    """

    path: str
    format: str
    text: str
    original: str | None = None
    sha256: str


class Trial(BaseModel):
    trial_id: str
    nct_id: Fact | None = None
    brief_title: Fact | None = None
    official_title: Fact | None = None
    acronym: Fact | None = None
    status: Fact | None = None
    phases: list[Fact] = Field(default_factory=list)
    study_type: Fact | None = None
    design: list[Fact] = Field(
        default_factory=list, description="design notes: single arm, open label, randomized, ..."
    )
    enrollment: Enrollment | None = None
    min_age: Age | None = None
    max_age: Age | None = None
    sex: Fact | None = None
    healthy_volunteers: Fact | None = Field(default=None, description="value 'yes' or 'no'")
    conditions: list[Fact] = Field(default_factory=list)
    keywords: list[Fact] = Field(default_factory=list)
    condition_mesh_terms: list[Fact] = Field(
        default_factory=list,
        description="NLM MeSH headings the registry indexed the conditions under (assigned by "
        "NLM's algorithm, not the sponsor); empty for trials stored before they were read",
    )
    interventions: list[Intervention] = Field(default_factory=list)
    intervention_mesh_terms: list[Fact] = Field(
        default_factory=list,
        description="NLM MeSH headings the registry indexed the interventions under",
    )
    targets: list[Fact] = Field(
        default_factory=list, description="antigens such as CD19, CD22, BCMA, where stated"
    )
    sponsor: Fact | None = None
    collaborators: list[Fact] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    brief_summary: Fact | None = None
    detailed_description: Fact | None = None
    inclusion_criteria: list[Criterion] = Field(default_factory=list)
    exclusion_criteria: list[Criterion] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)
    dates: list[TrialDate] = Field(default_factory=list)
    results: PostedResults | None = Field(
        default=None, description="results posted on the registry; None when none are posted"
    )
    publications: list[Publication] = Field(
        default_factory=list, description="publications of the results the record lists"
    )
    source: Source
    warnings: list[str] = Field(
        default_factory=list, description="what the parser could not read, in plain words"
    )
    criteria_parsed: CriteriaSet | None = Field(
        default=None,
        description="the criteria read into typed constraints, computed at ingest; read it "
        "through summarizer.criteria.criteria_for, which re-parses a missing or stale one",
    )

    @property
    def title(self) -> str:
        for fact in (self.brief_title, self.official_title):
            if fact is not None:
                return fact.value
        return self.trial_id

    @property
    def criteria(self) -> list[Criterion]:
        return [*self.inclusion_criteria, *self.exclusion_criteria]

    def quote(self, span: Span) -> str:
        return self.source.text[span.start : span.end]


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_trial_id(text: str) -> str:
    """Stable id for documents with no NCT ID: derived from their content, not their file name."""
    return "doc-" + sha256_text(" ".join(text.split()).lower())[:12]
