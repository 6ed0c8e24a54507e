"""The offline extractive generator: route by intent, answer from fields, else retrieve and
select, else abstain. Deterministic; every sentence is cited to the exact source words.

It drafts only; ``summarizer.verify`` checks what it drafts. Its dependencies come in by
construction: something that reads trials and, optionally, a retriever.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from prompts.layout import layout
from summarizer import normalize
from summarizer.checker import entities as checker_entities
from summarizer.checker.text import negations
from summarizer.engines.common import citation, citations, status_note
from summarizer.engines.extractive import abstain as ab
from summarizer.engines.extractive import intents, select
from summarizer.engines.extractive.eligibility import in_age_group, self_statements
from summarizer.engines.extractive.field_answers import (
    FIELD_ANSWERS,
    dates,
    names_place,
    posted_results,
    sites_in,
)
from summarizer.engines.extractive.plain_words import clean, explain, shorten
from summarizer.engines.extractive.resources import threshold
from summarizer.engines.extractive.select import topic_statements
from summarizer.engines.extractive.self_facts import extract
from summarizer.models import (
    FRAMING,
    NOT_CLAIMS,
    DraftAnswer,
    DraftFit,
    DraftSummary,
    Hit,
    Span,
    Statement,
    Trial,
    TrialHit,
    not_a_claim,
)

if TYPE_CHECKING:
    from summarizer.engines.extractive import across

# Imported where used (``across``, ``fit``, ``summary``): a question about one trial needs none of
# them, and they cost a cold ``trialsum ask --trial`` ~0.1 s to import.

log = logging.getLogger(__name__)
_JOIN_WORDS = ("join", "eligible", "qualify", "take part", "participate", "enroll", "accepted")


class TrialReader(Protocol):
    """What a generator reads trials through (a store, or a dict in tests)."""

    def get_trial(self, trial_id: str) -> Trial | None: ...

    def trial_ids(self) -> list[str]: ...


class Retriever(Protocol):
    def search(
        self,
        query: str,
        *,
        k: int = ...,
        trial_ids: Sequence[str] | None = ...,
        sections: Sequence[str] | None = ...,
    ) -> list[Hit]: ...

    def search_trials(self, query: str, *, k: int = ...) -> list[TrialHit]: ...


def about(trial: Trial, statements: Sequence[Statement]) -> list[Statement]:
    """The statements, each marked as a claim about ``trial`` (non-claims left as they are)."""
    return [
        s
        if s.trial_id or any(k in s.fields for k in NOT_CLAIMS)
        else s.model_copy(update={"trial_id": trial.trial_id})
        for s in statements
    ]


class ExtractiveEngine:
    name = "extractive"
    rewrites = False  # sentences are the source's own words: unsupported ones are flagged

    def __init__(self, trials: TrialReader, retriever: Retriever | None = None) -> None:
        self.trials = trials
        self.retriever = retriever

    @classmethod
    def build(cls, *, store: TrialReader, retriever: Retriever | None, settings: object = None):
        """The registry's way in (``engines.factory``); settings are not needed offline."""
        return cls(store, retriever)

    @property
    def fingerprint(self) -> str:
        return self.name

    def _hits(self, question: str, trial: Trial, sections: Sequence[str] | None = None):
        if self.retriever is None:
            return None
        try:
            return self.retriever.search(
                question, k=8, trial_ids=[trial.trial_id], sections=sections
            )
        except Exception as exc:  # the store is optional for one-trial answers
            log.info("retriever unavailable (%s); selecting from the trial record", exc)
            return None

    # ------------------------------------------------------------ answers
    def draft_answer(self, question: str, trials: Sequence[Trial] | None = None) -> DraftAnswer:
        """Sentences about the given trials, or across the store when none are given."""
        if intents.is_declined(question):
            return ab.decline(question)
        if not trials:
            return self._across(question)
        trials = list(trials)
        if len(trials) > 1:
            from summarizer.engines.extractive import across

            if across.is_selection(question):
                # 'Which of these are recruiting?': pick among the chosen trials by their fields.
                picked = self._pick(question, trials, len(trials))
                if picked is not None:
                    return picked
        statements: list[Statement] = []
        for trial in trials:
            body = about(trial, self._answer_one(question, trial))
            if len(trials) > 1:
                body = [s.model_copy(update={"subject": trial.title}) for s in body]
            statements.extend(body)
        if not statements:
            if _asks_to_join(question) and (closed := ab.closed_answer(question, trials)):
                return closed
            return ab.abstain(question, trials)
        return DraftAnswer(
            question=question,
            statements=statements,
            trials=[t.trial_id for t in trials],
            fallback=ab.abstain_statements(trials),
        )

    def _answer_one(self, question: str, trial: Trial) -> list[Statement]:
        facts = extract(question)
        ranked = intents.classify(question)
        # 'Could I get a placebo?' asks about the trial's arms, not about the asker.
        trial_field = (
            bool(ranked)
            and ranked[0].score >= 1
            and intents.is_about_trial(ranked[0].name)
            and not intents.is_first_person_statement(question)
        )
        joining = any(w in question.lower() for w in _JOIN_WORDS)
        # 'How many nights would my daughter stay?' names someone but asks about a topic.
        topic = None if joining else intents.topic(question)
        about_self = (
            topic is None
            and not facts.empty
            and not trial_field
            and (intents.is_about_self(question) or joining)
        )
        if about_self:
            body = self_statements(trial, facts, question)
        elif topic is not None:
            # Cost, payment, travel...: only sentences about the topic itself may answer; a
            # results question is answered first from the results the record posts.
            body = []
            if topic.name == "results":
                body = posted_results(trial, intents.results_parts(question))
            body = body or topic_statements(trial, topic)
            if not body:
                return []
        else:
            body = []
            for intent in ranked[:1]:
                body = FIELD_ANSWERS[intent.name](trial)
                if intent.name == "dates" and (parts := intents.date_kinds(question)):
                    body = dates(trial, parts)  # 'When did it start?': the start date only
                if intent.name == "locations" and (places := _places(question, trial)):
                    body = sites_in(trial, places)  # 'Is there a site in Munich?
                elif intent.name == "locations" and body and (place := _unlisted(question, trial)):
                    # 'Is it in Boston?' where no site is: say so before the sites it lists.
                    body = [not_a_claim(layout().say("no_site_in", place=place), FRAMING), *body]
                if intent.name == "doses":
                    # 'What doses of indacaterol?': the sentences naming what was asked first.
                    body = sorted(body, key=lambda st: -select.shared_terms(question, st.text))
                # 'How many people?' with no enrollment field: 'A total of 18-24 patients will
                # be accrued' answers; 'Could I get a placebo?' on groups that do not name it:
                # 'either placebo or fludarabine will be added' answers, before the field.
                body = [*_prose_statements(question, trial, intent.name, body), *body]
                if not body and intents.is_closed(intent.name):
                    return []  # the record lacks the field: say so, never guess from words
                if body and (kinds := _missing_kinds(trial, intent.name, question)):
                    # 'What drug is used for the stress test?' on a trial that lists only a
                    # procedure: the record's sentences that name a drug answer it.
                    body = [*body, *_kind_statements(question, trial, kinds, body)]
        if body and topic is None and not about_self:
            # 'Is IM862 a shot or a pill?' answered by 'The trial gives drug: IM862': the
            # sentence saying how it is given answers too.
            body = [*body, *_typed_statements(question, trial, body)]
        if not body:
            # Sentences picked by words; the one saying what is asked ('how often ... checked':
            # 'followed every 3 months') first when none of them says it.
            picked = self._select(question, trial)
            body = [*_typed_statements(question, trial, picked), *picked]
        if not body or (topic is None and not about_self and _lacks_asked(question, body)):
            return []
        if not about_self and topic is None:
            body = [*body, *_gap_statements(question, trial, body)]
        note = status_note(trial)
        top = ranked[0].name if ranked else None
        if note and top != "status" and note.text not in {s.text for s in body}:
            body = [note, *body]
        return body

    def _select(self, question: str, trial: Trial) -> list[Statement]:
        hits = self._hits(question, trial)
        candidates = select.whole_sentences(hits, trial) if hits else select.from_trial(trial)
        scored = select.rank(question, candidates)
        if _names_treatment(trial, question):
            # 'How many weeks do you take the naltrexone?': a sentence holding only the answer
            # type ('1 day' in a criterion) and nothing the question names does not answer it.
            scored = [s for s in scored if select.shared_terms(question, s.candidate.text)]
        floor = threshold("min_sentence_score")
        out: list[Statement] = []
        seen: set[str] = set()
        said: set[str] = set()
        for s in scored:
            if s.score < floor or len(out) >= int(threshold("max_sentences")):
                break
            words = clean(s.candidate.text)
            if words in said:  # the same sentence in the summary and the description: once
                continue
            said.add(words)
            out.append(_quote(question, trial, s.candidate, seen))
        return out

    def _search_trials(self, question: str, k: int) -> list[TrialHit]:
        if self.retriever is None:
            return []
        try:
            return self.retriever.search_trials(question, k=k)
        except Exception as exc:
            log.warning("cross-trial search unavailable: %s", exc)
            return []

    def _across(self, question: str) -> DraftAnswer:
        """Cross-trial: name the matching trials, each with its best evidence."""
        ranked = self._search_trials(question, int(threshold("max_trials")) * 2)
        statements: list[Statement] = []
        trials: dict[str, Trial] = {}
        wanted = normalize.targets(question)
        ids = [t.trial_id for t in ranked]
        picked = self._pick_in_store(question, ids) if not wanted else None
        if picked is not None:
            return picked
        if not wanted and (group := intents.age_group(question)):
            lo, hi = group.min_years, group.max_years
            return self._across_field(question, ids, lambda t: in_age_group(t, lo, hi), "age")
        if not wanted and (asked := _status_only(question)):
            keep = lambda t: t.status is not None and t.status.value in asked  # noqa: E731
            return self._across_field(question, ids, keep, "status")
        pool: list[tuple[Trial, list[select.Candidate]]] = []
        for th in ranked:
            trial = self.trials.get_trial(th.trial_id)
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
            name = f"{trial.title} ({trial.trial_id})"
            if wanted:
                text = f"{name} targets {', '.join(wanted)}."
            else:
                text = f'{name}: "{shorten(clean(c.text), 25)}"'
            said = Statement(text=text, citations=cites, fields=["title", c.section])
            named = [said] + ([note] if (note := status_note(trial)) else [])
            statements.extend(_subject(trial, name, named))
            trials[trial.trial_id] = trial
        return self._list_trials(question, statements, trials)

    def _pick_in_store(self, question: str, ranked: list[str]) -> DraftAnswer | None:
        """A selection across the store: the ranked trials, and every stored trial when the
        question filters by fields alone (status, people), since words do not rank those."""
        from summarizer.engines.extractive import across

        if not across.is_selection(question):
            return None
        top = [t for tid in ranked if (t := self.trials.get_trial(tid)) is not None]
        sel = across.parse(question, top)
        if sel.empty or not (
            sel.statuses or sel.populations or sel.ages or sel.places or sel.results
        ):
            return None  # a condition alone: the word ranking below answers it
        if sel.places or sel.concepts or sel.condition_words:
            return self._pick(question, top, None, sel)
        rest = (self.trials.get_trial(tid) for tid in self.trials.trial_ids() if tid not in ranked)
        return self._pick(question, [*top, *(t for t in rest if t is not None)], None, sel)

    def _pick(
        self,
        question: str,
        trials: Sequence[Trial],
        scope: int | None,
        sel: across.Selection | None = None,
    ) -> DraftAnswer | None:
        """Trials kept by what the question filters on, each named with its status and a cited
        sentence per filter; ``scope`` is how many trials were chosen (None: the store)."""
        from summarizer.engines.extractive import across

        sel = sel or across.parse(question, trials)
        if sel.empty:
            return None
        cap = scope or int(threshold("max_trials"))
        statements: list[Statement] = []
        picked: dict[str, Trial] = {}
        for trial in trials:
            if len(picked) >= cap:
                break
            said = across.evidence(trial, sel)
            if said is None:
                continue
            name = f"{trial.title} ({trial.trial_id})"
            title = citations(trial, _title_spans(trial), "quick_facts")
            group = [Statement(text=name, citations=title, fields=["title"])]
            if status := across.status_statement(trial):
                group.append(status)
            statements.extend(_subject(trial, name, [*group, *said]))
            picked[trial.trial_id] = trial
        if not picked:
            return DraftAnswer(
                question=question,
                lead=[not_a_claim(across.none_said(scope), FRAMING)],
                trials=[t.trial_id for t in trials] if scope else [],
            )
        return self._list_trials(question, statements, picked)

    def _across_field(
        self, question: str, ranked: list[str], keep: Callable[[Trial], bool], field: str
    ) -> DraftAnswer:
        """Trials picked by a field, not by words ('young children': age limits that overlap
        0-5 years; 'recruiting': the status), each named with that field's cited sentence."""
        ids = list(dict.fromkeys([*ranked, *self.trials.trial_ids()]))
        statements: list[Statement] = []
        trials: dict[str, Trial] = {}
        for tid in ids:
            trial = self.trials.get_trial(tid)
            if trial is None or len(trials) >= int(threshold("max_trials")) or not keep(trial):
                continue
            said = FIELD_ANSWERS[field](trial)
            if not said:
                continue
            # The name and the field's sentence stay two statements, each checked on its own;
            # both carry the trial as their subject, so the field's sentence is never orphaned.
            name = f"{trial.title} ({trial.trial_id})"
            title = citations(trial, _title_spans(trial), "quick_facts")
            plain = said[0].text.removeprefix("Yes, ")
            group = [
                Statement(text=name, citations=title, fields=["title"]),
                said[0].model_copy(update={"text": plain[:1].upper() + plain[1:]}),
            ]
            if field != "status" and (note := status_note(trial)):
                group.append(note)
            statements.extend(_subject(trial, name, group))
            trials[tid] = trial
        return self._list_trials(question, statements, trials)

    def _list_trials(
        self, question: str, statements: list[Statement], trials: dict[str, Trial]
    ) -> DraftAnswer:
        if not statements:
            return ab.abstain(question, [])
        lead = layout().say("trials_match", n=len(trials))
        return DraftAnswer(
            question=question,
            statements=statements,
            trials=list(trials),
            lead=[not_a_claim(lead, FRAMING)],
        )

    # ------------------------------------------------------------ summaries
    def draft_summary(self, trial: Trial) -> DraftSummary:
        from summarizer.engines.extractive.summary import summarize as build_summary

        draft = build_summary(trial)
        for section in draft.sections:
            section.statements = about(trial, section.statements)
        return draft

    def draft_fit(self, trial: Trial) -> DraftFit:
        from summarizer.engines.extractive.fit import good_fit, not_fit

        return DraftFit(
            trial_id=trial.trial_id,
            good_fit=about(trial, good_fit(trial)),
            not_fit=about(trial, not_fit(trial)),
        )


