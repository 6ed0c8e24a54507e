"""Retrieve and select: the few source sentences that best cover the question's content words.

Candidates come from the retriever (chunks of the chosen trials) when a store is available, else
from the Trial's own text fields. Each candidate sentence is scored by the idf-weighted share of
the question's content words it contains; the abstain threshold applies to that share.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from summarizer.checker.text import stem_all, synonym_heads
from summarizer.engines.common import citation
from summarizer.engines.extractive.intents import Topic
from summarizer.engines.extractive.plain_words import clean, is_whole, sentence_spans, shorten
from summarizer.engines.extractive.resources import load
from summarizer.models import Hit, Span, Statement, Trial

_STOP = set(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "might",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "about",
        "any",
        "also",
        "much",
        "many",
        "trial",
        "trials",
        "study",
        "studies",
        "patient",
        "patients",
        "people",
        "participant",
        "participants",
        "person",
        "tell",
        "know",
        "does",
        "dont",
        "don't",
        "get",
        "go",
        "want",
        "like",
        "need",
        "join",
        "take",
        "part",
        "please",
        "there's",
        "whats",
        "what's",
        # Words that frame a question rather than say what it is about.
        "each",
        "after",
        "two",
        "three",
        "four",
        "five",
    ]
)


def stem(word: str) -> str:
    """The Snowball stem, the checker's too: 'score' and 'scores' meet, so do 'tracked' and
    'track'."""
    return stem_all([word.lower()])[0]


@cache
def _stop_stems() -> frozenset[str]:
    return frozenset(stem_all(sorted(_STOP)))


def terms(text: str) -> list[str]:
    """Content-word stems, synonyms mapped to one word (the checker's lexicon): 'performance
    status' finds 'ECOG', 'side effects' finds 'adverse events'."""
    words = [
        w.lower()
        for w in re.findall(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*", text)
        if w.lower() not in _STOP and len(w) > 1
    ]
    return [t for t in synonym_heads(stem_all(words)) if t not in _stop_stems()]


@dataclass(frozen=True)
class Candidate:
    trial_id: str
    section: str
    start: int
    end: int
    text: str
    chunk_id: str | None = None


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float


@cache
def _injection_res() -> tuple[re.Pattern[str], ...]:
    """Compiled once: every candidate sentence of every answer is tested against them."""
    return tuple(re.compile(p, re.I) for p in load("thresholds").get("injection_patterns", []))


def looks_like_instruction(text: str) -> bool:
    """Text in a document that addresses the model: kept as data, never selected as an answer."""
    return any(p.search(text) for p in _injection_res())


def from_hits(hits: Sequence[Hit]) -> list[Candidate]:
    out = []
    for hit in hits:
        c = hit.chunk
        for s, e in sentence_spans(c.text, c.start):
            out.append(
                Candidate(c.trial_id, c.section, s, e, c.text[s - c.start : e - c.start], c.id)
            )
    return out


def whole_sentences(hits: Sequence[Hit], trial: Trial) -> list[Candidate]:
    """The retrieved sentences as whole source sentences: a chunk may begin or end mid-sentence,
    so each hit sentence is replaced by the trial's sentence that holds it, and one that lies in
    no text field is kept only when it starts like a sentence and reads as whole."""
    whole = from_trial(trial)
    out: list[Candidate] = []
    for c in from_hits(hits):
        inside = [w for w in whole if w.start < c.end and c.start < w.end]
        if inside:
            out.extend(w if w.chunk_id else _with_chunk(w, c.chunk_id) for w in inside)
        elif (c.text[:1].isupper() or c.text[:1].isdigit()) and is_whole(c.text):
            out.append(c)
    return out


def _with_chunk(c: Candidate, chunk_id: str | None) -> Candidate:
    return Candidate(c.trial_id, c.section, c.start, c.end, c.text, chunk_id)


def _field_pieces(trial: Trial) -> list[tuple[str, list[Span]]]:
    pieces: list[tuple[str, list[Span]]] = []
    for section, fact in (
        ("summary", trial.brief_summary),
        ("description", trial.detailed_description),
    ):
        if fact is not None:
            pieces.append((section, fact.spans))
    for c in trial.criteria:
        pieces.append((c.kind, c.spans))
    for o in trial.outcomes:
        pieces.append(("outcomes", o.spans))
    for i in trial.interventions:
        pieces.append(("interventions", i.spans))
    return pieces


def from_trial(trial: Trial, sections: Sequence[str] | None = None) -> list[Candidate]:
    out = []
    text = trial.source.text
    for section, spans in _field_pieces(trial):
        if sections and section not in sections:
            continue
        for span in spans:
            for s, e in sentence_spans(text[span.start : span.end], span.start):
                out.append(Candidate(trial.trial_id, section, s, e, text[s:e]))
    return out


@dataclass(frozen=True)
class AnswerType:
    """What kind of words answer a question ('how often' -> 'every 3 weeks', 'weekly'): the
    question's cue words are covered by a sentence holding such words, not by the cue itself."""

    name: str
    question: tuple[re.Pattern[str], ...]
    source: tuple[re.Pattern[str], ...]
    weight: float = 1.0
    # The record's prose may say it when a field does not ('given intranasally every other day'
    # for a treatment listed by name only): a field answer lacking it is completed from prose.
    fills: bool = False
    # Only its words answer ('how long does each visit take' is not answered by 'evaluated at
    # the Clinical Center'): an answer holding none of them says the documents do not say.
    required: bool = False
    # A trait of the whole trial ('double blind'): a sentence saying it answers whatever else it
    # names, not only one naming what the question names.
    whole_trial: bool = False
    # Its source patterns run from surest to loosest ('IV', 'by mouth' before 'injection'): an
    # answer holding only a looser one is completed by a sentence holding a surer one.
    ranked: bool = False

    @property
    def term(self) -> str:
        return f"@{self.name}"

    def in_source(self, text: str, surer_than: int | None = None) -> bool:
        return any(p.search(text) for p in self.source[:surer_than])

    def held(self, texts: Sequence[str]) -> int:
        """The index of the surest source pattern any of ``texts`` holds (len: none)."""
        return surest(self.source, texts)


def surest(patterns: Sequence[re.Pattern[str]], texts: Sequence[str]) -> int:
    """The index of the first of ``patterns`` (surest first) that any of ``texts`` holds;
    ``len(patterns)`` when none does."""
    return min(
        (i for i, p in enumerate(patterns) if any(p.search(t) for t in texts)),
        default=len(patterns),
    )


@cache
def _answer_types() -> tuple[AnswerType, ...]:
    return tuple(
        AnswerType(
            t["name"],
            tuple(re.compile(p, re.I) for p in t["question"]),
            tuple(re.compile(p, re.I) for p in t["source"]),
            float(t.get("weight", 1.0)),
            bool(t.get("fills", False)),
            bool(t.get("required", False)),
            bool(t.get("whole_trial", False)),
            bool(t.get("ranked", False)),
        )
        for t in load("intents").get("answer_types", [])
    )


@cache
def _patient_words() -> dict[str, frozenset[str]]:
    """A patient's word -> the stems the documents say it with ('chemo' -> 'chemotherapi')."""
    out: dict[str, frozenset[str]] = {}
    for word, alts in load("intents").get("patient_words", {}).items():
        if word.startswith("_"):
            continue
        for head in terms(word):
            out[head] = out.get(head, frozenset()) | frozenset(t for a in alts for t in terms(a))
    return out


def question_terms(question: str) -> tuple[list[str], list[AnswerType]]:
    """The question's content-word stems with its answer-type cue words swapped for the answer
    type's own term ('how often is the chemo' -> '@frequency', 'chemo'), and the types asked."""
    q_terms = list(dict.fromkeys(terms(question)))
    asked: list[AnswerType] = []
    for kind in _answer_types():
        cues = [m.group(0) for p in kind.question for m in p.finditer(question)]
        if not cues:
            continue
        asked.append(kind)
        drop = {t for c in cues for t in terms(c)}
        q_terms = [t for t in q_terms if t not in drop] + [kind.term]
    return list(dict.fromkeys(q_terms)), asked


def _covers(term: str, doc: set[str]) -> bool:
    """A stem is covered by the same stem, a word it begins (a clipped word: 'chemo' in
    'chemotherapy', 'outcom' in 'outcomes') or a document word for the patient's word."""
    if term in doc:
        return True
    if len(term) >= 4 and not term.startswith("@") and any(_near(term, d) for d in doc):
        return True
    return bool(_patient_words().get(term, frozenset()) & doc)


def _near(term: str, word: str) -> bool:
    """'chemo' begins 'chemotherapi'; 'angiogram' and 'angiographi' share all but their ends."""
    if word.startswith(term):
        return True
    n = next(
        (i for i, (a, b) in enumerate(zip(term, word, strict=False)) if a != b),
        min(len(term), len(word)),
    )
    return n >= 7 and n >= len(term) - 2


def shared_terms(question: str, text: str) -> int:
    """How many of the question's own content words (not its answer-type cues) ``text`` covers:
    'how much mirtazapine' is about the sentence naming mirtazapine, not any dose sentence."""
    q_terms, _ = question_terms(question)
    doc = set(terms(text))
    return sum(1 for t in q_terms if not t.startswith("@") and _covers(t, doc))


def rank(question: str, candidates: Sequence[Candidate]) -> list[Scored]:
    """Candidates by weighted coverage of the question's content words, best first."""
    q_terms, asked = question_terms(question)
    if not q_terms or not candidates:
        return []
    docs = [set(terms(c.text)) | {k.term for k in asked if k.in_source(c.text)} for c in candidates]
    df = Counter(t for d in docs for t in q_terms if _covers(t, d))
    n = len(docs)
    weight = {t: math.log((n + 1) / (df.get(t, 0) + 0.5)) + 1.0 for t in q_terms}
    for kind in asked:  # what the question asks for weighs more than the words around it
        weight[kind.term] *= kind.weight
    total = sum(weight.values())
    seen: set[tuple[str, int, int]] = set()
    scored = []
    for cand, doc in zip(candidates, docs, strict=True):
        key = (cand.trial_id, cand.start, cand.end)
        if key in seen or looks_like_instruction(cand.text):
            continue
        seen.add(key)
        covered = sum(weight[t] for t in q_terms if _covers(t, doc))
        if covered:
            scored.append(Scored(cand, round(covered / total, 4)))
    return sorted(scored, key=lambda s: (-s.score, s.candidate.start))


def topic_statements(trial: Trial, topic: Topic, limit: int = 2) -> list[Statement]:
    """Source sentences about a seldom-documented topic (cost, payment...), quoted and cited;
    none when the documents never mention it, so the engine says so instead of guessing."""
    text = trial.source.text
    out: list[Statement] = []
    for s, e in sentence_spans(text):
        piece = text[s:e]
        if topic.in_source(piece) and not looks_like_instruction(piece):
            quote = shorten(clean(piece), 40)
            out.append(
                Statement(
                    text=f'The documents say: "{quote}"',
                    citations=[citation(trial, Span(start=s, end=e), "other")],
                    fields=["other"],
                )
            )
        if len(out) >= limit:
            break
    return out


def answer_words(question: str, text: str) -> int:
    """How many words of ``text`` reach the end of its last answer to the question's answer
    types ('when do they take samples': '... at 12 weeks'); 0 when it holds none."""
    _, asked = question_terms(question)
    end = max((m.end() for k in asked for p in k.source for m in p.finditer(text)), default=0)
    return len(text[:end].split())
