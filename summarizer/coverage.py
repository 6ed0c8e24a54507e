"""Field coverage: the share of parsed trials that have each field, so drops are visible.

Counting streams (one ``add`` per trial) so it runs over thousands of records without keeping
them; ``trialsum parse --coverage`` and the coverage tests print the same table.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from summarizer.models import Trial

_SKIP = {"trial_id", "source", "warnings", "criteria_parsed"}  # derived at ingest, not parsed
_DATE_KINDS = (
    "start",
    "primary_completion",
    "completion",
    "first_posted",
    "last_update",
    "verified",
)
FIELDS: tuple[str, ...] = (
    *(name for name in Trial.model_fields if name not in _SKIP),
    *(f"dates.{kind}" for kind in _DATE_KINDS),
    "locations.contacts",
    "enrollment.kind",
)


def present(trial: Trial, field: str) -> bool:
    """Whether ``trial`` has a value for ``field`` (dotted names look inside lists)."""
    if field.startswith("dates."):
        kind = field.split(".", 1)[1]
        return any(d.kind == kind for d in trial.dates)
    if field == "locations.contacts":
        return any(loc.contacts for loc in trial.locations)
    if field == "enrollment.kind":
        return trial.enrollment is not None and trial.enrollment.kind is not None
    value = getattr(trial, field)
    return value is not None and value != []


class CoverageRow(BaseModel):
    field: str
    count: int
    share: float = Field(description="count / trials, in [0, 1]")


class CoverageTable(BaseModel):
    trials: int
    rows: list[CoverageRow]

    def share(self, field: str) -> float:
        return next(row.share for row in self.rows if row.field == field)


class CoverageCounter:
    """Counts, trial by trial, how many have each field."""

    def __init__(self, fields: tuple[str, ...] = FIELDS) -> None:
        self.fields = fields
        self.trials = 0
        self.counts = dict.fromkeys(fields, 0)

    def add(self, trial: Trial) -> None:
        self.trials += 1
        for field in self.fields:
            if present(trial, field):
                self.counts[field] += 1

    def table(self) -> CoverageTable:
        total = self.trials
        return CoverageTable(
            trials=total,
            rows=[
                CoverageRow(field=f, count=c, share=c / total if total else 0.0)
                for f, c in self.counts.items()
            ],
        )


def coverage(trials: list[Trial]) -> CoverageTable:
    counter = CoverageCounter()
    for trial in trials:
        counter.add(trial)
    return counter.table()


def format_table(table: CoverageTable) -> str:
    """Plain-text table: field, count, share."""
    lines = [f"{'field':<24} {'count':>7} {'share':>7}   ({table.trials} trials)"]
    lines += [f"{r.field:<24} {r.count:>7} {r.share:>7.1%}" for r in table.rows]
    return "\n".join(lines)
