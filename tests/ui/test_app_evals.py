"""Evals page: the latest report with failures first, or a friendly note when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.runner import Gate, Report
from ui import state


@pytest.fixture
def report_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "reports" / "eval" / "report.json"
    monkeypatch.setattr(state, "eval_report_path", lambda: path)
    return path


def test_no_report_yet_shows_how_to_make_one(empty_home, report_at, page):
    at = page("evals")
    assert not at.exception
    assert "No eval report yet" in at.info[0].value
    assert "trialsum eval" in at.info[0].value


def _write_report(path: Path, *, ok: bool) -> None:
    """A report in the exact shape ``trialsum eval`` writes (built with its own model)."""
    summary_scores = {"faithful_share": 0.5, "grade_max": 11.2}
    report = Report(
        engine="extractive",
        dataset="cases",
        created="2026-01-01T00:00:00Z",
        seconds=12.0,
        metrics={"pass_rate": 0.5, "faithfulness": 0.75, "reading_grade_max_mean": 11.2},
        gates=[Gate(metric="faithfulness", rule=">=", limit=0.9, value=0.75, ok=ok)],
        ok=ok,
        cases=[
            {"id": "ok-1", "kind": "field", "status": "pass", "question": "Who can join?"},
            {
                "id": "bad-1",
                "kind": "summary",
                "status": "fail",
                "trial": "seed:000",
                "scores": summary_scores,
                "notes": ["checker: unsupported: 'Sex: All'"],
            },
        ],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2))  # as evals.report.write does


def test_report_shows_headline_metrics_charts_and_failures_first(empty_home, report_at, page):
    _write_report(report_at, ok=False)
    at = page("evals")
    assert not at.exception
    assert "failed a gate" in at.error[0].value
    assert "faithfulness is 75%, needs at least 0.9" in at.error[1].value
    labels = {m.label: m.value for m in at.metric}
    assert labels["Faithfulness"] == "75%" and labels["Cases passed"] == "50%"
    assert "Reading grade" in labels
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2, "faithfulness and reading grade per case"
    table = at.dataframe[0].value
    assert list(table["Case"]) == ["bad-1", "ok-1"]
    assert table["Why"][0] == "checker: unsupported: 'Sex: All'"


def test_a_passing_report_says_so(empty_home, report_at, page):
    _write_report(report_at, ok=True)
    at = page("evals")
    assert not at.exception
    assert "passed every gate" in at.success[0].value
    assert not at.error


def test_a_json_file_that_is_not_a_report_is_a_friendly_error(empty_home, report_at, page):
    report_at.parent.mkdir(parents=True)
    report_at.write_text('{"hello": "world"}')
    at = page("evals")
    assert not at.exception
    assert "is not a trialsum eval report" in at.error[0].value


def test_unreadable_report_is_a_friendly_error(empty_home, report_at, page):
    report_at.parent.mkdir(parents=True)
    report_at.write_text("{not json")
    at = page("evals")
    assert not at.exception
    assert "Sorry, something went wrong while reading the eval report" in at.error[0].value
    assert "Traceback" in (empty_home / "logs" / "ui.log").read_text()


def test_the_report_is_found_where_trialsum_eval_writes_it_from_the_start_folder(
    empty_home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("TRIALSUM_EVAL_REPORT", raising=False)
    monkeypatch.chdir(tmp_path)
    default = tmp_path / "reports" / "eval" / "report.json"
    assert default.resolve() in state.eval_report_candidates()
    default.parent.mkdir(parents=True)
    _write_report(default, ok=True)
    assert state.eval_report_path() == default.resolve()


def test_with_no_report_the_page_says_where_it_looked(
    empty_home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page
):
    monkeypatch.setenv("TRIALSUM_EVAL_REPORT", str(tmp_path / "none" / "report.json"))
    at = page("evals")
    assert not at.exception
    info = at.info[0].value
    assert "Looked for a report in" in info
    assert "none/report.json" in info.replace("\\", "")
