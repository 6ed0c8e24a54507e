"""API latency: ``ask`` and ``search`` over HTTP against a running ``trialsum serve``, at 1, 4 and
16 concurrent clients, next to the same calls in-process (one ``Assistant`` shared by as many
threads) as the baseline measured in the same run. Prints p50/p95 per call, calls/s, the ratio
API / in-process, and the server's peak memory. Each mode first runs the whole workload once,
untimed, so both time warm caches (a trial's first question embeds its criteria). Other
processes share the CPU; load averages are printed.

    .venv/bin/python benchmarks/api_latency.py --store HOME [--calls 48] [--levels 1,4,16]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _serve import peak_rss_mb, serving

QUESTIONS = [
    "How old do I have to be to join?",
    "Can I take part if I am pregnant?",
    "Where does this study take place?",
    "What is being studied?",
]
CROSS = ["Which trials are for leukemia?", "trials testing immunotherapy"]
QUERIES = [
    "age 18 years or older",
    "HIV infection",
    "metastatic cancer chemotherapy",
    "kidney disease",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def workload(ids: list[str], calls: int, seed: int = 7) -> list[tuple[str, tuple]]:
    """The same mixed calls for both modes: per-trial and cross-trial asks, passage searches."""
    rng = random.Random(seed)
    out: list[tuple[str, tuple]] = []
    for i in range(calls):
        if i % 2 == 0:
            out.append(("search", (rng.choice(QUERIES),)))
        elif i % 6 == 5:
            out.append(("ask", (rng.choice(CROSS), None)))
        else:
            out.append(("ask", (rng.choice(QUESTIONS), [rng.choice(ids)])))
    return out


def run(assistant, calls: list[tuple[str, tuple]], clients: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    def one(call: tuple[str, tuple]) -> tuple[str, float]:
        kind, a = call
        t0 = time.perf_counter()
        if kind == "search":
            assistant.search(a[0], k=8)
        else:
            assistant.ask(a[0], trial_ids=a[1])
        return kind, time.perf_counter() - t0

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(one, calls))
    wall = time.perf_counter() - t0
    out: dict[str, object] = {"calls_per_s": len(calls) / wall}
    for kind in ("ask", "search"):
        lat = [s for k, s in done if k == kind]
        out[kind] = {
            "p50_ms": 1000 * statistics.median(lat),
            "p95_ms": 1000 * percentile(lat, 0.95),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--store", type=Path, required=True, help="store home (TRIALSUM_HOME)")
    ap.add_argument("--calls", type=int, default=48, help="calls per level and mode")
    ap.add_argument("--levels", default="1,4,16")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    from summarizer.api.client import RemoteAssistant
    from summarizer.assistant import build_assistant
    from summarizer.config import Settings

    levels = [int(x) for x in args.levels.split(",")]
    load_before = [round(x, 2) for x in os.getloadavg()]
    local = build_assistant(Settings(home=args.store))
    local.warm()
    ids = local.trial_ids()
    calls = workload(ids, args.calls)
    run(local, calls, 1)  # untimed pass: each trial's first question embeds its criteria
    results: dict[str, dict[str, object]] = {}
    for n in levels:
        results[f"in_process_{n}"] = run(local, calls, n)
    with serving(args.store) as (url, proc, _ready):
        remote = RemoteAssistant(url)  # one kept-alive connection per thread
        run(remote, calls, 1)  # the same untimed pass in the server
        for n in levels:
            results[f"api_{n}"] = run(remote, calls, n)
        server_mb = peak_rss_mb(proc.pid)
    import resource

    own_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "store": str(args.store),
        "trials": len(ids),
        "calls": args.calls,
        "results": results,
        "server_peak_rss_mb": server_mb,
        "in_process_peak_rss_mb": own_mb,
        "load": load_before,
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    load = f"load {load_before} -> {report['load_after']}"
    print(f"{len(ids)} trials; {args.calls} calls per level (half ask, half search); {load}")
    head = ("clients", "mode", "ask p50", "ask p95", "srch p50", "srch p95", "calls/s")
    print(
        "{:>7} {:<10} {:>8} {:>8} {:>8} {:>8} {:>8}  api/in-process p50 (ask, search)".format(*head)
    )
    for n in levels:
        base = results[f"in_process_{n}"]
        for mode in ("in_process", "api"):
            r = results[f"{mode}_{n}"]
            ask, search = r["ask"], r["search"]
            ratio = ""
            if mode == "api":
                ratio = (
                    f"{ask['p50_ms'] / base['ask']['p50_ms']:.2f}, "  # type: ignore[index]
                    f"{search['p50_ms'] / base['search']['p50_ms']:.2f}"  # type: ignore[index]
                )
            cells = (n, mode, ask["p50_ms"], ask["p95_ms"], search["p50_ms"], search["p95_ms"])  # type: ignore[index]
            print(
                "{:>7} {:<10} {:>8.0f} {:>8.0f} {:>8.0f} {:>8.0f}".format(*cells)
                + f" {r['calls_per_s']:>8.1f}  {ratio}"
            )
    print(f"peak RSS: server {server_mb:.0f} MB; in-process benchmark (same store) {own_mb:.0f} MB")


if __name__ == "__main__":
    main()
