"""``trialsum parse``: a table or JSON lines on stdout, failures and a summary on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app


def _xml(nct: str) -> str:
    return (
        f"<clinical_study><id_info><nct_id>{nct}</nct_id></id_info>"
        "<brief_title>A study of things</brief_title><overall_status>Recruiting</overall_status>"
        "<phase>Phase 2</phase><eligibility><criteria><textblock>Inclusion Criteria:\n\n"
        "  -  Adults\n\nExclusion Criteria:\n\n  -  Pregnancy\n  -  HIV</textblock></criteria>"
        "<minimum_age>18 Years</minimum_age></eligibility></clinical_study>"
    )


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    (tmp_path / "NCT1.xml").write_text(_xml("NCT00000001"), encoding="utf-8")
    (tmp_path / "NCT2.xml").write_text(_xml("NCT00000002"), encoding="utf-8")
    return tmp_path


def test_table_lists_each_trial_and_a_summary(runner: CliRunner, docs: Path) -> None:
    result = runner.invoke(app, ["parse", str(docs)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "NCT00000001" in result.stdout and "NCT00000002" in result.stdout
    assert "ctgov_xml" in result.stdout and "Phase 2" in result.stdout and "1/2" in result.stdout
    assert "Parsed 2 trials from 2 files, 0 failed." in result.stderr


def test_json_lines_omit_source_text_unless_full(runner: CliRunner, docs: Path) -> None:
    result = runner.invoke(app, ["parse", "--json", str(docs / "NCT1.xml")])
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["trial_id"] == "NCT00000001"
    assert [c["text"] for c in record["exclusion_criteria"]] == ["Pregnancy", "HIV"]
    assert "text" not in record["source"] and "original" not in record["source"]
    full = json.loads(
        runner.invoke(app, ["parse", "--json", "--full", str(docs / "NCT1.xml")]).stdout
    )
    assert "Eligibility Criteria" in full["source"]["text"]


def test_failures_are_one_line_each_and_set_exit_code(runner: CliRunner, docs: Path) -> None:
    (docs / "broken.xml").write_text("<clinical_study><id_info>", encoding="utf-8")
    (docs / "empty.xml").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["parse", "--json", str(docs)])
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(docs))]
    assert errors == [
        f"{docs / 'broken.xml'}: malformed XML: no element found: line 1, column 25",
        f"{docs / 'empty.xml'}: empty file",
    ]
    assert len(result.stdout.splitlines()) == 2  # the good ones are still parsed
    assert "Parsed 2 trials from 4 files, 2 failed." in result.stderr


def test_fail_fast_stops_at_the_first_failure(runner: CliRunner, docs: Path) -> None:
    (docs / "A_broken.xml").write_text("<clinical_study>", encoding="utf-8")
    result = runner.invoke(app, ["parse", "--json", "--fail-fast", str(docs)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Parsed 0 trials from 1 file, 1 failed." in result.stderr


def test_coverage_prints_the_share_of_trials_with_each_field(runner: CliRunner, docs: Path) -> None:
    result = runner.invoke(app, ["parse", "--coverage", "--json", str(docs)])
    assert result.exit_code == 0
    table = json.loads(result.stdout)
    shares = {row["field"]: row["share"] for row in table["rows"]}
    assert table["trials"] == 2
    assert shares["exclusion_criteria"] == 1.0 and shares["locations"] == 0.0
    text = runner.invoke(app, ["parse", "--coverage", str(docs)]).stdout
    assert "Field coverage over 2 trials" in text


def test_help_says_source_text_is_left_out(runner: CliRunner) -> None:
    result = runner.invoke(app, ["parse", "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "--full" in result.stdout and "left out" in result.stdout


def test_control_characters_in_names_and_titles_never_reach_the_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "bad\x1b[2J.xml").write_text("<clinical_study>", encoding="utf-8")
    title = _xml("NCT00000003").replace("A study of things", "Study \x1b]0;owned\x07 of things")
    (tmp_path / "ok\x9b.xml").write_text(title, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(tmp_path)], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert "\x07" not in result.output
    assert f"{tmp_path}/bad\ufffd[2J.xml: malformed XML" in result.stderr
    assert "Study \ufffd]0;owned\ufffd of things" in result.stdout
    assert "Parsed 1 trial from 2 files, 1 failed." in result.stderr
