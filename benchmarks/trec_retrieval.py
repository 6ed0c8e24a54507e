"""TREC 2021 Clinical Trials: BM25 vs dense vs hybrid trial ranking on the 6,786 XML trials.

Ingests ``ctgov_xml_6786.tar.gz`` into a store (kept in ``--store`` so later runs reuse it), then
ranks trials for each of the 72 patient-note topics and scores NDCG@10 and P@10 on condensed
lists (only judged trials count), with relevance = eligible (label 2) and = any label >= 1.
Fusion settings are chosen on the odd-numbered topics and reported on the even ones too, so the
choice is not tuned on the figures it reports.

    .venv/bin/python benchmarks/trec_retrieval.py --store /tmp/trec-store [--limit 500]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evals.trec import load_topics, metrics
from summarizer.config import Settings, default_data_dir
from summarizer.ingest import ingest_paths
from summarizer.runtime import Runtime
from vectorstore import fusion
from vectorstore.retriever import RetrievalConfig, _pool, rank_trials


def _cfg(mode: str = "hybrid", fusion_: str = "rrf", dense: float = 1.0, lexical: float = 1.0,
         pooling: str = "sum3") -> RetrievalConfig:  # fmt: skip
    return RetrievalConfig(mode=mode, pooling=pooling, trial_fusion=fusion_,  # type: ignore[arg-type]
                           trial_dense_weight=dense, trial_lexical_weight=lexical)  # fmt: skip


CONFIGS: dict[str, RetrievalConfig] = {
    "bm25": _cfg("lexical", pooling="max"),
    "bm25 sum3": _cfg("lexical"),
    "dense": _cfg("dense", pooling="max"),
    "dense sum3": _cfg("dense"),
    "rrf max": _cfg(pooling="max"),
    "rrf sum3": _cfg(),
    "rrf k10 sum3": _cfg(),
    "rrf 2:1 sum3": _cfg(dense=2.0),
    "rrf 3:1 sum3": _cfg(dense=3.0),
    "rrf 4:1 sum3": _cfg(dense=4.0),
    "rrf k10 2:1 sum3": _cfg(dense=2.0),
    "rrf k10 3:1 sum3 (default)": _cfg(fusion_="rrf10", dense=3.0),
    "rrf k30 3:1 sum3": _cfg(dense=3.0),
    "convex .5 sum3": _cfg(fusion_="convex", dense=0.5, lexical=0.5),
    "convex .7 sum3": _cfg(fusion_="convex", dense=0.7, lexical=0.3),
    "convex .8 sum3": _cfg(fusion_="convex", dense=0.8, lexical=0.2),
    "convex .9 sum3": _cfg(fusion_="convex", dense=0.9, lexical=0.1),
    "convex .95 sum3": _cfg(fusion_="convex", dense=0.95, lexical=0.05),
}


def fused_with_k(dense, lexical, config: RetrievalConfig, name: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """rank_trials, except that an "rrf kN" config name sets RRF's k (library default 60)."""
    m = re.search(r"\bk(\d+)\b", name)
    if config.trial_fusion != "rrf" or not m or config.mode != "hybrid":
        return rank_trials(dense, lexical, config)
    pooled = [_per_trial(r, config) for r in (dense, lexical)]
    weights = (config.trial_dense_weight, config.trial_lexical_weight)
    return fusion.rrf(pooled, weights, k=int(m.group(1)))


def _per_trial(ranking, config: RetrievalConfig) -> dict[str, float]:  # type: ignore[no-untyped-def]
    pooled: dict[str, list[float]] = {}
    for chunk, score in ranking:
        pooled.setdefault(chunk.trial_id, []).append(score)
    return {t: _pool(s, config.pooling) for t, s in pooled.items()}