def _subject(trial: Trial, name: str, statements: list[Statement]) -> list[Statement]:
    """Statements of one trial in a cross-trial answer: each about it, each naming it."""
    return [s.model_copy(update={"trial_id": trial.trial_id, "subject": name}) for s in statements]


_STATUS_STEMS = frozenset(
    select.terms("recruiting recruit withdrawn completed terminated suspended")
)


def _places(question: str, trial: Trial) -> list[str]:
    """The places the question names that the trial's sites name ('Is there a site in Munich?'),
    else the trial's countries in a region it names ('anywhere in Europe')."""
    from summarizer.engines.extractive import across

    if places := across.parse(question, [trial]).places:
        return list(places)
    region = intents.region_countries(question)
    return list(
        dict.fromkeys(c for loc in trial.locations if (c := loc.country) and c.lower() in region)
    )


def _unlisted(question: str, trial: Trial) -> str | None:
    """The place the question names ('any site in Massachusetts?') when none of the trial's
    sites is there, else None. A region ('anywhere in Europe') is there when a site's country
    is one of its countries."""
    place = intents.asked_place(question)
    if place is None:
        return None
    region = intents.region_countries(place)
    if region:
        there = any((loc.country or "").lower() in region for loc in trial.locations)
    else:
        there = names_place(trial, intents.place_names(place))
    return None if there else place


