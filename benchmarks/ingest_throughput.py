"""Ingest throughput and query latency at 500 trials and (``--full``) all 6,786 XML trials.

Prints, per corpus size: ingest time, trials/s, chunks/s, time per stage, word pieces embedded
per second, dedupe share, peak memory, re-ingest time of the unchanged data (baseline: the first
ingest, must be < 5%), and p50/p95 latency of per-trial and cross-trial search.

    .venv/bin/python benchmarks/ingest_throughput.py [--subset 500] [--full]

Other processes share the CPU; figures vary with load.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from summarizer.config import Settings, default_data_dir
from summarizer.ingest import IngestReport, ingest_paths
from summarizer.runtime import Runtime

QUERIES = [
    "Can I join if I am pregnant?",
    "HIV infection",
    "age 18 years or older",
    "metastatic breast cancer chemotherapy",
    "heart attack in the last six months",
    "children with asthma",
    "how long does the study last",
    "kidney disease dialysis",
    "prior treatment with immunotherapy",
    "where is the study taking place",
]


def unpack(archive: Path, limit: int, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".xml"):
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                (folder / Path(member.name).name).write_bytes(data)
                n += 1
                if n >= limit:
                    break
    return folder


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def describe(label: str, report: IngestReport) -> None:
    t = report.timings
    trials = report.trials_new + report.trials_updated
    print(f"\n== {label}")
    print(f"ingest {t.total:.1f}s: {trials} trials ({trials / t.total:.1f}/s), {report.chunks} "
          f"chunks ({report.chunks / t.total:.1f}/s), {report.dense_chunks} dense")  # fmt: skip
    print(f"stages: parse {t.parse:.1f}s chunk {t.chunk:.1f}s embed {t.embed:.1f}s "
          f"store {t.store:.1f}s")  # fmt: skip
    if t.embed:
        print(f"embedded {report.embedded_texts} texts, ~{report.embedded_tokens} word pieces "
              f"({report.embedded_tokens / t.embed:.0f}/s)")  # fmt: skip
    if report.dense_chunks:
        print(f"dedupe saved {report.dedupe_saved} of {report.dense_chunks} dense chunks "
              f"({report.dedupe_saved / report.dense_chunks:.1%})")  # fmt: skip
    if report.trials_failed:
        print(f"failed: {len(report.trials_failed)} (first: {report.trials_failed[0].line()})")


def latency(runtime: Runtime, n: int = 30) -> None:
    retriever = runtime.retriever
    retriever.search("warm up", k=5)  # builds or loads the BM25 cache
    ids = runtime.store.trial_ids()
    rng = random.Random(0)
    per_trial, cross = [], []
    for i in range(n):
        query = QUERIES[i % len(QUERIES)]
        t0 = time.perf_counter()
        retriever.search(query, k=8, trial_ids=[rng.choice(ids)])
        per_trial.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        retriever.search_trials(query, k=10)
        cross.append(time.perf_counter() - t0)
    for name, values in (("per-trial search", per_trial), ("cross-trial search", cross)):
        print(f"{name}: p50 {1000 * statistics.median(values):.0f} ms, "
              f"p95 {1000 * percentile(values, 0.95):.0f} ms")  # fmt: skip


def run(label: str, source: Path, home: Path) -> None:
    runtime = Runtime(Settings(home=home))
    first = ingest_paths([source], runtime, batch_trials=128)
    describe(label, first)
    again = ingest_paths([source], Runtime(Settings(home=home)), batch_trials=128)
    ratio = again.timings.total / first.timings.total
    print(f"re-ingest unchanged: {again.timings.total:.1f}s = {ratio:.1%} of the first "
          f"({again.trials_unchanged} unchanged, {again.embedded_texts} embedded)")  # fmt: skip
    latency(runtime)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory so far: {peak_mb:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=500)
    parser.add_argument("--full", action="store_true", help="also the full 6,786-trial archive")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    args = parser.parse_args()
    archive = args.data / "ctgov_xml_6786.tar.gz"
    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    run(f"{args.subset} trials", unpack(archive, args.subset, work / "xml"), work / "small")
    if args.full:
        run("all trials", archive, work / "full")


if __name__ == "__main__":
    main()
