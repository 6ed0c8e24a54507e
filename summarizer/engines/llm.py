"""The llm generator: retrieve evidence, ask the model for cited JSON, draft cited statements.

The model only proposes sentences with evidence ids. Citations are rebuilt here from the cited
chunks' exact source spans (an id that was not in the evidence is rejected and the sentence
flagged), sentences left without a citation are dropped, and ``summarizer.verify`` then drops
whatever the source does not support (this generator ``rewrites``). A reply that is not valid JSON
gets a local repair, then one repair request to the model, then a plain ``LLMError``: unverified
text is never shown as fact. Dependencies come in by construction: a trial and chunk reader, a
retriever, the settings for the client (or a client).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, TypeVar

from pydantic import BaseModel

from prompts import load_prompt
from prompts.layout import layout
from summarizer.config import Settings
from summarizer.engines import common
from summarizer.engines.llm_evidence import Evidence, budgeted, defuse
from summarizer.engines.llm_parsing import (
    AnswerReply,
    CitedSentence,
    FitReply,
    ReplyError,
    SummaryReply,
    parse_reply,
    preview_sentences,
    schema_text,
)
from summarizer.llm_client import LLMClient, LLMError, LLMTruncatedError
from summarizer.models import (
    FRAMING,
    GUIDANCE,
    Chunk,
    DraftAnswer,
    DraftFit,
    DraftSection,
    DraftSummary,
    Hit,
    Statement,
    Trial,
    TrialHit,
    not_a_claim,
)

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

ABSTAIN_TEXT = layout().wording["abstain_no_evidence"]
DECLINE_TEXT = layout().wording["decline"]
# Which chunks a fit bullet may cite.
ROLE_SECTIONS: dict[str, tuple[str, ...]] = {"good_fit": ("inclusion",), "not_fit": ("exclusion",)}
# Summary evidence, most useful first, when a trial has more text than the budget.
_SECTION_PRIORITY = (
    "quick_facts", "summary", "conditions", "interventions", "inclusion", "exclusion", "design",
    "outcomes", "eligibility", "locations", "contacts", "description", "other",
)  # fmt: skip


class ChunkReader(Protocol):
    """What this generator reads stored chunks through (a store)."""

    def chunks(self, trial_id: str) -> list[Chunk]: ...


class Retriever(Protocol):
    def search(
        self, query: str, *, k: int = ..., trial_ids: Sequence[str] | None = ...
    ) -> list[Hit]: ...

    def search_trials(self, query: str, *, k: int = ...) -> list[TrialHit]: ...


class LLMEngine:
    """Drafts answers, lay summaries and fit drafts with an OpenAI-compatible chat model."""

    name = "llm"
    rewrites = True  # the model's own words: what the source does not support is dropped
    k = 8  # evidence chunks per question
    cross_trials = 4  # trials drawn on when no trial is chosen

    def __init__(
        self,
        chunks: ChunkReader,
        retriever: Retriever,
        settings: Settings,
        *,
        client: LLMClient | None = None,
    ) -> None:
        self.store = chunks
        self.retriever = retriever
        self.settings = settings
        self._client = client
        self._client_lock = threading.Lock()

    @classmethod
    def build(cls, *, store: ChunkReader, retriever: Retriever, settings: Settings) -> LLMEngine:
        """The registry's way in (``engines.factory``)."""
        return cls(store, retriever, settings)

    @property
    def client(self) -> LLMClient:
        """Built on first use, so choosing the engine never fails before it is asked anything.

        Built once even when batch threads ask at the same moment: the client's limit on
        requests in flight only holds if every thread shares it.
        """
        with self._client_lock:
            if self._client is None:
                self._client = LLMClient(self.settings)
            return self._client

    def prepare(self) -> None:
        """Build the client now, so a missing key or server is one clear error before a batch."""
        self.client  # noqa: B018

    @property
    def fingerprint(self) -> str:
        """What, besides the trial, decides an output: the engine and the model."""
        return f"llm:{self.settings.model}"

    # ------------------------------------------------------------ answers

    def draft_answer(self, question: str, trials: Sequence[Trial] | None = None) -> DraftAnswer:
        ids = [t.trial_id for t in trials or []]
        evidence = self._question_evidence(question, ids)
        if not evidence:
            return self._abstain(question, ids)
        messages = self._messages("answer", question=question, evidence=evidence.render())
        reply = self._structured(self.client.complete(messages), AnswerReply)
        return self._draft(question, reply, evidence, ids)

    def stream_draft(
        self, question: str, trials: Sequence[Trial] | None = None
    ) -> Iterator[str | DraftAnswer]:
        """Text while the model writes, then the draft (which the verified answer supersedes)."""
        ids = [t.trial_id for t in trials or []]
        evidence = self._question_evidence(question, ids)
        if not evidence:
            yield self._abstain(question, ids)
            return
        messages = self._messages("answer", question=question, evidence=evidence.render())
        received = ""
        shown = ""
        try:
            for piece in self.client.stream(messages):
                received += piece
                preview = preview_sentences(received)
                if len(preview) > len(shown) and preview.startswith(shown):
                    yield preview[len(shown) :]
                    shown = preview
        except LLMTruncatedError as exc:
            log.warning("%s Asking again without streaming.", exc)
            received = self.client.complete(messages)
        reply = self._structured(received, AnswerReply)
        yield self._draft(question, reply, evidence, ids)

    def _question_evidence(self, question: str, trial_ids: Sequence[str]) -> Evidence:
        """The chunks for the chosen trials; across all trials, the best few of each top trial."""
        if trial_ids:
            return Evidence(self.retriever.search(question, k=self.k, trial_ids=list(trial_ids)))
        ranked = self.retriever.search_trials(question, k=self.cross_trials)
        hits: list[Hit] = []
        for depth in range(max((len(t.hits) for t in ranked), default=0)):
            hits.extend(t.hits[depth] for t in ranked if depth < len(t.hits))
        return Evidence(hits[: self.k])

    def _draft(
        self, question: str, reply: AnswerReply, evidence: Evidence, trial_ids: Sequence[str]
    ) -> DraftAnswer:
        if reply.declined:
            return DraftAnswer(
                question=question,
                lead=[not_a_claim(DECLINE_TEXT, GUIDANCE)],
                declined=True,
                trials=list(trial_ids),
            )
        statements, flagged, n_uncited = _statements(reply.sentences, evidence)
        if reply.abstained or not statements:
            return self._abstain(question, trial_ids).model_copy(update={"flagged": flagged})
        notes = [layout().say("left_out_uncited", n=n_uncited)] if n_uncited else []
        return DraftAnswer(
            question=question,
            statements=statements,
            trials=_trial_ids(statements),
            fallback=[not_a_claim(ABSTAIN_TEXT, FRAMING)],
            flagged=flagged,
            notes=notes,
        )

    def _abstain(self, question: str, trial_ids: Sequence[str]) -> DraftAnswer:
        return DraftAnswer(
            question=question,
            lead=[not_a_claim(ABSTAIN_TEXT, FRAMING)],
            abstained=True,
            trials=list(trial_ids),
        )

    # ------------------------------------------------------------ summaries and fit drafts

    def draft_summary(self, trial: Trial) -> DraftSummary:
        chunks = _by_priority(self._chunks(trial))
        evidence = Evidence.from_chunks(chunks)
        draft = DraftSummary(trial_id=trial.trial_id, title=trial.title)
        if not evidence:
            return draft
        messages = self._messages(
            "summary", trial_id=trial.trial_id, title=trial.title, evidence=evidence.render()
        )
        reply = self._structured(self.client.complete(messages), SummaryReply)
        grouped: dict[str, list[Statement]] = {}
        for section in reply.sections:
            statements, _, _ = _statements(
                section.sentences, evidence, sections=ROLE_SECTIONS.get(section.key)
            )
            grouped.setdefault(section.key, []).extend(statements)
        note = common.status_note(trial)
        if note is not None:
            grouped["quick_facts"] = [note, *grouped.get("quick_facts", [])]
        draft.sections = [DraftSection(key=k, statements=v) for k, v in grouped.items() if v]
        return draft

    def draft_fit(self, trial: Trial) -> DraftFit:
        criteria = [c for c in self._chunks(trial) if (c.kind or c.section) in ROLE_SECTIONS_ALL]
        evidence = Evidence.from_chunks(budgeted(criteria))
        draft = DraftFit(trial_id=trial.trial_id)
        if not evidence:
            return draft
        messages = self._messages(
            "fit", trial_id=trial.trial_id, title=trial.title, evidence=evidence.render()
        )
        reply = self._structured(self.client.complete(messages), FitReply)
        draft.good_fit, _, _ = _statements(reply.good_fit, evidence, ROLE_SECTIONS["good_fit"])
        draft.not_fit, _, _ = _statements(reply.not_fit, evidence, ROLE_SECTIONS["not_fit"])
        return draft

    def _chunks(self, trial: Trial) -> list[Chunk]:
        chunks = self.store.chunks(trial.trial_id)
        if not chunks:
            from summarizer.chunking import chunk_trial

            chunks = chunk_trial(trial)
        return sorted(chunks, key=lambda c: c.ordinal)

    # ------------------------------------------------------------ model calls

    def _messages(self, prompt_name: str, **values: str) -> list[BaseMessage]:
        from langchain_core.messages import HumanMessage, SystemMessage

        safe = {k: (v if k == "evidence" else defuse(v)) for k, v in values.items()}
        system, user = load_prompt(prompt_name).render(**safe)
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _structured(self, text: str, model: type[T]) -> T:
        """``text`` parsed as ``model``; one repair request if the local repair is not enough."""
        try:
            return parse_reply(text, model)
        except ReplyError as first:
            log.warning("model reply unusable (%s); asking for a repair", first)
            error = first
        messages = self._messages(
            "repair", error=str(error), schema=schema_text(model), reply=defuse(text[:8000])
        )
        try:
            return parse_reply(self.client.complete(messages), model)
        except ReplyError as second:
            raise LLMError(
                f"The language model's reply could not be used, even after one repair "
                f"request: {second}."
            ) from None


