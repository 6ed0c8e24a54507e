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
from summarizer.engines.extractive.plain_words import clean, sentence_spans, shorten
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


def _injection_res() -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in load("thresholds").get("injection_patterns", [])]


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


def rank(question: str, candidates: Sequence[Candidate]) -> list[Scored]:
    """Candidates by weighted coverage of the question's content words, best first."""
    q_terms = list(dict.fromkeys(terms(question)))
    if not q_terms or not candidates:
        return []
    docs = [set(terms(c.text)) for c in candidates]
    df = Counter(t for d in docs for t in d)
    n = len(docs)
    weight = {t: math.log((n + 1) / (df.get(t, 0) + 0.5)) + 1.0 for t in q_terms}
    total = sum(weight.values())
    seen: set[tuple[str, int, int]] = set()
    scored = []
    for cand, doc in zip(candidates, docs, strict=True):
        key = (cand.trial_id, cand.start, cand.end)
        if key in seen or looks_like_instruction(cand.text):
            continue
        seen.add(key)
        covered = sum(weight[t] for t in q_terms if t in doc)
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
