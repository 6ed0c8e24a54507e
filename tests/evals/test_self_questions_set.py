"""The self-eligibility question set (evals/criteria/self_questions.jsonl) is well formed: ids are
unique and name their trial, each round has the trials its rule gives (two XML trials per kind
from round 2 on), a trial's half is its round's seeded hash, no trial is asked about in two
rounds, each label is one of the scorer's directions, and every round is recorded in the
selection script (its seed and its rule text).

A slow test reads the shared archive: every labelled criterion exists in its trial, and the
round-6 trials are what the selection rule gives with SEED6.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

import pytest

from evals.criteria import self_questions_eval as bench
from evals.criteria import self_questions_sample as sample

ID_RE = re.compile(r"^(NCT\d{8})-q\d+$")
COUNTS = {1: 166, 2: 66, 3: 76, 4: 74, 5: 75, 6: 92}  # questions per round, as written
LABEL_RE = re.compile(r"^(?:inc|exc)\d+$|^age$|^sex$")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return bench.load_questions()


def _by_round(rows: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        out[bench.round_of(r)].append(r)
    return out


def test_ids_are_unique_and_name_their_trial(rows: list[dict[str, Any]]) -> None:
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        m = ID_RE.match(r["id"])
        assert m and m.group(1) == r["trial"], r["id"]


def test_each_round_has_its_questions_and_its_trials(rows: list[dict[str, Any]]) -> None:
    rounds = _by_round(rows)
    assert {n: len(rs) for n, rs in rounds.items()} == COUNTS
    kinds = [k for k, _ in sample.KINDS]
    for n in range(2, max(COUNTS) + 1):
        trials = {r["trial"]: r for r in rounds[n]}
        assert len(trials) == sample.PER_KIND2 * len(kinds), n
        assert Counter(r["kind"] for r in trials.values()) == {k: sample.PER_KIND2 for k in kinds}
        assert {r["source"] for r in trials.values()} == {"xml"}
        assert all(r["labelled_by"].endswith(f"round {n} (trials chosen by SEED{n})")
                   for r in rounds[n])  # fmt: skip


def test_a_trials_half_is_its_rounds_seeded_hash(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        n = bench.round_of(r)
        seed = sample.SEED if n == 1 else sample.SEEDS[n]
        assert r["half"] == sample.half(r["trial"], seed), r["id"]
    # the rule is the hash's, not a constant: both halves occur in every round
    for n, rs in _by_round(rows).items():
        assert {r["half"] for r in rs} == {"tune", "report"}, n


def test_no_trial_is_asked_about_in_two_rounds(rows: list[dict[str, Any]]) -> None:
    owner: dict[str, int] = {}
    for r in rows:
        n = bench.round_of(r)
        assert owner.setdefault(r["trial"], n) == n, r["id"]


def test_labels_are_the_scorers_directions_and_name_criteria(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        assert r["expect"] in bench.ORDER, r["id"]
        if r["expect"] == "not_said":
            assert r["criteria"] == [], r["id"]
        else:
            assert r["criteria"] and all(LABEL_RE.match(c) for c in r["criteria"]), r["id"]
    assert Counter(r["expect"] for r in rows)["not_said"] < 0.2 * len(rows)


def test_every_round_is_recorded_in_the_selection_script() -> None:
    doc = sample.__doc__ or ""
    assert set(sample.SEEDS) == set(range(2, max(COUNTS) + 1))
    assert len(set(sample.SEEDS.values()) | {sample.SEED}) == len(sample.SEEDS) + 1
    for n, seed in sample.SEEDS.items():
        assert seed == f"{sample.SEED}-r{n}"
        assert f"Round {n} (``--round {n}``)" in doc, n
        assert f"SEED{n}" in doc, n
    assert "Round 7" not in doc


@pytest.mark.slow
def test_labels_exist_in_their_trials_and_round_6_is_what_its_rule_gives(
    rows: list[dict[str, Any]],
) -> None:
    if not (bench.DATA / "ctgov_xml_6786.tar.gz").exists():
        pytest.skip(f"shared data not found under {bench.DATA} (set TRIALSUM_DATA_DIR)")
    trials = bench.load_trials(rows)
    assert set(trials) == {r["trial"] for r in rows}
    for r in rows:
        t = trials[r["trial"]]
        have = {f"{c.kind[:3]}{c.number}" for c in t.criteria}
        have |= {"age"} if t.min_age is not None or t.max_age is not None else set()
        have |= {"sex"} if t.sex is not None else set()
        assert set(r["criteria"]) <= have, r["id"]
    chosen = sample.choose_round(sample.SEED6, 6)
    round6 = {r["trial"]: r for r in rows if bench.round_of(r) == 6}
    assert {c["trial"] for c in chosen} == set(round6)
    for c in chosen:
        assert (c["kind"], c["half"], c["path"]) == (
            round6[c["trial"]]["kind"], round6[c["trial"]]["half"], round6[c["trial"]]["path"]
        )  # fmt: skip
