"""The application layer: the only way into asking, summarizing, drafting and checking fit,
searching and indexing. The CLI, the UI, ``summarize --all``, the evals and the HTTP API call this,
nothing else.

It owns retrieve -> generate -> verify: engines generate drafts, and verification runs here, in
one place, for every output, so no statement reaches a user without its check.

NOTE (interface first): this version delegates generation and checking to the existing engines and
``summarizer.engines.common.finalize_*``; the refactor to narrow generator protocols keeps these
method signatures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.config import Settings
from summarizer.models import Answer, Check, FitDraft, Hit, LaySummary, Trial, TrialHit

if TYPE_CHECKING:
    from summarizer.ingest import IngestProgress, IngestReport
    from summarizer.runtime import Runtime

Role = Literal["good_fit", "not_fit"]


class TrialNotFoundError(LookupError):
    """A trial id that is not in the store."""


class UsageError(ValueError):
    """A request that cannot be served as asked (an empty question, an unknown engine)."""


class BulletCheck(BaseModel):
    """One editor's bullet and the source checker's verdict on it."""

    model_config = ConfigDict(frozen=True)

    role: Role
    text: str
    check: Check


class FitCheck(BaseModel):
    """An edited "Who should consider this trial" section, checked bullet by bullet."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    bullets: list[BulletCheck] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(b.check.verdict == "supported" for b in self.bullets)


class TrialInfo(BaseModel):
    """One line of the library listing."""

    model_config = ConfigDict(frozen=True)

    trial_id: str
    title: str
    status: str | None = None
    phase: str | None = None
    source_path: str | None = None


class Assistant:
    """Retrieve -> generate -> verify, behind one small interface."""

    def __init__(self, runtime: Runtime, engine: str | None = None) -> None:
        self._runtime = runtime
        self._engine_name = engine

    @property
    def settings(self) -> Settings:
        return self._runtime.settings

    @property
    def engine_name(self) -> str:
        return self._engine_name or self.settings.engine

    # ------------------------------------------------------------ reading
    def get_trial(self, trial_id: str) -> Trial:
        trial = self._runtime.store.get_trial(trial_id)
        if trial is None:
            raise TrialNotFoundError(f"trial {trial_id!r} is not in the store; index it first")
        return trial

    def trial_ids(self) -> list[str]:
        return self._runtime.store.trial_ids()

    def trials(self) -> list[TrialInfo]:
        out = []
        for tid in self.trial_ids():
            trial = self._runtime.store.get_trial(tid)
            if trial is None:
                continue
            out.append(
                TrialInfo(
                    trial_id=tid,
                    title=trial.title,
                    status=trial.status.value if trial.status else None,
                    phase="; ".join(f.value for f in trial.phases) or None,
                    source_path=trial.source.path,
                )
            )
        return out

    def search(
        self,
        query: str,
        *,
        k: int = 8,
        trial_ids: Sequence[str] | None = None,
        sections: Sequence[str] | None = None,
    ) -> list[Hit]:
        _require_text(query, "query")
        return self._runtime.retriever.search(query, k=k, trial_ids=trial_ids, sections=sections)

    def search_trials(self, query: str, *, k: int = 10) -> list[TrialHit]:
        _require_text(query, "query")
        return self._runtime.retriever.search_trials(query, k=k)

    # ------------------------------------------------------------ generating, always verified
    def ask(self, question: str, *, trial_ids: Sequence[str] | None = None) -> Answer:
        final: Answer | None = None
        for piece in self.stream_ask(question, trial_ids=trial_ids):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    def stream_ask(
        self, question: str, *, trial_ids: Sequence[str] | None = None
    ) -> Iterator[str | Answer]:
        """Text pieces as they are produced, then the final checked ``Answer``."""
        _require_text(question, "question")
        for tid in trial_ids or []:
            self.get_trial(tid)
        yield from self._engine().stream_answer(question, trial_ids=trial_ids)

    def summarize(self, trial_id: str) -> LaySummary:
        from summarizer.engines.common import finalize_summary

        trial = self.get_trial(trial_id)
        summary, _ = finalize_summary(self._engine().summarize(trial), trial)
        return summary

    def draft_fit(self, trial_id: str) -> FitDraft:
        from summarizer.engines.common import finalize_fit

        trial = self.get_trial(trial_id)
        draft, _ = finalize_fit(self._engine().draft_fit(trial), trial)
        return draft

    def check_fit(
        self, trial_id: str, *, good_fit: Sequence[str] = (), not_fit: Sequence[str] = ()
    ) -> FitCheck:
        from summarizer.checker import check_statement
        from summarizer.models import Statement

        trial = self.get_trial(trial_id)
        rows: list[BulletCheck] = []
        for role, items in (("good_fit", good_fit), ("not_fit", not_fit)):
            for text in items:
                check = check_statement(Statement(text=text), trial, role=role)  # type: ignore[arg-type]
                rows.append(BulletCheck(role=role, text=text, check=check))  # type: ignore[arg-type]
        return FitCheck(trial_id=trial.trial_id, bullets=rows)

    # ------------------------------------------------------------ indexing
    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        progress: Callable[[IngestProgress], None] | None = None,
    ) -> IngestReport:
        from summarizer.ingest import ingest_paths

        return ingest_paths(paths, self._runtime, progress=progress)

    def remove(self, trial_id: str) -> bool:
        return self._runtime.store.remove_trial(trial_id)

    # ------------------------------------------------------------ internals
    def _engine(self):  # type: ignore[no-untyped-def]
        from summarizer.engines.factory import UnknownEngineError

        try:
            return self._runtime.engine(self._engine_name)
        except UnknownEngineError as exc:
            raise UsageError(str(exc)) from None


def _require_text(text: str, what: str) -> None:
    if not text or not text.strip():
        raise UsageError(f"the {what} is empty: type a {what}")


def build_assistant(settings: Settings | None = None, *, engine: str | None = None) -> Assistant:
    """The assistant for these settings (environment and defaults when None)."""
    from summarizer.runtime import Runtime

    return Assistant(Runtime(settings), engine=engine)
