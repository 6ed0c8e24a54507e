"""Ways to merge ranked lists from different retrievers into one score per item.

Each method takes one ``{item: score}`` mapping per retriever (higher is better) and per-retriever
weights, and returns ``{item: fused score}``. Chosen by name from ``FUSIONS``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

K = TypeVar("K")
RRF_K = 60

Fusion = Callable[[Sequence[Mapping[K, float]], Sequence[float]], dict[K, float]]


def ranks(scores: Mapping[K, float]) -> dict[K, int]:
    """1-based ranks, best score first (ties keep insertion order)."""
    ordered = sorted(scores, key=lambda item: -scores[item])
    return {item: i + 1 for i, item in enumerate(ordered)}


def rrf(
    lists: Sequence[Mapping[K, float]], weights: Sequence[float] = (), k: int = RRF_K
) -> dict[K, float]:
    """Reciprocal rank fusion: sum of ``w / (k + rank)``; only ranks matter, not score scales."""
    fused: dict[K, float] = {}
    for i, scores in enumerate(lists):
        weight = weights[i] if i < len(weights) else 1.0
        for item, rank in ranks(scores).items():
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def minmax(scores: Mapping[K, float]) -> dict[K, float]:
    """Scale to [0, 1] within the list; a list of equal scores maps to 1."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return dict.fromkeys(scores, 1.0)
    return {item: (s - low) / (high - low) for item, s in scores.items()}


def convex(lists: Sequence[Mapping[K, float]], weights: Sequence[float] = ()) -> dict[K, float]:
    """Convex combination of min-max normalized scores; missing from a list counts as 0."""
    fused: dict[K, float] = {}
    total = sum(weights[i] if i < len(weights) else 1.0 for i in range(len(lists))) or 1.0
    for i, scores in enumerate(lists):
        weight = (weights[i] if i < len(weights) else 1.0) / total
        for item, s in minmax(scores).items():
            fused[item] = fused.get(item, 0.0) + weight * s
    return fused


def rrf10(lists: Sequence[Mapping[K, float]], weights: Sequence[float] = ()) -> dict[K, float]:
    """RRF with k=10: a steeper reward for the top ranks (trial ranking, chosen on TREC 2021)."""
    return rrf(lists, weights, k=10)


FUSIONS: dict[str, Callable[..., dict]] = {"rrf": rrf, "rrf10": rrf10, "convex": convex}


def fuse(
    method: str, lists: Sequence[Mapping[K, float]], weights: Sequence[float] = ()
) -> dict[K, float]:
    try:
        fn = FUSIONS[method]
    except KeyError:
        raise ValueError(f"unknown fusion {method!r}; choose from {sorted(FUSIONS)}") from None
    return fn(lists, weights)