def _lacks_asked(question: str, body: list[Statement]) -> bool:
    """Whether the question asks for an answer type only its own words answer ('how long',
    'how often', 'how much') and no sentence of ``body`` holds any of them."""
    _, asked = select.question_terms(question)
    required = [k for k in asked if k.required]
    return bool(required) and not any(k.in_source(s.text) for k in required for s in body)


def _status_only(question: str) -> set[str]:
    """The statuses a question asks about when it asks about nothing else ('Which trials are
    recruiting?'); empty otherwise."""
    asked = set(checker_entities.statuses(question))
    if asked and set(select.terms(question)) <= _STATUS_STEMS | {"yet", "still", "now"}:
        return asked
    return set()


def _asks_to_join(question: str) -> bool:
    """'Can I still take part?', 'Is it recruiting?': the trial's status is the best-ranked
    reading, so the status answers it. Not 'How much does it cost to join?' or 'Why was it
    terminated?', whose answer the status is not."""
    names = [i.name for i in intents.classify(question)]
    return bool(names) and names[0] == "status"


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


def _quote(
    question: str,
    trial: Trial,
    c: select.Candidate,
    seen: set[str],
    need: re.Pattern[str] | None = None,
) -> Statement:
    """A source sentence as an answer sentence, cited to its span. A long one is shortened,
    unless the whole sentence is not too long and the cut would drop what the question asks for
    ('when': 'at 12 weeks') or a negation ('... without needle sticks'), which would change what
    the kept words say: then it is kept whole. ``need``: the words that made the sentence the
    answer ('75, 150, 300 & 600 µg'), kept the same way."""
    words = clean(c.text)
    reach = _reach(question, words, need)
    start, end = c.start, c.end
    most = int(threshold("max_sentence_words"))
    short = shorten(words, most)
    if short != words and len(words.split()) <= int(threshold("max_answer_sentence_words")):
        kept = short.removesuffix(" ...")
        dropped = words[len(kept) :]
        if reach > len(kept.split()) or negations(dropped):
            short = words
    elif short != words and reach > most and (window := _answer_window(question, c.text, need)):
        # Too long to keep whole, and the answer ('over a four-week period') lies past the cut:
        # quote the clauses that end with it instead of the sentence's head.
        start, end = c.start + window[0], c.start + window[1]
        piece = clean(c.text[window[0] : window[1]])
        clause = window[0] == 0 or re.search(r"[,;:]\s*$", c.text[: window[0]])
        short = piece[:1].upper() + piece[1:] if clause else f"... {piece}"
    text = explain(short, seen)
    cite = citation(trial, Span(start=start, end=end), c.section)
    cite = cite.model_copy(update={"chunk_id": c.chunk_id})
    return Statement(text=text, citations=[cite], fields=[c.section])


