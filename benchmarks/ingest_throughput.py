"""Ingest throughput and query latency on the ClinicalTrials.gov XML trials (one corpus per run).

Prints, for the first ``--size`` trials of the archive (or ``all`` 6,786): ingest time, trials/s,
chunks/s, time per stage (parse, chunk, embed, store), word pieces embedded per second, the share
of dense chunks the dedupe/cache saved, peak memory (RSS of this process), re-ingest time of the
unchanged data (baseline: the first ingest, must be < 5%), p50/p95 latency of per-trial and
cross-trial search, and Chroma's own ONNX embedder (``ONNXMiniLM_L6_V2``, same model files,
sockets blocked) timed on a sample of the same chunk texts the model embedded, as a ratio.

    .venv/bin/python benchmarks/ingest_throughput.py --size 500 [--work /tmp/h5/ing500] [--json]
    .venv/bin/python benchmarks/ingest_throughput.py --size all --work /tmp/h5/full

``--work`` keeps the store (``<work>/home``) so trec_retrieval.py can reuse it with ``--store``.
Other processes share the CPU; the 1/5/15-minute load averages are printed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.config import Settings  # noqa: E402
from summarizer.ingest import IngestReport, ingest_paths  # noqa: E402
from summarizer.runtime import Runtime  # noqa: E402

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


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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


def summary(report: IngestReport, model_texts: int, model_tokens: int, model_secs: float) -> dict:
    t = report.timings
    trials = report.trials_new + report.trials_updated
    return {
        "seconds": round(t.total, 1),
        "trials": trials,
        "trials_per_s": round(trials / t.total, 2),
        "chunks": report.chunks,
        "chunks_per_s": round(report.chunks / t.total, 1),
        "dense_chunks": report.dense_chunks,
        "stages_s": {k: round(getattr(t, k), 1) for k in ("parse", "chunk", "embed", "store")},
        "stages_share": {
            k: round(getattr(t, k) / t.total, 3) for k in ("parse", "chunk", "embed", "store")
        },
        "texts_sent_to_model": model_texts,
        "tokens_sent_to_model": model_tokens,
        "model_seconds": round(model_secs, 1),
        "model_tokens_per_s": round(model_tokens / model_secs) if model_secs else None,
        "dedupe_skipped_share": (
            round(1 - model_texts / report.dense_chunks, 4) if report.dense_chunks else None
        ),
        "failed": len(report.trials_failed),
        "first_failure": report.trials_failed[0].line() if report.trials_failed else None,
    }


def latency(runtime: Runtime, n: int) -> dict:
    retriever = runtime.retriever
    t0 = time.perf_counter()
    retriever.search("warm up", k=5)  # builds or loads the BM25 cache
    warm = time.perf_counter() - t0
    retriever.search_trials("warm up", k=10)
    ids = runtime.store.trial_ids()
    rng = random.Random(0)
    per_trial, again, cross = [], [], []
    per_trial_ids: set[str] = set()
    for i in range(n):
        query = QUERIES[i % len(QUERIES)]
        trial = [rng.choice(ids)]
        per_trial_ids.add(trial[0])
        t0 = time.perf_counter()  # a trial's first question embeds its criteria (then cached)
        retriever.search(query, k=8, trial_ids=trial)
        per_trial.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        retriever.search(QUERIES[(i + 1) % len(QUERIES)], k=8, trial_ids=trial)
        again.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        retriever.search_trials(query, k=10)
        cross.append(time.perf_counter() - t0)
    # The UI warms a trial when it is picked (store.warm, in the background): time that, then
    # the first question, on trials not asked about above.
    fresh = [t for t in ids if t not in per_trial_ids]
    warming, warmed = [], []
    for i in range(n):
        trial = [rng.choice(fresh)]
        t0 = time.perf_counter()
        runtime.store.warm(trial)
        warming.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        retriever.search(QUERIES[i % len(QUERIES)], k=8, trial_ids=trial)
        warmed.append(time.perf_counter() - t0)
    out: dict = {"first_query_s": round(warm, 2), "queries": n}
    for name, values in (("per_trial", per_trial), ("per_trial_again", again),
                         ("cross_trial", cross), ("warm_trial", warming),
                         ("per_trial_after_warm", warmed)):  # fmt: skip
        out[name] = {
            "p50_ms": round(1000 * statistics.median(values), 1),
            "p95_ms": round(1000 * percentile(values, 0.95), 1),
        }
    return out


def chroma_ratio(texts: list[str], sample: int, ours) -> dict:  # type: ignore[no-untyped-def]
    """Our embedder vs Chroma's ONNXMiniLM_L6_V2 on the same sample of embedded chunk texts."""
    from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

    from benchmarks.embed_throughput import chroma_folder, sockets_blocked

    picked = random.Random(1).sample(texts, min(sample, len(texts)))
    with sockets_blocked(), tempfile.TemporaryDirectory() as tmp:
        chroma = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
        chroma.DOWNLOAD_PATH = chroma_folder(Path(tmp), ours.model_path)  # type: ignore[misc]
        rows = {}
        # Alternate the two, twice, so a load spike does not land on one side only.
        for label, fn in (("trialsum", ours.embed_documents), ("chroma", chroma)) * 2:
            fn(picked[:4])
            t0 = time.perf_counter()
            fn(picked)
            rows.setdefault(label, []).append(time.perf_counter() - t0)
    best = {k: min(v) for k, v in rows.items()}
    return {
        "texts": len(picked),
        "trialsum_s": round(best["trialsum"], 2),
        "chroma_s": round(best["chroma"], 2),
        "trialsum_texts_per_s": round(len(picked) / best["trialsum"], 1),
        "chroma_texts_per_s": round(len(picked) / best["chroma"], 1),
        "speedup_vs_chroma": round(best["chroma"] / best["trialsum"], 2),
    }


