"""``trialsum eval --suite``: the criteria and cross-trial sets run as suites of the product's eval,
each with its gates in the report and in the exit code. The CLI runs a tiny subset (``--limit``);
the full gates run in tests/evals."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evals import suites
from evals.criteria import make_fit_bullets, self_questions_eval
from summarizer.cli import app

ROOT = Path(__file__).resolve().parents[2]
CRITERIA_GATES = {
    "self_eligibility.scored",
    "self_eligibility.completed_share",
    "self_eligibility.direction_and_criterion",
    "self_eligibility.said_you_are_eligible",
    "fit_bullets.scored",
    "fit_bullets.completed_share",
    "fit_bullets.false_alarm_rate",
    *(f"fit_bullets.catch_{k}" for k in make_fit_bullets.MISTAKES),
}


def run(*args: str, data: Path) -> Any:
    env = {"TRIALSUM_DATA_DIR": str(data), "TRIALSUM_URL": "", "ANONYMIZED_TELEMETRY": "False"}
    return CliRunner().invoke(app, ["eval", *args], env=env)


def report_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fast_loads(shared_data: Path) -> Iterator[None]:
    """Each CLI run below parses the same few trials: read them from the archive once."""
    cache: dict[tuple[str, str], Any] = {}
    real_sq, real_fit = self_questions_eval.load_trials, make_fit_bullets.load_trials

    def sq(rows: Any, data: Path = self_questions_eval.DATA) -> Any:
        key = ("sq", f"{data} {sorted({r['trial'] for r in rows})}")
        if key not in cache:
            cache[key] = real_sq(rows, data)
        return cache[key]

    def fit(data: Path, picks: Any) -> Any:
        key = ("fit", f"{data} {sorted(p.nct for p in picks)}")
        if key not in cache:
            cache[key] = real_fit(data, picks)
        return cache[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(self_questions_eval, "load_trials", sq)
        mp.setattr(make_fit_bullets, "load_trials", fit)
        yield


@pytest.fixture
def permissive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Limits any subset meets (floors 0, ceilings 1), so one planted limit decides the run."""
    limits = tomllib.loads(suites.FIT_GATE.read_text(encoding="utf-8"))["report"]
    lines = [f"{k} = {1.0 if k.endswith('_max') else 0.0}" for k in limits]
    gate = tmp_path / "gate.toml"
    gate.write_text("[report]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(suites, "FIT_GATE", gate)
    monkeypatch.setattr(suites, "SELF_ELIGIBILITY_FLOOR", 0.0)
    return gate


def test_the_criteria_suite_writes_its_gates_into_the_report_and_the_exit_code(
    shared_data: Path, fast_loads: None, tmp_path: Path
) -> None:
    done = run("--suite", "criteria", "--limit", "1", "--out", str(tmp_path), data=shared_data)

    report = report_of(tmp_path)
    (suite,) = report["suites"]
    assert suite["name"] == "criteria" and suite["status"] in ("pass", "fail")
    gates = {g["metric"]: g for g in suite["gates"]}
    assert set(gates) == CRITERIA_GATES
    limits = tomllib.loads(suites.FIT_GATE.read_text(encoding="utf-8"))["report"]
    assert gates["fit_bullets.false_alarm_rate"]["limit"] == limits["false_alarm_rate_max"]
    assert gates["fit_bullets.catch_unit"]["limit"] == limits["catch_unit_min"]
    assert gates["self_eligibility.scored"]["value"] == 1
    assert suite["figures"]["fit_bullets"]["scored"] == len(make_fit_bullets.MISTAKES) + 1
    assert report["metrics"] == {} and report["setup"]["suites"] == ["criteria"]
    assert report["ok"] == all(g["ok"] for g in gates.values())
    assert done.exit_code == (0 if report["ok"] else 1), done.output
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "## Suite: criteria" in md and "self_eligibility.direction_and_criterion" in md
    assert "Suite: criteria" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_a_planted_failing_threshold_fails_the_run_and_lenient_ones_pass_it(
    shared_data: Path, fast_loads: None, permissive: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    lenient = run("--suite", "criteria", "--limit", "1", "--out", str(tmp_path), data=shared_data)
    assert lenient.exit_code == 0, lenient.output
    assert report_of(tmp_path)["ok"] is True

    monkeypatch.setattr(suites, "SELF_ELIGIBILITY_FLOOR", 1.01)  # no run can reach it
    planted = run("--suite", "criteria", "--limit", "1", "--out", str(tmp_path), data=shared_data)
    assert planted.exit_code == 1, planted.output
    failed = [g["metric"] for g in report_of(tmp_path)["suites"][0]["gates"] if not g["ok"]]
    assert failed == ["self_eligibility.direction_and_criterion"]
    assert "FAIL" in planted.output


def test_an_unknown_suite_is_a_one_line_usage_error(tmp_path: Path) -> None:
    done = run("--suite", "criteria,nonsense", "--out", str(tmp_path), data=tmp_path)

    assert done.exit_code == 2
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "nonsense" in lines[0] and "crosstrial" in lines[0]
    assert not (tmp_path / "report.json").exists()


def test_without_the_shared_data_a_suite_is_skipped_and_never_passes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = run("--suite", "criteria", "--suite", "crosstrial", "--out", str(out), data=tmp_path)

    assert done.exit_code == 1
    assert "eval criteria: skipped: shared data absent" in done.output
    report = report_of(out)
    assert [(s["name"], s["status"]) for s in report["suites"]] == [
        ("criteria", "skipped"),
        ("crosstrial", "skipped"),
    ]
    assert report["ok"] is False and "criteria: SKIPPED" in (out / "report.md").read_text()


def test_suites_are_named_repeated_or_comma_separated_and_all_means_every_one() -> None:
    assert suites.parse(None) == ["answers"]
    assert suites.parse(["crosstrial", "criteria"]) == ["criteria", "crosstrial"]
    assert suites.parse(["criteria, crosstrial"]) == ["criteria", "crosstrial"]
    assert suites.parse(["all"]) == ["answers", "criteria", "crosstrial", "handwritten"]
    with pytest.raises(suites.SuiteError, match="unknown suite 'al'"):
        suites.parse(["al"])


def test_the_criteria_suite_floor_is_the_pytest_gate_floor() -> None:
    from tests.evals import test_self_eligibility_gate as gate

    assert gate.FLOOR == suites.SELF_ELIGIBILITY_FLOOR
    assert 0.5 < suites.SELF_ELIGIBILITY_FLOOR < 1.0


def test_the_handwritten_suite_runs_a_limited_report_half_and_gates_it(
    shared_data: Path, tmp_path: Path
) -> None:
    done = run("--suite", "handwritten", "--limit", "3", "--out", str(tmp_path), data=shared_data)

    (suite,) = report_of(tmp_path)["suites"]
    assert suite["name"] == "handwritten" and suite["figures"]["selected"] == 3
    assert {g["metric"] for g in suite["gates"]} >= {
        "handwritten.scored",
        "handwritten.completed_share",
    }
    assert done.exit_code in (0, 1), done.output  # a gate may fail on 3 questions; never a crash
    assert suite["status"] in ("pass", "fail") and "Traceback" not in done.output
