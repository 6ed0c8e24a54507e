"""The trial finder: filter parsed trials by what a person can say about themselves and the trial.

Pure logic over ``Trial`` records (no store, no UI), so the Assistant, the app and the tests share
one definition of "matches". Results come recruiting first, then by title; each carries a lede
(the summary's first whole sentence, cited, never cut) and quick facts in plain words, never
registry codes such as ``PHASE1; PHASE2``. The lede is a ``Statement`` like any other: the
application layer has it checked (``Verifier.cards``) before a card is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from summarizer.models import Citation, Statement, Trial
from summarizer.normalize import phase_words, status_words

# Statuses a person can still join, best first; every other status sorts after them.
OPEN_ORDER = ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")
# A sentence ends at '.', '!' or '?' before a capital, a digit or '(' (not after 'e.g', 'i.e',
# 'vs', 'Dr' or a single capital initial), or at a blank line; a single newline is a wrapped line.
_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bDr)(?<!\b[A-Z])(?<=[.!?])\s+(?=[A-Z0-9(\"'])"
    r"|\n[ \t]*\n"
)


class TrialFilters(BaseModel):
    """What to look for; an empty field matches every trial."""

    model_config = ConfigDict(frozen=True)

    text: str = ""
    condition: str = ""
    statuses: list[str] = Field(default_factory=list, description="status values, e.g. RECRUITING")
    phases: list[str] = Field(default_factory=list, description="phase values, e.g. PHASE2")
    age: float | None = Field(default=None, ge=0, le=130, description="the person's age in years")
    sex: str | None = Field(default=None, description="FEMALE or MALE; trials open to ALL match")
    place: str = ""
    results: bool = Field(default=False, description="only trials whose record posts results")


class TrialCard(BaseModel):
    """One result: enough to decide whether to open the trial."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    title: str
    lede: str = Field(description="the lede's words; empty when it has none (or it was dropped)")
    lede_statement: Statement | None = Field(
        default=None, description="the lede with its citation and, once verified, its check"
    )
    status: str | None = None
    status_words: str | None = None
    phase_words: str | None = None
    ages: str | None = None
    sex: str | None = None
    places: list[str] = Field(default_factory=list)
    conditions: list[str] = Field(default_factory=list)
    open: bool = False
    has_results: bool = Field(default=False, description="the record posts results")


def plain_status(value: str | None) -> str | None:
    """'NOT_YET_RECRUITING' -> 'Not yet recruiting'."""
    words = status_words(value)
    return words[:1].upper() + words[1:] if words else None


def _has(needle: str, haystack: Iterable[str | None]) -> bool:
    low = needle.strip().lower()
    return not low or any(low in (h or "").lower() for h in haystack)


def _places(trial: Trial) -> list[str]:
    out: list[str] = []
    for loc in trial.locations:
        where = ", ".join(p for p in (loc.city, loc.region, loc.country) if p)
        if where and where not in out:
            out.append(where)
    return out


def lede_statement(trial: Trial) -> Statement | None:
    """The brief summary's first whole sentence, citing its exact source words; None when the
    record has no summary (the card's title then says what the trial is)."""
    fact = trial.brief_summary
    if fact is None or not fact.spans:
        return None
    span = fact.spans[0]
    source = trial.source.text[span.start : span.end]
    body = source.lstrip()
    start = span.start + len(source) - len(body)
    end_match = _SENTENCE_END.search(body)
    sentence = (body[: end_match.start()] if end_match else body).rstrip()
    text = " ".join(sentence.split())
    if not text:
        return None
    citation = Citation(
        trial_id=trial.trial_id,
        section="summary",
        quote=sentence,
        start=start,
        end=start + len(sentence),
    )
    return Statement(
        text=text, citations=[citation], fields=["brief_summary"], trial_id=trial.trial_id
    )


def lede(trial: Trial) -> str:
    """The lede's words: the summary's first sentence, whole (empty when there is no summary)."""
    statement = lede_statement(trial)
    return statement.text if statement else ""


def _ages(trial: Trial) -> str | None:
    low = trial.min_age.raw if trial.min_age else None
    high = trial.max_age.raw if trial.max_age else None
    if low and high:
        return f"{low} to {high}".lower()
    if low:
        return f"{low} and older".lower()
    if high:
        return f"up to {high}".lower()
    return None


def has_results(trial: Trial) -> bool:
    """Whether the trial's record posts results (outcomes, adverse events, participant flow or
    baseline characteristics: XML ``clinical_results``, v2 ``resultsSection``)."""
    return trial.results is not None and not trial.results.empty


def matches(trial: Trial, filters: TrialFilters) -> bool:
    """Whether ``trial`` passes every filter that is set."""
    if filters.results and not has_results(trial):
        return False
    status = trial.status.value if trial.status else None
    if filters.statuses and status not in filters.statuses:
        return False
    if filters.phases and not {p.value for p in trial.phases} & set(filters.phases):
        return False
    if filters.age is not None:
        low = trial.min_age.years if trial.min_age else None
        high = trial.max_age.years if trial.max_age else None
        if (low is not None and filters.age < low) or (high is not None and filters.age > high):
            return False
    if filters.sex:
        sex = trial.sex.value if trial.sex else "ALL"
        if sex not in ("ALL", filters.sex.upper()):
            return False
    conditions = [
        f.value for f in (*trial.conditions, *trial.keywords, *trial.condition_mesh_terms)
    ]
    if not _has(filters.condition, conditions):
        return False
    places = [
        p for loc in trial.locations for p in (loc.facility, loc.city, loc.region, loc.country)
    ]
    if not _has(filters.place, places):
        return False
    text = [
        trial.title,
        trial.trial_id,
        trial.brief_summary.value if trial.brief_summary else None,
        *conditions,
        *(i.name for i in trial.interventions),
    ]
    return all(_has(word, text) for word in filters.text.split())


def card(trial: Trial) -> TrialCard:
    """One trial's card, its lede not yet checked (``Verifier.cards`` checks it)."""
    status = trial.status.value if trial.status else None
    statement = lede_statement(trial)
    return TrialCard(
        trial_id=trial.trial_id,
        title=trial.title,
        lede=statement.text if statement else "",
        lede_statement=statement,
        status=status,
        status_words=plain_status(status),
        phase_words=phase_words(p.value for p in trial.phases),
        ages=_ages(trial),
        sex=plain_status(trial.sex.value) if trial.sex else None,
        places=_places(trial),
        conditions=[f.value for f in trial.conditions],
        open=status in OPEN_ORDER,
        has_results=has_results(trial),
    )


def _rank(result: TrialCard) -> tuple[int, str]:
    order = OPEN_ORDER.index(result.status) if result.status in OPEN_ORDER else len(OPEN_ORDER)
    return order, result.title.lower()


def find(trials: Iterable[Trial], filters: TrialFilters) -> list[TrialCard]:
    """The trials that pass ``filters``, recruiting first, then by title."""
    return sorted((card(t) for t in trials if matches(t, filters)), key=_rank)