_KIND_SECTIONS = ("summary", "description", "interventions")


def _prose_candidates(trial: Trial, body: list[Statement]) -> list[select.Candidate]:
    """The record's prose sentences (summary, description, treatments; never criteria, which
    name what they exclude) that ``body`` does not already cite and that are no instruction."""
    cited = {(c.start, c.end) for s in body for c in s.citations}
    return [
        c
        for c in select.from_trial(trial, _KIND_SECTIONS)
        if (c.start, c.end) not in cited and not select.looks_like_instruction(c.text)
    ]


_CLAUSE_RE = re.compile(r"[,;:]\s+")


def _reach(question: str, text: str, need: re.Pattern[str] | None) -> int:
    """How many words of ``text`` reach the end of its last answer to the question (its answer
    types, and ``need``'s words)."""
    ends = [m.end() for m in need.finditer(text)] if need else []
    return max(select.answer_words(question, text), len(text[: max(ends, default=0)].split()))


def _answer_window(
    question: str, text: str, need: re.Pattern[str] | None = None
) -> tuple[int, int] | None:
    """The clauses of a long sentence that end with its last answer to the question ('how long':
    '... over a four-week period'), at most ``max_sentence_words`` words, as offsets in ``text``;
    None when no clause boundary leaves them short enough."""
    _, asked = select.question_terms(question)
    ends = [m.end() for k in asked for p in k.source for m in p.finditer(text)]
    ends += [m.end() for m in need.finditer(text)] if need else []
    if not ends:
        return None
    stop = max(ends)
    close = re.search(r"[,;.](?=\s|$)", text[stop:])  # not the point of '-0.29' or '2.5'
    stop = stop + close.start() + 1 if close else len(text)
    most = int(threshold("max_sentence_words"))
    starts = [m.end() for m in _CLAUSE_RE.finditer(text[:stop])]
    for at in starts:  # the earliest clause start that keeps the window short enough
        if len(text[at:stop].split()) <= most:
            return at, stop
    # No clause is short enough: the last words up to the answer, from a word's start.
    words = list(re.finditer(r"\S+", text[:stop]))
    return (words[-most].start(), stop) if len(words) > most else None


