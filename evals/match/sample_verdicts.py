"""Draw the criterion-verdict sample to grade: TREC 2021 topics x their top trials, seeded.

The topics and the verdicts are drawn by the seed before anyone reads a verdict: topics from the
even-numbered (reported, not tuned on) half, then ``--top`` trials per topic as Assistant.match
ranks them, then ``--per-topic`` of their verdicts uniformly at random. Written one JSON object a
line to verdict_sample.jsonl; verdict_grades.jsonl adds the grader's ``gold`` and ``why``.

    .venv/bin/python evals/match/sample_verdicts.py --store DIR [--topics 24 --per-topic 14]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.trec import load_topics
from summarizer.assistant import Assistant
from summarizer.config import Settings, default_data_dir
from summarizer.runtime import Runtime

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="store folder (read only)")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--topics", type=int, default=24)
    parser.add_argument("--top", type=int, default=3, help="trials per topic")
    parser.add_argument("--per-topic", type=int, default=14, help="verdicts per topic")
    parser.add_argument("--out", type=Path, default=HERE / "verdict_sample.jsonl")
    args = parser.parse_args()

    topics, _ = load_topics(args.data)
    rng = random.Random(args.seed)
    even = sorted(q for q in topics if int(q.removeprefix("trec-2021")) % 2 == 0)
    chosen = sorted(rng.sample(even, args.topics), key=lambda q: int(q.removeprefix("trec-2021")))
    assistant = Assistant(Runtime(Settings(home=args.store)))
    rows: list[dict[str, object]] = []
    for qid in chosen:
        result = assistant.match(topics[qid], k=args.top)
        pool = [(m.trial_id, v) for m in result.trials for v in m.verdicts]
        for trial_id, v in rng.sample(pool, min(args.per_topic, len(pool))):
            rows.append(
                {
                    "topic": qid,
                    "trial_id": trial_id,
                    "kind": v.kind,
                    "number": v.number,
                    "criterion": v.criterion,
                    "verdict": v.verdict,
                    "used": v.used,
                    "reason": v.reason,
                    "source": v.source,
                    "checked": v.checked,
                }
            )
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    print(f"{len(rows)} verdicts from {len(chosen)} topics written to {args.out}")


if __name__ == "__main__":
    main()
