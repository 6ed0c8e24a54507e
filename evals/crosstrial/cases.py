"""The cross-trial eval's shapes: a library (a named group of trials), a question about one
library with the right trial set, and the files they live in."""

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
LIBRARIES = HERE / "libraries.json"

Half = Literal["tune", "report"]


class Library(BaseModel):
    id: str
    half: Half
    slice: bool = Field(default=False, description="in the CI slice of the report half")
    focus: str = Field(description="the MeSH term several of its trials share")
    trials: list[str]
    statuses: dict[str, str | None] = Field(description="each trial's status (API v2 enum)")


class CrossCase(BaseModel):
    id: str
    library: str
    half: Half
    slice: bool = False
    kind: str = Field(description="a key of templates.json 'kinds'")
    question: str
    template: int
    asked: dict[str, str] = Field(default_factory=dict, description="status, place, condition")
    expected: list[str] = Field(description="the trials a right answer lists")
    ambiguous: list[str] = Field(
        default_factory=list,
        description="trials the records leave open (no age limit stated, criteria both taking "
        "and ruling out pregnancy...): listing them or not is neither right nor wrong",
    )


@functools.cache
def vocab() -> dict[str, Any]:
    return json.loads(TEMPLATES.read_text(encoding="utf-8"))


def _jsonl(path: Path, model: type[BaseModel]) -> list[Any]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate_json(line))
        except Exception as exc:
            raise ValueError(f"{path}:{n}: bad line: {exc}") from exc
    return out


def load_cases(path: Path = CASES) -> list[CrossCase]:
    return _jsonl(path, CrossCase)


def load_libraries(path: Path = LIBRARIES) -> dict[str, Library]:
    return {lib.id: lib for lib in _jsonl(path, Library)}
