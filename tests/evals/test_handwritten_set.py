"""The hand-written eval set (evals/handwritten/) is well formed: every case belongs to a trial the
manifest lists, in that trial's half, the halves are the hash rule's, no trial is shared with
another eval set, the answerable cases say what a right answer states and where it sits, and about
a quarter are questions the record does not answer.

Slow tests read the shared archive: the manifest's trials are what the selection rule gives, every
expected fact is worded as the record words it, and a few report-half questions run end to end.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest

from evals.handwritten import select
from evals.handwritten.cases import HandwrittenCase, load_cases, load_manifest
from evals.unseen import records
from evals.unseen.scoring import _has_phrase, normalize
from summarizer.config import Settings

ID_RE = re.compile(r"^(NCT\d{8})-h\d+$")


@pytest.fixture(scope="module")
def cases() -> list[HandwrittenCase]:
    return load_cases()


@pytest.fixture(scope="module")
def manifest() -> dict:
    return load_manifest()


def _rounds(manifest: dict) -> dict[int, dict]:
    """Each selection round's record: round 1 is the manifest's top level, later ones 'rounds'."""
    return {1: manifest, **{int(k): v for k, v in manifest.get("rounds", {}).items()}}


def _halves(record: dict) -> dict[str, str]:
    return {t: h for h, part in record["halves"].items() for t in part["trials"]}


def _all_halves(manifest: dict) -> dict[str, str]:
    return {t: h for rec in _rounds(manifest).values() for t, h in _halves(rec).items()}


def _seed(n: int) -> str:
    return select.SEEDS[n]


def test_ids_are_unique_and_name_their_trial(cases: list[HandwrittenCase]) -> None:
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    for c in cases:
        m = ID_RE.match(c.id)
        assert m and m.group(1) == c.trial, c.id


def test_every_case_is_on_a_manifest_trial_in_that_trials_half(
    cases: list[HandwrittenCase], manifest: dict
) -> None:
    rounds = _rounds(manifest)
    assert len(rounds[1]["order"]) == manifest["trials"] >= 30
    for n, rec in rounds.items():
        halves = _halves(rec)
        assert len(halves) == rec["trials"] and set(rec["order"]) == set(halves), n
        in_round = [c for c in cases if c.round == n]
        for c in in_round:
            assert halves.get(c.trial) == c.half, c.id
        assert {c.trial for c in in_round} == set(halves), f"a round-{n} trial has no question"


def test_rounds_share_no_trial(manifest: dict) -> None:
    orders = [set(rec["order"]) for rec in _rounds(manifest).values()]
    assert len(orders) >= 6, "rounds 2, 3, 4, 5 and 6 are recorded"
    assert sum(map(len, orders)) == len(set().union(*orders))
    assert len(_all_halves(manifest)) == sum(map(len, orders))


def test_halves_follow_the_hash_rule_and_both_are_used(manifest: dict) -> None:
    for n, rec in _rounds(manifest).items():
        halves = _halves(rec)
        assert all(select.half_of(t, seed=_seed(n)) == h for t, h in halves.items()), n
        assert set(halves.values()) == {"tune", "report"}, n
    for n in range(2, max(select.SEEDS) + 1):
        later = Counter(_halves(_rounds(manifest)[n]).values())
        assert later["tune"] == later["report"] == select.round_count(n) // 2, n
        assert _rounds(manifest)[n]["rule"] == select.round_rule(n), n
    # Round 6 takes 10 trials that post results, and its rule says so; the others 16.
    assert select.round_count(6) == 10 and select.round_count(5) == select.ROUND_COUNT == 16
    assert "that post results (clinical_results present)" in select.round_rule(6)
    assert "results" not in select.round_rule(5)


def test_trials_are_listed_in_the_rules_hash_order(manifest: dict) -> None:
    for n, rec in _rounds(manifest).items():
        ranks = [select.h("pick", t, seed=_seed(n)) for t in rec["order"]]
        assert ranks == sorted(ranks), n


def test_no_trial_is_shared_with_another_eval_set_the_samples_or_the_seeds(
    manifest: dict,
) -> None:
    seeds = Settings().data_dir.parent / "seeds"
    used = select.used_elsewhere(seeds=seeds if seeds.is_dir() else None)
    assert used, "the other eval sets name no trial: the overlap check would be empty"
    assert not used & set(_all_halves(manifest))


def test_counts_match_the_manifest_and_the_brief(
    cases: list[HandwrittenCase], manifest: dict
) -> None:
    rounds = _rounds(manifest)
    assert len(cases) == sum(rec["cases"] for rec in rounds.values())
    assert manifest["cases"] >= 100
    per_trial = Counter(c.trial for c in cases)
    assert min(per_trial.values()) >= 3 and max(per_trial.values()) <= 8
    # up to round 4 at most 6 a trial; round 5 asks 7 (about 110 questions on 16 trials);
    # round 6 asks 8 (who took part, outcomes, side effects, how many finished, two ordinary
    # questions and two the record does not answer) on 10 trials that post results
    later = set(_rounds(manifest)[5]["order"]) | set(_rounds(manifest)[6]["order"])
    assert max(n for t, n in per_trial.items() if t not in later) <= 6
    assert Counter(per_trial[t] for t in _rounds(manifest)[5]["order"]) == {7: 16}
    assert Counter(per_trial[t] for t in _rounds(manifest)[6]["order"]) == {8: 10}
    sixth = [c for c in cases if c.round == 6]
    for trial in _rounds(manifest)[6]["order"]:
        kinds = Counter(c.kind for c in sixth if c.trial == trial and c.answerable)
        assert kinds["baseline"] == 1 and kinds["side_effects"] == 1, trial
        assert kinds["results"] == 2, trial  # the outcome results and how many finished
    unanswerable = sum(not c.answerable for c in cases)
    assert 0.2 <= unanswerable / len(cases) <= 0.35
    for n, rec in rounds.items():
        in_round = [c for c in cases if c.round == n]
        assert rec["cases"] == len(in_round), n
        assert rec["unanswerable"] == sum(not c.answerable for c in in_round), n
        for half, part in rec["halves"].items():
            assert part["cases"] == sum(c.half == half for c in in_round), (n, half)
        # every trial of the round has a question its record does not answer (round 2 on)
        if n > 1:
            lacking = Counter(c.trial for c in in_round if not c.answerable)
            assert set(lacking) == set(rec["order"]), n
            # from round 4 on, two per trial: round 3's report half showed weak abstentions
            if n >= 4:
                assert min(lacking.values()) >= 2, n


def test_answerable_cases_say_what_a_right_answer_states_and_where(
    cases: list[HandwrittenCase],
) -> None:
    for c in cases:
        assert c.support.strip(), c.id
        if c.answerable:
            assert c.facts and 1 <= c.need <= len(c.facts), c.id
            assert c.sections, c.id
            assert all(f.forms and all(normalize(x) for x in f.forms) for f in c.facts), c.id
        else:
            assert not c.facts and c.need == 0, c.id


def test_questions_are_varied_not_templated(cases: list[HandwrittenCase]) -> None:
    assert len({c.question.casefold() for c in cases}) == len(cases)
    assert sum(c.first_person for c in cases) >= 0.2 * len(cases)
    assert sum(c.typo for c in cases) >= 5
    assert len({c.kind for c in cases}) >= 12
    assert {c.asker for c in cases} == {"patient", "editor"}


# ---------------------------------------------------------------- against the shared archive


@pytest.mark.slow
def test_the_manifest_lists_what_the_selection_rule_gives(
    shared_data: Path, manifest: dict
) -> None:
    if not (shared_data / records.XML_ARCHIVE).exists():
        pytest.skip(f"{records.XML_ARCHIVE} not in {shared_data}")
    seeds = shared_data.parent / "seeds"
    chosen = select.choose(shared_data, seeds=seeds if seeds.is_dir() else None)
    assert chosen == manifest["order"]
    found = seeds if seeds.is_dir() else None
    second = select.choose_round(
        shared_data, select.earlier_trials(manifest, 2), _seed(2), seeds=found
    )
    assert second == _rounds(manifest)[2]["order"]
    third = select.choose_round(
        shared_data, set(manifest["order"]) | set(second), _seed(3), seeds=found
    )
    assert third == _rounds(manifest)[3]["order"]
    assert not set(third) & (set(manifest["order"]) | set(second))
    earlier = set(manifest["order"]) | set(second) | set(third)
    assert earlier == select.earlier_trials(manifest, 4)
    fourth = select.choose_round(shared_data, earlier, _seed(4), seeds=found)
    assert fourth == _rounds(manifest)[4]["order"]
    assert not set(fourth) & earlier
    earlier |= set(fourth)
    assert earlier == select.earlier_trials(manifest, 5)
    fifth = select.choose_round(shared_data, earlier, _seed(5), seeds=found)
    assert fifth == _rounds(manifest)[5]["order"]
    assert not set(fifth) & earlier
    earlier |= set(fifth)
    assert earlier == select.earlier_trials(manifest, 6)
    sixth = select.choose_round(
        shared_data, earlier, _seed(6), seeds=found, count=10, results_only=True
    )
    assert sixth == _rounds(manifest)[6]["order"]
    assert not set(sixth) & earlier
    texts = dict(records.iter_xml(shared_data, set(sixth)))
    assert all(select.posts_results(texts[t]) for t in sixth)  # the round's own rule


def _attribute_values(tag: re.Match[str]) -> str:
    return " " + " ".join(re.findall(r'="([^"]*)"', tag.group(0))) + " "


@pytest.mark.slow
def test_every_expected_fact_is_worded_as_its_record_words_it(
    shared_data: Path, cases: list[HandwrittenCase]
) -> None:
    if not (shared_data / records.XML_ARCHIVE).exists():
        pytest.skip(f"{records.XML_ARCHIVE} not in {shared_data}")
    texts = dict(records.iter_xml(shared_data, {c.trial for c in cases}))
    assert set(texts) == {c.trial for c in cases}
    missing = []
    for c in cases:
        # Posted results put their numbers in attributes (value="62.0"): a tag reads as them.
        words = normalize(html.unescape(re.sub(r"<[^>]+>", _attribute_values, texts[c.trial])))
        for f in c.facts:
            if not any(_has_phrase(words, normalize(x)) for x in f.forms):
                missing.append((c.id, f.label))
    assert not missing


@pytest.mark.slow
def test_a_few_report_half_questions_run_end_to_end(
    shared_data: Path, cases: list[HandwrittenCase], tmp_path: Path
) -> None:
    from evals.handwritten.run import run

    if reason := records.data_present(shared_data):
        pytest.skip(reason)
    trials = sorted({c.trial for c in cases if c.half == "report"})[:2]
    few = [c for c in cases if c.trial in trials]
    settings = Settings().model_copy(update={"data_dir": shared_data})
    rep = run("report", cases=few, settings=settings, workdir=tmp_path)
    assert not rep.skipped and rep.trials == 2
    assert rep.cases == len(few) and all(r.error is None for r in rep.rows)
    assert {r.id for r in rep.rows} == {c.id for c in few}
    assert any(r.answerable for r in rep.rows) and any(not r.answerable for r in rep.rows)
