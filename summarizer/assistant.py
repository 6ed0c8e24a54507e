"""The application layer: the only way into asking, summarizing, drafting and checking fit,
searching and indexing. The CLI, the UI, ``summarize --all``, the evals and the HTTP API call this,
nothing else.

It owns retrieve -> generate -> verify: a generator (``summarizer.engines``), built here from the
store, a retriever and the settings, drafts statements with citations; ``summarizer.verify``
checks every one of them, here and nowhere else, and the outputs are frozen models in which every
statement carries its check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.config import Settings
from summarizer.models import (
    Answer,
    Check,
    DraftAnswer,
    FitDraft,
    Hit,
    LaySummary,
    Statement,
    Trial,
    TrialHit,
)
from summarizer.models.match import MatchResult
from summarizer.verify import Verifier

if TYPE_CHECKING:
    from summarizer.engines.base import Generator
    from summarizer.finder import TrialCard, TrialFilters
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
    status: str | None = Field(default=None, description="in plain words: 'Recruiting'")
    phase: str | None = Field(default=None, description="in plain words: 'Phase 1 and Phase 2'")
    status_code: str | None = Field(default=None, description="the registry's value: RECRUITING")
    phases: list[str] = Field(default_factory=list, description="the registry's: PHASE1, PHASE2")
    source_path: str | None = None
    chunks: int | None = None


class _LazyRetriever:
    """The runtime's retriever, opened on first use: a one-trial answer works without an index."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def search(self, query: str, **kwargs):  # type: ignore[no-untyped-def]
        return self._runtime.retriever.search(query, **kwargs)

    def search_trials(self, query: str, **kwargs):  # type: ignore[no-untyped-def]
        return self._runtime.retriever.search_trials(query, **kwargs)


