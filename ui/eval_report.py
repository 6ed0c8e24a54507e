"""The eval report ``trialsum eval`` writes, as the Evaluation page reads it.

A module of its own (not in the page) so pydantic can resolve the models' annotations: Streamlit
runs page files as scripts, whose names are not importable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError


class Gate(BaseModel):
    metric: str
    rule: str
    limit: float
    value: float | None = None
    ok: bool


class Report(BaseModel):
    """The fields of ``evals.runner.Report`` this page reads.

    Not imported from ``evals``: Streamlit runs the pages with their folder on ``sys.path``,
    where ``evals`` names the Evaluation page. The tests write reports with the real model.
    """

    engine: str
    created: str
    seconds: float
    metrics: dict[str, Any]
    gates: list[Gate] = Field(default_factory=list)
    ok: bool
    cases: list[dict[str, Any]] = Field(default_factory=list)


def load(path: Path) -> Report | None:
    """The report, or ``None`` when there is none; a file in another shape fails plainly."""
    if not path.exists():
        return None
    try:
        return Report.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise ValueError(f"{path.name} is not a trialsum eval report") from exc
