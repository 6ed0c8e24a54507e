"""Load on one shared store: ``ask`` (extractive engine) from 1, 4 and 16 concurrent clients.

Starts a real ``chroma run`` on a free loopback port, ingests the 5 samples (plus ``--xml N``
CT.gov XML records) into it, then for each concurrency level runs a bounded number of ``ask``
calls (per-trial and cross-trial questions, mixed) from that many client threads sharing one
``Runtime`` -- as a UI process serving several people does. Prints per level: answers/s, p50
and p95 latency, errors, and the ratio of each to the 1-client baseline measured in the same
run. Errors must be zero. Other processes share the CPU; load averages are printed.

    .venv/bin/python benchmarks/load_ask.py [--xml 50] [--calls 64] [--levels 1,4,16] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tarfile
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.assistant import Assistant  # noqa: E402
from summarizer.config import Settings  # noqa: E402
from summarizer.ingest import ingest_paths  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402
from vectorstore.server import ChromaServer  # noqa: E402

QUESTIONS = [
    "How old do I have to be to join?",
    "Can I take part if I am pregnant or breastfeeding?",
    "Where does this study take place?",
    "What is being studied?",
    "Is the trial still recruiting?",
    "I had a heart attack last year, can I join?",
]
CROSS = ["Which trials are for lung cancer?", "trials testing immunotherapy"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def extract_xml(count: int, into: Path) -> list[Path]:
    archive = Settings().data_dir / "ctgov_xml_6786.tar.gz"
    if count <= 0:
        return []
    if not archive.is_file():
        raise SystemExit(f"{archive} not found (needed for --xml)")
    into.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                data = tar.extractfile(member)
                assert data is not None
                path = into / Path(member.name).name
                path.write_bytes(data.read())
                out.append(path)
                if len(out) == count:
                    break
    return [into]


def run_level(
    runtime: Runtime, clients: int, calls: int, trial_ids: list[str], limit: float
) -> dict[str, float | int]:
    """``calls`` asks from ``clients`` threads; stops issuing new ones after ``limit`` s."""
    engine = Assistant(runtime, engine="extractive")
    work = []
    for i in range(calls):
        if i % 4 == 3:
            work.append((CROSS[i % len(CROSS)], None))
        else:
            work.append((QUESTIONS[i % len(QUESTIONS)], [trial_ids[i % len(trial_ids)]]))
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + limit

    def one(item: tuple[str, list[str] | None]) -> None:
        if time.monotonic() > deadline:
            return
        question, ids = item
        t0 = time.perf_counter()
        try:
            answer = engine.ask(question, trial_ids=ids)
            if not answer.answer:
                raise RuntimeError("empty answer")
        except Exception as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
            return
        with lock:
            latencies.append(time.perf_counter() - t0)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, work))
    wall = time.perf_counter() - started
    done = len(latencies)
    return {
        "clients": clients,
        "answers": done,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "wall_s": round(wall, 2),
        "answers_per_s": round(done / wall, 2) if wall else 0.0,
        "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else 0.0,
        "p95_ms": round(1000 * percentile(latencies, 0.95), 1) if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xml", type=int, default=0, help="also ingest this many XML records")
    parser.add_argument("--calls", type=int, default=64, help="ask calls per level")
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per level, at most")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    with (
        tempfile.TemporaryDirectory(prefix="load-ask-") as tmp,
        ChromaServer(Path(tmp) / "chroma") as server,
    ):
        runtime = Runtime(Settings(home=Path(tmp) / "home", chroma_url=server.url))
        t0 = time.perf_counter()
        paths = [runtime.settings.samples_dir, *extract_xml(args.xml, Path(tmp) / "xml")]
        report = ingest_paths(paths, runtime)
        ingest_s = time.perf_counter() - t0
        trial_ids = runtime.store.trial_ids()
        engine = Assistant(runtime, engine="extractive")
        for question in QUESTIONS + CROSS:  # warm-up: model loaded, BM25 built, caches filled
            engine.ask(question, trial_ids=[trial_ids[0]])
        results = [run_level(runtime, n, args.calls, trial_ids, args.limit) for n in levels]

    base = results[0]
    for row in results:
        row["throughput_x"] = round(row["answers_per_s"] / base["answers_per_s"], 2)
        row["p95_x"] = round(row["p95_ms"] / base["p95_ms"], 2) if base["p95_ms"] else 0.0
    summary = {
        "trials": len(trial_ids),
        "chunks_ingested": report.chunks,
        "ingest_s": round(ingest_s, 1),
        "cpus": os.cpu_count(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "levels": results,
        "zero_errors": all(r["errors"] == 0 for r in results),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(
        f"{summary['trials']} trials ({report.chunks} chunks) in a chroma server, ingest "
        f"{summary['ingest_s']}s; {summary['cpus']} CPUs, load {summary['load_avg']}"
    )
    print(f"{'clients':>7} {'answers':>7} {'errors':>6} {'ans/s':>7} {'p50 ms':>8} "
          f"{'p95 ms':>8} {'thru x':>7} {'p95 x':>6}")  # fmt: skip
    for r in results:
        print(
            f"{r['clients']:>7} {r['answers']:>7} {r['errors']:>6} {r['answers_per_s']:>7} "
            f"{r['p50_ms']:>8} {r['p95_ms']:>8} {r['throughput_x']:>7} {r['p95_x']:>6}"
        )
        if r["first_error"]:
            print(f"        first error: {r['first_error']}")
    print("zero errors" if summary["zero_errors"] else "ERRORS (see above)")


if __name__ == "__main__":
    main()
