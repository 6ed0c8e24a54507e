"""The criteria-aware fit check on unseen trials: catch rate per kind of planted mistake and false
alarms on right paraphrases, per half (tune / report), next to the checker without its criteria
step (the baseline, same bullets, same run).

The set is evals/criteria/fit_bullets.jsonl (evals/criteria/make_fit_bullets.py): right
paraphrases written by an AI helper reading the criterion text before running the checker, and
wrong ones planted from them by rules. The tune half was used to develop the check; the report
half is the measurement. A planted bullet is caught when its verdict is not ``supported``; a
right one is a false alarm when it is not ``supported``.

    .venv/bin/python benchmarks/fit_check_eval.py [--data DIR] [--half tune|report|both] [--json]
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
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not (args.data / XML_ARCHIVE).is_file():
        print(f"error: {args.data / XML_ARCHIVE} not found (set --data or TRIALSUM_DATA_DIR)")
        return 2
    halves = ["tune", "report"] if args.half == "both" else [args.half]
    bullets = [b for b in load_bullets() if b.half in halves]
    by_id = trials(args.data)
    result: dict[str, object] = {"bullets": len(bullets), "trials": len(by_id)}
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
        }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{len(bullets)} bullets over {len(by_id)} trials (tune half developed on; report half "
        "is the measurement)"
    )
    for h in halves:
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
    b, c = result["baseline"], result["criteria"]  # type: ignore[assignment]
    print(
        f"\ntime: baseline {b['ms_per_bullet']} ms/bullet, criteria {c['ms_per_bullet']} "
        f"ms/bullet (ratio {c['seconds'] / max(b['seconds'], 1e-9):.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
