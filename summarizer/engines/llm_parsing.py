"""What the llm engine asks the model to return, and how a reply becomes those models.

Models wrap JSON in code fences, add a sentence after it, or get a type slightly wrong. The local
repair here pulls out the first JSON object and validates it (with a little leniency where the
intent is unambiguous: one citation given as a string). Anything else is a ``ReplyError`` whose
message says what is wrong, so the engine can ask the model once to fix it.
"""

from __future__ import annotations

from typing import Literal

from langchain_core.utils.json import parse_partial_json
from pydantic import BaseModel, ConfigDict, Field, field_validator

from summarizer.llm_reply import ReplyError, extract_json_object, parse_reply, schema_text

SummaryKey = Literal[
    "quick_facts", "studies", "good_fit", "not_fit", "why", "eligibility", "where", "how"
]
SUMMARY_KEYS: tuple[str, ...] = SummaryKey.__args__  # type: ignore[attr-defined]

__all__ = ["ReplyError", "extract_json_object", "parse_reply", "schema_text"]


class CitedSentence(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: str = Field(min_length=1)
    citations: list[str] = Field(default_factory=list, description="evidence ids, e.g. ['E1']")

    @field_validator("citations", mode="before")
    @classmethod
    def _one_citation(cls, value: object) -> object:
        if isinstance(value, str):
            return [value]
        return value


class AnswerReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    abstained: bool
    declined: bool = False
    sentences: list[CitedSentence] = Field(default_factory=list)


class SectionReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    key: SummaryKey
    sentences: list[CitedSentence] = Field(default_factory=list)


class SummaryReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sections: list[SectionReply]


class FitReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    good_fit: list[CitedSentence] = Field(default_factory=list)
    not_fit: list[CitedSentence] = Field(default_factory=list)


def preview_sentences(partial: str) -> str:
    """The sentence texts of a partial answer reply, joined: what can be shown while streaming.

    ``partial`` is the JSON received so far; unfinished strings are closed provisionally.
    """
    start = partial.find("{")
    if start < 0:
        return ""
    try:
        obj = parse_partial_json(partial[start:])
    except (ValueError, TypeError):
        return ""
    if not isinstance(obj, dict):
        return ""
    sentences = obj.get("sentences")
    if not isinstance(sentences, list):
        return ""
    texts = [s.get("text") for s in sentences if isinstance(s, dict)]
    return " ".join(t.strip() for t in texts if isinstance(t, str) and t.strip())
