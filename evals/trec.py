"""TREC Clinical Trials 2021 as the data folder holds it: topics, judgements, and the metrics
the benchmarks and eval samples score with (NDCG@10 and P@10 on condensed lists)."""

from __future__ import annotations

import json
import math
from pathlib import Path


def load_topics(data: Path) -> tuple[dict[str, str], dict[str, dict[str, int]]]:
    topics = {}
    for line in (data / "trec_2021" / "queries.jsonl").read_text().splitlines():
        row = json.loads(line)
        topics[row["_id"]] = row["text"]
    qrels: dict[str, dict[str, int]] = {}
    for line in (data / "trec_2021" / "qrels.tsv").read_text().splitlines()[1:]:
        qid, doc, score = line.split("\t")
        qrels.setdefault(qid, {})[doc] = int(score)
    return topics, qrels


def metrics(ranking: list[str], judged: dict[str, int], min_label: int) -> tuple[float, float]:
    """NDCG@10 and P@10 on the condensed list (unjudged trials removed), binary relevance."""
    condensed = [t for t in ranking if t in judged][:10]
    rel = [1.0 if judged[t] >= min_label else 0.0 for t in condensed]
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rel))
    ideal_n = min(10, sum(1 for v in judged.values() if v >= min_label))
    idcg = sum(1 / math.log2(i + 2) for i in range(ideal_n))
    return (dcg / idcg if idcg else 0.0), sum(rel) / 10
