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
from summarizer.criteria.stored import criteria_for, is_current, with_criteria

__all__ = [
    "CONSTRAINT_KINDS",
    "Constraint",
    "CriteriaSet",
    "ParsedCriterion",
    "Quantity",
    "TimeWindow",
    "criteria_for",
    "is_current",
    "parse_trial",
    "with_criteria",
]
