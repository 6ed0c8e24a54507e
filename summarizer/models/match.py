"""A pre-screen: a person's own description set against each trial's criteria, one by one.

The models only (the matching is ``summarizer.match``). A verdict is about the *criterion*: 'met'
means the description says what the criterion says (for an exclusion, that rules the person
out), 'not_met' means the description says the opposite, 'unknown' means the description does
not tell, which is the honest default: a person who does not mention HIV has not said they are
HIV-negative. Nothing here decides eligibility; the output is a list of things to go over with
the study team.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.models.span import Span

MatchVerdict = Literal["met", "not_met", "unknown"]
VerdictSource = Literal["rules", "model"]
TermKind = Literal["condition", "treatment", "procedure", "finding", "other"]
VerdictAbout = Literal["criterion", "min_age", "max_age", "sex"]


class ProfileTerm(BaseModel):
    """One thing the description says, in the person's words, with where it was said."""

    model_config = ConfigDict(frozen=True)

    words: str = Field(description="the description's own words, exactly")
    start: int = Field(ge=0, description="character offset into PersonProfile.text")
    end: int = Field(ge=0)
    concept: str | None = Field(default=None, description="criteria vocabulary concept id")
    label: str | None = Field(default=None, description="the concept's preferred name")
    kind: TermKind = "other"
    negated: bool = Field(default=False, description="said as absent: 'no diabetes', 'denies'")
    history: bool = Field(default=False, description="said as past: 'had', 'history of'")


class PersonProfile(BaseModel):
    """The description condensed to what matters for matching: who, what, where."""

    model_config = ConfigDict(frozen=True)

    text: str = Field(description="the description as used (after the length cap)")
    truncated: bool = False
    age_years: float | None = None
    age_words: str | None = None
    sex: Literal["FEMALE", "MALE"] | None = None
    sex_words: str | None = None
    pregnant: bool | None = None
    terms: list[ProfileTerm] = Field(default_factory=list)
    place: str | None = Field(default=None, description="a place the person named ('Boston')")
    query: str = Field(default="", description="the condensed text retrieval searches with")
    notes: list[str] = Field(
        default_factory=list,
        description="what could not be read, in plain words "
        "(cut, empty, not English, nothing medical)",
    )

    @property
    def empty(self) -> bool:
        """Nothing medical or personal was understood."""
        return self.age_years is None and self.sex is None and not self.terms

    @property
    def said(self) -> list[ProfileTerm]:
        return [t for t in self.terms if not t.negated]


class CriterionVerdict(BaseModel):
    """One criterion of one trial, quoted, and what the description says about it."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["inclusion", "exclusion"]
    number: int = Field(ge=1, description="the criterion's number within its kind, 1-based")
    criterion: str = Field(description="quoted exactly: Trial.source.text[span.start:span.end]")
    span: Span
    verdict: MatchVerdict
    used: list[str] = Field(
        default_factory=list,
        description="words of the description the verdict rests on; empty when unknown",
    )
    reason: str = Field(default="", description="one plain sentence, e.g. 'You said you are 45.'")
    source: VerdictSource = "rules"
    criterion_quote: str = Field(
        default="",
        description="a model's verdict: the criterion's words it rests on (verification finds "
        "them in ``criterion``); empty for the rules' verdicts",
    )
    about: VerdictAbout = Field(
        default="criterion",
        description="a numbered criterion, or the trial's own age or sex field (inclusion-like)",
    )
    checked: bool = Field(
        default=False, description="set by verification: quote and words found where they claim"
    )

    @property
    def blocks(self) -> bool:
        """An inclusion the description fails, or an exclusion it meets."""
        return (self.kind == "inclusion" and self.verdict == "not_met") or (
            self.kind == "exclusion" and self.verdict == "met"
        )


class TrialMatch(BaseModel):
    """One trial worth asking about (or not), with every criterion's verdict."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    title: str
    status: str | None = Field(default=None, description="in plain words ('Looking for people')")
    url: str | None = None
    retrieval_rank: int = Field(ge=1)
    score: float = Field(description="the final ranking score (higher first)")
    verdicts: list[CriterionVerdict] = Field(default_factory=list)
    open_questions: list[str] = Field(
        default_factory=list, description="what to ask the study team, from the unknown criteria"
    )

    @property
    def blocked(self) -> bool:
        return any(v.blocks for v in self.verdicts)

    @property
    def met_inclusions(self) -> int:
        return sum(1 for v in self.verdicts if v.kind == "inclusion" and v.verdict == "met")

    def count(self, verdict: MatchVerdict) -> int:
        return sum(1 for v in self.verdicts if v.verdict == verdict)


class MatchResult(BaseModel):
    """The pre-screen for one description: the profile read, the trials ranked, the caveats."""

    model_config = ConfigDict(frozen=True)

    profile: PersonProfile
    trials: list[TrialMatch] = Field(default_factory=list)
    notice: str = Field(description="this is a pre-screen to discuss with the study team")
    messages: list[str] = Field(
        default_factory=list, description="e.g. 'Your description was cut to 4,000 characters.'"
    )
