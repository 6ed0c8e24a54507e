"""The llm engine: retrieve evidence, ask the model for cited JSON, check every sentence.

The model only proposes sentences with evidence ids. Citations are rebuilt here from the cited
chunks' exact source spans (an id that was not in the evidence is rejected and the sentence
flagged), sentences left without a citation are dropped, and the shared checker step
(``engines.common``) drops whatever the source does not support. A reply that is not valid JSON
gets a local repair, then one repair request to the model, then a plain ``LLMError``: unverified
text is never shown as fact.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel

from prompts import load_prompt
from summarizer.engines import common
from summarizer.engines.llm_evidence import Evidence, budgeted, defuse
from summarizer.engines.llm_parsing import (
    SUMMARY_KEYS,
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
    Answer,
    Chunk,
    FitDraft,
    Hit,
    LaySummary,
    Statement,
    SummarySection,
    Trial,
)
from summarizer.readability import grade

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from summarizer.runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

ABSTAIN_TEXT = (
    "The trial documents don't say. The study team listed in the trial record can answer this."
)
DECLINE_TEXT = (
    "I can't give medical advice or say whether this trial is right for you. Please talk with "
    "your doctor or the study team; I can tell you what the trial documents say."
)
HEADINGS: dict[str, str] = {
    "quick_facts": "Quick facts",
    "studies": "What the trial studies",
    "good_fit": "Who may be a good fit",
    "not_fit": "Who may not be a good fit",
    "why": "Why this trial is being done",
    "eligibility": "Other eligibility points",
    "where": "Where it takes place",
    "how": "How to take part",
}
# Which chunks a fit bullet may cite.
ROLE_SECTIONS: dict[str, tuple[str, ...]] = {"good_fit": ("inclusion",), "not_fit": ("exclusion",)}
# Summary evidence, most useful first, when a trial has more text than the budget.
_SECTION_PRIORITY = (
    "quick_facts", "summary", "conditions", "interventions", "inclusion", "exclusion", "design",
    "outcomes", "eligibility", "locations", "contacts", "description", "other",
)  # fmt: skip


class LLMEngine:
    """Answers, lay summaries and fit drafts from an OpenAI-compatible chat model."""

    name = "llm"
    k = 8  # evidence chunks per question
    cross_trials = 4  # trials drawn on when no trial is chosen

    def __init__(self, runtime: Runtime, *, client: LLMClient | None = None) -> None:
        self.runtime = runtime
        self._client = client
        self._client_lock = threading.Lock()

    @property
    def client(self) -> LLMClient:
        """Built on first use, so choosing the engine never fails before it is asked anything.

        Built once even when batch threads ask at the same moment: the client's limit on
        requests in flight only holds if every thread shares it.
        """
        with self._client_lock:
            if self._client is None:
                self._client = LLMClient(self.runtime.settings)
            return self._client

    def prepare(self) -> None:
        """Build the client now, so a missing key or server is one clear error before a batch."""
        self.client  # noqa: B018

    # ------------------------------------------------------------ answers

    def answer(self, question: str, *, trial_ids: Sequence[str] | None = None) -> Answer:
        evidence = self._question_evidence(question, trial_ids)
        if not evidence:
            return self._abstain(question, trial_ids)
        messages = self._messages("answer", question=question, evidence=evidence.render())
        reply = self._structured(self.client.complete(messages), AnswerReply)
        return self._build_answer(question, reply, evidence, trial_ids)

    def stream_answer(
        self, question: str, *, trial_ids: Sequence[str] | None = None
    ) -> Iterator[str | Answer]:
        """Draft text while the model writes, then the checked ``Answer`` (which supersedes it)."""
        evidence = self._question_evidence(question, trial_ids)
        if not evidence:
            yield self._abstain(question, trial_ids)
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
        yield self._build_answer(question, reply, evidence, trial_ids)

    def _question_evidence(self, question: str, trial_ids: Sequence[str] | None) -> Evidence:
        """The chunks for the chosen trials; across all trials, the best few of each top trial."""
        retriever = self.runtime.retriever
        if trial_ids:
            return Evidence(retriever.search(question, k=self.k, trial_ids=list(trial_ids)))
        ranked = retriever.search_trials(question, k=self.cross_trials)
        hits: list[Hit] = []
        for depth in range(max((len(t.hits) for t in ranked), default=0)):
            hits.extend(t.hits[depth] for t in ranked if depth < len(t.hits))
        return Evidence(hits[: self.k])

    def _build_answer(
        self,
        question: str,
        reply: AnswerReply,
        evidence: Evidence,
        trial_ids: Sequence[str] | None,
    ) -> Answer:
        if reply.declined:
            return Answer(
                question=question,
                answer=DECLINE_TEXT,
                declined=True,
                trials=list(trial_ids or []),
                engine=self.name,
            )
        statements, flagged, n_uncited = _statements(reply.sentences, evidence)
        if reply.abstained or not statements:
            answer = self._abstain(question, trial_ids)
            return answer.model_copy(update={"flagged": flagged})
        draft = Answer(
            question=question,
            answer=common.join_statements(statements),
            statements=statements,
            citations=common.merge_citations(statements),
            trials=_trial_ids(statements),
            engine=self.name,
        )
        final = common.finalize_answer(
            draft, self._trial, drop_unsupported=True, abstain_text=ABSTAIN_TEXT
        )
        merged = list(dict.fromkeys([*flagged, *final.flagged]))
        text = final.answer
        if n_uncited and not final.abstained:
            s = "s" if n_uncited != 1 else ""
            text += f" I left out {n_uncited} sentence{s} that did not cite the trial documents."
        return final.model_copy(update={"flagged": merged, "answer": text})

    def _abstain(self, question: str, trial_ids: Sequence[str] | None) -> Answer:
        return Answer(
            question=question,
            answer=ABSTAIN_TEXT,
            abstained=True,
            trials=list(trial_ids or []),
            engine=self.name,
        )

    # ------------------------------------------------------------ summaries and fit drafts

    def summarize(self, trial: Trial) -> LaySummary:
        chunks = _by_priority(self._chunks(trial))
        evidence = Evidence.from_chunks(chunks)
        summary = LaySummary(trial_id=trial.trial_id, title=trial.title, engine=self.name)
        if not evidence:
            return summary
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
        summary.sections = [
            SummarySection(key=key, heading=HEADINGS[key], statements=grouped[key])
            for key in SUMMARY_KEYS
            if grouped.get(key)
        ]
        checked, _ = common.finalize_summary(summary, trial, drop_unsupported=True)
        for checked_section in checked.sections:
            text = common.join_statements(checked_section.statements)
            checked_section.grade = grade(text) or None
        checked.sections = [s for s in checked.sections if s.statements]
        return checked

    def draft_fit(self, trial: Trial) -> FitDraft:
        criteria = [c for c in self._chunks(trial) if (c.kind or c.section) in ROLE_SECTIONS_ALL]
        evidence = Evidence.from_chunks(budgeted(criteria))
        draft = FitDraft(trial_id=trial.trial_id, engine=self.name)
        if not evidence:
            return draft
        messages = self._messages(
            "fit", trial_id=trial.trial_id, title=trial.title, evidence=evidence.render()
        )
        reply = self._structured(self.client.complete(messages), FitReply)
        draft.good_fit, _, _ = _statements(reply.good_fit, evidence, ROLE_SECTIONS["good_fit"])
        draft.not_fit, _, _ = _statements(reply.not_fit, evidence, ROLE_SECTIONS["not_fit"])
        lookup = {trial.trial_id: trial}
        good = common.check_statements(
            draft.good_fit, lookup, role="good_fit", drop_unsupported=True
        )
        bad = common.check_statements(draft.not_fit, lookup, role="not_fit", drop_unsupported=True)
        return draft.model_copy(update={"good_fit": good.kept, "not_fit": bad.kept})

    def _chunks(self, trial: Trial) -> list[Chunk]:
        chunks = self.runtime.store.chunks(trial.trial_id)
        if not chunks:
            from summarizer.chunking import chunk_trial

            chunks = chunk_trial(trial)
        return sorted(chunks, key=lambda c: c.ordinal)

    def _trial(self, trial_id: str) -> Trial | None:
        return self.runtime.store.get_trial(trial_id)

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
