"""``trialsum match``: the pre-screen on the command line, readable or as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.models.match import MatchResult

DATA = Path(__file__).resolve().parents[1] / "match" / "data"
PERSON = "I'm 65, a man with high blood pressure."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from summarizer.config import Settings
    from summarizer.ingest import ingest_paths
    from summarizer.runtime import Runtime

    home = tmp_path_factory.mktemp("match_cli")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ANONYMIZED_TELEMETRY", "False")
        assert not ingest_paths([DATA], Runtime(Settings(home=home))).trials_failed
    return home


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args), env={"TRIALSUM_URL": ""})


def test_json_round_trips_into_the_match_result(store: Path) -> None:
    done = run("match", PERSON, "--k", "2", "--json", "--store", str(store))

    assert done.exit_code == 0, done.output
    result = MatchResult.model_validate(json.loads(done.stdout))
    assert MatchResult.model_validate_json(result.model_dump_json()) == result
    assert [m.trial_id for m in result.trials] == ["NCT00006190", "NCT00001451"]  # 18-60 blocked
    assert result.trials[1].blocked and not result.trials[0].blocked


def test_text_lists_met_not_met_and_open_criteria_with_the_notice(store: Path) -> None:
    done = run("match", PERSON, "--store", str(store))

    assert done.exit_code == 0, done.output
    out = done.stdout
    assert out.startswith("This is a pre-screen, not a decision")
    for words in ("NCT00001451", "Not met:", "Met:", "Open (", "Questions for the study team:"):
        assert words in out
    assert "“Age 18-60.”" in out and 'You said "I\'m 65", which this does not take.' in out
    assert "https://clinicaltrials.gov/study/NCT00006190" in out
    assert "eligible" not in out.lower()


def test_bad_input_is_one_line_and_exit_2(store: Path) -> None:
    for args in (
        ["match", "  "],
        ["match", PERSON, "--status", "maybe"],
        ["match", PERSON, "-k", "0"],
    ):
        done = run(*args, "--store", str(store))
        assert done.exit_code == 2, (args, done.output)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:")
    assert "Describe the person" in run("match", "  ", "--store", str(store)).stderr


def test_help_says_it_is_a_pre_screen() -> None:
    done = run("match", "--help")
    assert done.exit_code == 0
    assert "Pre-screen" in done.stdout and "--status" in done.stdout