def _missing_kinds(trial: Trial, intent: str, question: str) -> list[intents.Kind]:
    """The kinds the question asks for ('what drug') that none of the trial's treatments is."""
    return [
        k
        for k in intents.asked_kinds(intent, question)
        if not any(k.has_type(i.type) for i in trial.interventions)
    ]


def _kind_statements(
    question: str, trial: Trial, kinds: list[intents.Kind], body: list[Statement]
) -> list[Statement]:
    """The best of the record's sentences (summary, description, treatments; never criteria,
    which name drugs to exclude) that names an asked kind; none when no sentence does."""
    cands = [c for c in _prose_candidates(trial, body) if any(k.in_source(c.text) for k in kinds)]
    ranked = [s.candidate for s in select.rank(question, cands)] or cands
    seen = {s.text for s in body}
    return [_quote(question, trial, c, seen) for c in ranked[:1]]


def _prose_statements(
    question: str, trial: Trial, intent: str, body: list[Statement]
) -> list[Statement]:
    """The best record sentence (summary, description, treatments; never criteria) that holds
    the intent's fact in prose, when none of the field's sentences holds it as surely; none
    otherwise."""
    patterns = intents.source(intent)
    # An earlier pattern is the surer sign of the fact: a field sentence holding only a later
    # one ('a single dose inhaler') still lets prose holding an earlier one ('75 µg') answer.
    # Only the field sentences about what the question names count ('doses of indacaterol':
    # not the formoterol sentence), when some are.
    about = [s for s in body if select.shared_terms(question, s.text)] or body
    held = select.surest(patterns, [s.text for s in about])
    if not held:
        return []
    pool = _prose_candidates(trial, body)
    for pattern in patterns[:held]:
        if cands := [c for c in pool if pattern.search(c.text)]:
            ranked = [s.candidate for s in select.rank(question, cands)] or cands
            return [_quote(question, trial, ranked[0], {s.text for s in body}, pattern)]
    return []


