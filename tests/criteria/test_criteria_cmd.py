"""``trialsum criteria``: constraints with spans for a document or a stored trial."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.criteria.model import CriteriaSet

runner = CliRunner()


def test_json_is_one_criteria_set_per_trial_with_spans_into_the_source(samples_dir: Path):
    path = next(samples_dir.glob("000_*.txt"))
    result = runner.invoke(app, ["criteria", str(path), "--json"])
    assert result.exit_code == 0, result.output
    parsed = CriteriaSet.model_validate(json.loads(result.stdout.splitlines()[0]))
    assert parsed.trial_id == "NCT06503094"
    assert parsed.constraints("marker") and parsed.coverage > 0.5


def test_text_lists_constraints_and_the_words_left_as_text(samples_dir: Path):
    path = next(samples_dir.glob("003_*.txt"))
    result = runner.invoke(app, ["criteria", str(path)])
    assert result.exit_code == 0, result.output
    assert "with a typed constraint" in result.stdout
    assert "+ age · concept=age · gt 6 months" in result.stdout
    assert "~ text ·" in result.stdout


def test_unknown_trial_is_one_line_and_exit_2(tmp_home: Path):
    result = runner.invoke(app, ["criteria", "NCT00000000"])
    assert result.exit_code == 2
    assert "neither a file nor a trial in the store" in result.output
