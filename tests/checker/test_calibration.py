"""The shipped checker calibration: it loads, says where it came from, the checker obeys it, and
the fitting in benchmarks/checker_calibrate.py finds a threshold that separates labelled data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from summarizer.checker import core, support
from summarizer.checker.support import CALIBRATION, Calibration, save_calibration
from summarizer.models import Citation, Source, Statement, Trial, sha256_text

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cal_script():
    path = ROOT / "benchmarks" / "checker_calibrate.py"
    spec = importlib.util.spec_from_file_location("checker_calibrate", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["checker_calibrate"] = module
    spec.loader.exec_module(module)
    return module


def test_shipped_calibration_loads_and_names_its_data() -> None:
    assert CALIBRATION.is_file(), "summarizer/checker/calibration.json is not shipped"
    cal = Calibration.model_validate_json(CALIBRATION.read_text(encoding="utf-8"))
    assert 0.0 < cal.support_threshold < 1.0
    assert 0.0 <= cal.polarity_min_overlap <= 1.0
    assert cal.embedding_weight == 0.0  # no embedder is registered in the app
    for name in ("checker_calibrate.py", "ctgov_v2_nsclc_100", "samples", "held-out"):
        assert name in cal.source
    # Held-out figures, and the false-alarm ceiling the fit was held to.
    assert cal.fitted["heldout_false_alarm"] <= 0.02
    assert (
        cal.fitted["heldout_balanced_accuracy"]
        >= cal.fitted["heldout_balanced_accuracy_at_defaults"]
    )
    support.calibration.cache_clear()
    assert support.calibration() == cal


def _trial() -> tuple[Trial, Citation]:
    text = "Inclusion Criteria:\n* Participants must have measurable disease.\n"
    trial = Trial(
        trial_id="NCT00000001",
        source=Source(path="t.txt", format="txt", text=text, sha256=sha256_text(text)),
    )
    quote = "Participants must have measurable disease."
    start = text.index(quote)
    return trial, Citation(
        trial_id=trial.trial_id,
        section="inclusion",
        quote=quote,
        start=start,
        end=start + len(quote),
    )


def test_checker_uses_the_calibrated_threshold(tmp_path, monkeypatch) -> None:
    trial, cite = _trial()
    # Half of the content words are in the source ('participant', 'measur', 'diseas' of six).
    st = Statement(
        text="Participants must have measurable disease and good kidney function overall.",
        citations=[cite],
    )
    value = core.check_statement(st, trial).score
    assert 0.2 < value < 0.8
    path = tmp_path / "calibration.json"
    monkeypatch.setattr(support, "CALIBRATION", path)
    try:
        save_calibration(Calibration(support_threshold=value - 0.05, source="test"), path)
        assert core.check_statement(st, trial).verdict == "supported"
        save_calibration(Calibration(support_threshold=value + 0.05, source="test"), path)
        low = core.check_statement(st, trial)
        assert low.verdict == "unsupported"
        assert f"below threshold {value + 0.05:.2f}" in low.reasons[-1]
    finally:
        support.calibration.cache_clear()


def _row(cal_script, kind, score, *, ok_polar=True, cov=1.0):
    return cal_script.Row(
        trial_id="t",
        kind=kind,
        score=score,
        cov=cov,
        always_polar=False,
        ok_polar=ok_polar,
        ok_plain=True,
        template=False,
    )


def test_fit_finds_a_threshold_that_separates_the_labels(cal_script) -> None:
    pos = [_row(cal_script, None, s) for s in (0.55, 0.6, 0.7, 0.8, 0.9, 1.0)]
    neg = [_row(cal_script, "unrelated", s) for s in (0.0, 0.1, 0.2, 0.25)]
    # A polarity plant caught only when the gate opens at overlap 0.4 or lower.
    neg += [_row(cal_script, "not", 0.9, ok_polar=False, cov=0.4)]
    t, m, rates = cal_script.fit(pos + neg)
    assert 0.25 < t <= 0.55
    assert m <= 0.4
    assert rates["false_alarm"] == 0.0
    assert rates["detect_unrelated"] == 1.0 and rates["detect_not"] == 1.0
    # The middle of the plateau (0.26 .. 0.54), not its edge.
    assert 0.36 <= t <= 0.44


def test_rebuilt_verdicts_match_direct_checker_runs(cal_script, seeds) -> None:
    from evals.planted import planted, source_items

    trials = {t.trial_id: t for t in seeds.values()}
    items = [i for t in list(trials.values())[:2] for i in source_items(t, limit=6)]
    items += planted(items, trials, kinds=("swap", "not", "number"))
    rows = cal_script.features(items, trials, Calibration())
    for threshold, overlap in ((0.9, 0.0), (0.5, 0.6), (0.3, 1.0)):
        cal = Calibration(support_threshold=threshold, polarity_min_overlap=overlap)
        with cal_script.using(cal):
            direct = [
                core.check_statement(i.statement, trials[i.trial_id], role=i.role).verdict
                == "supported"
                for i in items
            ]
        assert [cal_script.supported(r, threshold, overlap) for r in rows] == direct
