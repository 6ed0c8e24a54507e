"""Criteria understood: typed, cited constraints read from each trial's eligibility criteria."""

from summarizer.criteria.model import (
    CONSTRAINT_KINDS,
    Constraint,
    CriteriaSet,
    ParsedCriterion,
    Quantity,
    TimeWindow,
)
from summarizer.criteria.parse import parse_trial

__all__ = [
    "CONSTRAINT_KINDS",
    "Constraint",
    "CriteriaSet",
    "ParsedCriterion",
    "Quantity",
    "TimeWindow",
    "parse_trial",
]
