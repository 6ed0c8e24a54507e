"""What the engines return: answers, lay summaries and fit drafts, each sentence cited."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Verdict = Literal["supported", "unsupported", "contradicted"]


class Citation(BaseModel):
    """The exact source words behind a sentence: ``quote == source.text[start:end]``."""

    trial_id: str
    section: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    chunk_id: str | None = None


class Check(BaseModel):
    """The source checker's verdict on one sentence."""

    verdict: Verdict
    score: float = Field(description="support score in [0, 1]")
    reasons: list[str] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)


class Statement(BaseModel):
    """One sentence or bullet of generated text with its citations and (after checking) verdict."""

    text: str
    citations: list[Citation] = Field(default_factory=list)
    fields: list[str] = Field(
        default_factory=list, description="Trial fields the sentence was built from"
    )
    check: Check | None = None


class Answer(BaseModel):
    question: str
    answer: str
    statements: list[Statement] = Field(default_factory=list)
    abstained: bool = False
    declined: bool = Field(default=False, description="out of scope: medical advice, diagnoses")
    citations: list[Citation] = Field(default_factory=list)
    trials: list[str] = Field(default_factory=list)
    engine: str
    flagged: list[str] = Field(
        default_factory=list, description="sentences the checker could not support"
    )

    def contract(self) -> dict[str, object]:
        """The stable JSON shape of ``trialsum ask --json``."""
        return {
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.model_dump(exclude={"chunk_id"}) for c in self.citations],
            "trials": self.trials,
            "engine": self.engine,
        }


class SummarySection(BaseModel):
    key: str = Field(description="quick_facts, studies, good_fit, not_fit, why, eligibility, ...")
    heading: str
    statements: list[Statement] = Field(default_factory=list)
    grade: float | None = Field(default=None, description="Flesch-Kincaid grade of the prose")


class LaySummary(BaseModel):
    trial_id: str
    title: str
    engine: str
    sections: list[SummarySection] = Field(default_factory=list)

    def section(self, key: str) -> SummarySection | None:
        return next((s for s in self.sections if s.key == key), None)


class FitDraft(BaseModel):
    """An editor's "Who should consider this trial" section."""

    trial_id: str
    engine: str
    good_fit: list[Statement] = Field(default_factory=list)
    not_fit: list[Statement] = Field(default_factory=list)
