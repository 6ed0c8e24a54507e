"""Chunks: the units that are embedded, indexed and cited."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# Sections a chunk can come from; criteria carry their kind as well.
Section = Literal[
    "quick_facts",
    "summary",
    "description",
    "design",
    "conditions",
    "interventions",
    "outcomes",
    "eligibility",
    "inclusion",
    "exclusion",
    "locations",
    "contacts",
    "other",
]
SECTIONS: tuple[str, ...] = Section.__args__  # type: ignore[attr-defined]


class Chunk(BaseModel):
    """A contiguous piece of one trial's source text.

    ``text == trial.source.text[start:end]`` always holds, so a chunk is itself a citation.
    """

    id: str = Field(description="deterministic: trial id, section, span and content hash")
    trial_id: str
    section: Section
    kind: Literal["inclusion", "exclusion"] | None = None
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source_path: str
    content_hash: str = Field(description="sha256 of the text: the embedding-cache key")
    ordinal: int = Field(ge=0, description="position of the chunk within its trial")
    title: str = Field(default="", description="the trial's title, for display and context")


class Hit(BaseModel):
    """One retrieved chunk with how it was found."""

    chunk: Chunk
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None


class TrialHit(BaseModel):
    """A trial ranked by its best evidence, for cross-trial questions."""

    trial_id: str
    title: str = ""
    score: float
    hits: list[Hit] = Field(default_factory=list)
