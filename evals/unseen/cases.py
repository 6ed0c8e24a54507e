"""The unseen eval's case shape and its vocabulary file (``templates.json``)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates.json"
CASES = HERE / "cases.jsonl"
MANIFEST = HERE / "manifest.json"

Half = Literal["tune", "report"]


class ExpectedFact(BaseModel):
    """One fact a right answer states, as normalized forms (see ``scoring.normalize``).

    ``phrase``: some form appears as a whole-word phrase. ``tokens``: at least ``min_share`` of
    the first form's words appear anywhere (for long texts an answer may shorten). A ``forbid``
    phrase in the answer means the fact was stated wrongly (``not recruiting`` for recruiting).
    """

    label: str
    forms: list[str]
    mode: Literal["phrase", "tokens"] = "phrase"
    min_share: float = 1.0
    forbid: list[str] = Field(default_factory=list)


class UnseenCase(BaseModel):
    id: str
    trial: str = Field(description="NCT id")
    source: Literal["xml", "v2"]
    half: Half
    slice: bool = Field(default=False, description="in the fixed CI slice of the report half")
    kind: str = Field(description="the field asked about, a key of templates.json 'kinds'")
    answerable: bool
    question: str
    template: int
    typo: bool = False
    facts: list[ExpectedFact] = Field(default_factory=list)
    need: int = Field(default=0, description="how many of ``facts`` a right answer states")
    sections: list[str] = Field(default_factory=list, description="where a right citation sits")


@functools.cache
def vocab() -> dict[str, Any]:
    return json.loads(TEMPLATES.read_text(encoding="utf-8"))


def load_cases(path: Path = CASES) -> list[UnseenCase]:
    """Cases from a JSONL file; a bad line names its line number."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(UnseenCase.model_validate_json(line))
        except Exception as exc:
            raise ValueError(f"{path}:{n}: bad case: {exc}") from exc
    return out
