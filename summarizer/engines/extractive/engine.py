"""The offline extractive engine: route by intent, answer from fields, else retrieve and select,
else abstain. Deterministic; every sentence is cited to the exact source words."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from summarizer import normalize
from summarizer.checker import entities as checker_entities
from summarizer.engines.common import (
    citation,
    citations,
    finalize_answer,
    join_statements,
    merge_citations,
    status_note,
)
from summarizer.engines.extractive import abstain as ab
from summarizer.engines.extractive import intents, select
from summarizer.engines.extractive.eligibility import in_age_group, self_statements
from summarizer.engines.extractive.field_answers import FIELD_ANSWERS
from summarizer.engines.extractive.fit import good_fit, not_fit
from summarizer.engines.extractive.plain_words import clean, explain, shorten
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.select import topic_statements
from summarizer.engines.extractive.self_facts import extract
from summarizer.engines.extractive.summary import summarize as build_summary
from summarizer.models import Answer, FitDraft, LaySummary, Span, Statement, Trial

if TYPE_CHECKING:
    from summarizer.runtime import Runtime

log = logging.getLogger(__name__)
_JOIN_WORDS = ("join", "eligible", "qualify", "take part", "participate", "enroll", "accepted")


class NoTrialError(LookupError):
    """A trial id that is not in the store."""


class ExtractiveEngine:
    name = "extractive"

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    # ------------------------------------------------------------ lookups
    def get_trial(self, trial_id: str) -> Trial:
        trial = self.runtime.store.get_trial(trial_id)
        if trial is None:
            raise NoTrialError(f"trial {trial_id!r} is not in the store; index it first")
        return trial

    def _hits(self, question: str, trial: Trial, sections: Sequence[str] | None = None):
        try:
            return self.runtime.retriever.search(
                question, k=8, trial_ids=[trial.trial_id], sections=sections
            )
        except Exception as exc:  # the store is optional for one-trial answers
            log.info("retriever unavailable (%s); selecting from the trial record", exc)
            return None

    # ------------------------------------------------------------ answers
    def answer(self, question: str, *, trial_ids: Sequence[str] | None = None) -> Answer:
        final = None
        for piece in self.stream_answer(question, trial_ids=trial_ids):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    def stream_answer(
        self, question: str, *, trial_ids: Sequence[str] | None = None
    ) -> Iterator[str | Answer]:
        answer = self._compose(question, trial_ids)
        for statement in answer.statements:
            yield statement.text
        if not answer.statements:
            yield answer.answer
        yield answer

    def _compose(self, question: str, trial_ids: Sequence[str] | None) -> Answer:
        if intents.is_declined(question):
            return ab.decline(question, self.name)
        if not trial_ids:
            return self._across(question)
        trials = [self.get_trial(t) for t in trial_ids]
        return self.answer_trials(question, trials)

    def answer_trials(self, question: str, trials: list[Trial]) -> Answer:
        """Answer about the given trials (the store is only used for retrieval, if present)."""
        if intents.is_declined(question):
            return ab.decline(question, self.name)
        statements: list[Statement] = []
        for trial in trials:
            body = self._answer_one(question, trial)
            if body and len(trials) > 1:
                body[0] = body[0].model_copy(update={"text": f"{trial.title}: {body[0].text}"})
            statements.extend(body)
        if not statements:
            return ab.abstain(question, trials, self.name)
        lookup = {t.trial_id: t for t in trials}
        answer = Answer(
            question=question,
            answer=join_statements(statements),
            statements=statements,
            citations=merge_citations(statements),
            trials=[t.trial_id for t in trials],
            engine=self.name,
        )
        return finalize_answer(
            answer, lookup, abstain_text=ab.abstain(question, trials, self.name).answer
        )

    def _answer_one(self, question: str, trial: Trial) -> list[Statement]:
        facts = extract(question)
        about_self = not facts.empty and (
            intents.is_about_self(question) or any(w in question.lower() for w in _JOIN_WORDS)
        )
        ranked = intents.classify(question)
        topic = None if about_self else intents.topic(question)
        if about_self:
            body = self_statements(trial, facts, question)
        elif topic is not None:
            # Cost, payment, travel...: only sentences about the topic itself may answer.
            body = topic_statements(trial, topic)
            if not body:
                return []
        else:
            body = []
            for intent in ranked[:1]:
                body = FIELD_ANSWERS[intent.name](trial)
        if not body:
            body = self._select(question, trial)
        if not body:
            return []
        note = status_note(trial)
        top = ranked[0].name if ranked else None
        if note and top != "status" and note.text not in {s.text for s in body}:
            body = [note, *body]
        return body

    def _select(self, question: str, trial: Trial) -> list[Statement]:
        hits = self._hits(question, trial)
        candidates = select.from_hits(hits) if hits else select.from_trial(trial)
        scored = select.rank(question, candidates)
        floor = threshold("min_sentence_score")
        out = []
        seen: set[str] = set()
        for s in scored[: int(threshold("max_sentences"))]:
            if s.score < floor:
                break
            c = s.candidate
            text = explain(shorten(clean(c.text), int(threshold("max_sentence_words"))), seen)
            cite = citation(trial, Span(start=c.start, end=c.end), c.section)
            cite.chunk_id = c.chunk_id
            out.append(Statement(text=text, citations=[cite], fields=[c.section]))
        return out

    def _across(self, question: str) -> Answer:
        """Cross-trial: name the matching trials, each with its best evidence."""
        try:
            ranked = self.runtime.retriever.search_trials(
                question, k=int(threshold("max_trials")) * 2
            )
        except Exception as exc:
            log.warning("cross-trial search unavailable: %s", exc)
            ranked = []
        statements: list[Statement] = []
        trials: dict[str, Trial] = {}
        wanted = normalize.targets(question)
        ids = [t.trial_id for t in ranked]
        if not wanted and (group := intents.age_group(question)):
            lo, hi = group.min_years, group.max_years
            return self._across_field(question, ids, lambda t: in_age_group(t, lo, hi), "age")
        if not wanted and (asked := _status_only(question)):
            keep = lambda t: t.status is not None and t.status.value in asked  # noqa: E731
            return self._across_field(question, ids, keep, "status")
        pool: list[tuple[Trial, list[select.Candidate]]] = []
        for th in ranked:
            trial = self.runtime.store.get_trial(th.trial_id)
            if trial is None:
                continue
            if wanted:  # a named target: answer from the targets field, exactly
                facts = [f for f in trial.targets if f.value in wanted]
                if {f.value for f in facts} >= set(wanted):
                    spans = [sp for f in facts for sp in f.spans]
                    pool.append((trial, [_candidate(trial, "summary", spans[0])] if spans else []))
                continue
            cands = select.from_hits(th.hits) + select.from_trial(trial) + _field_candidates(trial)
            pool.append((trial, cands))
        # One ranking over every trial's sentences, so word weights are comparable across trials.
        best: dict[str, select.Scored] = {}
        every = [c for _, cands in pool for c in cands]
        for scored in select.rank(question, every) if not wanted else []:
            best.setdefault(scored.candidate.trial_id, scored)
        floor = threshold("min_trial_score")
        for trial, cands in pool:
            if len(trials) >= int(threshold("max_trials")):
                break
            if wanted:
                if not cands:
                    continue
                c = cands[0]
            else:
                hit = best.get(trial.trial_id)
                if hit is None or hit.score < floor:
                    continue
                c = hit.candidate
            cites = citations(trial, _title_spans(trial), "quick_facts")
            cites.append(citation(trial, Span(start=c.start, end=c.end), c.section))
            if wanted:
                text = f"{trial.title} ({trial.trial_id}) targets {', '.join(wanted)}."
            else:
                text = f'{trial.title} ({trial.trial_id}): "{shorten(clean(c.text), 25)}"'
            statements.append(Statement(text=text, citations=cites, fields=["title", c.section]))
            if note := status_note(trial):
                statements.append(note)
            trials[trial.trial_id] = trial
        return self._list_trials(question, statements, trials)

    def _across_field(
        self, question: str, ranked: list[str], keep: Callable[[Trial], bool], field: str
    ) -> Answer:
        """Trials picked by a field, not by words ('young children': age limits that overlap
        0-5 years; 'recruiting': the status), each named with that field's cited sentence."""
        ids = list(dict.fromkeys([*ranked, *self.runtime.store.trial_ids()]))
        statements: list[Statement] = []
        trials: dict[str, Trial] = {}
        for tid in ids:
            trial = self.runtime.store.get_trial(tid)
            if trial is None or len(trials) >= int(threshold("max_trials")) or not keep(trial):
                continue
            said = FIELD_ANSWERS[field](trial)
            if not said:
                continue
            # The name and the field's sentence stay two statements, each checked on its own.
            name = f"{trial.title} ({trial.trial_id})"
            title = citations(trial, _title_spans(trial), "quick_facts")
            statements.append(Statement(text=name, citations=title, fields=["title"]))
            plain = said[0].text.removeprefix("Yes, ")
            statements.append(said[0].model_copy(update={"text": plain[:1].upper() + plain[1:]}))
            if field != "status" and (note := status_note(trial)):
                statements.append(note)
            trials[tid] = trial
        return self._list_trials(question, statements, trials)

    def _list_trials(
        self, question: str, statements: list[Statement], trials: dict[str, Trial]
    ) -> Answer:
        if not statements:
            return ab.abstain(question, [], self.name)
        n = len(trials)
        lead = f"{n} trial{'s' if n > 1 else ''} in the store match{'es' if n == 1 else ''}:"
        answer = Answer(
            question=question,
            answer=lead + " " + join_statements(statements),
            statements=statements,
            citations=merge_citations(statements),
            trials=list(trials),
            engine=self.name,
        )
        checked = finalize_answer(answer, trials)
        if not checked.abstained:
            checked.answer = f"{lead} {checked.answer}"
        return checked

    # ------------------------------------------------------------ summaries
    def summarize(self, trial: Trial) -> LaySummary:
        return build_summary(trial, self.name)

    def draft_fit(self, trial: Trial) -> FitDraft:
        return FitDraft(
            trial_id=trial.trial_id,
            engine=self.name,
            good_fit=good_fit(trial),
            not_fit=not_fit(trial),
        )


