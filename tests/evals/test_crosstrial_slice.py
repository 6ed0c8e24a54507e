"""Regression gate on the cross-trial eval's CI slice: the report-half libraries listed under
"slice" in evals/crosstrial/manifest.json must keep the floors in evals/crosstrial/thresholds.toml.

The floors are the figures measured on the slice minus a small tolerance, not the issue-15
targets (benchmarks/crosstrial_eval.py reports those on the whole report half): this fails when
cross-trial answers get worse on libraries the engine was not tuned on. Skipped when the shared
data is absent.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from evals.crosstrial.cases import HERE, load_cases
from evals.crosstrial.run import CrossReport, run, select
from evals.unseen import records
from summarizer.config import Settings

THRESHOLDS = HERE / "thresholds.toml"


@pytest.fixture(scope="module")
def slice_report(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> CrossReport:
    if not (shared_data / records.XML_ARCHIVE).exists():
        pytest.skip(f"shared data absent: {records.XML_ARCHIVE} not in {shared_data}")
    cases = select(load_cases(), halves=["report"], only_slice=True)
    assert cases, "no CI slice in cases.jsonl: regenerate with python -m evals.crosstrial.generate"
    settings = Settings().model_copy(update={"data_dir": shared_data})
    return run(cases, settings=settings, workdir=tmp_path_factory.mktemp("crosstrial"))


def test_the_slice_is_report_half_libraries_and_every_question_was_asked(
    slice_report: CrossReport,
) -> None:
    assert not slice_report.skipped
    assert set(slice_report.figures["halves"]) == {"report"}
    assert slice_report.figures["overall"]["errors"] == 0
    assert slice_report.cases >= 20


def test_the_slice_keeps_its_recorded_floors(slice_report: CrossReport) -> None:
    got = slice_report.figures["overall"]
    floors = tomllib.loads(THRESHOLDS.read_text(encoding="utf-8"))["slice"]["floors"]
    low = {k: (got[k], v) for k, v in floors.items() if got[k] is None or got[k] < v}
    assert not low, f"regressed (measured, floor): {low}"
