"""What the engine tests build on: a record parsed as trialsum parses a file, and the application
layer over the extractive generator with a fake store and a retriever that finds every trial."""

from __future__ import annotations

from summarizer.assistant import Assistant
from summarizer.engines.extractive import ExtractiveEngine
from summarizer.models import Trial, TrialHit


def parse_seed(name: str, text: str) -> Trial:
    try:
        from summarizer.parsers import parse_text

        return parse_text(name, text)[0]
    except ImportError:  # until every parser module of the registry exists
        from summarizer.parsers import text_page

        return text_page.PARSER.parse(name, text)[0]


class FakeStore:
    def __init__(self, trials: list[Trial]) -> None:
        self.trials = {t.trial_id: t for t in trials}

    def get_trial(self, trial_id: str) -> Trial | None:
        return self.trials.get(trial_id)

    def trial_ids(self) -> list[str]:
        return list(self.trials)


class NoRetriever:
    """A retriever whose chunk search is down (the engine falls back to the trial record) and
    whose trial search returns every trial, so the engine's own selection is what is tested."""

    def __init__(self, ids: list[str]) -> None:
        self.ids = ids

    def search(self, *a, **k):
        raise RuntimeError("no index")

    def search_trials(self, query: str, *, k: int = 10, sections=None):
        return [TrialHit(trial_id=t, score=1.0) for t in self.ids]


class FakeRuntime:
    def __init__(self, trials: list[Trial]) -> None:
        self.store = FakeStore(trials)
        self.retriever = NoRetriever(list(self.store.trials))


def assistant_over(trials: list[Trial]) -> Assistant:
    """The application layer over the extractive generator, a fake store and retriever."""
    runtime = FakeRuntime(trials)
    generator = ExtractiveEngine(runtime.store, runtime.retriever)
    return Assistant(runtime, generator=generator)  # type: ignore[arg-type]


def ask_about(engine: Assistant, trial: Trial, question: str) -> str:
    """The answer text to ``question`` asked about ``trial`` alone."""
    return engine.ask(question, trial_ids=[trial.trial_id]).answer
