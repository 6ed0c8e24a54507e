"""The eval gates can fail: an empty or partial run fails, and a planted unsupported fact fails
the unsupported-facts gate through the checker's typed findings, not the wording of its reasons."""

from __future__ import annotations

from typing import Any

import pytest

from evals.dataset import Case, Expect
from evals.metrics import CaseRun, aggregate, faithfulness, score
from evals.runner import gates, load_thresholds
from evals.trials import seed_trials
from summarizer.models import Answer, Check, Citation, Statement, Trial


@pytest.fixture(scope="module")
def trial() -> Trial:
    """A seed trial with a phase on record (the plant contradicts it)."""
    return next(t for t in seed_trials() if t.phases)


def _phase_citation(trial: Trial) -> Citation:
    span = trial.phases[0].spans[0]
    quote = trial.source.text[span.start : span.end]
    return Citation(
        trial_id=trial.trial_id, section="design", quote=quote, start=span.start, end=span.end
    )


def _answer_run(trial: Trial, sentence: str) -> CaseRun:
    """A scored run whose answer is one sentence citing the trial's phase."""
    statement = Statement(
        text=sentence,
        citations=[_phase_citation(trial)],
        check=Check(verdict="supported", score=1.0),  # the engine's own claim; the eval re-checks
    )
    answer = Answer(
        question="What phase is it?", answer=sentence, statements=[statement], engine="test"
    )
    case = Case(
        id=f"plant-{len(sentence)}",
        kind="field",
        question="What phase is it?",
        trial="seed:003",
        expect=Expect(),
    )
    run = CaseRun(
        case=case,
        output=answer,
        trials={trial.trial_id: trial},
        ref_ids={"seed:003": trial.trial_id},
    )
    return score(run)


def _failed(metrics: dict[str, Any]) -> set[str]:
    return {g.metric for g in gates(metrics, load_thresholds(), None) if not g.ok}


def _case(i: int) -> Case:
    return Case(id=f"c{i}", kind="field", question="q?", expect=Expect())


def test_an_empty_run_fails_and_a_full_clean_run_passes_the_coverage_gates(trial: Trial) -> None:
    empty = aggregate([])
    assert empty["cases"] == 0 and empty["completed_share"] == 0.0 and empty["pass_rate"] == 0.0
    assert {"cases", "completed_share", "pass_rate"} <= _failed(empty)

    clean = aggregate([_answer_run(trial, "This is a phase 1/2 trial.")])
    assert clean["completed_share"] == 1.0
    assert not {"cases", "completed_share", "pass_rate"} & _failed(clean)


@pytest.mark.parametrize("how", ["skipped", "error"])
def test_a_partial_run_fails_when_a_case_was_skipped_or_errored(trial: Trial, how: str) -> None:
    runs = [_answer_run(trial, "This is a phase 1/2 trial.") for _ in range(9)]
    broken = CaseRun(case=_case(99), **{how: "trial(s) not in the store: seed:009"})
    runs.append(score(broken))
    metrics = aggregate(runs)
    assert metrics["completed_share"] == 0.9
    assert "completed_share" in _failed(metrics)


def test_a_planted_phase_is_counted_by_its_typed_finding(trial: Trial) -> None:
    # 'EARLY_PHASE1 but the trial is ...' does not start with 'PHASE': counting reasons by their
    # first word missed it; the typed finding counts it.
    planted = _answer_run(trial, "This is an early phase 1 trial.")
    assert planted.scores["unsupported_facts"] == 1.0
    assert planted.scores["polarity_errors"] == 0.0
    metrics = aggregate([planted, _answer_run(trial, "This is a phase 1/2 trial.")])
    assert metrics["unsupported_facts"] == 1
    assert "unsupported_facts" in _failed(metrics)

    honest = aggregate([_answer_run(trial, "This is a phase 1/2 trial.")])
    assert honest["unsupported_facts"] == 0
    assert "unsupported_facts" not in _failed(honest)


def test_unsupported_facts_ignore_reason_wording(trial: Trial) -> None:
    """A reason that merely starts with a fact word, on a check without findings, counts nothing;
    a finding counts whatever its reason says."""
    run = _answer_run(trial, "This is a phase 1/2 trial.")

    class Wordy:
        name = "offline"

        def check_statement(self, statement: Statement, trial: Trial, *, role: Any = None) -> Check:
            return Check(verdict="unsupported", score=0.0, reasons=["number of sites unclear"])

    assert faithfulness(run, Wordy())["unsupported_facts"] == 0.0  # type: ignore[arg-type]

    class Typed(Wordy):
        def check_statement(self, statement: Statement, trial: Trial, *, role: Any = None) -> Check:
            from summarizer.models.answer import Finding

            finding = Finding(kind="drug", verdict="unsupported", reason="not named in the text")
            return Check(verdict="unsupported", score=0.0, findings=[finding])

    assert faithfulness(run, Typed())["unsupported_facts"] == 1.0  # type: ignore[arg-type]