def run(label: str, source: Path, home: Path, args: argparse.Namespace) -> dict:
    runtime = Runtime(Settings(home=home))
    inner = runtime.store.embedder.inner  # the uncached ONNX model behind the content-hash cache
    sent: list[str] = []
    model_secs = [0.0]
    real_embed = inner.embed_documents

    def spy(texts):  # type: ignore[no-untyped-def]
        sent.extend(texts)
        t0 = time.perf_counter()
        try:
            return real_embed(texts)
        finally:
            model_secs[0] += time.perf_counter() - t0

    inner.embed_documents = spy
    load_before = load()
    started = time.perf_counter()
    marks = [0]

    def progress(p) -> None:  # type: ignore[no-untyped-def]
        if p.trials - marks[0] >= 256 and p.path is None:
            marks[0] = p.trials
            print(f"  {time.perf_counter() - started:7.0f}s {p.trials} trials {p.chunks} chunks "
                  f"load {load()}", file=sys.stderr, flush=True)  # fmt: skip

    cpu0 = time.process_time()
    first = ingest_paths([source], runtime, progress=progress, batch_trials=128)
    cpu_s = time.process_time() - cpu0
    load_after = load()
    inner.embed_documents = real_embed
    tokens = sum(inner.count_tokens(sent)) if sent else 0
    out: dict = {
        "label": label,
        "commit": commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after_ingest": load_after,
        "store": str(home),
        "ingest": summary(first, len(sent), tokens, model_secs[0]),
        "ingest_cpu_s": round(cpu_s, 1),
        "ingest_cpu_share_of_2_cores": round(cpu_s / (2 * first.timings.total), 3),
    }
    again = ingest_paths([source], Runtime(Settings(home=home)), batch_trials=128)
    out["reingest"] = {
        "seconds": round(again.timings.total, 1),
        "share_of_first": round(again.timings.total / first.timings.total, 4),
        "unchanged": again.trials_unchanged,
        "embedded_texts": again.embedded_texts,
    }
    out["latency"] = latency(runtime, args.queries)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.chroma_sample and sent:
        out["chroma_embedder"] = chroma_ratio(sent, args.chroma_sample, inner)
        ratio = out["chroma_embedder"]["speedup_vs_chroma"]
        embed = first.timings.embed
        estimate = first.timings.total - embed + embed * ratio
        out["ingest_with_chroma_embedder_est_s"] = round(estimate)
    out["load_end"] = load()
    return out


def show(r: dict) -> None:
    i = r["ingest"]
    print(f"\n== {r['label']}  commit {r['commit']}  {r['date']}  load {r['load_before']}")
    print(f"ingest {i['seconds']}s: {i['trials']} trials ({i['trials_per_s']}/s), {i['chunks']} "
          f"chunks ({i['chunks_per_s']}/s), {i['dense_chunks']} dense")  # fmt: skip
    print(f"stages (s): {i['stages_s']}  share: {i['stages_share']}")
    print(f"process CPU {r['ingest_cpu_s']}s = {r['ingest_cpu_share_of_2_cores']:.0%} of 2 cores")
    print(f"model embedded {i['texts_sent_to_model']} texts, {i['tokens_sent_to_model']} word "
          f"pieces in {i['model_seconds']}s ({i['model_tokens_per_s']}/s); dedupe + cache "
          f"skipped {i['dedupe_skipped_share']:.1%} of dense chunks")  # fmt: skip
    if i["failed"]:
        print(f"failed: {i['failed']} (first: {i['first_failure']})")
    g = r["reingest"]
    print(f"re-ingest unchanged: {g['seconds']}s = {g['share_of_first']:.1%} of the first "
          f"({g['unchanged']} unchanged, {g['embedded_texts']} embedded)")  # fmt: skip
    lat = r["latency"]
    for name in ("per_trial", "per_trial_again", "cross_trial", "warm_trial",
                 "per_trial_after_warm"):  # fmt: skip
        print(f"{name} search: p50 {lat[name]['p50_ms']} ms, p95 {lat[name]['p95_ms']} ms")
    print(f"peak RSS: {r['peak_rss_mb']} MB")
    if "chroma_embedder" in r:
        c = r["chroma_embedder"]
        print(f"same {c['texts']} chunk texts: trialsum {c['trialsum_texts_per_s']}/s, chroma "
              f"{c['chroma_texts_per_s']}/s -> {c['speedup_vs_chroma']}x; ingest with chroma's "
              f"embedder ~{r['ingest_with_chroma_embedder_est_s']}s")  # fmt: skip
    print(f"load after ingest {r['load_after_ingest']}, at end {r['load_end']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="500", help="number of trials, or 'all'")
    parser.add_argument("--data", type=Path, default=Settings().data_dir)
    parser.add_argument("--work", type=Path, default=None, help="folder kept for the store")
    parser.add_argument("--queries", type=int, default=40, help="latency queries per kind")
    parser.add_argument("--chroma-sample", type=int, default=1000, help="0 skips the comparison")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    archive = args.data / "ctgov_xml_6786.tar.gz"
    if not archive.is_file():
        print(f"skipped: {archive} not found (set --data or TRIALSUM_DATA_DIR)")
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.size == "all":
        label, source = "all XML trials", archive
    else:
        label, source = f"{args.size} trials", unpack(archive, int(args.size), work / "xml")
    result = run(label, source, work / "home", args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        show(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
