"""What the application layer returns: answers, lay summaries and fit drafts.

Every output is frozen and every statement in it carries its ``Check``: the source checker's
verdict, or an explicit ``guidance`` verdict with the reason it is not a claim about a document.
An answer's text and citations are derived from its statements, never stored beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

# "guidance": not a claim about a document (general advice, a framing line, a note from the
# verifier, a comparison derived from the cited sentence before it); the reason says which.
Verdict = Literal["supported", "unsupported", "contradicted", "guidance"]

# Statement.fields markers for sentences that are not claims about a document; each gets a
# ``guidance`` check whose reason (prompts/layout.json "reasons") says which kind it is.
GUIDANCE = "guidance"  # general advice, not read from a document
COMPARISON = "comparison"  # the asker's own facts set against the criterion cited before it
FRAMING = "framing"  # the framing of an answer ("3 trials match:", an abstention's lead)
VERIFIER_NOTE = "verifier_note"  # what the verifier says about left-out or flagged sentences
NOT_CLAIMS = (GUIDANCE, COMPARISON, FRAMING, VERIFIER_NOTE)


class Citation(BaseModel):
    """The exact source words behind a sentence: ``quote == source.text[start:end]``."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    section: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    chunk_id: str | None = None


# The criteria step of fit bullets adds: "age", "comparator", "unit", "condition" (one the trial
# never names) and "exception" (a dropped carve-out).
FactKind = Literal[
    "trial_id", "number", "target", "drug", "phase", "status", "polarity",
    "age", "comparator", "unit", "condition", "exception",
]  # fmt: skip


class Finding(BaseModel):
    """One hard fact or polarity the checker found wrong, typed so counts never parse reasons."""

    model_config = ConfigDict(frozen=True)

    kind: FactKind
    verdict: Literal["unsupported", "contradicted"]
    reason: str


class Check(BaseModel):
    """The verdict on one sentence: the source checker's, or ``guidance`` with its reason."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    score: float = Field(description="support score in [0, 1]")
    reasons: list[str] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)
    findings: list[Finding] = Field(
        default_factory=list, description="hard facts and polarity found wrong, by kind"
    )


class Statement(BaseModel):
    """One sentence or bullet with its citations and, once verified, its check.

    ``trial_id`` is the trial the sentence is about (its first cited trial when not set);
    ``subject`` names that trial in an answer about several, put before the first of its
    sentences that is shown, so a dropped sentence never hands its subject to another trial.
    ``key`` names a statement others may rest on; ``depends_on`` names the statements this one
    rests on (a comparison with the asker's age rests on the cited age limits): when one of
    them is dropped or missing, the verifier drops this one too.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    citations: list[Citation] = Field(default_factory=list)
    fields: list[str] = Field(
        default_factory=list, description="Trial fields the sentence was built from"
    )
    check: Check | None = None
    trial_id: str | None = None
    subject: str | None = None
    key: str | None = Field(default=None, description="a name other statements depend on")
    depends_on: list[str] = Field(
        default_factory=list, description="keys of the statements this one rests on"
    )

    @property
    def about(self) -> str | None:
        """The trial this sentence is a claim about."""
        if self.trial_id is not None:
            return self.trial_id
        return self.citations[0].trial_id if self.citations else None


def not_a_claim(text: str, kind: str = GUIDANCE) -> Statement:
    """A sentence that is not read from any document, marked with its kind (``NOT_CLAIMS``)."""
    return Statement(text=text, fields=[kind])


def _all_checked(statements: Iterable[Statement], where: str) -> None:
    missing = [s.text[:60] for s in statements if s.check is None]
    if missing:
        raise ValueError(f"{where}: statements without a check: {missing}")


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


class Answer(BaseModel):
    """A verified answer: ``lead`` (framing, a status note), the ``statements`` that answer, and
    the verifier's ``notes``; ``answer`` and ``citations`` are read from these, in that order."""

    model_config = ConfigDict(frozen=True)

    question: str
    lead: list[Statement] = Field(default_factory=list)
    statements: list[Statement] = Field(default_factory=list)
    notes: list[Statement] = Field(default_factory=list)
    abstained: bool = False
    declined: bool = Field(default=False, description="out of scope: medical advice, diagnoses")
    trials: list[str] = Field(default_factory=list)
    engine: str
    flagged: list[str] = Field(
        default_factory=list, description="sentences the checker could not support"
    )

    @model_validator(mode="after")
    def _checked(self) -> Answer:
        _all_checked(self.parts, "answer")
        return self

    @property
    def parts(self) -> list[Statement]:
        """Every statement as shown: lead, answer, notes."""
        return [*self.lead, *self.statements, *self.notes]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answer(self) -> str:
        return join_statements(self.parts)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def citations(self) -> list[Citation]:
        return merge_citations(self.parts)

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
    model_config = ConfigDict(frozen=True)

    key: str = Field(description="quick_facts, studies, good_fit, not_fit, why, eligibility, ...")
    heading: str
    statements: list[Statement] = Field(default_factory=list)
    grade: float | None = Field(default=None, description="Flesch-Kincaid grade of the prose")

    @model_validator(mode="after")
    def _checked(self) -> SummarySection:
        _all_checked(self.statements, f"section {self.key}")
        return self


class LaySummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    trial_id: str
    title: str
    engine: str
    sections: list[SummarySection] = Field(default_factory=list)

    def section(self, key: str) -> SummarySection | None:
        return next((s for s in self.sections if s.key == key), None)


class FitDraft(BaseModel):
    """An editor's "Who should consider this trial" section."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    engine: str
    good_fit: list[Statement] = Field(default_factory=list)
    not_fit: list[Statement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _checked(self) -> FitDraft:
        _all_checked([*self.good_fit, *self.not_fit], "fit draft")
        return self
