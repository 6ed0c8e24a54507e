"""ask and summarize with a language-model engine but no model: one line that says how to start
the local model, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer.assistant import Assistant
from summarizer.cli import answer_cmd, app
from summarizer.cli.context import llm_error_line
from summarizer.config import Settings
from summarizer.engines.assisted import AssistedEngine
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.engines.llm import LLMEngine
from summarizer.llm_client import LLMError
from summarizer.models import Hit, Trial
from tests.cli.test_answer_cmd import SeedRuntime, parse_seed

TRIAL = "NCT06503094"


class ChunkRetriever:
    """Every chunk of the asked trials, unranked: the llm engine gets evidence to send."""

    def __init__(self, trials: list[Trial]) -> None:
        self.trials = {t.trial_id: t for t in trials}

    def search(self, query: str, *, k: int = 8, trial_ids=None, sections=None) -> list[Hit]:
        from summarizer.chunking import chunk_trial

        chosen = [self.trials[t] for t in trial_ids or []]
        return [Hit(chunk=c, score=0.0) for t in chosen for c in chunk_trial(t)][:k]

    def search_trials(self, *a, **k):
        return []


@pytest.fixture
def cli_with(seed_texts, monkeypatch: pytest.MonkeyPatch, tmp_home):
    """The CLI over the seeds in memory, with the named engine and no endpoint configured."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    trials = [parse_seed(f"{k}.txt", v) for k, v in seed_texts.items()]

    def use(engine: str) -> CliRunner:
        runtime = SeedRuntime(trials)
        runtime.retriever = ChunkRetriever(trials)  # type: ignore[assignment]
        extractive = ExtractiveEngine(runtime.store, runtime.retriever)  # type: ignore[arg-type]
        generator = (
            AssistedEngine(extractive, Settings())
            if engine == "assisted"
            else LLMEngine(runtime.store, runtime.retriever, Settings())  # type: ignore[arg-type]
        )
        assistant = Assistant(runtime, generator=generator)  # type: ignore[arg-type]
        monkeypatch.setattr(answer_cmd, "get_assistant", lambda **_: assistant)
        return CliRunner()

    return use


@pytest.mark.parametrize("engine", ["assisted", "llm"])
def test_ask_without_an_endpoint_is_one_line_naming_the_local_model(cli_with, engine: str) -> None:
    runner = cli_with(engine)

    result = runner.invoke(app, ["ask", "What is this trial testing?", "--trial", TRIAL])

    assert result.exit_code == 69
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:")
    assert "pip install -e '.[local-llm]'" in lines[0]
    assert "trialsum llm pull" in lines[0] and "trialsum llm serve" in lines[0]
    assert "Traceback" not in result.output


def test_summarize_without_an_endpoint_is_the_same_line(cli_with) -> None:
    runner = cli_with("assisted")

    result = runner.invoke(app, ["summarize", TRIAL])

    assert result.exit_code == 69
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "trialsum llm serve" in lines[0], result.output


def test_an_unreachable_model_gets_the_hint_added_once() -> None:
    line = llm_error_line(
        LLMError("Could not reach the language model at http://x/v1 (after 4 attempts): refused.")
    )

    assert line.startswith("Could not reach the language model")
    assert line.count("trialsum llm serve") == 1
    assert (
        llm_error_line(LLMError("see: trialsum llm pull, trialsum llm serve")).count(
            "trialsum llm serve"
        )
        == 1
    )
