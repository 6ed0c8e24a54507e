"""Thumbs up/down on answers, appended to ``<home>/feedback.jsonl``: one JSON object a line.

Kept local and plain so the team can read it, grep it and turn it into eval cases.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from summarizer.config import Settings
from summarizer.models import Answer, Citation

Rating = Literal["up", "down"]


class FeedbackEntry(BaseModel):
    time: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    rating: Rating
    question: str
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    trials: list[str] = Field(default_factory=list)
    engine: str
    abstained: bool = False


def feedback_path(settings: Settings) -> Path:
    return settings.home / "feedback.jsonl"


def record(answer: Answer, rating: Rating, path: Path) -> FeedbackEntry:
    """Append one rating of ``answer`` to ``path`` (the folder is created when missing)."""
    entry = FeedbackEntry(
        rating=rating,
        question=answer.question,
        answer=answer.answer,
        citations=answer.citations,
        trials=answer.trials,
        engine=answer.engine,
        abstained=answer.abstained,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(entry.model_dump_json() + "\n")
    return entry


def load(path: Path) -> list[FeedbackEntry]:
    """Every entry in ``path``; lines that are not valid entries are skipped."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                entries.append(FeedbackEntry.model_validate_json(line))
            except ValueError:
                continue
    return entries
