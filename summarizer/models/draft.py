"""What generators return: unverified drafts. Only ``summarizer.verify`` turns them into outputs."""

from __future__ import annotations

from pydantic import BaseModel, Field

from summarizer.models.answer import Statement


class DraftAnswer(BaseModel):
    """Proposed sentences for a question, before any check."""

    question: str
    statements: list[Statement] = Field(default_factory=list)
    trials: list[str] = Field(default_factory=list)
    abstained: bool = False
    declined: bool = False
    fallback: list[Statement] = Field(
        default_factory=list, description="what to say instead when every statement is dropped"
    )
    flagged: list[str] = Field(
        default_factory=list, description="sentences the generator itself rejected"
    )
    notes: list[str] = Field(
        default_factory=list, description="said after the checked sentences when the answer stands"
    )
    lead: list[Statement] = Field(
        default_factory=list, description="framing before the sentences, kept only if they stand"
    )
    originals: dict[int, Statement] = Field(
        default_factory=dict,
        description="index in ``statements`` of a rewritten sentence -> the extracted sentence "
        "it replaces, shown instead when the rewrite fails the source check",
    )
    provisional: bool = Field(
        default=False,
        description="shown (checked) while a better draft is written; the next draft replaces it",
    )


class DraftSection(BaseModel):
    key: str
    statements: list[Statement] = Field(default_factory=list)
    originals: dict[int, Statement] = Field(
        default_factory=dict, description="as ``DraftAnswer.originals``, for this section"
    )


class DraftSummary(BaseModel):
    trial_id: str
    title: str
    sections: list[DraftSection] = Field(default_factory=list)


class DraftFit(BaseModel):
    trial_id: str
    good_fit: list[Statement] = Field(default_factory=list)
    not_fit: list[Statement] = Field(default_factory=list)