def subset(archive: Path, limit: int, keep: set[str], folder: Path) -> Path:
    """The first ``limit`` judged trials of the archive, unpacked (for quick runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    with tarfile.open(archive) as tar:
        for member in tar:
            name = Path(member.name).stem
            if member.isfile() and name in keep:
                (folder / f"{name}.xml").write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
                n += 1
                if n >= limit:
                    break
    return folder


def evaluate(
    runs: dict[str, dict[str, list[str]]], qrels: dict[str, dict[str, int]], qids: list[str]
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name, per_topic in runs.items():
        row: dict[str, float] = {}
        for label, min_label in (("eligible", 2), ("relevant", 1)):
            scores = [metrics(per_topic[q], qrels.get(q, {}), min_label) for q in qids]
            row[f"ndcg {label}"] = sum(s[0] for s in scores) / len(scores)
            row[f"p10 {label}"] = sum(s[1] for s in scores) / len(scores)
        out[name] = row
    return out


def show(title: str, table: dict[str, dict[str, float]]) -> None:
    cols = list(next(iter(table.values())))
    print(f"\n{title}")
    print(f"{'config':26}" + "".join(f"{c:>16}" for c in cols))
    for name, row in table.items():
        print(f"{name:26}" + "".join(f"{row[c]:16.4f}" for c in cols))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="store folder (reused)")
    parser.add_argument("--limit", type=int, default=0, help="only this many judged trials")
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--candidates", type=int, default=1000, help="chunks per retriever")
    parser.add_argument("--json", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args()
    if not (args.data / "trec_2021" / "qrels.tsv").is_file():
        print(f"skipped: {args.data}/trec_2021 not found (set --data or TRIALSUM_DATA_DIR)")
        return
    rev = subprocess.run(["git", "-C", str(Path(__file__).parents[1]), "rev-parse", "--short",
                          "HEAD"], capture_output=True, text=True).stdout.strip()  # fmt: skip
    print(f"commit {rev}  {datetime.now(UTC).isoformat(timespec='seconds')}  "
          f"load {[round(x, 2) for x in os.getloadavg()]}")  # fmt: skip

    topics, qrels = load_topics(args.data)
    home = args.store or Path(tempfile.mkdtemp(prefix="trec-store-"))
    runtime = Runtime(Settings(home=home))
    archive = args.data / "ctgov_xml_6786.tar.gz"
    source: Path = archive
    if args.limit:
        judged = {d for per in qrels.values() for d in per}
        source = subset(archive, args.limit, judged, home / "subset")
    t0 = time.perf_counter()
    report = ingest_paths([source], runtime, batch_trials=128)
    print(
        f"ingest: {report.trials_new} new, {report.trials_unchanged} unchanged, "
        f"{len(report.trials_failed)} failed, {report.chunks} chunks in "
        f"{time.perf_counter() - t0:.0f}s ({report.timings.model_dump()})"
    )
    store, retriever = runtime.store, runtime.retriever
    stored = set(store.trial_ids())
    qrels = {q: {d: s for d, s in per.items() if d in stored} for q, per in qrels.items()}
    qids = sorted((q for q in topics if qrels.get(q)), key=lambda q: int(q.split("-")[1]))

    runs: dict[str, dict[str, list[str]]] = {name: {} for name in CONFIGS}
    t0 = time.perf_counter()
    for qid in qids:
        dense, lexical = retriever._rankings(topics[qid], args.candidates, None, None)
        for name, config in CONFIGS.items():
            use_dense = dense if config.mode in ("hybrid", "dense") else []
            use_lexical = lexical if config.mode in ("hybrid", "lexical") else []
            fused = fused_with_k(use_dense, use_lexical, config, name)
            runs[name][qid] = sorted(fused, key=lambda t: (-fused[t], t))
    print(f"{len(qids)} topics ranked in {time.perf_counter() - t0:.1f}s, {len(stored)} trials")

    tune, held = qids[0::2], qids[1::2]
    on_tune = evaluate(runs, qrels, tune)
    hybrids = [n for n, c in CONFIGS.items() if c.mode == "hybrid"]
    chosen = max(hybrids, key=lambda n: on_tune[n]["ndcg eligible"])
    show(f"tuning half ({len(tune)} topics)", on_tune)
    show(f"held-out half ({len(held)} topics); chosen on tuning half: {chosen}",
         evaluate(runs, qrels, held))  # fmt: skip
    everything = evaluate(runs, qrels, qids)
    show(f"all {len(qids)} topics", everything)
    default = next(n for n in CONFIGS if n.endswith("(default)"))
    for half, table in (("held-out", evaluate(runs, qrels, held)), ("all", everything)):
        h, b, d = (table[n]["ndcg eligible"] for n in (default, "bm25 sum3", "dense sum3"))
        verdict = "beats both" if h > max(b, d) else "does NOT beat both"
        print(f"{half}: hybrid default {h:.4f} vs BM25 {b:.4f}, dense {d:.4f}: {verdict}")
    print(f"load at end {[round(x, 2) for x in os.getloadavg()]}")
    if args.json:
        tables = {
            "commit": rev,
            "trials": len(stored),
            "topics": len(qids),
            "chosen_on_tuning_half": chosen,
            "tuning": on_tune,
            "held_out": evaluate(runs, qrels, held),
            "all": evaluate(runs, qrels, qids),
        }
        args.json.write_text(json.dumps(tables, indent=2))


if __name__ == "__main__":
    main()
