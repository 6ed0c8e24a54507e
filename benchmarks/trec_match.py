"""TREC Clinical Trials 2021: does the pre-screen put eligible trials first and excluded ones lower?

For each of the 72 patient-note topics, three rankings of the 6,786 trials:

  (a) retrieval   hybrid retrieval with the raw topic text as the query (today's baseline)
  (b) profile     hybrid retrieval with ``read_profile(topic).query``, the condensed description
  (c) match       ``Assistant.match(topic)``: retrieval with the raw (capped) topic, then every
                  candidate's criteria judged and blocked trials ranked below the rest

Scored as trec_retrieval.py scores (condensed lists: unjudged trials removed) with eligible
(label 2) as relevant: NDCG@10, P@10, and the share of excluded trials (label 1) among the top
10 judged; 'excluded@10 shown' counts label-1 trials among the first 10 trials a person would
see (unjudged ones included; it falls when a ranking lifts trials never judged for the topic,
which is no sign of better matching, so read it beside NDCG). ``match`` returns at most ``--k``
trials (its cap, 100); the retrieval ranking (a) continues the list after them so every ranking
is scored to the same depth.

Tuning half = odd-numbered topics (trec-20211, trec-20213, ...): anything tuned (the profile's
query condensation, negation) was tuned on them only. Reported half = even-numbered topics.

    .venv/bin/python benchmarks/trec_match.py [--store DIR | --limit 551] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.trec_retrieval import subset
from evals.trec import load_topics, metrics
from summarizer.assistant import Assistant
from summarizer.config import Settings, default_data_dir
from summarizer.ingest import ingest_paths
from summarizer.match.profile import read_profile
from summarizer.runtime import Runtime

FULL_STORE = Path("/work/store6786")
RUNS = ("retrieval", "profile", "match")
# A diagnostic, not the product's ranking: the same Assistant.match verdicts, blocked trials
# last, otherwise the retrieval order (no bonus for met inclusions).
DIAGNOSTIC = "match, blocked last only"


def topic_number(qid: str) -> int:
    """'trec-202113' -> 13 (the ids are 'trec-2021' + the topic number)."""
    return int(qid.removeprefix("trec-2021"))


def excluded_share(ranking: list[str], judged: dict[str, int], condensed: bool) -> float:
    top = [t for t in ranking if t in judged][:10] if condensed else ranking[:10]
    return sum(1 for t in top if judged.get(t) == 1) / 10


def score(
    runs: dict[str, dict[str, list[str]]], qrels: dict[str, dict[str, int]], qids: list[str]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, per_topic in runs.items():
        rows = [(per_topic[q], qrels.get(q, {})) for q in qids if q in per_topic]
        if not rows:
            continue
        ndcg_p = [metrics(r, j, 2) for r, j in rows]
        out[name] = {
            "ndcg10 eligible": statistics.fmean(n for n, _ in ndcg_p),
            "p10 eligible": statistics.fmean(p for _, p in ndcg_p),
            "excluded@10": statistics.fmean(excluded_share(r, j, True) for r, j in rows),
            "excluded@10 shown": statistics.fmean(excluded_share(r, j, False) for r, j in rows),
            "topics": float(len(rows)),
        }
    return out


def show(title: str, table: dict[str, dict[str, float]]) -> None:
    if not table:
        print(f"\n{title}: no topics")
        return
    base = table.get("retrieval")
    cols = ["ndcg10 eligible", "p10 eligible", "excluded@10", "excluded@10 shown"]
    print(f"\n{title}")
    print(f"{'ranking':26}" + "".join(f"{c:>20}" for c in cols) + f"{'ndcg x baseline':>18}")
    b = base["ndcg10 eligible"] if base else 0.0
    for name, row in table.items():
        ratio = row["ndcg10 eligible"] / b if b else 0.0
        print(f"{name:26}" + "".join(f"{row[c]:20.4f}" for c in cols) + f"{ratio:18.3f}")
    if base and "match" in table:
        m = table["match"]
        for col in ("excluded@10", "excluded@10 shown"):
            b = base[col]
            ratio = f"{m[col] / b:.3f}" if b else "n/a (baseline 0)"
            print(f"  {col}: match / baseline = {ratio} (target <= 0.5)")
        print(f"  ndcg10 eligible: match {m['ndcg10 eligible']:.4f} (target >= 0.60)")


def open_store(args: argparse.Namespace, qrels: dict[str, dict[str, int]]) -> Path:
    """The full store when its ingest finished, else a subset store of judged trials in /tmp."""
    if not args.limit:
        done = args.store.with_name(args.store.name + ".ingest.json")
        if args.store == FULL_STORE and not (done.is_file() and done.stat().st_size > 0):
            sys.exit(f"{args.store} is not ready ({done} is empty); pass --limit N for a subset")
        return args.store
    home = args.subset_store or Path(tempfile.gettempdir()) / f"trec-match-{args.limit}"
    judged = {d for per in qrels.values() for d in per}
    archive = args.data / "ctgov_xml_6786.tar.gz"
    folder = home / "subset"
    if not folder.is_dir() or not any(folder.iterdir()):
        subset(archive, args.limit, judged, folder)
    runtime = Runtime(Settings(home=home))
    report = ingest_paths([folder], runtime, batch_trials=128)
    print(f"subset store {home}: {report.trials_new} new, {report.trials_unchanged} unchanged")
    del runtime
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=FULL_STORE, help="store folder (read only)")
    parser.add_argument("--limit", type=int, default=0, help="subset store of N judged trials")
    parser.add_argument("--subset-store", type=Path, default=None, help="where the subset lives")
    parser.add_argument("--topics", type=int, default=0, help="only the first N topics (quick)")
    parser.add_argument("--k", type=int, default=100, help="trials Assistant.match returns")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if not (args.data / "trec_2021" / "qrels.tsv").is_file():
        print(f"skipped: {args.data}/trec_2021 not found (set --data or TRIALSUM_DATA_DIR)")
        return
    rev = subprocess.run(["git", "-C", str(Path(__file__).parents[1]), "rev-parse", "--short",
                          "HEAD"], capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(f"commit {rev} (+ working tree)  {datetime.now(UTC).isoformat(timespec='seconds')}  "
          f"load {[round(x, 2) for x in os.getloadavg()]}")  # fmt: skip

    topics, qrels = load_topics(args.data)
    home = open_store(args, qrels)
    runtime = Runtime(Settings(home=home))
    assistant = Assistant(runtime)
    stored = set(runtime.store.trial_ids())
    qrels = {q: {d: s for d, s in per.items() if d in stored} for q, per in qrels.items()}
    qids = sorted((q for q in topics if qrels.get(q)), key=topic_number)
    if args.topics:
        qids = qids[: args.topics]
    depth = min(1000, len(stored))
    print(f"{len(stored)} trials in {home}, {len(qids)} topics with judged trials in it")
    if not qids:
        print(f"nothing to measure: no judged TREC trial is in the store at {home} (pass --store "
              "the folder that holds store/, or --limit N to build a subset)")  # fmt: skip
        raise SystemExit(1)

    runs: dict[str, dict[str, list[str]]] = {name: {} for name in (*RUNS, DIAGNOSTIC)}
    seconds: dict[str, list[float]] = {name: [] for name in RUNS}
    queries: dict[str, str] = {}
    for qid in qids:
        text = topics[qid]
        t0 = time.perf_counter()
        runs["retrieval"][qid] = [h.trial_id for h in assistant.search_trials(text, k=depth)]
        t1 = time.perf_counter()
        profile = read_profile(text)
        queries[qid] = profile.query
        by_profile = [h.trial_id for h in assistant.search_trials(profile.query or text, k=depth)]
        runs["profile"][qid] = by_profile
        t2 = time.perf_counter()
        result = assistant.match(text, k=args.k).trials
        t3 = time.perf_counter()
        matched = [m.trial_id for m in result]
        rest = runs["retrieval"][qid]  # what match retrieves with, continued past its cap
        runs["match"][qid] = matched + [t for t in rest if t not in set(matched)]
        kept = [m.trial_id for m in sorted(result, key=lambda m: (m.blocked, m.retrieval_rank))]
        runs[DIAGNOSTIC][qid] = kept + [t for t in rest if t not in set(kept)]
        for name, s in zip(RUNS, (t1 - t0, t2 - t1, t3 - t2), strict=True):
            seconds[name].append(s)
        done = len(seconds["match"])
        if done % 10 == 0:
            print(f"  {done}/{len(qids)} topics", file=sys.stderr, flush=True)

    odd = [q for q in qids if topic_number(q) % 2 == 1]
    even = [q for q in qids if topic_number(q) % 2 == 0]
    tables = {
        "tuning (odd-numbered topics)": score(runs, qrels, odd),
        "reported (even-numbered topics, not tuned on)": score(runs, qrels, even),
        f"all {len(qids)} topics": score(runs, qrels, qids),
    }
    for title, table in tables.items():
        show(title, table)
    print("\nseconds per topic (p50 / p95):")
    for name, s in seconds.items():
        q = statistics.quantiles(s, n=20) if len(s) > 1 else [s[0]] * 19
        print(f"  {name:10} {statistics.median(s):.2f} / {q[18]:.2f}")
    print(f"load at end {[round(x, 2) for x in os.getloadavg()]}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "commit": rev,
                    "store": str(home),
                    "trials": len(stored),
                    "topics": len(qids),
                    "halves": "tuning = odd-numbered topics, reported = even-numbered topics",
                    "tables": tables,
                    "seconds": {
                        n: {"p50": statistics.median(s), "max": max(s)} for n, s in seconds.items()
                    },
                    "queries": queries,
                    "rankings": {n: {q: r[:20] for q, r in per.items()} for n, per in runs.items()},
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
