"""Run the unseen eval: ingest the cases' trials into a temporary store through the Assistant,
ask every question, score, and write ``unseen.json`` and ``unseen.md``.

Only the application layer's public methods are used (``build_assistant``, ``ingest``, ``ask``,
``summarize``), so the figures measure what a user gets, whatever the engine does inside.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.unseen import records
from evals.unseen.cases import CASES, UnseenCase, load_cases
from evals.unseen.scoring import Scored, breakdown, score
from summarizer.config import Settings

TARGETS = {
    "answer_right_cited": (">=", 0.90),
    "wrong_abstention": ("<=", 0.03),
    "right_abstention": (">=", 0.95),
}


class UnseenReport(BaseModel):
    engine: str
    created: str
    seconds: float
    ingest_seconds: float
    ask_seconds: float
    trials: int
    cases: int
    figures: dict[str, Any]
    failures: list[Scored] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="trials not ingested, and why")
    summaries: dict[str, Any] = Field(default_factory=dict)


def select(
    cases: Sequence[UnseenCase], *, halves: Sequence[str] = (), only_slice: bool = False
) -> list[UnseenCase]:
    return [c for c in cases if (not halves or c.half in halves) and (not only_slice or c.slice)]


@dataclass
class ScratchRun:
    """What asking a set of cases on a throwaway store gave: scored rows and where time went."""

    rows: list[Scored] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    stored: set[str] = field(default_factory=set)
    ingest_seconds: float = 0.0
    ask_seconds: float = 0.0


@contextmanager
def scratch_run(
    cases: Sequence[Any],
    base: Settings,
    *,
    engine: str,
    workdir: Path | None,
    prefix: str,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[ScratchRun, Any]]:
    """Write the cases' trials from the shared data into a temporary store, ingest them through
    the Assistant and ask every case on its own trial (``trial_ids=[case.trial]``), scored; a
    failing question is scored as an error, never aborts the run. Yields the run and the
    Assistant (for more work on the same store) until the block ends and the store is removed."""
    from summarizer.assistant import build_assistant

    out = ScratchRun()
    wanted = {c.trial for c in cases}
    with tempfile.TemporaryDirectory(prefix=prefix, dir=workdir) as tmp:
        run_settings = base.model_copy(
            update={"home": Path(tmp) / "home", "chroma_url": None, "engine": engine}
        )
        docs = Path(tmp) / "docs"
        found = records.write_docs(wanted, base.data_dir, docs)
        out.skipped += [f"{t}: not in {base.data_dir}" for t in sorted(wanted - found)]
        assistant = build_assistant(run_settings, engine=engine)
        t0 = time.perf_counter()
        report = assistant.ingest([docs])
        out.ingest_seconds = time.perf_counter() - t0
        out.skipped += [f.line() for f in report.trials_failed]
        out.stored = set(assistant.trial_ids()) & wanted
        t1 = time.perf_counter()
        for i, case in enumerate(cases, start=1):
            if progress:
                progress(i, len(cases))
            if case.trial not in out.stored:
                continue
            try:
                ans = assistant.ask(case.question, trial_ids=[case.trial])
                out.rows.append(score(case, ans, case.trial))
            except Exception as exc:  # one failing question is reported, never aborts the run
                out.rows.append(score(case, None, case.trial, error=f"{type(exc).__name__}: {exc}"))
        out.ask_seconds = time.perf_counter() - t1
        yield out, assistant


def run(
    cases: Sequence[UnseenCase] | None = None,
    *,
    settings: Settings | None = None,
    engine: str = "extractive",
    workdir: Path | None = None,
    summaries: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> UnseenReport:
    """Score ``cases`` (default: all of ``cases.jsonl``); ``summaries`` > 0 also checks that
    many trials' lay summaries for cut sentences and reading grade."""
    started = time.perf_counter()
    cases = list(cases if cases is not None else load_cases(CASES))
    base = settings or Settings()
    if reason := records.data_present(base.data_dir):
        raise FileNotFoundError(reason)
    summary_figs: dict[str, Any] = {}
    with scratch_run(
        cases, base, engine=engine, workdir=workdir, prefix="trialsum-unseen-", progress=progress
    ) as (done, assistant):
        if summaries:
            from evals.unseen.summaries import check_summaries

            ids = sorted({c.trial for c in cases if c.trial in done.stored})[:summaries]
            summary_figs = check_summaries(assistant, ids)
    rows = done.rows
    return UnseenReport(
        engine=engine,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        seconds=round(time.perf_counter() - started, 2),
        ingest_seconds=round(done.ingest_seconds, 2),
        ask_seconds=round(done.ask_seconds, 2),
        trials=len(done.stored),
        cases=len(rows),
        figures=breakdown(rows),
        failures=[r for r in rows if not r.right],
        skipped=done.skipped,
        summaries=summary_figs,
    )


