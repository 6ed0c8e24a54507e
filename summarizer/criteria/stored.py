"""One way to a trial's parsed criteria: ``criteria_for(trial)``.

Ingest parses every trial's criteria once and stores the ``CriteriaSet`` with the trial
(``Trial.criteria_parsed``). Readers take the stored one when it is current (same trial, same
source text, same parser fingerprint) and otherwise parse it now and keep it in a small
per-process cache: a store written before the parse existed, or by another parser version,
still answers, and re-ingest refreshes it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from summarizer.criteria.fingerprint import parser_fingerprint
from summarizer.criteria.model import SCHEMA_VERSION, CriteriaSet
from summarizer.criteria.parse import parse_trial
from summarizer.models import Trial

__all__ = ["criteria_for", "is_current", "parser_fingerprint", "with_criteria"]

CACHE_SIZE = 512
_cache: OrderedDict[tuple[str, str, str], CriteriaSet] = OrderedDict()
_lock = threading.Lock()


def is_current(parsed: CriteriaSet | None, trial: Trial) -> bool:
    """Whether ``parsed`` was read from this trial's text by this parser."""
    return (
        parsed is not None
        and parsed.schema_version == SCHEMA_VERSION
        and parsed.trial_id == trial.trial_id
        and parsed.source_sha256 == trial.source.sha256
        and parsed.parser == parser_fingerprint()
    )


def criteria_for(trial: Trial) -> CriteriaSet:
    """The trial's parsed criteria: stored if current, else parsed now and cached."""
    if is_current(trial.criteria_parsed, trial):
        assert trial.criteria_parsed is not None
        return trial.criteria_parsed
    key = (trial.trial_id, trial.source.sha256, parser_fingerprint())
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    parsed = parse_trial(trial)
    with _lock:
        _cache[key] = parsed
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return parsed


def with_criteria(trial: Trial) -> Trial:
    """The trial with its current parsed criteria attached (ingest stores it this way)."""
    if not is_current(trial.criteria_parsed, trial):
        trial.criteria_parsed = criteria_for(trial)
    return trial
