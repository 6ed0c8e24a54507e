"""The criteria-aware fit check on unseen trials: catch rate per kind of planted mistake and false
alarms on right paraphrases, per half (tune / report), next to the checker without its criteria
step (the baseline, same bullets, same run).

The set is evals/criteria/fit_bullets.jsonl (evals/criteria/make_fit_bullets.py): right
paraphrases written by an AI helper reading the criterion text before running the checker, and
wrong ones planted from them by rules. The tune half was used to develop the check; the report
half is the measurement. A planted bullet is caught when its verdict is not ``supported``; a
right one is a false alarm when it is not ``supported``. The set has rounds (round 2: trials chosen
under a second seed, excluding round 1's; rounds 3 to 5 likewise); ``--round`` keeps one, and
with every round (the default) each round's figures are printed under the whole set's.

    .venv/bin/python benchmarks/fit_check_eval.py [--data DIR] [--half tune|report|both]
        [--round 1|2|3|4|5|all] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evals.criteria.fit_bullets_eval import figures, load_bullets, run, trials  # noqa: E402
from evals.criteria.make_fit_bullets import DEFAULT_DATA, MISTAKES  # noqa: E402
from evals.unseen.records import XML_ARCHIVE  # noqa: E402
from summarizer.checker import check_statement, core  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--half", choices=["tune", "report", "both"], default="both")
    ap.add_argument("--round", choices=["1", "2", "3", "4", "5", "all"], default="all")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (args.data / XML_ARCHIVE).is_file():
        print(f"error: {args.data / XML_ARCHIVE} not found (set --data or TRIALSUM_DATA_DIR)")
        return 2
    halves = ["tune", "report"] if args.half == "both" else [args.half]
    bullets = [
        b
        for b in load_bullets()
        if b.half in halves and (args.round == "all" or b.round_no == int(args.round))
    ]
    rounds = sorted({b.round_no for b in bullets}) if args.round == "all" else []
    by_id = trials(args.data)
    result: dict[str, object] = {
        "bullets": len(bullets),
        "trials": len({b.nct for b in bullets}),
        "round": args.round,
    }
    for name, on in (("baseline", False), ("criteria", True)):
        core.use_criteria_step(on)
        t0 = time.perf_counter()
        try:
            outcomes = run(check_statement, bullets, by_id)
        finally:
            core.use_criteria_step(True)
        secs = time.perf_counter() - t0
        result[name] = {
            "seconds": round(secs, 2),
            "ms_per_bullet": round(1000 * secs / max(1, len(bullets)), 1),
            **{h: figures(outcomes, h).model_dump() for h in halves},
            **{
                f"{h}_round{r}": figures(outcomes, h, r).model_dump()
                for h in halves
                for r in (rounds if len(rounds) > 1 else [])
            },
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{len(bullets)} bullets over {result['trials']} trials, round {args.round} (tune half "
        "developed on; report half is the measurement)"
    )
    parts = [*halves, *(f"{h}_round{r}" for h in halves for r in rounds if len(rounds) > 1)]
    for h in parts:
        base, crit = result["baseline"][h], result["criteria"][h]  # type: ignore[index]
        print(
            f"\n[{h}] right {crit['right']}: false alarms baseline "
            f"{base['false_alarm_rate']:.1%} -> criteria {crit['false_alarm_rate']:.1%}"
        )
        print(f"  {'kind':<11} {'n':>4} {'baseline':>9} {'criteria':>9}")
        for kind in MISTAKES:
            n = crit["planted"].get(kind, 0)
            if n:
                print(
                    f"  {kind:<11} {n:>4} {base['catch'][kind]:>9.1%} {crit['catch'][kind]:>9.1%}"
                )
        print(
            f"  {'all':<11} {sum(crit['planted'].values()):>4} {base['catch_all']:>9.1%} "
            f"{crit['catch_all']:>9.1%}"
        )
    b: dict[str, float] = result["baseline"]  # type: ignore[assignment]
    c: dict[str, float] = result["criteria"]  # type: ignore[assignment]
    print(
        f"\ntime: baseline {b['ms_per_bullet']} ms/bullet, criteria {c['ms_per_bullet']} "
        f"ms/bullet (ratio {c['seconds'] / max(b['seconds'], 1e-9):.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