# ---------------------------------------------------------------- the report


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def _verdict(name: str, v: float | None) -> str:
    rule, limit = TARGETS[name]
    if v is None:
        return ""
    ok = v >= limit if rule == ">=" else v <= limit
    return " (met)" if ok else " (**not met**)"


COLUMNS = (
    "answerable",
    "right and cited",
    "facts stated",
    "wrong abstentions",
    "unanswerable",
    "right abstentions",
)


def _row(first: str, f: dict[str, Any], *extra: str, verdicts: bool = False) -> str:
    def v(name: str) -> str:
        return _pct(f[name]) + (_verdict(name, f[name]) if verdicts else "")

    cells = [
        first,
        str(f["answerable"]),
        v("answer_right_cited"),
        _pct(f["facts_stated"]),
        v("wrong_abstention"),
        str(f["unanswerable"]),
        v("right_abstention"),
        *extra,
    ]
    return "| " + " | ".join(cells) + " |"


def _head(first: str, *extra: str) -> list[str]:
    cols = [first, *COLUMNS, *extra]
    return ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]


def markdown(rep: UnseenReport) -> str:
    lines = [
        f"# Unseen eval ({rep.engine} engine)",
        "",
        f"{rep.created}: {rep.cases} questions over {rep.trials} trials; ingest "
        f"{rep.ingest_seconds} s, asking {rep.ask_seconds} s, total {rep.seconds} s. Cases are "
        "generated from the raw XML / API v2 fields (`evals/unseen/generate.py`); tune on the "
        "`tune` half, report the `report` half.",
        "",
        *_head("half", "typo'd: right and cited"),
    ]
    for half, part in rep.figures["halves"].items():
        typo = _pct(part["typo"]["answer_right_cited"])
        lines.append(_row(f"**{half}**", part["all"], typo, verdicts=True))
    lines += [
        "",
        "Targets (report half): right and cited >= 90%, wrong abstentions <= 3%, "
        "right abstentions >= 95%.",
        "",
    ]
    for half, part in rep.figures["halves"].items():
        lines += [f"## {half} half, per kind", "", *_head("kind")]
        lines += [_row(kind, f) for kind, f in part["kinds"].items()]
        lines.append("")
    if rep.summaries:
        lines += ["## Lay summaries", "", "```", json.dumps(rep.summaries, indent=1), "```", ""]
    if rep.skipped:
        lines += ["## Skipped trials", "", *(f"- {s}" for s in rep.skipped), ""]
    lines += ["## Failures (first 60)", ""]
    for r in rep.failures[:60]:
        why = "abstained" if r.abstained else ("no fact" if not r.facts_ok else "not cited")
        if not r.answerable:
            why = "answered instead of abstaining"
        lines.append(f"- `{r.id}` ({r.half}, {why}): {r.question!r} -> {r.answer[:200]!r}")
    return "\n".join(lines) + "\n"


def write(rep: UnseenReport, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    j, m = out / "unseen.json", out / "unseen.md"
    j.write_text(rep.model_dump_json(indent=1), encoding="utf-8")
    m.write_text(markdown(rep), encoding="utf-8")
    return j, m
