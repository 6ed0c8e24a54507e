"""Regression gate, not an independent score: questions about oneself on the held-out (report)
half of evals/criteria/self_questions.jsonl must keep the direction and the criterion they had
when this gate was set (written and labelled by an AI helper reading the criteria, before
running the engine). The floor (``evals.suites.SELF_ELIGIBILITY_FLOOR``) is the last measured
figure minus a small tolerance."""

from __future__ import annotations

from types import ModuleType

import pytest

from evals.criteria import self_questions_eval
from evals.suites import SELF_ELIGIBILITY_FLOOR as FLOOR


def _bench() -> ModuleType:
    return self_questions_eval


def test_the_report_half_keeps_its_direction_and_criterion_figure() -> None:
    bench = _bench()
    if not (bench.DATA / "ctgov_xml_6786.tar.gz").exists():
        pytest.skip(f"shared data not found under {bench.DATA} (set TRIALSUM_DATA_DIR)")
    rows = [r for r in bench.load_questions() if r["half"] == "report"]
    assert len(rows) >= 90 and len({r["trial"] for r in rows}) >= 20
    results = bench.score(rows, bench.load_trials(rows))
    figure = bench.summary(results)["report"]["direction_and_criterion"]
    assert figure >= FLOOR, f"report half {figure:.3f} < floor {FLOOR:.3f}"
    never = [r["id"] for r in results if "you are eligible" in r["answer"].lower()]
    assert never == []


def test_the_scorer_reads_each_direction_from_the_wording() -> None:
    bench = _bench()
    assert bench.direction_of("This trial does not take people with HIV infection") == (
        "does_not_take"
    )
    assert bench.direction_of("This trial does not take people with a heart attack within six "
                              "months, so it allows it if it was more than six months ago") == (
        "allowed_if"
    )  # fmt: skip
    assert bench.direction_of("This trial takes pregnant women") == "takes"
    assert bench.direction_of("Please ask the study team: only they decide who takes part.") is None