class Assistant:
    """Retrieve -> generate -> verify, behind one small interface.

    ``runtime`` supplies the store, the retriever and the settings (a ``Runtime``, or anything
    with those three); ``engine`` names the generator (the configured one when None), or
    ``generator`` is one already built; ``verifier`` checks (the offline source checker).
    """

    def __init__(
        self,
        runtime: Runtime,
        engine: str | None = None,
        *,
        generator: Generator | None = None,
        verifier: Verifier | None = None,
    ) -> None:
        self._runtime = runtime
        self._engine_name = generator.name if generator is not None else engine
        self._generator = generator
        self._verifier = verifier or Verifier()

    @property
    def settings(self) -> Settings:
        settings = getattr(self._runtime, "settings", None)
        return settings if isinstance(settings, Settings) else Settings()

    @property
    def engine_name(self) -> str:
        return self._engine_name or self.settings.engine

    @property
    def runtime(self) -> Runtime:
        """The store, retriever and settings this assistant reads (for warming and benchmarks)."""
        return self._runtime

    def using(self, engine: str | None) -> Assistant:
        """The same store and checker with another engine (None: this one)."""
        if engine is None or engine == self.engine_name:
            return self
        return Assistant(self._runtime, engine, verifier=self._verifier)

    @property
    def fingerprint(self) -> str:
        """What, besides the trial, decides an output: the engine (and model, for the llm)."""
        return str(getattr(self._engine(), "fingerprint", self.engine_name))

    def prepare(self) -> None:
        """Let the engine fail once, up front, on its configuration (no API key for the llm)."""
        prepare = getattr(self._engine(), "prepare", None)
        if callable(prepare):
            prepare()

    # ------------------------------------------------------------ reading
    def get_trial(self, trial_id: str) -> Trial:
        trial = self._runtime.store.get_trial(trial_id)
        if trial is None:
            raise TrialNotFoundError(f"trial {trial_id!r} is not in the store; index it first")
        return trial

    def trial_ids(self) -> list[str]:
        return self._runtime.store.trial_ids()

    def trials(self, *, brief: bool = False) -> list[TrialInfo]:
        """Every stored trial, status and phase in plain words; ``brief`` skips reading each
        record (no status or phase), which is what a library listing of thousands wants."""
        from summarizer.finder import plain_status
        from summarizer.normalize import phase_words

        states = getattr(self._runtime.store, "trial_states", None)
        known = states() if callable(states) else {}
        out = []
        for tid in self.trial_ids():
            state = known.get(tid)
            chunks = getattr(state, "chunks", None)
            if brief and state is not None:
                out.append(
                    TrialInfo(
                        trial_id=tid,
                        title=state.title,
                        source_path=state.source_path,
                        chunks=chunks,
                    )
                )
                continue
            trial = self._runtime.store.get_trial(tid)
            if trial is None:
                continue
            status = trial.status.value if trial.status else None
            phases = [f.value for f in trial.phases]
            out.append(
                TrialInfo(
                    trial_id=tid,
                    title=trial.title,
                    status=plain_status(status),
                    phase=phase_words(phases),
                    status_code=status,
                    phases=phases,
                    source_path=trial.source.path,
                    chunks=chunks,
                )
            )
        return out

    def find_trials(self, filters: TrialFilters | None = None) -> list[TrialCard]:
        """The trial finder: stored trials passing ``filters``, recruiting first
        (``summarizer.finder``), each card's lede verified. Reads every record, so it suits a
        library, not all of CT.gov."""
        from summarizer.finder import TrialFilters as Filters
        from summarizer.finder import find

        records = (self._runtime.store.get_trial(tid) for tid in self.trial_ids())
        trials = {t.trial_id: t for t in records if t is not None}
        return self._verifier.cards(find(trials.values(), filters or Filters()), trials)

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

    def search_trials(
        self, query: str, *, k: int = 10, sections: Sequence[str] | None = None
    ) -> list[TrialHit]:
        _require_text(query, "query")
        if sections:
            return self._runtime.retriever.search_trials(query, k=k, sections=sections)
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
        """Text pieces as they are produced, then the final checked ``Answer``.

        A provisional draft (an engine that has a checked answer now and a better one later)
        is checked like any other and streamed as text; only the last draft becomes the
        ``Answer``, which replaces what was streamed."""
        from summarizer.engines.base import StreamingGenerator

        _require_text(question, "question")
        trials = [self.get_trial(tid) for tid in trial_ids or []]
        generator = self._engine()
        if isinstance(generator, StreamingGenerator):
            streamed = False
            for piece in generator.stream_draft(question, trials or None):
                if not isinstance(piece, DraftAnswer):
                    streamed = True
                    yield piece
                    continue
                checked = self._verify_answer(piece, trials)
                if piece.provisional or not streamed:
                    streamed = True
                    yield from (statement.text for statement in checked.statements)
                if not piece.provisional:
                    yield checked
            return
        answer = self._verify_answer(generator.draft_answer(question, trials or None), trials)
        for statement in answer.statements:
            yield statement.text
        yield answer

    def summarize(self, trial_id: str) -> LaySummary:
        trial = self.get_trial(trial_id)
        generator = self._engine()
        return self._verifier.summary(
            generator.draft_summary(trial),
            trial,
            engine=generator.name,
            rewritten=generator.rewrites,
        )

    def draft_fit(self, trial_id: str) -> FitDraft:
        trial = self.get_trial(trial_id)
        generator = self._engine()
        return self._verifier.fit(
            generator.draft_fit(trial), trial, engine=generator.name, rewritten=generator.rewrites
        )

    def check_fit(
        self, trial_id: str, *, good_fit: Sequence[str] = (), not_fit: Sequence[str] = ()
    ) -> FitCheck:
        trial = self.get_trial(trial_id)
        rows: list[BulletCheck] = []
        for role, items in (("good_fit", good_fit), ("not_fit", not_fit)):
            for text in items:
                statement = Statement(text=text, trial_id=trial.trial_id)
                check = self._verifier.check(statement, trial, role=role)  # type: ignore[arg-type]
                rows.append(BulletCheck(role=role, text=text, check=check))  # type: ignore[arg-type]
        return FitCheck(trial_id=trial.trial_id, bullets=rows)

    # ------------------------------------------------------------ pre-screen, always verified
    def match(self, description: str, *, k: int = 10, status: str | None = None) -> MatchResult:
        """A pre-screen: the trials worth asking about for a person's own description, each
        criterion met, not met or unknown, quoted and verified, blocked trials ranked lower.

        Retrieval searches with the (capped) description (``retrieval_query``) and fetches
        several times ``k`` candidates so the criteria can re-rank them; ``status`` keeps only
        trials with that status in plain words ('recruiting', or 'open' for any a person can
        still join). With an engine that asks a language model, the model proposes verdicts for
        criteria the rules left open (``summarizer.match.llm_verdicts``), verified like the
        rules' own."""
        from summarizer.match.facts import profile_facts
        from summarizer.match.llm_verdicts import suggest
        from summarizer.match.profile import read_profile
        from summarizer.match.rank import rank
        from summarizer.match.screen import draft, retrieval_query, with_questions
        from summarizer.match.status import statuses_for
        from summarizer.match.wording import wording
        from summarizer.verify import verify_match

        words = wording()
        if not description or not description.strip():
            raise UsageError(words.message("empty"))
        if not 1 <= k <= words.limit("max_k"):
            raise UsageError(words.message("bad_k", most=words.limit("max_k")))
        try:
            wanted = statuses_for(status) if status else None
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        most = words.limit("max_chars")
        if _mostly_foreign(description[:most]):
            raise UsageError(words.message("not_english"))
        profile = read_profile(description, max_chars=most)
        if profile.empty:
            raise UsageError(words.message("describe"))
        messages = [words.message("truncated", most=most)] if profile.truncated else []
        fetch = max(words.limit("candidates_per_k") * k, words.limit("min_candidates"))
        hits = self.search_trials(retrieval_query(description[:most], profile), k=fetch)
        trials: list[Trial] = []
        for hit in hits:
            trial = self._runtime.store.get_trial(hit.trial_id)
            if trial is None:
                continue
            if wanted is not None and (trial.status is None or trial.status.value not in wanted):
                continue
            trials.append(trial)
        if not hits:
            messages.append(words.message("none_found"))
        elif not trials and wanted is not None:
            messages.append(words.message("none_with_status", n=len(hits), status=status))
        facts = profile_facts(profile)
        order = {h.trial_id: i + 1 for i, h in enumerate(hits)}
        drafts = [draft(t, profile, order[t.trial_id], facts) for t in trials]
        by_id = {t.trial_id: t for t in trials}
        checked = rank(verify_match(drafts, by_id, profile))[:k]
        model = suggest(checked, profile, engine=self.engine_name, settings=self.settings)
        if model.asked:  # the model's verdicts are checked like the rules' and the trials re-ranked
            checked = rank(verify_match(model.matches, by_id, profile))
        messages.extend(model.messages)
        return MatchResult(
            profile=profile,
            trials=[with_questions(m, by_id[m.trial_id]) for m in checked],
            notice=words.notice,
            messages=messages,
        )

    # ------------------------------------------------------------ indexing
    def ingest(
        self,
        paths: Sequence[str | Path],
        *,
        progress: Callable[[IngestProgress], None] | None = None,
        batch_trials: int | None = None,
    ) -> IngestReport:
        from summarizer.ingest import ingest_paths

        if batch_trials is None:
            return ingest_paths(paths, self._runtime, progress=progress)
        return ingest_paths(paths, self._runtime, progress=progress, batch_trials=batch_trials)

    def remove(self, trial_id: str) -> bool:
        return self._runtime.store.remove_trial(trial_id)

    def warm(self) -> None:
        """Open the store, load the indexes and build the engine before the first request."""
        self._runtime.retriever  # noqa: B018  (cached: opens the store, embedder and BM25)
        self._engine()

    # ------------------------------------------------------------ internals
    def _engine(self) -> Generator:
        from summarizer.engines.factory import UnknownEngineError, make_engine

        if self._generator is None:
            try:
                self._generator = make_engine(
                    self.engine_name,
                    store=self._runtime.store,
                    retriever=_LazyRetriever(self._runtime),
                    settings=self.settings,
                )
            except UnknownEngineError as exc:
                raise UsageError(str(exc)) from None
        return self._generator

    def _verify_answer(self, draft: DraftAnswer, trials: Sequence[Trial]) -> Answer:
        known = {t.trial_id: t for t in trials}

        def lookup(trial_id: str) -> Trial | None:
            return known.get(trial_id) or self._runtime.store.get_trial(trial_id)

        generator = self._engine()
        return self._verifier.answer(
            draft, lookup, engine=generator.name, rewritten=generator.rewrites
        )


def _mostly_foreign(text: str) -> bool:
    """Mostly letters outside ASCII: a description in another script or language."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(1 for c in letters if not c.isascii()) / len(letters) > 0.5


def _require_text(text: str, what: str) -> None:
    if not text or not text.strip():
        raise UsageError(f"the {what} is empty: type a {what}")


def build_assistant(settings: Settings | None = None, *, engine: str | None = None) -> Assistant:
    """The assistant for these settings (environment and defaults when None)."""
    from summarizer.runtime import Runtime

    return Assistant(Runtime(settings), engine=engine)
