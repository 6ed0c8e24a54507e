"""Ranking the screened trials and the open questions each one leaves.

Trials with any blocking verdict (an inclusion not met, an exclusion met) go below those with
none; among each group more met inclusions rank higher, then the retrieval order. Open questions
come from the unknown criteria, in plain words from ``prompts/match.json``: inclusions first,
those the description touched first, a few per trial.
"""

from __future__ import annotations

from collections.abc import Iterable

from summarizer.criteria import criteria_for
from summarizer.criteria.model import ParsedCriterion
from summarizer.match.wording import wording
from summarizer.models import Trial
from summarizer.models.match import CriterionVerdict, TrialMatch

_ASK_ORDER = (
    "condition", "treatment", "procedure", "pregnancy", "breastfeeding", "marker",
    "organ_function", "performance", "contraception", "age", "sex",
)  # fmt: skip


def score(match: TrialMatch) -> float:
    """Higher first: unblocked before blocked, then met inclusions, then retrieval order."""
    return (0.0 if match.blocked else 1e6) + match.met_inclusions * 1e3 - match.retrieval_rank


def rank(matches: Iterable[TrialMatch]) -> list[TrialMatch]:
    scored = [m.model_copy(update={"score": score(m)}) for m in matches]
    return sorted(scored, key=lambda m: (-m.score, m.retrieval_rank))


def _short(text: str) -> str:
    flat = " ".join(text.split())
    most = wording().limit("question_quote_chars")
    return flat if len(flat) <= most else flat[: most - 1].rsplit(" ", 1)[0] + "…"


def _question(verdict: CriterionVerdict, top: ParsedCriterion | None) -> str | None:
    words = wording()
    quote = _short(verdict.criterion)
    if verdict.about in ("min_age", "max_age"):
        return words.questions["age"].format(quote=quote)
    if verdict.about == "sex":
        return words.questions["sex"].format(quote=quote)
    kinds = [c for n in (top.walk() if top else []) for c in n.constraints]
    if kinds and all(c.kind in words.skip_questions for c in kinds):
        return None
    for kind in _ASK_ORDER:
        found = next((c for c in kinds if c.kind == kind), None)
        if found is not None:
            said = " ".join(found.text.split())
            return words.questions[kind].format(words=said, quote=quote)
    return words.questions["other"].format(quote=quote)


def open_questions(trial: Trial, verdicts: list[CriterionVerdict]) -> list[str]:
    """A few questions for the study team, from the criteria the description leaves open."""
    tops = {(c.kind, c.number): c for c in criteria_for(trial).criteria}
    unknown = [v for v in verdicts if v.verdict == "unknown"]
    touched = wording().reason("not_said")
    order = sorted(
        unknown,
        key=lambda v: (v.reason == touched, v.kind != "inclusion", v.about == "criterion"),
    )
    out: list[str] = []
    for v in order:
        top = tops.get((v.kind, v.number)) if v.about == "criterion" else None
        if v.reason != touched and v.about == "criterion":  # partly said: ask about it whole
            question: str | None = wording().questions["other"].format(quote=_short(v.criterion))
        else:
            question = _question(v, top)
        if question and question not in out:
            out.append(question)
        if len(out) >= wording().limit("max_questions"):
            break
    return out
