"""Ranking the screened trials and the open questions each one leaves.

Retrieval order leads: it already weighs how well the trial fits the whole description, and
counting met criteria instead lifts trials that merely list many checkable ages and sexes. A
trial with a blocking verdict (an inclusion not met, an exclusion met, the trial's own age or
sex field failed) drops ``BLOCK_PENALTY`` places, so it goes below the unblocked trials near it;
each met inclusion about what the person has (not who they are) lifts it a fraction of a place,
a tie-break among neighbours. Both figures were chosen on the odd-numbered TREC 2021 topics
(``benchmarks/trec_match.py``). Open questions
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


BLOCK_PENALTY = 10.0  # places a blocked trial drops
MET_LIFT = 0.4  # places one met inclusion about the person's conditions or history lifts
MAX_LIFTS = 2  # met inclusions that count
_WHO = ("min_age", "max_age", "sex")


def _lifting(match: TrialMatch) -> int:
    """Met inclusions that are about what the person has: numbered criteria, not the age and
    sex fields, and not criteria the person's age or sex alone decides."""
    n = 0
    for v in match.verdicts:
        if v.kind != "inclusion" or v.verdict != "met" or v.about in _WHO:
            continue
        if v.used and all(w in _who_words(match) for w in v.used):
            continue
        n += 1
    return min(n, MAX_LIFTS)


def _who_words(match: TrialMatch) -> set[str]:
    return {w for v in match.verdicts if v.about in _WHO for w in v.used}


def score(match: TrialMatch) -> float:
    """Higher first: the retrieval order, a blocked trial dropped, met conditions a tie-break."""
    penalty = BLOCK_PENALTY if match.blocked else 0.0
    return -float(match.retrieval_rank) - penalty + MET_LIFT * _lifting(match)


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
