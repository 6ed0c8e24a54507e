"""Posted results of a registry record (XML ``clinical_results``, v2 ``resultsSection``), neutral.

The XML and JSON readers map their element names into these dataclasses (display text as the
registry shows it, numbers as posted: '27.3', '<0.05', 'NA'); ``bounded`` keeps them within the
caps of ``summarizer.parsers.limits`` (and the baseline caps here) and counts what it cut, and
``ctgov_record`` renders what is kept into the record text, every value with its span. The
baseline characteristics (who took part: groups with how many were analysed, then measures such
as Age, Sex/Gender, Race, Region of Enrollment with each group's value) reuse ``RawValue``. A
results section (or its baseline) that cannot be read is left out with a warning: it never fails
the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from summarizer.parsers.limits import (
    MAX_EVENTS,
    MAX_FLOW_GROUPS,
    MAX_PUBLICATIONS,
    MAX_RESULT_ANALYSES,
    MAX_RESULT_OUTCOMES,
    MAX_RESULT_TEXT,
    MAX_RESULT_VALUES,
)

# Baseline caps (beside the results caps of ``limits``): the registry posts age and sex first,
# then race/ethnicity and region; a race measure over 3 groups and a total takes ~28 values.
MAX_BASELINE_MEASURES = 12
MAX_BASELINE_VALUES = 32  # group x category values per characteristic
MAX_BASELINE_CHARS = 8_000  # rendered baseline: later characteristics are left out

#: Outcome types as written in either format -> the model's kind.
_KINDS = (
    ("primary", "primary"),
    ("secondary", "secondary"),
    ("post", "post_hoc"),
    ("other", "other"),
)


@dataclass
class RawValue:
    group: str
    value: str
    category: str | None = None
    spread: str | None = None
    lower: str | None = None
    upper: str | None = None
    analysed: str | None = None


@dataclass
class RawAnalysis:
    p_value: str
    method: str | None = None
    groups: list[str] = field(default_factory=list)


@dataclass
class RawResultOutcome:
    kind: str  # as written: Primary, Secondary, Other Pre-specified, Post-Hoc, POST_HOC ...
    title: str
    time_frame: str | None = None
    population: str | None = None
    param: str | None = None
    dispersion: str | None = None
    units: str | None = None
    values: list[RawValue] = field(default_factory=list)
    analyses: list[RawAnalysis] = field(default_factory=list)


@dataclass
class RawEvent:
    serious: bool
    term: str
    organ_system: str | None = None
    total: bool = False
    counts: list[tuple[str, int, int | None]] = field(default_factory=list)  # group, n, at risk

    @property
    def affected(self) -> int:
        return sum(n for _, n, _ in self.counts)


@dataclass
class RawFlow:
    group: str
    started: int | None = None
    completed: int | None = None


@dataclass
class RawBaselineGroup:
    group: str
    analysed: str | None = None
    total: bool = False  # the registry's 'Total' of all groups


@dataclass
class RawBaselineMeasure:
    title: str  # as posted: 'Age, Continuous', 'Sex: Female, Male', 'Region of Enrollment' ...
    param: str | None = None
    dispersion: str | None = None
    units: str | None = None
    values: list[RawValue] = field(default_factory=list)


@dataclass
class RawBaseline:
    groups: list[RawBaselineGroup] = field(default_factory=list)
    measures: list[RawBaselineMeasure] = field(default_factory=list)
    measures_posted: int = 0

    @property
    def empty(self) -> bool:
        return not any(m.values for m in self.measures)


@dataclass
class RawResults:
    outcomes: list[RawResultOutcome] = field(default_factory=list)
    events: list[RawEvent] = field(default_factory=list)
    flow: list[RawFlow] = field(default_factory=list)
    baseline: RawBaseline | None = None
    outcomes_posted: int = 0
    events_posted: int = 0
    warnings: list[str] = field(default_factory=list)  # parts that could not be read

    @property
    def empty(self) -> bool:
        return not (self.outcomes or self.events or self.flow or self.baseline)


@dataclass
class RawPublication:
    citation: str
    pmid: str | None = None


def total_group(title: str | None) -> bool:
    """The registry's 'Total' baseline group (XML and v2 title it 'Total')."""
    return (title or "").strip().lower() == "total"


