"""Which kind of question is this? Patterns and keywords live in prompts/intents.json."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from summarizer.engines.extractive.resources import load


@dataclass(frozen=True)
class IntentRule:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    keywords: dict[str, float]


@dataclass(frozen=True)
class Intent:
    name: str
    score: float


def _compile(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@cache
def _rules() -> tuple[IntentRule, ...]:
    data = load("intents")
    return tuple(
        IntentRule(r["name"], _compile(r.get("patterns", [])), dict(r.get("keywords", {})))
        for r in data["intents"]
    )


@cache
def _cues(key: str) -> tuple[re.Pattern[str], ...]:
    data = load("intents")
    value = data[key]
    return _compile(value["patterns"] if isinstance(value, dict) else value)


def normalize(question: str) -> str:
    return " ".join(question.replace("’", "'").split())


def is_declined(question: str) -> bool:
    """Medical advice about the asker's own care, diagnoses, promises of cure: out of scope."""
    q = normalize(question)
    return any(p.search(q) for p in _cues("decline"))


def is_about_self(question: str) -> bool:
    q = normalize(question)
    return any(p.search(q) for p in _cues("self_cues"))


def classify(question: str) -> list[Intent]:
    """Intents scoring at least ``min_score``, best first (ties keep the file's order)."""
    q = normalize(question)
    words = re.findall(r"[a-z0-9]+", q.lower())
    out: list[Intent] = []
    for rule in _rules():
        score = 1.0 if any(p.search(q) for p in rule.patterns) else 0.0
        score += sum(rule.keywords.get(w, 0.0) for w in set(words))
        if score >= float(load("intents")["min_score"]):
            out.append(Intent(rule.name, round(score, 3)))
    return sorted(out, key=lambda i: -i.score)


@dataclass(frozen=True)
class Topic:
    """Something patients ask that trial documents seldom hold (cost, payment, travel...)."""

    name: str
    question: tuple[re.Pattern[str], ...]
    source: tuple[re.Pattern[str], ...]

    def in_source(self, text: str) -> bool:
        return any(p.search(text) for p in self.source)


@cache
def _topics() -> tuple[Topic, ...]:
    return tuple(
        Topic(t["name"], _compile(t["question"]), _compile(t["source"]))
        for t in load("intents").get("topics", [])
    )


def topic(question: str) -> Topic | None:
    """The seldom-documented topic a question asks about, if any (first in file order)."""
    q = normalize(question)
    return next((t for t in _topics() if any(p.search(q) for p in t.question)), None)


@dataclass(frozen=True)
class AgeGroup:
    words: str
    min_years: float
    max_years: float


def age_group(question: str) -> AgeGroup | None:
    """The age range a group word names ('young children': 0-5 years), first match in file order."""
    q = normalize(question)
    for g in load("intents").get("age_groups", []):
        if m := re.search(g["words"], q, re.IGNORECASE):
            return AgeGroup(m.group(0), float(g["min"]), float(g["max"]))
    return None
