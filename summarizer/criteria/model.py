"""The criteria models, defined in ``summarizer.models.criteria`` (a ``Trial`` stores its parsed
criteria, so the models live with the trial's) and re-exported here for the criteria package."""

from summarizer.models.criteria import (
    CONSTRAINT_KINDS,
    SCHEMA_VERSION,
    Comparator,
    Constraint,
    ConstraintKind,
    CriteriaSet,
    Logic,
    ParsedCriterion,
    Quantity,
    Relation,
    TimeWindow,
    Timing,
)

__all__ = [
    "CONSTRAINT_KINDS",
    "SCHEMA_VERSION",
    "Comparator",
    "Constraint",
    "ConstraintKind",
    "CriteriaSet",
    "Logic",
    "ParsedCriterion",
    "Quantity",
    "Relation",
    "TimeWindow",
    "Timing",
]
