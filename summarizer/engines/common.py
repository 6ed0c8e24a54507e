"""What every engine does after generating text, and the small helpers both engines share.

Generation (extractive or LLM) proposes ``Statement``s; this module checks each one against the
trial's source with the checker, drops contradicted ones, drops or flags unsupported ones, and says
so in the answer. It also turns retrieved chunks and field spans into ``Citation``s (the exact
source words) and writes the status-first note for trials that are not taking people.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from summarizer.models import (
    Answer,
    Check,
    Citation,
    FitDraft,
    Hit,
    LaySummary,
    Span,
    Statement,
    Trial,
)

log = logging.getLogger(__name__)

Role = Literal["good_fit", "not_fit"]
GUIDANCE = "guidance"  # Statement.fields marker: general advice, not read from a document
CHECKER_UNAVAILABLE = "checker unavailable: sentences were not checked against the source"

CheckFn = Callable[..., Check]


# ---------------------------------------------------------------- citations


def citation(trial: Trial, span: Span, section: str) -> Citation:
    """The source words at ``span``: the quote always equals ``source.text[start:end]``."""
    return Citation(
        trial_id=trial.trial_id,
        section=section,
        quote=trial.source.text[span.start : span.end],
        start=span.start,
        end=span.end,
    )


def citations(trial: Trial, spans: Iterable[Span], section: str) -> list[Citation]:
    """One citation per non-empty span, in order, without duplicates."""
    out: list[Citation] = []
    seen: set[tuple[int, int]] = set()
    for span in spans:
        key = (span.start, span.end)
        if span.end > span.start and key not in seen:
            seen.add(key)
            out.append(citation(trial, span, section))
    return out


def citation_from_hit(hit: Hit, *, start: int | None = None, end: int | None = None) -> Citation:
    """A retrieved chunk, or its part from ``start`` to ``end`` (source offsets), as a citation.

    The chunk's text is itself a slice of the source, so a sub-range is sliced from it.
    """
    chunk = hit.chunk
    lo = chunk.start if start is None else max(start, chunk.start)
    hi = chunk.end if end is None else min(end, chunk.end)
    return Citation(
        trial_id=chunk.trial_id,
        section=chunk.section,
        quote=chunk.text[lo - chunk.start : hi - chunk.start],
        start=lo,
        end=hi,
        chunk_id=chunk.id,
    )


def citation_is_exact(cite: Citation, trial: Trial) -> bool:
    """True when the quote is exactly the source text at its offsets."""
    return trial.source.text[cite.start : cite.end] == cite.quote


def registry_url(trial: Trial) -> str | None:
    """The ClinicalTrials.gov page for trials with an NCT ID."""
    nct = trial.nct_id.value if trial.nct_id else None
    if nct is None and trial.trial_id.upper().startswith("NCT"):
        nct = trial.trial_id.upper()
    return f"https://clinicaltrials.gov/study/{nct}" if nct else None


# ---------------------------------------------------------------- status first

# Statuses that change what a reader should do, in plain words. Any other status is no news.
_STATUS_NOTES: dict[str, str] = {
    "WITHDRAWN": "This trial was withdrawn, so it is not taking anyone.",
    "COMPLETED": "This trial is completed, so it is not taking new people.",
    "TERMINATED": "This trial was stopped early, so it is not taking new people.",
    "SUSPENDED": "This trial is on hold for now, so it is not taking new people.",
    "NOT_YET_RECRUITING": "This trial has not started taking people yet.",
    "ACTIVE_NOT_RECRUITING": "This trial is still running but is not taking new people.",
    "NO_LONGER_AVAILABLE": "This program is no longer available.",
    "TEMPORARILY_NOT_AVAILABLE": "This program is not available for now.",
    "WITHHELD": "The status of this trial is withheld.",
}


def status_note(trial: Trial) -> Statement | None:
    """The sentence to put first when the trial is not open to new people; None when it is."""
    if trial.status is None:
        return None
    text = _STATUS_NOTES.get(trial.status.value)
    if text is None:
        return None
    return Statement(
        text=text, citations=citations(trial, trial.status.spans, "quick_facts"), fields=["status"]
    )


# ---------------------------------------------------------------- the checker step


def load_checker() -> CheckFn | None:
    """The source checker, or None while it is not installed (reported, never silently passed)."""
    try:
        from summarizer.checker import check_statement
    except ImportError:
        return None
    return check_statement


class CheckReport(BaseModel):
    """What the checking step did to a list of statements."""

    checked: bool = Field(description="False when the checker was unavailable")
    kept: list[Statement] = Field(default_factory=list)
    dropped: list[Statement] = Field(default_factory=list)
    flagged: list[str] = Field(default_factory=list)

    @property
    def note(self) -> str | None:
        """The sentence to add to the answer when something was left out or flagged."""
        if not self.checked:
            return None
        n_drop = len(self.dropped)
        n_flag = len(self.flagged) - n_drop
        parts = []
        if n_drop:
            parts.append(
                f"I left out {n_drop} sentence{'s' if n_drop != 1 else ''} "
                "that the trial documents did not back up."
            )
        if n_flag > 0:
            parts.append(
                f"{n_flag} sentence{'s' if n_flag != 1 else ''} could not be fully matched "
                "to the trial documents; please check them."
            )
        return " ".join(parts) or None


def check_statements(
    statements: Sequence[Statement],
    trials: Mapping[str, Trial] | Callable[[str], Trial | None],
    *,
    role: Role | None = None,
    drop_unsupported: bool = False,
    checker: CheckFn | None = None,
) -> CheckReport:
    """Check each statement against the trial it cites.

    Contradicted statements are always dropped; unsupported ones are dropped when
    ``drop_unsupported`` (generated prose) or kept and flagged (extracted quotes). General guidance
    (``fields == ["guidance"]``) and statements citing nothing are not claims about a trial and are
    kept unchecked.
    """
    check = checker or load_checker()
    if check is None:
        log.warning(CHECKER_UNAVAILABLE)
        return CheckReport(checked=False, kept=list(statements), flagged=[CHECKER_UNAVAILABLE])
    lookup = trials.get if isinstance(trials, Mapping) else trials
    report = CheckReport(checked=True)
    for statement in statements:
        trial = _cited_trial(statement, lookup)
        if trial is None or GUIDANCE in statement.fields:
            report.kept.append(statement)
            continue
        verdict = check(statement, trial, role=role)
        checked = statement.model_copy(update={"check": verdict})
        if verdict.verdict == "supported":
            report.kept.append(checked)
        elif verdict.verdict == "contradicted" or drop_unsupported:
            report.dropped.append(checked)
            report.flagged.append(statement.text)
        else:
            report.kept.append(checked)
            report.flagged.append(statement.text)
    return report


def _cited_trial(statement: Statement, lookup: Callable[[str], Trial | None]) -> Trial | None:
    for cite in statement.citations:
        trial = lookup(cite.trial_id)
        if trial is not None:
            return trial
    return None


def finalize_answer(
    answer: Answer,
    trials: Mapping[str, Trial] | Callable[[str], Trial | None],
    *,
    drop_unsupported: bool = False,
    abstain_text: str | None = None,
    checker: CheckFn | None = None,
) -> Answer:
    """Check an answer's statements, rebuild its text and citations from what survived.

    When every statement was dropped the answer abstains (with ``abstain_text`` if given).
    Declined and abstained answers carry no claims and pass through unchanged.
    """
    if answer.declined or answer.abstained or not answer.statements:
        return answer
    report = check_statements(
        answer.statements, trials, drop_unsupported=drop_unsupported, checker=checker
    )
    kept = report.kept
    if not kept:
        text = abstain_text or (
            "The trial documents don't clearly answer this. Please ask the study team."
        )
        return answer.model_copy(
            update={
                "answer": text,
                "statements": [],
                "citations": [],
                "abstained": True,
                "flagged": report.flagged,
            }
        )
    text = join_statements(kept)
    if report.note:
        text = f"{text} {report.note}"
    return answer.model_copy(
        update={
            "answer": text,
            "statements": kept,
            "citations": merge_citations(kept),
            "flagged": report.flagged,
        }
    )


def finalize_summary(
    summary: LaySummary,
    trial: Trial,
    *,
    drop_unsupported: bool = False,
    checker: CheckFn | None = None,
) -> tuple[LaySummary, list[str]]:
    """Check every section (fit sections with their role); return the summary and flagged text."""
    flagged: list[str] = []
    sections = []
    for section in summary.sections:
        role: Role | None = section.key if section.key in ("good_fit", "not_fit") else None  # type: ignore[assignment]
        report = check_statements(
            section.statements,
            {trial.trial_id: trial},
            role=role,
            drop_unsupported=drop_unsupported,
            checker=checker,
        )
        flagged.extend(f for f in report.flagged if f not in flagged)
        sections.append(section.model_copy(update={"statements": report.kept}))
    return summary.model_copy(update={"sections": sections}), flagged


def finalize_fit(
    draft: FitDraft, trial: Trial, *, checker: CheckFn | None = None
) -> tuple[FitDraft, list[str]]:
    """Check a fit draft with roles; contradicted bullets (e.g. swapped sides) are dropped."""
    lookup = {trial.trial_id: trial}
    good = check_statements(draft.good_fit, lookup, role="good_fit", checker=checker)
    bad = check_statements(draft.not_fit, lookup, role="not_fit", checker=checker)
    flagged = [*good.flagged, *bad.flagged]
    return draft.model_copy(update={"good_fit": good.kept, "not_fit": bad.kept}), flagged


# ---------------------------------------------------------------- text assembly


def join_statements(statements: Iterable[Statement]) -> str:
    """Statements as one paragraph, each ending with punctuation."""
    parts = []
    for statement in statements:
        text = statement.text.strip()
        if text and text[-1] not in ".!?:":
            text += "."
        if text:
            parts.append(text)
    return " ".join(parts)


def merge_citations(statements: Iterable[Statement]) -> list[Citation]:
    """All citations of the statements, in order, without duplicates."""
    out: list[Citation] = []
    seen: set[tuple[str, int, int]] = set()
    for statement in statements:
        for cite in statement.citations:
            key = (cite.trial_id, cite.start, cite.end)
            if key not in seen:
                seen.add(key)
                out.append(cite)
    return out


def guidance(text: str) -> Statement:
    """General advice that is not read from any document, marked so (no citation)."""
    return Statement(text=text, fields=[GUIDANCE])
