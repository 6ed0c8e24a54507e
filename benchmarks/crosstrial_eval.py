"""The cross-trial eval as a benchmark: questions that select among a library of trials (status,
population, place, condition), figures per half and per kind, the report half against the
issue-15 targets (trial set precision and recall >= 85%, statuses right 100%).

    .venv/bin/python benchmarks/crosstrial_eval.py [--data DIR] [--half tune|report]
        [--libraries N] [--home DIR] [--failures N] [--out reports/crosstrial] [--json]

Says ``skipped: ...`` and exits 0 when the shared data is absent. Regenerate the set with
``.venv/bin/python -m evals.crosstrial.generate`` (deterministic: same data, same files).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.crosstrial.cases import load_cases  # noqa: E402
from evals.crosstrial.run import TARGETS, meets, run, select  # noqa: E402
from evals.unseen import records  # noqa: E402
from summarizer.config import Settings  # noqa: E402


def pct(v: float | None) -> str:
    return "   -  " if v is None else f"{100 * v:5.1f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--engine", default="extractive")
    ap.add_argument("--half", choices=["tune", "report"], action="append", default=[])
    ap.add_argument("--slice", action="store_true", help="only the CI slice of the report half")
    ap.add_argument("--libraries", type=int, default=0, help="only the first N libraries")
    ap.add_argument("--home", type=Path, default=None, help="keep the store here between runs")
    ap.add_argument("--failures", type=int, default=0, help="print N failing questions")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "crosstrial")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    settings = Settings()
    if args.data:
        settings = settings.model_copy(update={"data_dir": args.data})
    if not (settings.data_dir / records.XML_ARCHIVE).exists():
        print(f"skipped: {records.XML_ARCHIVE} not in {settings.data_dir}")
        return 0
    cases = select(load_cases(), halves=args.half, only_slice=args.slice)
    if args.libraries:
        keep = sorted({c.library for c in cases})[: args.libraries]
        cases = [c for c in cases if c.library in keep]
    rep = run(cases, settings=settings, engine=args.engine, home=args.home)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "crosstrial.json").write_text(rep.model_dump_json(indent=1), encoding="utf-8")
    if args.json:
        print(rep.model_dump_json(indent=1))
        return 0
    print(f"cross-trial eval, engine {rep.engine}: {rep.cases} questions on {rep.trials} trials")
    print(f"ingest {rep.ingest_seconds:.1f} s, asking {rep.ask_seconds:.1f} s")
    head = (
        f"{'':22}{'questions':>10}{'precision':>11}{'recall':>9}{'set right':>11}{'statuses':>10}"
    )
    print(head)
    rows = [("overall", rep.figures["overall"])]
    rows += [(f"half {h}", f) for h, f in rep.figures["halves"].items()]
    rows += [(f"  {k}", f) for k, f in rep.figures["kinds"].items()]
    for name, f in rows:
        print(
            f"{name:22}{f['questions']:>10}{pct(f['precision']):>11}{pct(f['recall']):>9}"
            f"{pct(f['set_right']):>11}{pct(f['statuses_right']):>10}"
        )
    if "report" in rep.figures["halves"]:
        got = meets(rep.figures["halves"]["report"])
        print(
            "targets on the report half:",
            ", ".join(
                f"{k} {op} {v}: {'met' if got[k] else 'NOT met'}" for k, (op, v) in TARGETS.items()
            ),
        )
    for r in rep.failures[: args.failures]:
        print(json.dumps(r.model_dump(exclude={"answer"}), ensure_ascii=False))
        print("   ", r.answer[:400].replace("\n", " | "))
    if rep.skipped:
        print("skipped:", *rep.skipped[:10], sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
