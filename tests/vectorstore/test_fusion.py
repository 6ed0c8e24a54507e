"""Rank fusion: reciprocal rank and convex combination of normalized scores."""

from __future__ import annotations

import pytest

from vectorstore.fusion import convex, fuse, minmax, ranks, rrf


def test_ranks_order_by_score() -> None:
    assert ranks({"a": 0.1, "b": 3.0, "c": 1.0}) == {"b": 1, "c": 2, "a": 3}


def test_rrf_rewards_items_both_lists_agree_on() -> None:
    dense = {"a": 0.9, "b": 0.8, "c": 0.1}
    lexical = {"b": 12.0, "d": 11.0, "a": 1.0}
    fused = rrf([dense, lexical])
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert max(fused, key=fused.__getitem__) == "b"
    assert fused["d"] == pytest.approx(1 / 62)


def test_rrf_weights_scale_each_list() -> None:
    fused = rrf([{"a": 1.0}, {"b": 1.0}], weights=[2.0, 1.0])
    assert fused["a"] == pytest.approx(2 * fused["b"])


def test_rrf_ignores_score_scale() -> None:
    assert rrf([{"a": 1000.0, "b": 1.0}]) == rrf([{"a": 0.2, "b": 0.1}])


def test_minmax_and_convex() -> None:
    assert minmax({"a": 2.0, "b": 4.0}) == {"a": 0.0, "b": 1.0}
    assert minmax({"a": 5.0}) == {"a": 1.0}
    fused = convex([{"a": 1.0, "b": 0.0}, {"b": 10.0, "c": 0.0}], weights=[3.0, 1.0])
    assert fused == pytest.approx({"a": 0.75, "b": 0.25, "c": 0.0})


def test_unknown_fusion_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown fusion 'max'"):
        fuse("max", [{"a": 1.0}])


def test_rrf10_is_rrf_with_a_steeper_top() -> None:
    lists = [{"a": 3.0, "b": 2.0, "c": 1.0}, {"c": 9.0, "a": 1.0}]
    assert fuse("rrf10", lists, (3.0, 1.0)) == rrf(lists, (3.0, 1.0), k=10)
    assert fuse("rrf10", lists, (3.0, 1.0)) != rrf(lists, (3.0, 1.0))
