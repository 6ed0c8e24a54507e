"""A model's reply as a pydantic model, with a local repair: the first JSON object in the text,
code fences and words around it ignored. Anything else is a ``ReplyError`` whose message says what
is wrong, so the caller can ask the model once to fix it. Used by the llm engine and the LLM judge.
"""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n?")

T = TypeVar("T", bound=BaseModel)


class ReplyError(ValueError):
    """The model's reply is not valid JSON for the expected schema; the message says why."""


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