def read_baseline(
    read: Callable[[], RawBaseline | None], warnings: list[str]
) -> RawBaseline | None:
    """``read()``'s baseline when it posts a value; a baseline that cannot be read is left out
    with a warning (the rest of the results stay)."""
    try:
        baseline = read()
    except Exception as exc:  # a bad baseline never fails the results or the record
        warnings.append(f"posted baseline characteristics could not be read ({type(exc).__name__})")
        return None
    if baseline is None or baseline.empty:
        return None
    baseline.measures = [m for m in baseline.measures if m.values]
    baseline.measures_posted = len(baseline.measures)
    return baseline


def result_kind(words: str | None) -> str:
    low = (words or "").lower()
    return next((kind for key, kind in _KINDS if low.startswith(key)), "other")


def short(text: str | None) -> str | None:
    """A results text value on one line, cut to ``MAX_RESULT_TEXT`` characters."""
    if text is None:
        return None
    value = " ".join(text.split())
    if len(value) > MAX_RESULT_TEXT:
        value = value[: MAX_RESULT_TEXT - 1].rstrip() + "…"
    return value or None


def count(text: object) -> int | None:
    """A posted count ('17', 17) as an int; None for anything else ('NA', '', '1.5')."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if text >= 0 else None
    if isinstance(text, str) and re.fullmatch(r"\s*\d{1,9}\s*", text):
        return int(text)
    return None


def bounded(raw: RawResults, warnings: list[str]) -> RawResults:
    """``raw`` within the caps; what is left out is said in ``warnings``.

    Outcomes keep their posted order (primary first, as the registry posts them). Adverse events
    that affected nobody are dropped (they are not side effects anyone had); of the rest, the
    most frequent ``MAX_EVENTS`` of each kind are kept, most frequent first; 'Total' rows always.
    """
    outcomes = raw.outcomes[:MAX_RESULT_OUTCOMES]
    if len(raw.outcomes) > len(outcomes):
        warnings.append(
            f"posted results: {len(outcomes)} of {len(raw.outcomes)} outcome measures kept"
        )
    for outcome in outcomes:
        if len(outcome.values) > MAX_RESULT_VALUES:
            warnings.append(
                f"posted results: {MAX_RESULT_VALUES} of {len(outcome.values)} values kept for "
                f"{outcome.title[:60]!r}"
            )
            outcome.values = outcome.values[:MAX_RESULT_VALUES]
        outcome.analyses = outcome.analyses[:MAX_RESULT_ANALYSES]
    events: list[RawEvent] = [e for e in raw.events if e.total]
    for serious in (True, False):
        seen = [e for e in raw.events if e.serious is serious and not e.total and e.affected > 0]
        seen.sort(key=lambda e: -e.affected)  # stable: posted order among equals
        if len(seen) > MAX_EVENTS:
            kind = "serious" if serious else "other"
            warnings.append(
                f"posted results: the {MAX_EVENTS} most frequent of {len(seen)} {kind} adverse "
                "events kept"
            )
        events.extend(seen[:MAX_EVENTS])
    warnings.extend(raw.warnings)
    return RawResults(
        outcomes=outcomes,
        events=events,
        flow=raw.flow[:MAX_FLOW_GROUPS],
        baseline=_bounded_baseline(raw.baseline, warnings),
        outcomes_posted=len(raw.outcomes),
        events_posted=sum(1 for e in raw.events if not e.total),
    )


def _bounded_baseline(raw: RawBaseline | None, warnings: list[str]) -> RawBaseline | None:
    """The baseline within ``MAX_BASELINE_MEASURES`` measures (posted order: the registry posts
    age and sex first) of ``MAX_BASELINE_VALUES`` values each, ``MAX_FLOW_GROUPS`` groups."""
    if raw is None:
        return None
    measures = raw.measures[:MAX_BASELINE_MEASURES]
    if len(raw.measures) > len(measures):
        warnings.append(
            f"posted baseline: {len(measures)} of {len(raw.measures)} characteristics kept"
        )
    kept = []
    for m in measures:
        if len(m.values) > MAX_BASELINE_VALUES:
            warnings.append(
                f"posted baseline: {MAX_BASELINE_VALUES} of {len(m.values)} values kept for "
                f"{m.title[:60]!r}"
            )
        kept.append(
            RawBaselineMeasure(
                title=m.title,
                param=m.param,
                dispersion=m.dispersion,
                units=m.units,
                values=m.values[:MAX_BASELINE_VALUES],
            )
        )
    return RawBaseline(
        groups=raw.groups[:MAX_FLOW_GROUPS],
        measures=kept,
        measures_posted=raw.measures_posted or len(raw.measures),
    )


def bounded_publications(items: list[RawPublication]) -> list[RawPublication]:
    return items[:MAX_PUBLICATIONS]
