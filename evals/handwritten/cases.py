"""The hand-written eval's case shape: an unseen-set case plus who asks and why it is true.

Questions were written by hand, trial by trial, from the raw XML record (never from trialsum's
output), before the engine was run on them. Each case keeps the unseen set's fields so the unseen
scoring applies unchanged, and adds ``support`` (the record field or quote that makes the expected
facts true, or why the record does not answer), ``asker`` (patient or editor) and
``first_person`` (the asker talks about themselves: "I'm 50, am I too old?") and ``round`` (which
selection round of ``select.py`` chose the trial; rows without it are round 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from evals.unseen.cases import UnseenCase

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases.jsonl"
MANIFEST = HERE / "manifest.json"


class HandwrittenCase(UnseenCase):
    template: int = Field(default=-1, description="always -1: not templated")
    asker: Literal["patient", "editor"] = "patient"
    first_person: bool = False
    support: str = Field(min_length=1, description="record field/quote, or why it is not answered")
    round: int = Field(default=1, ge=1, description="which selection round chose the trial")


def load_cases(path: Path = CASES) -> list[HandwrittenCase]:
    """Cases from a JSONL file; a bad line names its line number."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            out.append(HandwrittenCase.model_validate_json(line))
        except Exception as exc:
            raise ValueError(f"{path}:{n}: bad case: {exc}") from exc
    return out


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