ROLE_SECTIONS_ALL = tuple(s for sections in ROLE_SECTIONS.values() for s in sections)


def _statements(
    sentences: Sequence[CitedSentence],
    evidence: Evidence,
    sections: Sequence[str] | None = None,
) -> tuple[list[Statement], list[str], int]:
    """Statements with real citations; the flagged sentences; how many were dropped uncited."""
    statements: list[Statement] = []
    flagged: list[str] = []
    dropped = 0
    for sentence in sentences:
        text = sentence.text.strip()
        if not text:
            continue
        cites, rejected = evidence.resolve(sentence.citations, sections=sections)
        if rejected or not cites:
            flagged.append(text)
        if not cites:
            dropped += 1
            continue
        statements.append(Statement(text=text, citations=cites))
    return statements, flagged, dropped


def _trial_ids(statements: Sequence[Statement]) -> list[str]:
    return list(dict.fromkeys(c.trial_id for s in statements for c in s.citations))


def _by_priority(chunks: Sequence[Chunk]) -> list[Chunk]:
    """The most useful chunks within the budget, back in document order."""
    rank: Callable[[Chunk], tuple[int, int]] = lambda c: (  # noqa: E731
        _SECTION_PRIORITY.index(c.section) if c.section in _SECTION_PRIORITY else 99,
        c.ordinal,
    )
    chosen = budgeted(sorted(chunks, key=rank))
    return sorted(chosen, key=lambda c: c.ordinal)
