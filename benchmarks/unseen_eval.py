"""The unseen eval as a benchmark: every case of evals/unseen/cases.jsonl (both halves), figures
per half and per kind, the report half against the issue-15 targets, and the gap between the
half the engine may be tuned on and the half it is reported on (the same run measures both).

    .venv/bin/python benchmarks/unseen_eval.py [--data DIR] [--engine extractive]
        [--half tune|report] [--trials N] [--summaries N] [--out reports/unseen] [--json]

Says ``skipped: ...`` and exits 0 when the shared data is absent. Regenerate the cases with
``.venv/bin/python -m evals.unseen.generate`` (deterministic: same data, same file).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.unseen import records  # noqa: E402
from evals.unseen.cases import load_cases  # noqa: E402
from evals.unseen.run import TARGETS, run, select, write  # noqa: E402
from summarizer.config import Settings  # noqa: E402


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def pct(v: float | None) -> str:
    return "   -  " if v is None else f"{100 * v:5.1f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--engine", default="extractive")
    ap.add_argument("--half", choices=["tune", "report"], action="append", default=[])
    ap.add_argument(
        "--trials",
        type=int,
        default=0,
        help="only the first N trials of the chosen halves (sorted by id), for quick iteration",
    )
    ap.add_argument("--summaries", type=int, default=0, help="also check N trials' lay summaries")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "unseen")
    ap.add_argument("--json", action="store_true", help="print the JSON report")
    args = ap.parse_args(argv)
    settings = Settings()
    if args.data:
        settings = settings.model_copy(update={"data_dir": args.data})
    if reason := records.data_present(settings.data_dir):
        print(f"skipped: {reason}")
        return 0
    cases = select(load_cases(), halves=args.half)
    if args.trials:
        keep = set(sorted({c.trial for c in cases})[: args.trials])
        cases = [c for c in cases if c.trial in keep]
    load = os.getloadavg()
    print(
        f"commit {commit()}, load {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, "
        f"{len(cases)} cases, engine {args.engine}",
        flush=True,
    )

    def progress(i: int, n: int) -> None:
        if i == 1 or i % 250 == 0 or i == n:
            print(f"  asking {i}/{n}", file=sys.stderr, flush=True)

    rep = run(
        cases, settings=settings, engine=args.engine, summaries=args.summaries, progress=progress
    )
    j, m = write(rep, args.out)
    print(
        f"{rep.trials} trials, {rep.cases} questions: ingest {rep.ingest_seconds} s, "
        f"asking {rep.ask_seconds} s ({1000 * rep.ask_seconds / max(rep.cases, 1):.0f} ms each)"
    )
    halves = rep.figures["halves"]
    print(
        "\nhalf     answerable right+cited facts  wrong-abst  unanswerable right-abst  typo right"
    )
    for half, part in halves.items():
        f, t = part["all"], part["typo"]
        print(
            f"{half:8} {f['answerable']:10} {pct(f['answer_right_cited']):>11} "
            f"{pct(f['facts_stated'])} {pct(f['wrong_abstention']):>10} {f['unanswerable']:13} "
            f"{pct(f['right_abstention']):>10} {pct(t['answer_right_cited']):>10}"
        )
    if "tune" in halves and "report" in halves:
        gap = {
            k: (halves["report"]["all"][k] or 0) - (halves["tune"]["all"][k] or 0) for k in TARGETS
        }
        print("report - tune: " + ", ".join(f"{k} {100 * v:+.1f} pt" for k, v in gap.items()))
    if "report" in halves:
        f = halves["report"]["all"]
        for k, (rule, limit) in TARGETS.items():
            v = f[k]
            ok = v is not None and (v >= limit if rule == ">=" else v <= limit)
            print(f"target {k} {rule} {limit:.0%}: {pct(v)} {'met' if ok else 'NOT MET'}")
    for half, part in halves.items():
        print(
            f"\n{half} half per kind: answerable right+cited / wrong-abst | unanswerable right-abst"
        )
        for kind, f in part["kinds"].items():
            print(
                f"  {kind:14} {f['answerable']:4} {pct(f['answer_right_cited'])} / "
                f"{pct(f['wrong_abstention'])} | {f['unanswerable']:4} {pct(f['right_abstention'])}"
            )
    if rep.summaries:
        s = rep.summaries
        print(f"\nlay summaries of {s['trials']} trials: {s['total']}")
        for key, row in s["sections"].items():
            print(f"  {key:16} {row}")
    print(f"\nreport: {m} and {j}")
    if args.json:
        print(rep.model_dump_json(indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
