"""A reader process for the concurrency tests: searches a store in a loop and reports as JSON.

``python tests/reliability/reader.py HOME STOP_FILE REPORT [--chroma-url URL --collection N]``

Each round runs every query through the hybrid retriever and reads one listed trial's chunks,
checking that it is whole, then prints "round N" on stderr. It stops when STOP_FILE exists (or
after a time limit) and writes one JSON object to REPORT: rounds, every hit as (trial, chunk id,
content hash), the trials found not whole, every dense chunk it can find once stopped, and every
error (a clear "store busy" wait is logged, not an error).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from pathlib import Path

from summarizer.config import Settings
from summarizer.runtime import Runtime

QUERIES = (
    "HIV infection",
    "pregnant or breastfeeding women are excluded",
    "cancer chemotherapy",
    "children",
    "blood pressure",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("stop", type=Path)
    parser.add_argument("report", type=Path)
    parser.add_argument("--chroma-url")
    parser.add_argument("--collection", default="trialsum")
    parser.add_argument("--limit", type=float, default=240.0)
    args = parser.parse_args()
    runtime = Runtime(
        Settings(home=args.home, chroma_url=args.chroma_url, collection=args.collection)
    )
    rng = random.Random(7)
    report: dict[str, list[object]] = {"rounds": [], "hits": [], "not_whole": [], "errors": []}
    deadline = time.monotonic() + args.limit
    print("ready", file=sys.stderr, flush=True)
    while not args.stop.exists() and time.monotonic() < deadline:
        started = time.time()
        try:
            for query in QUERIES:
                for hit in runtime.retriever.search(query, k=8):
                    c = hit.chunk
                    report["hits"].append((c.trial_id, c.id, c.content_hash))
            states = runtime.store.trial_states()  # type: ignore[attr-defined]
            if states:
                tid = rng.choice(sorted(states))
                chunks = runtime.store.chunks(tid)
                if len(chunks) != states[tid].chunks:
                    report["not_whole"].append((tid, len(chunks), states[tid].chunks))
        except Exception as exc:
            report["errors"].append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        report["rounds"].append((started, time.time()))
        print(f"round {len(report['rounds'])}", file=sys.stderr, flush=True)
    # After the writer: does this long-lived process's vector index hold everything now?
    store = runtime.store
    probe = [1.0] + [0.0] * (runtime.embedder.dim - 1)
    found = store.dense_query(probe, max(store.dense.count(), 1))  # type: ignore[attr-defined]
    report["final_dense"] = sorted(f"{c.trial_id}:{c.id}" for c, _ in found)
    args.report.write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main()
