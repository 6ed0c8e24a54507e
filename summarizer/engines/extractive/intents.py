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
    closed: bool = False  # answered from its field only, else "the record does not say"
    about_trial: bool = False  # about the trial even when asked in the first person
    # Record sentences that hold the intent's fact in prose, when the field does not.
    source: tuple[re.Pattern[str], ...] = ()


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
        IntentRule(
            r["name"],
            _compile(r.get("patterns", [])),
            dict(r.get("keywords", {})),
            bool(r.get("closed", False)),
            bool(r.get("about_trial", False)),
            _compile(r.get("source", [])),
        )
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


# A statement in the first person ('I quit smoking 2 years ago', 'My cancer has spread'): about
# the asker even without a cue verb; the engine still needs a fact the asker gave.
_FIRST_PERSON = re.compile(
    r"^(?:and |but |so |well,? )?(?:i|my)\b(?!\s+(?:question|query)\b)", re.I
)


def is_about_self(question: str) -> bool:
    q = normalize(question)
    if any(p.search(q) for p in _cues("self_cues")):
        return True
    return any(_FIRST_PERSON.match(s.strip()) for s in re.split(r"[.!?;]\s+", q))


def is_first_person_statement(question: str) -> bool:
    """'I've been on the same dose of risperidone for 6 months.': no question asked, every
    sentence about the asker. Words that name a trial field ('dose', 'blind') do not make it a
    question about the trial."""
    q = normalize(question).strip()
    if not q or "?" in q:
        return False
    parts = [s.strip() for s in re.split(r"[.!;]\s+", q) if s.strip()]
    return bool(parts) and all(_FIRST_PERSON.match(s) for s in parts)


@cache
def vocabulary() -> frozenset[str]:
    """The words intents are recognized by: literal words of the intent and topic patterns, the
    keywords, and the file's extra ``typo_tolerance.vocabulary``."""
    data = load("intents")
    texts: list[str] = []
    for rule in data["intents"]:
        texts += rule.get("patterns", []) + list(rule.get("keywords", {}))
    for t in data.get("topics", []):
        texts += t["question"]
    texts += data.get("typo_tolerance", {}).get("vocabulary", [])
    # Strip regex escapes (\b, \w) before taking the words.
    return frozenset(w for t in texts for w in re.findall(r"[a-z]+", re.sub(r"\\[a-zA-Z]", " ", t)))


@cache
def _known_words() -> frozenset[str]:
    """Common English words (textstat's Dale-Chall list): never taken for a misspelling."""
    from importlib import resources

    try:
        text = (resources.files("textstat") / "resources" / "en" / "easy_words.txt").read_text(
            encoding="utf-8"
        )
    except (FileNotFoundError, ModuleNotFoundError):  # an optional guard, not a dependency
        return frozenset()
    return frozenset(text.split())


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one dropped, added or changed letter, or two neighbours
    swapped (the typos people make when typing fast)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@cache
def corrected_word(word: str) -> str:
    """``word``, or the one intent word it is a single typo of ('phsae' -> 'phase'). Only for
    words not in the vocabulary nor common English, and only towards vocabulary words of at
    least ``min_vocab_letters`` letters, so short words are never bent into intent words."""
    cfg = load("intents").get("typo_tolerance", {})
    vocab = vocabulary()
    low = word.lower()
    if (
        len(low) < int(cfg.get("min_word_letters", 4))
        or low in vocab
        or low in _known_words()
        or low in cfg.get("unapostrophed", ())  # 'theyre' is "they're", not 'there'
        or not low.isalpha()
        or low.removesuffix("s") in vocab  # a plural is not a typo ('groups', 'sites')
        or f"{low}s" in vocab
    ):
        return word
    least = int(cfg.get("min_vocab_letters", 5))
    near = sorted(v for v in vocab if len(v) >= least and _one_edit(low, v))
    return near[0] if len(near) == 1 else word


def corrected(question: str) -> str:
    """The question with single-letter typos of intent words fixed, for routing only (the
    question itself, as asked, is what retrieval and the answer see)."""
    return re.sub(r"[A-Za-z]+", lambda m: corrected_word(m.group(0)), question)


def classify(question: str) -> list[Intent]:
    """Intents scoring at least ``min_score``, best first (ties keep the file's order).
    Misspelt intent words count as spelt right (``corrected``)."""
    q = normalize(corrected(question))
    words = re.findall(r"[a-z0-9]+", q.lower())
    out: list[Intent] = []
    for rule in _rules():
        score = 1.0 if any(p.search(q) for p in rule.patterns) else 0.0
        score += sum(rule.keywords.get(w, 0.0) for w in set(words))
        if score >= float(load("intents")["min_score"]):
            out.append(Intent(rule.name, round(score, 3)))
    return sorted(out, key=lambda i: -i.score)


def is_closed(name: str) -> bool:
    """Whether only the intent's own field may answer (no sentence picked by words)."""
    return any(r.closed for r in _rules() if r.name == name)


def source(name: str) -> tuple[re.Pattern[str], ...]:
    """The patterns of record sentences that hold the intent's fact in prose ('A total of 18-24
    patients will be accrued' for enrollment); empty when the field is the only source."""
    return next((r.source for r in _rules() if r.name == name), ())


