"""Score one cross-trial answer: which library trials it lists (each statement's own trial) and
whether it says each listed trial's status right."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from evals.crosstrial.cases import CrossCase, vocab


class Scored(BaseModel):
    case: str
    library: str
    half: str
    kind: str
    question: str
    expected: list[str]
    listed: list[str] = Field(default_factory=list)
    precision: float = 0.0
    recall: float = 0.0
    statuses_said: int = 0
    statuses_right: int = 0
    wrong_status: dict[str, str] = Field(default_factory=dict, description="trial -> what was said")
    answer: str = ""
    error: str | None = None

    @property
    def set_right(self) -> bool:
        return self.error is None and self.precision == 1.0 and self.recall == 1.0


def status_said(text: str) -> set[str]:
    """The statuses a text states, by the plain phrases answers use (``status_said``)."""
    low = " ".join(text.lower().split())
    return {s for s, phrases in vocab()["status_said"].items() if any(p in low for p in phrases)}


def listed(answer: Any) -> list[str]:
    """The trials the answer names: each shown statement's own trial, in order."""
    return list(dict.fromkeys(s.about for s in answer.statements if s.about))


def score(
    case: CrossCase, answer: Any, statuses: dict[str, str | None], error: str | None = None
) -> Scored:
    row = Scored(
        case=case.id,
        library=case.library,
        half=case.half,
        kind=case.kind,
        question=case.question,
        expected=case.expected,
        error=error,
    )
    if answer is None:
        return row
    got = listed(answer)
    exp, maybe = set(case.expected), set(case.ambiguous)
    judged = [t for t in got if t not in maybe]
    hits = sum(1 for t in judged if t in exp)
    row.listed = got
    row.precision = hits / len(judged) if judged else 1.0
    row.recall = hits / len(exp) if exp else 1.0
    row.answer = answer.answer
    for tid in got:
        text = " ".join(s.text for s in answer.statements if s.about == tid)
        said = status_said(text)
        row.statuses_said += 1
        if said == {statuses.get(tid)}:
            row.statuses_right += 1
        else:
            row.wrong_status[tid] = f"{statuses.get(tid)} but said {sorted(said) or 'nothing'}"
    return row


def figures(rows: list[Scored]) -> dict[str, Any]:
    n = len(rows)
    said = sum(r.statuses_said for r in rows)
    return {
        "questions": n,
        "errors": sum(1 for r in rows if r.error),
        "precision": round(sum(r.precision for r in rows) / n, 4) if n else None,
        "recall": round(sum(r.recall for r in rows) / n, 4) if n else None,
        "set_right": round(sum(r.set_right for r in rows) / n, 4) if n else None,
        "statuses_said": said,
        "statuses_right": round(sum(r.statuses_right for r in rows) / said, 4) if said else None,
    }


def breakdown(rows: list[Scored]) -> dict[str, Any]:
    halves = sorted({r.half for r in rows})
    kinds = sorted({r.kind for r in rows})
    return {
        "overall": figures(rows),
        "halves": {h: figures([r for r in rows if r.half == h]) for h in halves},
        "kinds": {k: figures([r for r in rows if r.kind == k]) for k in kinds},
    }
