"""Run the hand-written eval: ``python -m evals.handwritten.run --half tune|report [--round N]``.

``--round N`` keeps only the cases of selection round N (see ``select.py``; a case without
``round`` is round 1); without it every round is asked.

The trials of the chosen half go into a temporary store and every question is asked through the
Assistant with ``trial_ids=[the trial]`` (the path of ``trialsum ask --trial``), exactly as the
unseen eval does: this module reuses ``evals.unseen.run.run`` and ``evals.unseen.scoring``, so
"right and cited", "wrong abstention" and "right abstention" mean the same thing here.

Where it differs from the unseen set: the expected facts are phrases chosen by hand from the
record's own words (a case may list alternatives and ``need`` fewer than all of them); the
questions the record does not answer are of every kind (side effects, contacts, sites, dates,
enrolment, reasons for stopping, results, cost), not only cost; and the figures are also split by
who asks (about the trial vs about oneself, patient vs editor), since that is what this set adds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from evals.handwritten.cases import CASES, HandwrittenCase, load_cases
from evals.unseen import records
from evals.unseen.run import TARGETS, scratch_run
from evals.unseen.scoring import Scored, breakdown, figures
from summarizer.config import Settings


class HandwrittenReport(BaseModel):
    half: str
    round: int | None = Field(default=None, description="the selection round asked; None: all")
    engine: str
    created: str
    seconds: float
    ingest_seconds: float
    ask_seconds: float
    trials: int
    cases: int
    figures: dict[str, Any]
    groups: dict[str, Any]
    rows: list[Scored] = Field(default_factory=list, description="every scored case")
    skipped: list[str] = Field(default_factory=list)


def select(
    cases: Sequence[HandwrittenCase], half: str, round_: int | None = None
) -> list[HandwrittenCase]:
    return [c for c in cases if c.half == half and (round_ is None or c.round == round_)]


def group_figures(rows: list[Scored], cases: Sequence[HandwrittenCase]) -> dict[str, Any]:
    """Figures for questions about oneself vs about the trial, and by asker."""
    by_id = {c.id: c for c in cases}

    def part(pred: Any) -> dict[str, Any]:
        return figures([r for r in rows if pred(by_id[r.id])])

    return {
        "about oneself": part(lambda c: c.first_person),
        "about the trial": part(lambda c: not c.first_person),
        "patient": part(lambda c: c.asker == "patient"),
        "editor": part(lambda c: c.asker == "editor"),
    }


def run(
    half: str,
    *,
    cases: Sequence[HandwrittenCase] | None = None,
    settings: Settings | None = None,
    engine: str = "extractive",
    workdir: Path | None = None,
    round_: int | None = None,
) -> HandwrittenReport:
    """Ingest the half's trials into a temporary store, ask every question, score them all."""
    started = time.perf_counter()
    chosen = select(cases if cases is not None else load_cases(CASES), half, round_)
    if not chosen:
        where = f"half {half!r}" + ("" if round_ is None else f", round {round_}")
        raise ValueError(f"no cases in {where}")
    base = settings or Settings()
    if not (base.data_dir / records.XML_ARCHIVE).exists():
        raise FileNotFoundError(f"shared data absent: {records.XML_ARCHIVE} not in {base.data_dir}")
    with scratch_run(
        chosen, base, engine=engine, workdir=workdir, prefix="trialsum-handwritten-"
    ) as (done, _):
        rows = done.rows
    return HandwrittenReport(
        half=half,
        round=round_,
        engine=engine,
        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        seconds=round(time.perf_counter() - started, 2),
        ingest_seconds=round(done.ingest_seconds, 2),
        ask_seconds=round(done.ask_seconds, 2),
        trials=len(done.stored),
        cases=len(rows),
        figures=breakdown(rows)["halves"].get(half, {}),
        groups=group_figures(rows, chosen),
        rows=rows,
        skipped=done.skipped,
    )


# ---------------------------------------------------------------- the report


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{100 * v:.1f}%"


def _line(name: str, f: dict[str, Any]) -> str:
    cells = [
        name,
        str(f["answerable"]),
        _pct(f["answer_right_cited"]),
        _pct(f["facts_stated"]),
        _pct(f["wrong_abstention"]),
        str(f["unanswerable"]),
        _pct(f["right_abstention"]),
    ]
    return "| " + " | ".join(cells) + " |"


HEAD = [
    "| part | answerable | right and cited | facts stated | wrong abstentions | unanswerable "
    "| right abstentions |",
    "|---|---|---|---|---|---|---|",
]


def markdown(rep: HandwrittenReport) -> str:
    targets = ", ".join(f"{k} {rule} {v:g}" for k, (rule, v) in TARGETS.items())
    which = "all rounds" if rep.round is None else f"round {rep.round}"
    lines = [
        f"# Hand-written eval, {rep.half} half, {which} ({rep.engine} engine)",
        "",
        f"{rep.created}: {rep.cases} questions over {rep.trials} trials; ingest "
        f"{rep.ingest_seconds} s, asking {rep.ask_seconds} s, total {rep.seconds} s. "
        f"Targets as the unseen set: {targets}.",
        "",
        *HEAD,
        _line("**all**", rep.figures["all"]),
        _line("typo'd", rep.figures["typo"]),
        *(_line(k, f) for k, f in rep.groups.items()),
        "",
        "## Per kind",
        "",
        *HEAD,
        *(_line(k, f) for k, f in rep.figures["kinds"].items()),
        "",
    ]
    if rep.skipped:
        lines += ["## Skipped trials", "", *(f"- {s}" for s in rep.skipped), ""]
    lines += ["## Failures", ""]
    for r in rep.rows:
        if r.right:
            continue
        why = "abstained" if r.abstained else ("no fact" if not r.facts_ok else "not cited")
        if not r.answerable:
            why = "answered instead of abstaining"
        if r.error:
            why = f"error: {r.error}"
        lines.append(f"- `{r.id}` ({r.kind}, {why}): {r.question!r} -> {r.answer[:240]!r}")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=("tune", "report"), required=True)
    ap.add_argument(
        "--round", type=int, default=None, help="only this selection round (default: all)"
    )
    ap.add_argument("--engine", default="extractive")
    ap.add_argument("--json", action="store_true", help="print the full report as JSON")
    ap.add_argument("--out", type=Path, help="also write handwritten_<half>.json and .md here")
    args = ap.parse_args(argv)
    try:
        rep = run(args.half, engine=args.engine, round_=args.round)
    except (FileNotFoundError, ValueError) as exc:
        print(f"handwritten eval: {exc}", file=sys.stderr)
        return 2
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        stem = f"handwritten_{rep.half}" + ("" if rep.round is None else f"_round{rep.round}")
        (args.out / f"{stem}.json").write_text(rep.model_dump_json(indent=1), encoding="utf-8")
        (args.out / f"{stem}.md").write_text(markdown(rep), encoding="utf-8")
    print(rep.model_dump_json(indent=1) if args.json else markdown(rep), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
