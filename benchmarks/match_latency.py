"""Latency of the pre-screen (``Assistant.match``) in-process, p50/p95, against a baseline
measured in the same run: plain ``search_trials`` over the same store for the same descriptions
(the retrieval the match starts from, at the same candidate depth).

Descriptions: the TREC Clinical Trials 2021 topics (``../shared/data/trec_2021/queries.jsonl``),
the first ``--n``. The store is ``--store`` (a TRIALSUM_HOME folder, as ``trialsum --store``);
``--ingest PATH`` indexes documents into it first (for a small store). Each description runs once
as warm-up (store, indexes and criteria caches), then ``--repeat`` timed runs. The match is
timed twice: warm (the matcher's caches of criterion wordings, as a server has them after its
first requests) and cold (those caches emptied before every description, as a first request
meets them). The 1-minute load average is printed with each figure: on a shared machine it
says how far the figures are from an idle one.

Target: under 2 s p95 over the 6,786-trial store on 2 cores.

    .venv/bin/python benchmarks/match_latency.py --store /work/store6786 [--n 30] [--k 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.assistant import Assistant  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402

TARGET_S = 2.0


def descriptions(n: int) -> list[str]:
    data = Path(os.environ.get("TRIALSUM_DATA_DIR", ROOT.parent / "shared" / "data"))
    lines = (data / "trec_2021" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines[:n]]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, items: list[str], repeat: int, before=None) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(repeat):
        for item in items:
            if before is not None:
                before()  # not timed
            t = time.perf_counter()
            fn(item)
            out.append(time.perf_counter() - t)
    return out


def load() -> float:
    return round(os.getloadavg()[0], 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="TRIALSUM_HOME folder")
    parser.add_argument("--ingest", type=Path, nargs="*", default=[], help="index these first")
    parser.add_argument("--n", type=int, default=30, help="descriptions (TREC topics)")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    runtime = Runtime(Settings(home=args.store))
    assistant = Assistant(runtime)
    if args.ingest:
        assistant.ingest(args.ingest)
    trials = len(assistant.trial_ids())
    texts = descriptions(args.n)
    from summarizer.match.profile import read_profile
    from summarizer.match.wording import wording

    limits = wording()
    fetch = max(limits.limit("candidates_per_k") * args.k, limits.limit("min_candidates"))
    queries = [read_profile(t, max_chars=limits.limit("max_chars")).query or t for t in texts]

    def match(text: str) -> None:
        assistant.match(text, k=args.k)

    def search(query: str) -> None:
        assistant.search_trials(query, k=fetch)

    for text, query in zip(texts, queries, strict=True):  # warm-up: indexes, criteria caches
        search(query)
        match(text)
    from summarizer.engines.extractive.self_match import clear_caches

    load_search = load()
    base = timed(search, queries, args.repeat)
    load_match = load()
    full = timed(match, texts, args.repeat)
    load_cold = load()
    cold = timed(match, texts, args.repeat, before=clear_caches)
    figures = {
        "trials_in_store": trials,
        "descriptions": len(texts),
        "k": args.k,
        "candidates": fetch,
        "match_p50_s": round(statistics.median(full), 3),
        "match_p95_s": round(pct(full, 0.95), 3),
        "match_load_average": load_match,
        "match_cold_p50_s": round(statistics.median(cold), 3),
        "match_cold_p95_s": round(pct(cold, 0.95), 3),
        "match_cold_load_average": load_cold,
        "search_trials_p50_s": round(statistics.median(base), 3),
        "search_trials_p95_s": round(pct(base, 0.95), 3),
        "search_trials_load_average": load_search,
        "ratio_p50": round(statistics.median(full) / statistics.median(base), 2),
        "ratio_p95": round(pct(full, 0.95) / pct(base, 0.95), 2),
        "ratio_cold_p95": round(pct(cold, 0.95) / pct(base, 0.95), 2),
        "target_p95_s": TARGET_S,
        "load_average": load(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for key, value in figures.items():
        print(f"{key:>26}: {value}")
    for label, p95 in (("warm", figures["match_p95_s"]), ("cold", figures["match_cold_p95_s"])):
        verdict = "met" if p95 < TARGET_S else "NOT met"
        print(f"target p95 < {TARGET_S} s ({label}): {verdict}")


if __name__ == "__main__":
    main()
