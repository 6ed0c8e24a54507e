"""Eval datasets in the pydantic-evals shape: a Dataset of Cases, scored by Evaluators.

A case names what is asked (a question, or a trial to summarize or draft "who should consider"
for), which trial it is about (by reference: ``seed:000`` for a sample file, ``doc:NAME`` for an
eval fixture in ``cases/docs``, or an NCT id from the shared v2 data), and what a correct output
must and must not contain, written from the documents by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

CASES_DIR = Path(__file__).resolve().parent / "cases"

Kind = Literal["field", "abstain", "self", "cross", "safety", "injection", "summary", "fit"]
Task = Literal["answer", "summary", "fit"]
Outcome = Literal["answer", "abstain", "decline", "abstain_or_decline"]


class Expect(BaseModel):
    """What a correct output looks like; patterns are case-insensitive regular expressions."""

    outcome: Outcome = "answer"
    must: list[str] = Field(default_factory=list, description="each must match the output text")
    must_not: list[str] = Field(default_factory=list, description="none may match")
    cite: list[str] = Field(default_factory=list, description="trial refs a citation must name")
    sections: list[str] = Field(
        default_factory=list, description="a citation must come from one of these sections"
    )
    evidence: list[str] = Field(
        default_factory=list, description="source quotes; a citation must overlap one of them"
    )
    trials: list[str] = Field(
        default_factory=list, description="cross-trial: refs the answer must list or cite"
    )
    good_fit: list[str] = Field(default_factory=list, description="fit: patterns in good-fit")
    not_fit: list[str] = Field(default_factory=list, description="fit: patterns in not-a-fit")


class Case(BaseModel):
    id: str
    kind: Kind
    task: Task = "answer"
    question: str | None = None
    trial: str | None = Field(default=None, description="the trial the case is about, by ref")
    scope: list[str] | None = Field(
        default=None, description="answer only from these trial refs (default: the trial, if any)"
    )
    expect: Expect = Field(default_factory=Expect)
    tags: list[str] = Field(default_factory=list)

    def refs(self) -> set[str]:
        """Every trial reference the case needs present in the store."""
        out = set(self.expect.cite) | set(self.expect.trials) | set(self.scope or [])
        if self.trial:
            out.add(self.trial)
        return out


class Dataset(BaseModel):
    name: str
    cases: list[Case]

    @classmethod
    def from_jsonl(cls, paths: list[Path] | Path) -> Dataset:
        """Cases from one or more ``.jsonl`` files; a bad line names its file and line number."""
        files = [paths] if isinstance(paths, Path) else paths
        cases: list[Case] = []
        for path in files:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip() or line.lstrip().startswith("//"):
                    continue
                try:
                    cases.append(Case.model_validate(json.loads(line)))
                except Exception as exc:
                    raise ValueError(f"{path}:{n}: bad case: {exc}") from exc
        ids = [c.id for c in cases]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"duplicate case ids: {', '.join(sorted(dupes))}")
        name = files[0].stem if len(files) == 1 else "trialsum"
        return cls(name=name, cases=cases)


def default_case_files() -> list[Path]:
    return sorted(p for p in CASES_DIR.glob("*.jsonl") if p.name != "planted_facts.jsonl")