def is_about_trial(name: str) -> bool:
    """Whether the intent asks about the trial itself, whoever the question names."""
    return any(r.about_trial for r in _rules() if r.name == name)


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
    q = normalize(corrected(question))
    return next((t for t in _topics() if any(p.search(q) for p in t.question)), None)


def region_countries(question: str) -> frozenset[str]:
    """The countries of the regions a question names ('anywhere in Europe'), lower case."""
    q = normalize(question)
    return frozenset(
        c.lower()
        for name, countries in load("intents").get("regions", {}).items()
        if not name.startswith("_") and re.search(rf"\b{re.escape(name)}\b", q, re.I)
        for c in countries
    )


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


@dataclass(frozen=True)
class Kind:
    """A kind of thing a question asks for ('what drug'), the record's intervention types that
    are that kind, and the words the documents name it with."""

    name: str
    question: tuple[re.Pattern[str], ...]
    types: frozenset[str]
    source: tuple[re.Pattern[str], ...]

    def in_source(self, text: str) -> bool:
        return any(p.search(text) for p in self.source)

    def has_type(self, type_: str | None) -> bool:
        """'Drug', 'DRUG' and 'DIETARY_SUPPLEMENT' are read as the same words as the data's."""
        return bool(type_) and " ".join(str(type_).replace("_", " ").lower().split()) in self.types


@cache
def _kinds() -> dict[str, tuple[Kind, ...]]:
    return {
        r["name"]: tuple(
            Kind(
                k["name"],
                _compile(k["question"]),
                frozenset(t.lower() for t in k["types"]),
                _compile(k["source"]),
            )
            for k in r.get("kinds", [])
        )
        for r in load("intents")["intents"]
    }


def asked_kinds(name: str, question: str) -> list[Kind]:
    """The kinds of thing the question asks the intent ``name`` for ('what drug': drug)."""
    q = normalize(corrected(question))
    return [k for k in _kinds().get(name, ()) if any(p.search(q) for p in k.question)]


@dataclass(frozen=True)
class Gap:
    """A part of a question the record may lack ('which drugs and doses'): said to be missing
    when its field gives nothing and no answer sentence holds its source words."""

    name: str
    field: str
    source: tuple[re.Pattern[str], ...]
    say: str

    def in_source(self, text: str) -> bool:
        return any(p.search(text) for p in self.source)


@cache
def _gaps() -> tuple[tuple[tuple[re.Pattern[str], ...], Gap], ...]:
    return tuple(
        (_compile(g["question"]), Gap(g["name"], g["field"], _compile(g["source"]), g["say"]))
        for g in load("intents").get("gaps", [])
    )


def gaps(question: str) -> list[Gap]:
    """The parts the question asks for that the record may lack, in file order."""
    q = normalize(corrected(question))
    return [gap for patterns, gap in _gaps() if any(p.search(q) for p in patterns)]


def date_kinds(question: str) -> frozenset[str] | None:
    """The record dates a date question asks for ('when did it begin': the start), from the
    file's ``date_parts``; None when it names no part (every date answers)."""
    q = normalize(corrected(question))
    found = [
        part
        for part in load("intents").get("date_parts", [])
        if any(re.search(p, q, re.IGNORECASE) for p in part["question"])
    ]
    return frozenset(k for part in found for k in part["kinds"]) if found else None


def results_parts(question: str) -> frozenset[str]:
    """The posted results a results question asks for, from the file's ``results_parts``
    ('what side effects did people have': events; 'how many finished': flow); a question
    naming none asks for the outcome results ('did it work?')."""
    q = normalize(corrected(question))
    found = frozenset(
        part["part"]
        for part in load("intents").get("results_parts", [])
        if any(re.search(p, q, re.IGNORECASE) for p in part["question"])
    )
    return found or frozenset({"outcomes"})


def asked_place(question: str) -> str | None:
    """The place a sites question names at its end ('is it in boston?': 'boston'), the way it
    was written; None when it names none (``asked_place`` in the file: pattern, not_places)."""
    data = load("intents").get("asked_place", {})
    m = re.search(data.get("pattern", r"(?!)"), normalize(question), re.IGNORECASE)
    if m is None:
        return None
    place = m.group("place").strip(" .'")
    low = re.sub(r"^the\s+", "", place.lower())
    skip = {w.lower() for w in data.get("not_places", [])}
    return None if place.lower() in skip or low in skip else place


def place_names(place: str) -> frozenset[str]:
    """The names a place goes by in the registry: itself without 'the', and the country a short
    form stands for ('us' -> 'united states'), lower case."""
    data = load("intents").get("asked_place", {})
    short = data.get("abbreviations", {})
    low = re.sub(r"^the\s+", "", " ".join(place.lower().split()))
    low = " ".join(short.get(w.rstrip("."), w) for w in low.split())
    aliases = data.get("aliases", {})
    return frozenset(
        {
            low,
            *(
                country
                for country, forms in aliases.items()
                if low in forms or place.lower() in forms
            ),
        }
    )
