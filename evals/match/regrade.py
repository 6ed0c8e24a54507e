"""The graded verdict sample, re-judged by the current code: agreement with the same grades.

Each graded row names a topic, a trial and a criterion (its kind, number and quoted words); the
current ``draft`` and ``verify_match`` give that criterion a verdict again for the topic's text,
and ``grade_report.report`` compares it with the row's ``gold``. The sample itself is not drawn
again (the grades belong to those rows), so this measures how the code's verdicts moved on the
same criteria, not a fresh sample. The grades are by an AI helper agent, not a clinician (see
README.md). A row whose trial is not in the store, or whose criterion is no longer found, is
counted apart and left out.

    .venv/bin/python evals/match/regrade.py --store DIR [--grades FILE] [--json] [--changes]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.match.grade_report import CLASSES, report
from evals.trec import load_topics
from summarizer.config import Settings, default_data_dir
from summarizer.match.facts import profile_facts
from summarizer.match.profile import read_profile
from summarizer.match.screen import draft
from summarizer.match.wording import wording
from summarizer.runtime import Runtime
from summarizer.verify import verify_match

HERE = Path(__file__).resolve().parent


def regrade(rows: list[dict[str, object]], runtime: Runtime, topics: dict[str, str]) -> tuple[
    list[dict[str, object]], int
]:  # fmt: skip
    """The rows with ``verdict`` (and ``used``) as the current code gives them; and how many
    rows could not be re-judged."""
    out: list[dict[str, object]] = []
    missing = 0
    by_topic: dict[str, list[dict[str, object]]] = {}
    for r in rows:
        by_topic.setdefault(str(r["topic"]), []).append(r)
    most = wording().limit("max_chars")
    for qid, group in by_topic.items():
        profile = read_profile(topics[qid], max_chars=most)
        facts = profile_facts(profile)
        for tid in dict.fromkeys(str(r["trial_id"]) for r in group):
            trial = runtime.store.get_trial(tid)
            mine = [r for r in group if r["trial_id"] == tid]
            if trial is None:
                missing += len(mine)
                continue
            (match,) = verify_match([draft(trial, profile, 1, facts)], {tid: trial}, profile)
            for r in mine:
                now = next(
                    (
                        v
                        for v in match.verdicts
                        if (v.kind, v.number, v.criterion)
                        == (r["kind"], r["number"], r["criterion"])
                    ),
                    None,
                )
                if now is None:
                    missing += 1
                    continue
                out.append({**r, "was": r["verdict"], "verdict": now.verdict, "used": now.used})
    return out, missing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="store folder (read only)")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--grades", type=Path, default=HERE / "verdict_grades.jsonl")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--changes", action="store_true", help="list the rows whose verdict moved")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.grades.read_text().splitlines() if line.strip()]
    topics, _ = load_topics(args.data)
    now, missing = regrade(rows, Runtime(Settings(home=args.store)), topics)
    before = report([{**r, "verdict": r["was"]} for r in now])
    after = report(now)
    if args.json:
        print(json.dumps({"missing": missing, "as_graded": before, "current": after}, indent=2))
        return
    print(f"{len(now)} graded verdicts re-judged ({missing} could not be); grades by an AI "
          "helper agent, not a clinician")  # fmt: skip
    for name, out in (("as graded (the verdicts in the file)", before), ("current code", after)):
        print(f"\n{name}: overall accuracy {out['accuracy']:.3f}")
        for gold, row in out["per_gold_class"].items():  # type: ignore[union-attr]
            a = row["accuracy"]
            shown = f"{a:.3f}" if a is not None else "n/a"
            print(f"  gold {gold:8} n={row['n']:4}  accuracy {shown}")
        p = out["precision_when_decided"]
        if p is not None:
            print(f"  when the verdict is met or not_met ({out['decided']}): right {p:.3f}")
        print(f"  confusion (rows gold, columns verdict): {out['confusion']}")
    given = {c: sum(1 for r in now if r["verdict"] == c) for c in CLASSES}
    right = {c: sum(1 for r in now if r["verdict"] == c and r["gold"] == c) for c in CLASSES}
    print("\nprecision per verdict given (current code):")
    for c in CLASSES:
        print(f"  {c:8} given {given[c]:4}  right {right[c]:4}" + (
            f"  ({right[c] / given[c]:.3f})" if given[c] else ""))  # fmt: skip
    if args.changes:
        for r in now:
            if r["was"] != r["verdict"]:
                crit = " ".join(str(r["criterion"]).split())[:100]
                print(f"{r['topic']} {r['trial_id']} {r['kind']} {r['number']}: {r['was']} -> "
                      f"{r['verdict']} (gold {r['gold']}) {crit}")  # fmt: skip


if __name__ == "__main__":
    main()
