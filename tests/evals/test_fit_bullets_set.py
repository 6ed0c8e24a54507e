"""The editor-bullet eval set (evals/criteria/fit_bullets*.jsonl) is well formed: every bullet is
on a listed trial in that trial's half and round, the rounds share no trial, each later round's
seed and count are recorded and its halves split evenly, the right paraphrases are the rows of
fit_bullets_right.jsonl in order with their provenance, and every planted bullet is what the
planting rules make of its right one (so no planted row was hand-edited). Round 4 (session 25)
has its own seed, ten trials and planted bullets of every kind; round 5 (session 25, helper Q3)
its own seed and six trials, three in each half, with every kind planted over the round."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from evals.criteria import make_fit_bullets as mfb


@pytest.fixture(scope="module")
def picks() -> list[mfb.TrialPick]:
    return mfb.load_picks()


@pytest.fixture(scope="module")
def bullets() -> list[mfb.Bullet]:
    return mfb.load_bullets()


@pytest.fixture(scope="module")
def rights() -> list[dict]:
    lines = mfb.RIGHT_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_bullet_is_on_a_listed_trial_in_its_half_and_round(
    picks: list[mfb.TrialPick], bullets: list[mfb.Bullet]
) -> None:
    by_nct = {p.nct: p for p in picks}
    assert len(by_nct) == len(picks), "a trial is listed twice"
    for b in bullets:
        p = by_nct[b.nct]
        assert (b.half, b.round_no) == (p.half, p.round_no), b.id
    assert {b.nct for b in bullets} == set(by_nct), "a listed trial has no bullet"


def test_later_rounds_record_their_seed_and_count_and_split_evenly(
    picks: list[mfb.TrialPick],
) -> None:
    body = json.loads(mfb.TRIALS_FILE.read_text(encoding="utf-8"))
    assert set(mfb.ROUNDS) == {2, 3, 4, 5}
    seeds = [body["seed"]]
    for n, (seed, count) in mfb.ROUNDS.items():
        assert body[f"seed_round{n}"] == seed and body[f"round{n}_count"] == count
        seeds.append(seed)
        part = [p for p in picks if p.round_no == n]
        assert len(part) == count, n
        halves = Counter(p.half for p in part)
        assert abs(halves["tune"] - halves["report"]) <= count % 2, n
    assert len(set(seeds)) == len(seeds), "a round reuses a seed"
    assert mfb.ROUNDS[4] == ("fit-bullets-issue14-round4", 10)
    assert mfb.ROUNDS[5] == ("fit-bullets-issue14-round5", 6)


def test_round_halves_follow_the_seeded_rank_parity(picks: list[mfb.TrialPick]) -> None:
    for n, (seed, _) in mfb.ROUNDS.items():
        part = [p for p in picks if p.round_no == n]
        order = sorted(part, key=lambda p: mfb.digest("half", p.nct, seed=seed))
        assert [p.half for p in order] == [
            "tune" if i % 2 == 0 else "report" for i in range(len(order))
        ]


def test_right_rows_are_the_right_file_in_order_with_provenance(
    bullets: list[mfb.Bullet], rights: list[dict]
) -> None:
    right = [b for b in bullets if b.mistake == "right"]
    assert len(right) == len(rights)
    by_id = {b.id: b for b in right}
    for i, row in enumerate(rights, 1):
        b = by_id[f"r{i:03d}"]
        assert (b.nct, b.role, b.text, b.round) == (
            row["nct"],
            row["role"],
            row["text"],
            row.get("round"),
        )
        if row.get("condition"):
            assert row["condition"] in row["text"], b.id
        if (row.get("round") or 1) >= 2:
            assert "before running the checker" in row["provenance"], b.id


def test_planted_bullets_are_what_the_rules_make_of_their_right_one(
    bullets: list[mfb.Bullet],
) -> None:
    by_id = {b.id: b for b in bullets}
    plant = {
        "number": mfb.plant_number,
        "comparator": mfb.plant_comparator,
        "unit": mfb.plant_unit,
        "negation": mfb.plant_negation,
        "exception": mfb.plant_exception,
    }
    for b in bullets:
        if b.mistake == "right":
            continue
        src = by_id[b.from_id or ""]
        assert b.id == f"{src.id}-{b.mistake}" and b.nct == src.nct and b.half == src.half
        if b.mistake == "swap":
            assert b.text == src.text and b.role != src.role
        elif b.mistake == "condition":
            assert src.condition and b.role == src.role and b.text != src.text
            i = src.text.index(src.condition)
            rest = src.text[i + len(src.condition) :]
            assert b.text[:i] == src.text[:i] and b.text.endswith(rest), b.id
        else:
            assert b.text == plant[b.mistake](src.text) != src.text, b.id


def test_round_four_has_about_round_threes_size_and_every_kind(bullets: list[mfb.Bullet]) -> None:
    four = [b for b in bullets if b.round_no == 4]
    three = [b for b in bullets if b.round_no == 3]
    assert len({b.nct for b in four}) == 10
    assert 0.8 * len(three) <= len(four) <= 1.3 * len(three)
    for half in ("tune", "report"):
        kinds = Counter(b.mistake for b in four if b.half == half)
        assert kinds["right"] >= 30, half
        assert all(kinds[k] > 0 for k in mfb.MISTAKES), (half, kinds)
    assert {b.round_no for b in bullets} >= {1, 2, 3, 4}


def test_round_five_has_six_trials_split_three_and_three_and_every_kind(
    picks: list[mfb.TrialPick], bullets: list[mfb.Bullet]
) -> None:
    five = [b for b in bullets if b.round_no == 5]
    trials = [p for p in picks if p.round_no == 5]
    assert len(trials) == 6 and {b.nct for b in five} == {p.nct for p in trials}
    assert Counter(p.half for p in trials) == {"tune": 3, "report": 3}
    assert {p.kind for p in trials} == set(list(mfb.KINDS)[:6]), "the kinds in turn"
    for half in ("tune", "report"):
        kinds = Counter(b.mistake for b in five if b.half == half)
        assert kinds["right"] >= 25 and kinds["swap"] == kinds["right"], half
    assert all(any(b.mistake == k for b in five) for k in mfb.MISTAKES)
    assert {b.round_no for b in bullets} == {1, 2, 3, 4, 5}


def test_the_selection_step_serves_every_later_round() -> None:
    assert not hasattr(mfb, "select_round2")
    assert mfb.select_round.__name__ == "select_round"
