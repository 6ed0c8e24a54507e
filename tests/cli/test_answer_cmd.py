"""ask / summarize / draft-fit / check-fit: the stable CLI contracts, on the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.assistant import Assistant
from summarizer.cli import answer_cmd, app
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.models import Trial


def parse_seed(name: str, text: str) -> Trial:
    try:
        from summarizer.parsers import parse_text

        return parse_text(name, text)[0]
    except ImportError:
        from summarizer.parsers import text_page

        return text_page.PARSER.parse(name, text)[0]


class SeedStore:
    def __init__(self, trials: list[Trial]) -> None:
        self.trials = {t.trial_id: t for t in trials}

    def get_trial(self, trial_id: str) -> Trial | None:
        return self.trials.get(trial_id)


class DownRetriever:
    def search(self, *a, **k):
        raise RuntimeError("no index in this test")

    def search_trials(self, *a, **k):
        return []


class SeedRuntime:
    """The seeds in memory instead of an indexed store (a test double)."""

    def __init__(self, trials: list[Trial]) -> None:
        self.store = SeedStore(trials)
        self.retriever = DownRetriever()
        self.settings = type("S", (), {"store_dir": Path("/nowhere")})()

    def assistant(self) -> Assistant:
        generator = ExtractiveEngine(self.store, self.retriever)  # type: ignore[arg-type]
        return Assistant(self, generator=generator)  # type: ignore[arg-type]


@pytest.fixture
def cli(seed_texts, monkeypatch, tmp_home):
    trials = [parse_seed(f"{k}.txt", v) for k, v in seed_texts.items()]
    monkeypatch.setattr(answer_cmd, "get_assistant", lambda **_: SeedRuntime(trials).assistant())
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_ask_json_contract(cli):
    result = cli("ask", "I have HIV, can I join?", "--trial", "NCT06503094", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"answer", "abstained", "citations", "trials", "engine"}
    assert data["engine"] == "extractive" and data["trials"] == ["NCT06503094"]
    assert set(data["citations"][0]) == {"trial_id", "section", "quote", "start", "end"}
    assert "exclusion criterion 8" in data["answer"]


def test_ask_text_lists_sources(cli):
    result = cli("ask", "Where is the trial?", "--trial", "NCT04430530")
    assert result.exit_code == 0
    assert "Sources:" in result.stdout and "Shenzhen" in result.stdout


def test_ask_unknown_trial_is_a_one_line_error(cli):
    result = cli("ask", "Where?", "--trial", "NCT00000000")
    assert result.exit_code == 2
    assert "not in the store" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_summarize_formats(cli, fmt, tmp_path):
    out = tmp_path / f"s.{fmt}"
    result = cli("summarize", "NCT06503094", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "What this trial studies" in text


def test_draft_fit_json(cli):
    result = cli("draft-fit", "NCT04430530", "--json")
    data = json.loads(result.stdout)
    assert data["good_fit"] and data["not_fit"]


def test_parse_fit_text_reads_headings_and_bullets():
    text = "Good fit: adults\n- CD22 positive [^1]\n\nNot a fit:\n* Pregnant women\n[^1]: x"
    assert answer_cmd.parse_fit_text(text) == {
        "good_fit": ["adults", "CD22 positive"],
        "not_fit": ["Pregnant women"],
    }


def test_check_fit_fails_on_a_swapped_bullet(cli, tmp_path):
    draft = tmp_path / "fit.md"
    draft.write_text("Good fit:\n- Living with HIV.\n\nNot a fit:\n- Living with HIV.\n")
    result = cli("check-fit", "NCT04430530", str(draft), "--json")
    data = json.loads(result.stdout)
    verdicts = {r["role"]: r["verdict"] for r in data["bullets"]}
    assert verdicts["not_fit"] == "supported"
    assert verdicts["good_fit"] != "supported"
    assert result.exit_code == 1


def test_check_fit_missing_file_is_a_clear_error(cli, tmp_path):
    result = cli("check-fit", "NCT04430530", str(tmp_path / "nope.md"))
    assert result.exit_code == 2 and "cannot read" in result.stderr
