"""Accuracy of the pre-screen's criterion verdicts against the grades in verdict_grades.jsonl.

Per gold class (met / not_met / unknown) and overall, with the confusion matrix (rows = gold,
columns = the verdict given). The grades are one reader's judgement of the topic text (see
README.md in this folder for who graded and how).

    .venv/bin/python evals/match/grade_report.py [--grades FILE] [--json]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ("met", "not_met", "unknown")


def report(rows: list[dict[str, str]]) -> dict[str, object]:
    graded = [r for r in rows if r.get("gold") in CLASSES]
    confusion = Counter((r["gold"], r["verdict"]) for r in graded)
    per_class = {}
    for gold in CLASSES:
        n = sum(confusion[(gold, v)] for v in CLASSES)
        per_class[gold] = {"n": n, "accuracy": confusion[(gold, gold)] / n if n else None}
    right = sum(confusion[(c, c)] for c in CLASSES)
    decided = [r for r in graded if r["verdict"] != "unknown"]
    return {
        "graded": len(graded),
        "topics": len({r["topic"] for r in graded}),
        "trials": len({(r["topic"], r["trial_id"]) for r in graded}),
        "accuracy": right / len(graded) if graded else None,
        "per_gold_class": per_class,
        "precision_when_decided": (
            sum(1 for r in decided if r["gold"] == r["verdict"]) / len(decided) if decided else None
        ),
        "decided": len(decided),
        "confusion": {g: {v: confusion[(g, v)] for v in CLASSES} for g in CLASSES},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grades", type=Path, default=HERE / "verdict_grades.jsonl")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.grades.read_text().splitlines() if line.strip()]
    out = report(rows)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    acc = out["accuracy"]
    print(f"{out['graded']} verdicts graded, {out['topics']} topics, {out['trials']} topic-trials")
    print(f"overall accuracy {acc:.3f}" if acc is not None else "nothing graded")
    for gold, row in out["per_gold_class"].items():  # type: ignore[union-attr]
        a = row["accuracy"]
        print(f"  gold {gold:8} n={row['n']:4}  accuracy {a:.3f}" if a is not None else
              f"  gold {gold:8} n=0")  # fmt: skip
    p = out["precision_when_decided"]
    if p is not None:
        print(f"when the verdict is met or not_met ({out['decided']}): right {p:.3f}")
    print("\nconfusion (rows gold, columns verdict)")
    print(f"{'':10}" + "".join(f"{c:>10}" for c in CLASSES))
    for g, cols in out["confusion"].items():  # type: ignore[union-attr]
        print(f"{g:10}" + "".join(f"{cols[c]:10}" for c in CLASSES))


if __name__ == "__main__":
    main()
