"""Evals page: the latest report with failures first, or a friendly note when there is none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_report_shows_headline_metrics_and_failures_first(empty_home, report_at, page):
    report_at.parent.mkdir(parents=True)
    report_at.write_text(
        json.dumps(
            {
                "passed": False,
                "metrics": {"faithfulness": 0.97, "abstain_f1": 0.8},
                "thresholds": {"faithfulness": 0.95},
                "cases": [
                    {"id": "ok-1", "passed": True, "metrics": {"faithfulness": 1.0}},
                    {
                        "id": "bad-1",
                        "passed": False,
                        "metrics": {"faithfulness": 0.5},
                        "failures": ["claim not in source"],
                    },
                ],
            }
        )
    )
    at = page("evals")
    assert not at.exception
    assert "failed" in at.error[0].value
    labels = [m.label for m in at.metric]
    assert "Faithfulness" in labels and "Abstain f1" in labels
    table = at.dataframe[0].value
    assert list(table["Case"]) == ["bad-1", "ok-1"]
    assert table["Why it failed"][0] == "claim not in source"


def test_unreadable_report_is_a_friendly_error(empty_home, report_at, page):
    report_at.parent.mkdir(parents=True)
    report_at.write_text("{not json")
    at = page("evals")
    assert not at.exception
    assert "Sorry, something went wrong while reading the eval report" in at.error[0].value
    assert "Traceback" in (empty_home / "logs" / "ui.log").read_text()
