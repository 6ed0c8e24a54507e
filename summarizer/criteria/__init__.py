"""Criteria understood: typed, cited constraints read from each trial's eligibility criteria.

The re-exports below load on first use (module ``__getattr__``): importing any
``summarizer.criteria.*`` module (the model, the vocabulary) no longer pays for the parser and
its detector patterns, which only a reader of criteria needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# name -> the module that defines it
_EXPORTS = {
    "CONSTRAINT_KINDS": "summarizer.criteria.model",
    "Constraint": "summarizer.criteria.model",
    "CriteriaSet": "summarizer.criteria.model",
    "ParsedCriterion": "summarizer.criteria.model",
    "Quantity": "summarizer.criteria.model",
    "TimeWindow": "summarizer.criteria.model",
    "criteria_for": "summarizer.criteria.stored",
    "is_current": "summarizer.criteria.stored",
    "parse_trial": "summarizer.criteria.parse",
    "with_criteria": "summarizer.criteria.stored",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
