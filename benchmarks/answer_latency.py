"""Latency of ``ask`` and ``summarize`` with the extractive engine, after warm-up, p50/p95.

Corpus: the 5 samples and the 100 API v2 trials (``ctgov_v2_nsclc_100.json``), ingested once into
``--store`` (kept, so a second run reuses it). Every generic patient question is asked of every
trial (per-trial ask), and a few across all trials (cross-trial ask); every trial is summarized
and rendered. Baselines measured in the same run, on the same inputs:

* per-trial ask vs ``retriever.search(question, k=8, trial_ids=[id])`` alone (the retrieval call
  the engine makes), so the ratio is the engine's own cost on top of retrieval;
* cross-trial ask vs ``retriever.search_trials(question, k=10)`` alone;
* summarize vs ``store.get_trial(id)`` alone (loading the trial the summary is built from).

Target: < 300 ms per answer (p95).

    .venv/bin/python benchmarks/answer_latency.py [--store /tmp/h5/answers] [--json]
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
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.assistant import Assistant  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.ingest import ingest_paths  # noqa: E402
from summarizer.render import render  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402

QUESTIONS = [
    "How old do I have to be to join?",
    "Where does this study take place?",
    "What is being studied?",
    "Can I take part if I am pregnant or breastfeeding?",
    "Does it cost anything to take part?",
    "How long will I be in the study?",
    "What are the side effects or risks?",
    "Who can I contact about this trial?",
    "Is the trial still recruiting?",
    "I am 70 and had a heart attack last year, can I join?",
]
CROSS = [
    "Which trials are for lung cancer with an EGFR mutation?",
    "Are there trials for people with brain metastases?",
    "trials testing immunotherapy",
    "Which studies are recruiting now?",
]
TARGET_MS = 300.0


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(1000 * statistics.median(values), 1),
        "p95_ms": round(1000 * percentile(values, 0.95), 1),
        "max_ms": round(1000 * max(values), 1),
    }


def timed(calls: list[Callable[[], object]]) -> list[float]:
    out = []
    for call in calls:
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def interleaved(pairs: list[tuple[Callable[[], object], Callable[[], object]]]) -> tuple:
    """Run baseline and measured call back to back per input, so load spikes hit both."""
    base, meas = [], []
    for b, m in pairs:
        base.extend(timed([b]))
        meas.extend(timed([m]))
    return base, meas


def row(name: str, base: list[float], meas: list[float], baseline: str) -> dict:
    b, m = stats(base), stats(meas)
    return {
        "name": name,
        "baseline": baseline,
        "baseline_ms": b,
        "measured_ms": m,
        "ratio_p50": round(m["p50_ms"] / b["p50_ms"], 2) if b["p50_ms"] else None,
        "engine_own_p50_ms": round(m["p50_ms"] - b["p50_ms"], 1),
        "meets_300ms_p95": m["p95_ms"] < TARGET_MS,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Settings().data_dir)
    ap.add_argument("--store", type=Path, default=None, help="store home (kept and reused)")
    ap.add_argument("--questions", type=int, default=len(QUESTIONS), help="per trial")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    v2 = args.data / "ctgov_v2_nsclc_100.json"
    sources = [ROOT / "samples"] + ([v2] if v2.is_file() else [])
    if not v2.is_file():
        print(f"note: {v2} not found; samples only", file=sys.stderr)
    home = args.store or Path(tempfile.mkdtemp(prefix="answer-latency-"))
    runtime = Runtime(Settings(home=home, engine="extractive"))
    t0 = time.perf_counter()
    report = ingest_paths(sources, runtime)
    ingest_s = time.perf_counter() - t0
    store, retriever = runtime.store, runtime.retriever
    assistant = Assistant(runtime, engine="extractive")
    ids = store.trial_ids()
    questions = QUESTIONS[: args.questions]

    # Warm-up: models, BM25 cache, lazy imports, first-call allocations.
    for q in questions[:3]:
        assistant.ask(q, trial_ids=[ids[0]])
    assistant.ask(CROSS[0])
    render(assistant.summarize(ids[0]), "html")

    load_before = load()
    errors: list[str] = []

    def ask(q: str, tid: str | None) -> Callable[[], object]:
        def call() -> object:
            try:
                return assistant.ask(q, trial_ids=[tid] if tid else None)
            except Exception as exc:  # recorded, never aborts the run
                errors.append(f"ask {tid} {q!r}: {exc!r}")
                return None

        return call

    per_trial = [
        (lambda q=q, t=t: retriever.search(q, k=8, trial_ids=[t]), ask(q, t))
        for t in ids
        for q in questions
    ]
    cross = [(lambda q=q: retriever.search_trials(q, k=10), ask(q, None)) for q in CROSS * 3]

    def summarize(tid: str) -> Callable[[], object]:
        def call() -> object:
            summary = assistant.summarize(tid)
            return render(summary, "md")

        return call

    summ = [(lambda t=t: store.get_trial(t), summarize(t)) for t in ids]
    rows = [
        row("ask, per trial", *interleaved(per_trial), "retriever.search(k=8, one trial)"),
        row("ask, across trials", *interleaved(cross), "retriever.search_trials(k=10)"),
        row("summarize + render md", *interleaved(summ), "store.get_trial"),
    ]
    result = {
        "commit": commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load(),
        "trials": len(ids),
        "questions_per_trial": len(questions),
        "store": str(home),
        "ingest_s": round(ingest_s, 1),
        "ingest_new": report.trials_new,
        "rows": rows,
        "errors": errors[:10],
        "n_errors": len(errors),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"commit {result['commit']}  {result['date']}  load {load_before} -> {result['load_after']}"
    )
    print(f"{len(ids)} trials, {len(questions)} questions each; ingest {ingest_s:.1f}s")
    print(f"{'':24}{'base p50':>10}{'base p95':>10}{'p50':>9}{'p95':>9}{'ratio':>7}  baseline")
    for r in rows:
        b, m = r["baseline_ms"], r["measured_ms"]
        print(f"{r['name']:24}{b['p50_ms']:>10}{b['p95_ms']:>10}{m['p50_ms']:>9}{m['p95_ms']:>9}"
              f"{r['ratio_p50']:>7}  {r['baseline']} (n={m['n']})")  # fmt: skip
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