_STATUS_STEMS = frozenset(
    select.terms("recruiting recruit withdrawn completed terminated suspended")
)


def _status_only(question: str) -> set[str]:
    """The statuses a question asks about when it asks about nothing else ('Which trials are
    recruiting?'); empty otherwise."""
    asked = set(checker_entities.statuses(question))
    if asked and set(select.terms(question)) <= _STATUS_STEMS | {"yet", "still", "now"}:
        return asked
    return set()


def _title_spans(trial: Trial) -> list[Span]:
    fact = trial.brief_title or trial.official_title
    return list(fact.spans[:1]) if fact else []


def _candidate(trial: Trial, section: str, span: Span) -> select.Candidate:
    text = trial.source.text[span.start : span.end]
    return select.Candidate(trial.trial_id, section, span.start, span.end, text)


def _field_candidates(trial: Trial) -> list[select.Candidate]:
    """Targets, conditions and keywords as candidates, so 'Which trials target CD22?' matches."""
    out = []
    for section, items in (
        ("summary", trial.targets),
        ("conditions", trial.conditions),
        ("conditions", trial.keywords),
    ):
        for item in items:
            for span in item.spans:
                out.append(
                    select.Candidate(
                        trial.trial_id,
                        section,
                        span.start,
                        span.end,
                        trial.source.text[span.start : span.end],
                    )
                )
    return out
