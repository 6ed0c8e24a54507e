"""Criteria as data: each inclusion or exclusion criterion read into typed, cited constraints.

(The models; parsing is ``summarizer.criteria``, and a ``Trial`` stores its parse.)

A constraint is one checkable thing a criterion asks for or rules out (an age limit, a lab value
with comparator and unit, a condition and its state, a time window, a prior treatment...), with
the span of ``Trial.source.text`` it was read from. Whatever the parser cannot type stays as
``remainder`` spans: the words are kept, searched and quoted, never dropped. Nested lists keep
their logic ('1 of the following', 'all of the following') and carve-outs ('except treated basal
cell carcinoma') are kept apart as ``exceptions``, so the same record can answer "can I join?",
check an editor's bullet and write a fit bullet.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from summarizer.models.span import Span

SCHEMA_VERSION = 1

ConstraintKind = Literal[
    "age",
    "sex",
    "pregnancy",
    "breastfeeding",
    "contraception",
    "condition",
    "marker",
    "performance",
    "time_window",
    "treatment",
    "procedure",
    "organ_function",
    "consent",
]
CONSTRAINT_KINDS: tuple[ConstraintKind, ...] = ConstraintKind.__args__  # type: ignore[attr-defined]
Comparator = Literal["ge", "gt", "le", "lt", "eq", "range"]
Logic = Literal["all_of", "any_of"]
Timing = Literal["prior", "current", "planned"]
Relation = Literal["within", "more_than_ago", "since_at_least", "for_at_least", "after", "before"]


class Quantity(BaseModel):
    """A number as the criterion states it: ``value`` (and ``upper`` for a range) with a unit."""

    comparator: Comparator | None = None
    value: float
    upper: float | None = None
    unit: str | None = Field(default=None, description="as written, lower-cased: 'g/l', '%'")

    def holds(self, value: float) -> bool | None:
        """Whether ``value`` meets the limit as stated; None without a comparator (or a range
        without its upper end)."""
        if self.comparator == "range":
            return None if self.upper is None else self.value <= value <= self.upper
        return {
            "ge": value >= self.value,
            "gt": value > self.value,
            "le": value <= self.value,
            "lt": value < self.value,
            "eq": value == self.value,
        }.get(self.comparator or "")


class TimeWindow(BaseModel):
    """'within 6 months' (relation 'within'), 'more than 5 years ago' ('more_than_ago'),
    'at least 4 weeks since' ('since_at_least')."""

    relation: Relation
    amount: float
    upper: float | None = None
    unit: Literal["day", "week", "month", "year", "hour"]

    @property
    def days(self) -> float:
        per = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
        return self.amount * per[self.unit]


class Constraint(BaseModel):
    """One typed, cited piece of a criterion."""

    kind: ConstraintKind
    span: Span = Field(description="the words it was read from, in Trial.source.text")
    text: str = Field(description="source.text[span], kept so a dump reads on its own")
    concept: str | None = Field(
        default=None, description="normalized name: 'hemoglobin', 'ECOG', a vocabulary id"
    )
    label: str | None = Field(default=None, description="the concept's record-side name")
    negated: bool = Field(default=False, description="'no', 'not', 'without' governs it")
    states: list[str] = Field(
        default_factory=list, description="relapsed, refractory, stage III, controlled, ..."
    )
    quantity: Quantity | None = None
    window: TimeWindow | None = None
    timing: Timing | None = Field(default=None, description="treatments: prior/current/planned")
    value: str | None = Field(default=None, description="sex: FEMALE/MALE/ALL")


class ParsedCriterion(BaseModel):
    """One criterion (or a nested item of one) with its constraints and the words left over."""

    kind: Literal["inclusion", "exclusion"]
    number: int = Field(ge=1, description="the Trial.Criterion number it belongs to")
    path: list[int] = Field(
        default_factory=list, description="position of a nested item: [2, 1] is item 2.1"
    )
    group: str | None = None
    span: Span
    logic: Logic = "all_of"
    required: int | None = Field(
        default=None, description="'1 of the following 4': how many children must hold"
    )
    constraints: list[Constraint] = Field(default_factory=list)
    exceptions: list[Constraint] = Field(
        default_factory=list, description="carve-outs: 'except treated basal cell carcinoma'"
    )
    exception_spans: list[Span] = Field(default_factory=list)
    children: list[ParsedCriterion] = Field(default_factory=list)
    remainder: list[Span] = Field(
        default_factory=list, description="words no constraint covers, kept verbatim"
    )

    @property
    def typed(self) -> bool:
        """Whether any constraint was read here or in a nested item."""
        return bool(self.constraints or self.exceptions) or any(c.typed for c in self.children)

    def walk(self) -> list[ParsedCriterion]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


class CriteriaSet(BaseModel):
    """Every criterion of one trial, parsed; computed at ingest and stored with the trial
    (``Trial.criteria_parsed``). ``source_sha256`` and ``parser`` say what it was read from
    and by which parser, so a stale one is parsed again (``summarizer.criteria.criteria_for``)."""

    schema_version: int = SCHEMA_VERSION
    trial_id: str
    source_sha256: str | None = Field(default=None, description="Trial.source.sha256 read")
    parser: str | None = Field(
        default=None, description="the parser's fingerprint: schema, lexicon and vocabulary"
    )
    criteria: list[ParsedCriterion] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def inclusion(self) -> list[ParsedCriterion]:
        return [c for c in self.criteria if c.kind == "inclusion"]

    @property
    def exclusion(self) -> list[ParsedCriterion]:
        return [c for c in self.criteria if c.kind == "exclusion"]

    def constraints(self, kind: ConstraintKind | None = None) -> list[Constraint]:
        out = [
            k
            for top in self.criteria
            for node in top.walk()
            for k in (*node.constraints, *node.exceptions)
        ]
        return [k for k in out if kind is None or k.kind == kind]

    @property
    def coverage(self) -> float:
        """Share of top-level criteria with at least one typed constraint."""
        if not self.criteria:
            return 0.0
        return sum(1 for c in self.criteria if c.typed) / len(self.criteria)
