"""Run the cross-trial eval: ingest the libraries' trials into one temporary store through the
Assistant, ask each question with its library's trial ids, score, report.

Only the application layer's public methods are used (``build_assistant``, ``ingest``, ``ask``).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.crosstrial.cases import CrossCase, Library, load_cases, load_libraries
from evals.crosstrial.scoring import Scored, breakdown, score
from evals.unseen import records
from evals.unseen.records import write_docs
from summarizer.config import Settings

TARGETS = {"precision": (">=", 0.85), "recall": (">=", 0.85), "statuses_right": (">=", 1.0)}


class CrossReport(BaseModel):
    engine: str
    created: str
    seconds: float
    ingest_seconds: float
    ask_seconds: float
    trials: int
    cases: int
    figures: dict[str, Any]
    failures: list[Scored] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)


def select(
    cases: Sequence[CrossCase], *, halves: Sequence[str] = (), only_slice: bool = False
) -> list[CrossCase]:
    return [c for c in cases if (not halves or c.half in halves) and (not only_slice or c.slice)]


def run(
    cases: Sequence[CrossCase] | None = None,
    *,
    settings: Settings | None = None,
    engine: str = "extractive",
    workdir: Path | None = None,
    home: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CrossReport:
    """Score ``cases`` (default: all); ``home`` keeps the store there between runs (ingest is
    idempotent, so a rerun embeds nothing), else it lives in a temporary folder."""
    from summarizer.assistant import build_assistant

    started = time.perf_counter()
    cases = list(cases if cases is not None else load_cases())
    libraries: dict[str, Library] = load_libraries()
    base = settings or Settings()
    if not (base.data_dir / records.XML_ARCHIVE).exists():
        raise FileNotFoundError(f"shared data absent: {records.XML_ARCHIVE} not in {base.data_dir}")
    wanted = {t for c in cases for t in libraries[c.library].trials}
    rows: list[Scored] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="trialsum-crosstrial-", dir=workdir) as tmp:
        run_settings = base.model_copy(
            update={"home": home or Path(tmp) / "home", "chroma_url": None, "engine": engine}
        )
        docs = Path(tmp) / "docs"
        found = write_docs(wanted, base.data_dir, docs)
        skipped += [f"{t}: not in {base.data_dir}" for t in sorted(wanted - found)]
        assistant = build_assistant(run_settings, engine=engine)
        t0 = time.perf_counter()
        report = assistant.ingest([docs])
        ingest_s = time.perf_counter() - t0
        skipped += [f.line() for f in report.trials_failed]
        stored = set(assistant.trial_ids())
        t1 = time.perf_counter()
        for i, case in enumerate(cases, start=1):
            if progress:
                progress(i, len(cases))
            lib = libraries[case.library]
            ids = [t for t in lib.trials if t in stored]
            try:
                answer = assistant.ask(case.question, trial_ids=ids)
                rows.append(score(case, answer, lib.statuses))
            except Exception as exc:  # one failing question is reported, never aborts the run
                rows.append(score(case, None, lib.statuses, error=f"{type(exc).__name__}: {exc}"))
        ask_s = time.perf_counter() - t1
    return CrossReport(
        engine=engine,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        seconds=round(time.perf_counter() - started, 2),
        ingest_seconds=round(ingest_s, 2),
        ask_seconds=round(ask_s, 2),
        trials=len(stored & wanted),
        cases=len(rows),
        figures=breakdown(rows),
        failures=[r for r in rows if not r.set_right or r.wrong_status],
        skipped=skipped,
    )


def meets(figures: dict[str, Any]) -> dict[str, bool]:
    """Whether each issue-15 target is met by these figures."""
    out = {}
    for name, (op, want) in TARGETS.items():
        got = figures.get(name)
        out[name] = got is not None and (got >= want if op == ">=" else got <= want)
    return out
