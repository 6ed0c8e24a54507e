"""Deterministic scoring of one answer against an unseen case.

right: the answer did not abstain, states ``need`` of the expected facts, and cites the trial
with a citation from an expected section or whose quote holds one of the facts.
wrong abstention: an answerable case abstained. right abstention: an unanswerable case abstained,
or said in words that the record does not say.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import BaseModel, Field

from evals.unseen.cases import ExpectedFact, UnseenCase, vocab
from summarizer.models import Answer

_UNITS = {"years": "year", "months": "month", "weeks": "week", "days": "day", "hours": "hour"}


def normalize(text: str) -> list[str]:
    """Lower-case words and numbers, accents and punctuation dropped, '1,200' -> '1200',
    '200mg' -> '200 mg', plural time units singular."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " ", text)
    words = re.sub(r"[^a-z0-9.]+", " ", text).split()
    out = []
    for w in words:
        w = w.strip(".")
        if w:
            out.append(_UNITS.get(w, w))
    return out


def _has_phrase(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def fact_found(fact: ExpectedFact, text: str) -> bool:
    words = normalize(text)
    if any(_has_phrase(words, normalize(f)) for f in fact.forbid):
        return False
    if fact.mode == "tokens":
        want = set(normalize(fact.forms[0])) if fact.forms else set()
        if not want:
            return False
        return len(want & set(words)) / len(want) >= fact.min_share
    return any(_has_phrase(words, normalize(f)) for f in fact.forms)


def says_not_stated(text: str) -> bool:
    return any(re.search(p, text, re.I) for p in vocab()["abstain_patterns"])


class Scored(BaseModel):
    id: str
    trial: str
    half: str
    kind: str
    answerable: bool
    typo: bool
    question: str
    abstained: bool
    facts_found: int
    facts_ok: bool
    cited: bool
    right: bool
    answer: str = ""
    citations: list[dict[str, Any]] = Field(default_factory=list)
    error: str | None = None


def score(
    case: UnseenCase, answer: Answer | None, trial_id: str, error: str | None = None
) -> Scored:
    text = answer.answer if answer else ""
    found = [f for f in case.facts if fact_found(f, text)]
    facts_ok = bool(case.facts) and len(found) >= max(case.need, 1)
    flagged = bool(answer and (answer.abstained or answer.declined))
    abstained = flagged or (answer is not None and not facts_ok and says_not_stated(text))
    cites = answer.citations if answer else []
    cited = any(
        c.trial_id == trial_id
        and (c.section in case.sections or any(fact_found(f, c.quote) for f in found))
        for c in cites
    )
    if case.answerable:
        right = answer is not None and not abstained and facts_ok and cited
    else:
        right = abstained
    return Scored(
        id=case.id,
        trial=case.trial,
        half=case.half,
        kind=case.kind,
        answerable=case.answerable,
        typo=case.typo,
        question=case.question,
        abstained=abstained,
        facts_found=len(found),
        facts_ok=facts_ok,
        cited=cited,
        right=right,
        answer=text[:600],
        citations=[
            {"trial_id": c.trial_id, "section": c.section, "quote": c.quote[:160]}
            for c in cites[:4]
        ],
        error=error,
    )


def figures(rows: list[Scored]) -> dict[str, Any]:
    """The three target figures (shares in [0, 1]; None when there is nothing to count)."""
    ans = [r for r in rows if r.answerable and r.error is None]
    una = [r for r in rows if not r.answerable and r.error is None]

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    return {
        "answerable": len(ans),
        "unanswerable": len(una),
        "errors": sum(r.error is not None for r in rows),
        "answer_right_cited": share(sum(r.right for r in ans), len(ans)),
        "facts_stated": share(sum(r.facts_ok for r in ans), len(ans)),
        "wrong_abstention": share(sum(r.abstained for r in ans), len(ans)),
        "right_abstention": share(sum(r.abstained for r in una), len(una)),
    }


def breakdown(rows: list[Scored]) -> dict[str, Any]:
    """Figures overall, per half, per half and kind, and for typo'd questions."""
    out: dict[str, Any] = {"overall": figures(rows), "halves": {}}
    for half in sorted({r.half for r in rows}):
        part = [r for r in rows if r.half == half]
        out["halves"][half] = {
            "all": figures(part),
            "typo": figures([r for r in part if r.typo]),
            "kinds": {
                k: figures([r for r in part if r.kind == k]) for k in sorted({r.kind for r in part})
            },
        }
    return out
