"""TREC 2021 cross-trial NDCG@10 with and without the LLM query condenser, same topics, same run.

For each patient-note topic of a fixed, named subset (the first ``--topics`` of one half: ``tune``
= odd-numbered topics, ``report`` = even-numbered ones, as ``trec_match.py`` splits them), trials
are ranked by ``Retriever.search_trials`` three ways:

* ``description`` (the baseline, what ``match`` searches with today): the description as written,
  capped at ``max_chars`` like ``Assistant.match``;
* ``condensed``: the model's search terms (``summarizer.match.condense``) instead;
* ``fused``: both rankings fused by RRF (k=10, 1:1).

Scored as ``trec_retrieval.py`` scores (condensed lists: unjudged trials removed; eligible =
label 2, relevant = label >= 1). A topic whose condensing fails (no usable reply, an endpoint
error) is ranked by its description in the ``condensed`` run too, and counted.

The store is an existing trialsum home (``--store``; e.g. a copy of the 551-judged-trial store):
this benchmark does not ingest. The model: ``OPENAI_BASE_URL`` when set, else the pulled local
model started here with 1 thread.

    .venv/bin/python benchmarks/trec_condenser.py --store HOME [--topics 10] [--half report]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._local_model import local_endpoint  # noqa: E402
from evals.trec import load_topics, metrics  # noqa: E402
from summarizer.config import Settings, default_data_dir  # noqa: E402
from summarizer.llm_client import LLMError  # noqa: E402
from summarizer.llm_reply import ReplyError  # noqa: E402
from summarizer.match.condense import as_query, condense, make_client  # noqa: E402
from summarizer.match.wording import wording  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402
from vectorstore import fusion  # noqa: E402

FETCH = 100  # trials ranked per query; NDCG@10 reads the first 10 judged ones
RUNS = ("description", "condensed", "fused")


def ranking(runtime: Runtime, query: str) -> dict[str, float]:
    return {h.trial_id: h.score for h in runtime.retriever.search_trials(query, k=FETCH)}


def ordered(scores: dict[str, float]) -> list[str]:
    return sorted(scores, key=lambda t: (-scores[t], t))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True, help="a trialsum home with TREC trials")
    ap.add_argument("--data", type=Path, default=default_data_dir())
    ap.add_argument("--topics", type=int, default=10, help="first N topics of the half")
    ap.add_argument("--half", choices=("tune", "report"), default="tune")
    ap.add_argument("--model", default="0.5b", help="local model when no OPENAI_BASE_URL")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    if not (args.data / "trec_2021" / "qrels.tsv").is_file():
        print(f"skipped: {args.data}/trec_2021 not found")
        return 0
    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    topics, qrels = load_topics(args.data)
    runtime = Runtime(Settings(home=args.store))
    stored = set(runtime.store.trial_ids())
    qrels = {q: {d: s for d, s in per.items() if d in stored} for q, per in qrels.items()}
    qids = sorted((q for q in topics if qrels.get(q)), key=lambda q: int(q.split("-")[1]))
    half = qids[0::2] if args.half == "tune" else qids[1::2]
    chosen = half[: args.topics]
    most = wording().limit("max_chars")
    results: dict[str, Any] = {
        "commit": rev,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": f"{args.store} ({len(stored)} trials)",
        "subset": f"TREC 2021 {args.half} half, first {len(chosen)} topics: {', '.join(chosen)}",
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    with ExitStack() as stack:
        local_endpoint(stack, args.model)
        settings = Settings().model_copy(update={"llm_timeout": 180.0, "llm_max_retries": 0})
        client = make_client(settings)
        results["model"] = settings.model
        runs: dict[str, dict[str, list[str]]] = {r: {} for r in RUNS}
        secs: list[float] = []
        failed: list[str] = []
        samples: dict[str, list[str]] = {}
        for qid in chosen:
            text = topics[qid][:most]
            plain = ranking(runtime, text)
            started = time.perf_counter()
            try:
                terms = condense(text, client)
            except (ReplyError, LLMError) as exc:
                print(f"  {qid}: condensing failed ({exc})", file=sys.stderr)
                failed.append(qid)
                terms = []
            secs.append(time.perf_counter() - started)
            short = ranking(runtime, as_query(terms)) if terms else plain
            samples[qid] = terms
            runs["description"][qid] = ordered(plain)
            runs["condensed"][qid] = ordered(short)
            runs["fused"][qid] = ordered(fusion.rrf([plain, short], k=10))
            print(f"  {qid} {secs[-1]:.1f}s {terms}", file=sys.stderr)
    table: dict[str, dict[str, float]] = {}
    for name, per_topic in runs.items():
        row: dict[str, float] = {}
        for label, min_label in (("eligible", 2), ("relevant", 1)):
            scores = [metrics(per_topic[q], qrels[q], min_label) for q in chosen]
            row[f"ndcg10 {label}"] = round(sum(s[0] for s in scores) / len(scores), 4)
            row[f"p10 {label}"] = round(sum(s[1] for s in scores) / len(scores), 4)
        table[name] = row
    base = table["description"]["ndcg10 eligible"]
    results.update(
        {
            "scores": table,
            "condensed_over_description": (
                round(table["condensed"]["ndcg10 eligible"] / base, 3) if base else None
            ),
            "condense_failed": failed,
            "condense_s_p50": round(sorted(secs)[len(secs) // 2], 1) if secs else None,
            "condense_s_max": round(max(secs), 1) if secs else None,
            "terms": samples,
            "load_after": [round(x, 2) for x in os.getloadavg()],
        }
    )
    text_out = json.dumps(results, indent=2)
    print(text_out)
    if args.json:
        args.json.write_text(text_out + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