def _names_treatment(trial: Trial, text: str) -> bool:
    """Whether ``text`` names one of the trial's treatments ('cisplatin IV over 30 minutes' is
    about 'the drugs')."""
    low = text.lower()
    words = set(re.findall(r"[a-z0-9]+", low))
    return any(
        (len(name) >= 4 and name in low)
        # 'technetium Tc 99m epratuzumab' is named by 'technetium Tc 99m LL2 antibody'
        or (len(head := name.split()[0]) >= 6 and head in words)
        for i in trial.interventions
        if (name := i.name.lower().strip()) and "placebo" not in name
    )


def _typed_statements(question: str, trial: Trial, body: list[Statement]) -> list[Statement]:
    """What the question asks for (how it is given, how often, how long: an answer type that
    ``fills``) when no sentence of ``body`` says it: the best record sentence (summary,
    description, treatments; never criteria) that says it and names something the question
    names ('IM862 ... given intranasally'); none when no sentence does both."""
    q_terms, asked = select.question_terms(question)
    said = [s.text for s in body]
    held = {k.name: k.held(said) for k in asked}
    # 'following antibody injection' does not say how it is given as surely as 'by IV injection'.
    missing = [
        k
        for k in asked
        if k.fills and (held[k.name] == len(k.source) or (k.ranked and held[k.name]))
    ]
    if not missing:
        return []
    # 'is it a pill?' names nothing else; 'do the doctors know which one I get' asks a trait of
    # the whole trial ('double blind'), whatever the sentence saying it names.
    named = any(not t.startswith("@") for t in q_terms) and not all(k.whole_trial for k in missing)
    pool = [
        c
        for c in _prose_candidates(trial, body)
        if not named or select.shared_terms(question, c.text) or _names_treatment(trial, c.text)
    ]
    seen = {s.text for s in body}
    # One sentence saying all that is missing, else the best sentence for each part ('given by
    # IV? how long does each infusion take').
    for group in [missing, *([[k] for k in missing] if len(missing) > 1 else [])]:
        # A sentence holding a ranked kind's surest words ('by IV injection') before one holding
        # only looser ones ('following antibody injection').
        for strict in (True, False):
            cands = [
                c
                for c in pool
                if all(
                    k.in_source(c.text, 1 if strict and k.ranked else held[k.name]) for k in group
                )
            ]
            if cands:
                break
        if ranked := [x.candidate for x in select.rank(question, cands)]:
            if group is missing:
                return [_quote(question, trial, ranked[0], seen)]
            picked = _quote(question, trial, ranked[0], seen)
            if all(picked.text != b.text for b in body):
                body = [*body, picked]
    return [b for b in body if b.text not in seen]


def _gap_statements(question: str, trial: Trial, body: list[Statement]) -> list[Statement]:
    """Each part the question asks for beyond its best reading ('which drugs and doses'): its
    field's sentences when the record has them, else that the documents do not give it, so a
    part is never left silently unanswered. A part the answer already holds adds nothing."""
    out: list[Statement] = []
    said = {s.text for s in body}
    for gap in intents.gaps(question):
        if any(gap.in_source(s.text) for s in [*body, *out]):
            continue
        if field := FIELD_ANSWERS[gap.field](trial):
            out.extend(s for s in field if s.text not in said)
        else:
            out.append(not_a_claim(gap.say, FRAMING))
    return out
