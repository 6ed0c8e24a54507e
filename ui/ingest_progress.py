"""The Library's progress line while documents are added: counts a person can watch grow.

Fed by ``summarizer.ingest``'s progress callbacks (one after each document, one after each stored
batch); the total is ``summarizer.loader.count_inputs`` (a zip's members, not the zip).
"""

from __future__ import annotations

from pathlib import Path

from summarizer.ingest import IngestProgress, IngestReport


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def step_line(step: IngestProgress, total: int) -> tuple[float, str]:
    """(fraction done, words) after one progress callback; never 1.0 before the end."""
    fraction = min(0.99, step.files / total) if total else 0.5
    parts = [
        f"Read {step.files:,} of {_n(total, 'document')}" if total else f"Read {step.files:,}",
        f"{_n(step.trials, 'trial')} found",
        f"{_n(step.chunks, 'passage')} indexed",
    ]
    if step.path:
        parts.append(Path(step.path.rsplit(":", 1)[-1]).name)
    return fraction, " · ".join(parts)


def done_line(report: IngestReport, total: int) -> str:
    return (
        f"Done: read {report.files:,} of {_n(total, 'document')}, "
        f"{_n(report.chunks, 'passage')} indexed"
    )
