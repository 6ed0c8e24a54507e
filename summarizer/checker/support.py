"""Support score: how much of a sentence's content the source words carry.

Lexical coverage (stemmed content words, synonyms mapped) of the claim by its evidence, and, when an
embedder has been registered with ``use_embedder``, cosine similarity with the best source
sentence. The thresholds that turn the score and the polarity match into a verdict
(``support_threshold``, ``polarity_min_overlap``) are fitted on data by
benchmarks/checker_calibrate.py and shipped in ``calibration.json``: the extractive engine's cited
summary sentences over the sample trials and the 100 API v2 trials as supported, planted-error
copies (evals/planted.py kinds) and sentences citing an unrelated span of their trial as not,
split by trial; the file's ``source`` says how and ``fitted`` holds the held-out figures.
``embedding_weight`` stays 0 (no embedder is registered in the app). Without the file the class
defaults below apply; they are hand-picked and were the baseline the fit was compared with.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from summarizer.checker.text import content_terms

CALIBRATION = Path(__file__).resolve().parent / "calibration.json"


class _Embedder(Protocol):
    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...


_EMBEDDER: list[_Embedder | None] = [None]


def use_embedder(embedder: _Embedder | None) -> None:
    """Add embedding similarity to the support score (None: lexical only, the default)."""
    _EMBEDDER[0] = embedder


class Calibration(BaseModel):
    """Thresholds learned from labelled data; ``source`` says which data and how."""

    support_threshold: float = 0.5
    polarity_min_overlap: float = 0.6
    embedding_weight: float = 0.0
    source: str = "default (not yet calibrated)"
    fitted: dict[str, float] = {}


@functools.cache
def calibration() -> Calibration:
    if CALIBRATION.exists():
        return Calibration.model_validate_json(CALIBRATION.read_text(encoding="utf-8"))
    return Calibration()


def save_calibration(cal: Calibration, path: Path = CALIBRATION) -> None:
    path.write_text(json.dumps(cal.model_dump(), indent=2) + "\n", encoding="utf-8")
    calibration.cache_clear()


def coverage(claim: str, evidence: str) -> float:
    """Share of the claim's content words found in the evidence (1.0 when it has none)."""
    terms = content_terms(claim)
    if not terms:
        return 1.0
    have = set(content_terms(evidence))
    return sum(t in have for t in terms) / len(terms)


def _cos(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def embedding_similarity(claim: str, evidence: str) -> float | None:
    embedder = _EMBEDDER[0]
    if embedder is None:
        return None
    a, b = embedder.embed_documents([claim, evidence])
    return max(0.0, _cos(a, b))


def score(
    claim: str, evidence: str, *, best_sentence: str | None = None
) -> tuple[float, dict[str, float]]:
    """The support score in [0, 1] and its parts."""
    cal = calibration()
    lex = coverage(claim, evidence)
    parts = {"lexical": round(lex, 4)}
    emb = embedding_similarity(claim, best_sentence or evidence) if cal.embedding_weight else None
    if emb is None:
        return lex, parts
    parts["embedding"] = round(emb, 4)
    w = cal.embedding_weight
    return (1 - w) * lex + w * emb, parts
