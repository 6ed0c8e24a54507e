"""Questions about oneself on unseen trials: is the answer's direction right, and does it rest on
the right criterion?

Reads ``evals/criteria/self_questions.jsonl`` (round 1: 166 questions over 43 trials; round 2:
66 questions over 16 more trials; round 3: 76 over 16 more; round 4: 74 over 16 more;
round 5: 75 over 16 more; round 6: 92 over 16 more;
each chosen by
``evals/criteria/self_questions_sample.py`` and
written and labelled by an AI helper reading the criteria, before running the engine), asks
each through the application layer (extractive engine, the one verification step) about its one
trial, and scores what the patient would read:

- direction: each cited statement (with the comparison that follows it, if any) reads as "does
  not take", "allowed if", "takes" or "the record does not say" by its wording; the answer's
  direction is the most restrictive one it states (none stated: "does not say");
- criterion: the statements carrying that direction cite the labelled criterion (its span in
  the source overlaps the citation), or the age or sex field for "age" and "sex".

The scorer lives in ``evals/criteria/self_questions_eval.py`` (shared with the CI gate and
``trialsum eval --suite criteria``); this is its command line. Prints per half (tune: what the
engine was tuned on; report: held out) the share with the right direction and with the right
direction AND criterion, and per half and round when more than one round is scored ("tune r2").
``--round N`` scores one round only (default: all; a row without "round" is round 1).
Baseline: run the same script on the code before the change
(``PYTHONPATH=<old tree> .venv/bin/python benchmarks/self_eligibility_eval.py``) and give its
JSON with ``--baseline FILE`` to print both side by side.

Usage: .venv/bin/python benchmarks/self_eligibility_eval.py [--half report] [--round 2] [--json OUT]
       [--baseline FILE] [--show-failures]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: an older tree given there is what runs

from evals.criteria.self_questions_eval import (  # noqa: E402
    load_questions,
    load_trials,
    round_of,
    score,
    summary,
    vocabulary_coverage,
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--half", choices=["tune", "report"], default=None)
    ap.add_argument("--round", type=int, default=None, help="one round only (default: all)")
    ap.add_argument("--json", type=Path, default=None, help="write every result here")
    ap.add_argument("--baseline", type=Path, default=None, help="a previous run's --json file")
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args()
    rows = [
        r
        for r in load_questions()
        if args.half in (None, r["half"]) and args.round in (None, round_of(r))
    ]
    trials = load_trials(rows)
    results = score(rows, trials)
    figures = summary(results)
    if args.json:
        args.json.write_text(json.dumps({"summary": figures, "results": results}, indent=1))
    base = json.loads(args.baseline.read_text())["summary"] if args.baseline else {}
    print("self-eligibility questions (written and labelled by an AI helper reading the criteria,")
    print("before running the engine); tune = tuned on, report = held out")
    for half, f in figures.items():
        line = (
            f"{half:9} {f['questions']:4} q / {f['trials']:2} trials  direction "
            f"{f['direction']:.3f}  direction+criterion {f['direction_and_criterion']:.3f}"
        )
        if half in base:
            b = base[half]
            line += f"   baseline {b['direction']:.3f} / {b['direction_and_criterion']:.3f}"
        print(line)
    cov = vocabulary_coverage(rows)
    print(f"vocabulary: {cov['mapped']} of {cov['questions_naming_a_term']} questions that name "
          f"a condition or treatment map it to a concept ({cov['share']:.3f})")  # fmt: skip
    if args.show_failures:
        for r in results:
            if not r["right"]:
                print(
                    f"\n[{r['half']} r{round_of(r)}] {r['id']} {r['question']!r} "
                    f"expect {r['expect']} {r['criteria']} got {r['got']} {r['cited']}\n"
                    f"  {r['answer'][:400]}"
                )


if __name__ == "__main__":
    main()
