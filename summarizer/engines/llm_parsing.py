"""What the llm engine asks the model to return, and how a reply becomes those models.

Models wrap JSON in code fences, add a sentence after it, or get a type slightly wrong. The local
repair here pulls out the first JSON object and validates it (with a little leniency where the
intent is unambiguous: one citation given as a string). Anything else is a ``ReplyError`` whose
message says what is wrong, so the engine can ask the model once to fix it.
"""

from __future__ import annotations

import json
import re
from typing import Literal, TypeVar

from langchain_core.utils.json import parse_partial_json
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SummaryKey = Literal[
    "quick_facts", "studies", "good_fit", "not_fit", "why", "eligibility", "where", "how"
]
SUMMARY_KEYS: tuple[str, ...] = SummaryKey.__args__  # type: ignore[attr-defined]

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?")

T = TypeVar("T", bound=BaseModel)


class ReplyError(ValueError):
    """The model's reply is not valid JSON for the expected schema; the message says why."""


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


def schema_text(model: type[BaseModel]) -> str:
    """The JSON schema of ``model``, compact, for the repair prompt."""
    return json.dumps(model.model_json_schema(), separators=(",", ":"))


def extract_json_object(text: str) -> object:
    """The first JSON object in ``text``, ignoring code fences and text around it."""
    cleaned = _FENCE.sub("", text)
    decoder = json.JSONDecoder()
    last_error: json.JSONDecodeError | None = None
    for match in re.finditer(r"\{", cleaned):
        try:
            obj, _ = decoder.raw_decode(cleaned, match.start())
        except json.JSONDecodeError as exc:
            last_error = last_error or exc
            continue
        if isinstance(obj, dict):
            return obj
    if last_error is not None:
        raise ReplyError(f"the reply is not valid JSON ({last_error.msg} at {last_error.pos})")
    raise ReplyError("the reply contains no JSON object")


def parse_reply(text: str, model: type[T]) -> T:
    """``text`` as ``model``, after the local repair; ``ReplyError`` when that is not enough."""
    if not text.strip():
        raise ReplyError("the reply is empty")
    obj = extract_json_object(text)
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise ReplyError(f"the JSON does not match the schema: {_brief(exc)}") from None


def _brief(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


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
